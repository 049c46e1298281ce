"""Readers' pages (/doc-gia/…): registration, requests, the reading copy viewer and copies.

Every refusal about a record, request or delivery is the same Vietnamese 404, whether the thing
does not exist, belongs to someone else or has expired: nothing tells a caller which ids or
tokens exist. Reading-copy pages and images are served ``no-store`` and never name the
original file; there is no URL of the original on this side at all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from luutru.access import actions, policy, reading_room, services
from luutru.access.copies import CopyError, pages_of, reading_page
from luutru.access.forms import ReaderRegistrationForm, RequestForm, TrackForm
from luutru.access.models import (
    AccessRequest,
    DeliveryForm,
    FeeCategory,
    LogAction,
    Purpose,
    UseLog,
)
from luutru.accounts.models import Reader
from luutru.lib import ratelimit
from luutru.lib.forms import run_action
from luutru.lib.pages import PageError

View = Callable[..., HttpResponseBase]
R = TypeVar("R", bound=HttpResponseBase)
MAX_PAGES = 500  # pages of one document shown in the viewer


def reader_required(view: View) -> View:
    """Signed in and holding a reader profile; staff without one get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not hasattr(request.user, "reader"):
            raise PermissionDenied("Trang này dành cho độc giả.")
        return view(request, *args, **kwargs)

    return wrapped


def _no_store(response: R) -> R:
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex"
    return response


def register(request: HttpRequest) -> HttpResponse:
    """Đăng ký độc giả: identity details; the account waits for staff (01 working day)."""
    form = ReaderRegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reader = run_action(form, lambda: actions.register_reader(**form.cleaned_data))
        if reader is not None:
            login(request, reader.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Đã gửi đăng ký. Cơ quan lưu trữ duyệt tài khoản trong 01 ngày làm việc."),
            )
            return redirect("access:reader-home")
    return render(request, "access/register.html", {"form": form})


@reader_required
def home(request: HttpRequest) -> HttpResponse:
    reader: Reader = request.user.reader  # type: ignore[union-attr]
    requests = (
        AccessRequest.objects.of_reader(request.user)
        .prefetch_related("items", "deliveries")
        .order_by("-submitted_at")
    )
    return render(
        request,
        "access/reader_home.html",
        {
            "profile": reader,
            "requests": requests,
            "why_not": services.why_cannot_submit(reader),
        },
    )


@reader_required
def history(request: HttpRequest) -> HttpResponse:
    """The reader's own log: what they read and received, when."""
    entries = (
        UseLog.objects.filter(user_id=request.user.pk or 0)
        .select_related("document", "dossier", "request")
        .order_by("-at")[:200]
    )
    return render(request, "access/history.html", {"entries": entries})


@reader_required
def request_new(request: HttpRequest) -> HttpResponse:
    reader: Reader = request.user.reader  # type: ignore[union-attr]
    initial = {
        "codes": request.GET.get("ma", "")[:100],
        "purpose": Purpose.PERSONAL,
        "fee_category": FeeCategory.STANDARD,
        "form": DeliveryForm.READING,
        "days": services.MAX_DAYS,
    }
    form = RequestForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        made = run_action(
            form,
            lambda: actions.submit_request(request.user, **form.cleaned_data),  # type: ignore[arg-type]
        )
        if made is not None:
            messages.success(
                request,
                _("Đã gửi phiếu yêu cầu số %(number)s. Hạn trả lời: %(due_on)s.")
                % {"number": made.number, "due_on": f"{made.due_on:%d/%m/%Y}"},
            )
            return redirect("access:request-detail", pk=made.pk)
    return render(
        request,
        "access/request_form.html",
        {"form": form, "why_not": services.why_cannot_submit(reader), "info": reading_room.info()},
    )


@reader_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = services.get_request_for_reader(request.user, pk)
    items = list(found.items.select_related("document", "dossier"))
    # The reader sees the records' titles only where the policy lets them list them.
    visible_docs = set(
        policy.documents(request.user)
        .filter(pk__in=[i.document_id for i in items if i.document_id])
        .values_list("pk", flat=True)
    )
    visible_dossiers = set(
        policy.dossiers(request.user)
        .filter(pk__in=[i.dossier_id for i in items if i.dossier_id])
        .values_list("pk", flat=True)
    )
    rows = []
    for item in items:
        title = ""
        if item.document_id in visible_docs and item.document is not None:
            title = item.document.summary
        elif item.dossier_id in visible_dossiers and item.dossier is not None:
            title = item.dossier.title
        rows.append((item, title))
    deliveries = [d for d in found.deliveries.all() if d.purged_at is None]
    return render(
        request,
        "access/request_detail.html",
        {"req": found, "rows": rows, "deliveries": deliveries, "now": timezone.now()},
    )


@never_cache
@ratelimit.per_ip("request-track", "REQUEST_TRACK_PER_MINUTE", methods=frozenset({"POST"}))
def track(request: HttpRequest) -> HttpResponse:
    """Tra cứu phiếu: the state of a request, for whoever gives its number and the e-mail
    address of the reader who sent it (the same answer for a wrong number or a wrong address).
    Only the state, its dates and the decision's reasons are shown: no codes, no titles."""
    form = TrackForm(request.POST if request.method == "POST" else None)
    found = None
    searched = request.method == "POST" and form.is_valid()
    if searched:
        found = services.track(form.cleaned_data["number"], form.cleaned_data["email"])
    owner = found is not None and found.reader_id == request.user.pk
    return _no_store(
        render(
            request,
            "access/track.html",
            {"form": form, "found": found, "searched": searched, "owner": owner},
            status=200,
        )
    )


@reader_required
@never_cache
def reading_copy(request: HttpRequest, token: str) -> HttpResponse:
    """Bản đọc: the pages of every granted document as watermarked images, nothing else."""
    delivery = services.get_delivery(request.user, token)
    if delivery.form != DeliveryForm.READING:
        raise Http404(services.DELIVERY_GONE)
    documents = [
        d
        for d in services.documents_of(delivery.request)
        if policy.can(request.user, policy.Use.READ, d)
    ]
    shown = []
    for document in documents:
        data = services.original_bytes(document)
        try:
            count = min(pages_of(data), MAX_PAGES) if data is not None else 0
        except (PageError, CopyError):
            count = 0
        shown.append((document, range(1, count + 1)))
        actions.log_use(request.user, LogAction.VIEW, document=document, request=delivery.request)
    return _no_store(
        render(
            request,
            "access/reading_copy.html",
            {"delivery": delivery, "documents": shown, "req": delivery.request},
        )
    )


@reader_required
@never_cache
def reading_page_image(request: HttpRequest, token: str, document: int, page: int) -> HttpResponse:
    delivery = services.get_delivery(request.user, token)
    if delivery.form != DeliveryForm.READING:
        raise Http404(services.DELIVERY_GONE)
    found = next((d for d in services.documents_of(delivery.request) if d.pk == document), None)
    if found is None or not policy.can(request.user, policy.Use.READ, found):
        raise Http404(services.DELIVERY_GONE)
    data = services.original_bytes(found)
    if data is None:
        raise Http404(services.DELIVERY_GONE)
    try:
        image = reading_page(
            data,
            page - 1,
            agency=services.serving_agency_name(found),
            reader=request.user.get_full_name(),  # type: ignore[union-attr]
            at=timezone.now(),
        )
    except (PageError, CopyError) as exc:
        raise Http404(services.DELIVERY_GONE) from exc
    actions.log_use(
        request.user, LogAction.PAGE, document=found, request=delivery.request, detail=f"{page}"
    )
    response = HttpResponse(image, content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    return _no_store(response)


@reader_required
@never_cache
def copy_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """Bản sao / bản sao có xác thực: the file, for the granted period (≤ 15 days)."""
    delivery = services.get_delivery(request.user, token)
    if delivery.form == DeliveryForm.READING or not delivery.file_name:
        raise Http404(services.DELIVERY_GONE)
    path = actions.delivery_path(delivery)
    if not path.exists():
        raise Http404(services.DELIVERY_GONE)
    # The grant is still asked: a revoked grant stops the download even before expiry.
    documents = services.documents_of(delivery.request)
    if not any(policy.can(request.user, policy.Use.COPY, d) for d in documents):
        raise Http404(services.DELIVERY_GONE)
    actions.log_use(
        request.user, LogAction.COPY, request=delivery.request, detail=delivery.file_name
    )
    return _no_store(
        FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=delivery.file_name,
            content_type="application/zip"
            if delivery.file_name.endswith(".zip")
            else "application/pdf",
        )
    )


@reader_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = services.get_request_for_reader(request.user, pk)
    try:
        actions.close_request(found, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("access:request-detail", pk=found.pk)
