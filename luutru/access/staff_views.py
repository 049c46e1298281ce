"""Staff pages of use (/quan-tri/khai-thac/…): accounts and requests with their legal time
limits, decisions, and the reading-room statistics."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luutru.access import actions, policy, services
from luutru.access.forms import RejectForm
from luutru.access.models import Grant, LogAction, Status, UseLog
from luutru.accounts.models import Reader, User
from luutru.records.models import Document, Dossier

View = Callable[..., HttpResponse]


def handler_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.can_handle(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@handler_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Pending accounts and requests, soonest deadline first, overdue ones flagged."""
    today = timezone.localdate()
    pending = [
        (r, services.deadline(r.due_on, today))
        for r in services.requests_for_staff(request.user)
        .pending()
        .select_related("reader")
        .order_by("due_on", "pk")
    ]
    readers = [
        (r, services.deadline(services.account_due(r.registered_at or timezone.now()), today))
        for r in services.pending_readers().order_by("registered_at")
    ]
    recent = (
        services.requests_for_staff(request.user)
        .exclude(status__in=[Status.SUBMITTED, Status.REVIEW])
        .select_related("reader")
        .order_by("-decided_at")[:30]
    )
    return render(
        request,
        "access/staff_dashboard.html",
        {
            "pending": pending,
            "readers": readers,
            "recent": recent,
            "overdue": sum(d.overdue for _k, d in pending) + sum(d.overdue for _k, d in readers),
        },
    )


@handler_required
def reader_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reader = Reader.objects.select_related("user", "approved_by").filter(pk=pk).first()
    if reader is None:
        raise Http404("Không tìm thấy độc giả.")
    due = services.account_due(reader.registered_at) if reader.registered_at else None
    return render(
        request,
        "access/staff_reader.html",
        {
            "profile": reader,
            "deadline": services.deadline(due) if due and not reader.approved_at else None,
            "requests": reader.user.access_requests.order_by("-submitted_at")[:50],
        },
    )


@handler_required
@require_POST
def reader_approve(request: HttpRequest, pk: int) -> HttpResponse:
    reader = Reader.objects.filter(pk=pk).first()
    if reader is None:
        raise Http404("Không tìm thấy độc giả.")
    actions.approve_reader(reader, actor=request.user)
    messages.success(
        request, _("Đã duyệt tài khoản độc giả %(name)s.") % {"name": reader.user.get_full_name()}
    )
    return redirect("access:staff-reader", pk=reader.pk)


@handler_required
@require_POST
def reader_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    """Refuse an account with the reason the reader is told."""
    reader = Reader.objects.filter(pk=pk).first()
    if reader is None:
        raise Http404("Không tìm thấy độc giả.")
    try:
        actions.refuse_reader(reader, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã từ chối tài khoản độc giả %(name)s.") % {"name": reader.user.get_full_name()},
        )
    return redirect("access:staff-reader", pk=reader.pk)


def refused_items(request: HttpRequest, found: Any) -> dict[int, str]:
    """The items the decision form marks "không cung cấp" (``refuse`` = item ids), each with
    its ``reason-<id>``."""
    wanted = {int(v) for v in request.POST.getlist("refuse") if v.isdigit()}
    ids = set(found.items.values_list("pk", flat=True))
    return {pk: request.POST.get(f"reason-{pk}", "") for pk in wanted & ids}


@handler_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = services.get_request_for_staff(request.user, pk)
    items = list(found.items.select_related("document__dossier", "dossier"))
    return render(
        request,
        "access/staff_request.html",
        {
            "req": found,
            "items": items,
            "deadline": services.deadline(found.due_on)
            if found.status in (Status.SUBMITTED, Status.REVIEW)
            else None,
            "problems": services.decision_problems(request.user, found),
            "reject_form": RejectForm(),
            "deliveries": found.deliveries.all(),
            "grants": found.grants.all(),
        },
    )


@handler_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """One POST endpoint for the buttons: review, approve (and deliver), reject, close."""
    found = services.get_request_for_staff(request.user, pk)
    decision = request.POST.get("decision", "")
    try:
        if decision == "review":
            actions.start_review(found, actor=request.user)
            messages.success(request, _("Đã tiếp nhận phiếu để xem xét."))
        elif decision == "approve":
            refused = refused_items(request, found)
            actions.approve_request(found, actor=request.user, refused=refused)
            actions.deliver(found, actor=request.user)
            messages.success(
                request,
                _("Đã duyệt phiếu và cung cấp cho độc giả (không cung cấp %(count)s mục).")
                % {"count": len(refused)}
                if refused
                else _("Đã duyệt phiếu và cung cấp cho độc giả."),
            )
        elif decision == "deliver":
            actions.deliver(found, actor=request.user)
            messages.success(request, _("Đã cung cấp cho độc giả."))
        elif decision == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Hãy ghi lý do từ chối để báo cho độc giả."))
            actions.reject_request(found, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Đã từ chối phiếu yêu cầu."))
        elif decision == "close":
            actions.close_request(found, actor=request.user)
            messages.success(request, _("Đã kết thúc phiếu yêu cầu."))
        else:
            messages.error(request, _("Thao tác không hợp lệ."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("access:staff-request", pk=found.pk)


def _period(request: HttpRequest) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET.get("tu", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = datetime.date.fromisoformat(request.GET.get("den", ""))
    except ValueError:
        end = today
    return start, max(start, end)


@handler_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Reading-room statistics (thống kê khai thác) by reader, item, agency, for a period."""
    start, end = _period(request)
    caller = policy.scope(request.user)
    logs = UseLog.objects.filter(at__date__gte=start, at__date__lte=end)
    if caller.agency_ids is not None:
        logs = logs.filter(agency_id_at__in=caller.agency_ids)
    by_action = dict(logs.values_list("action").annotate(n=Count("pk")).order_by())
    by_reader = (
        logs.filter(user__isnull=False)
        .values("user__username", "user__full_name")
        .annotate(n=Count("pk"), pages=Count("pk", filter=Q(action=LogAction.PAGE)))
        .order_by("-n")[:50]
    )
    by_item = (
        logs.filter(document__isnull=False)
        .values("document__pk", "document__archival_code", "document__summary")
        .annotate(n=Count("pk"))
        .order_by("-n")[:50]
    )
    by_agency = (
        logs.filter(document__isnull=False)
        .values("document__agency__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:50]
    )
    requests = services.requests_for_staff(request.user).filter(
        submitted_at__date__gte=start, submitted_at__date__lte=end
    )
    by_status = dict(requests.values_list("status").annotate(n=Count("pk")).order_by())
    return render(
        request,
        "access/staff_statistics.html",
        {
            "start": start,
            "end": end,
            "by_action": [(LogAction(a).label, n) for a, n in by_action.items()],
            "by_reader": by_reader,
            "by_item": by_item,
            "by_agency": by_agency,
            "by_status": [(Status(s).label, n) for s, n in by_status.items()],
            "request_count": requests.count(),
        },
    )


def _secret_record(code: str) -> Document | Dossier | None:
    """The Mật dossier with this code, else the Mật document with this archival code or
    identifier (grants are only for Mật records: the rest needs none)."""
    dossier = Dossier.objects.filter(code=code, access_regime=policy.SECRET).first()
    if dossier is not None:
        return dossier
    return (
        Document.objects.filter(Q(archival_code=code) | Q(identifier=code))
        .filter(Q(access_regime=policy.SECRET) | Q(dossier__access_regime=policy.SECRET))
        .first()
    )


def grant_manager_required(view: View) -> View:
    """Administrators only (``access.add_grant``): they manage grants without holding one."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("access.add_grant"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@grant_manager_required
def secret_grants(request: HttpRequest) -> HttpResponse:
    """Quyền đọc tài liệu Mật: administrators grant a staff member one Mật record for a period
    and a reason, and revoke it. Managing grants needs no grant; reading does."""
    error = ""
    if request.method == "POST":
        user = User.objects.filter(username=request.POST.get("username", "").strip()).first()
        target = _secret_record(request.POST.get("code", "").strip())
        until = parse_date(request.POST.get("until", "") or "")
        if user is None:
            error = _("Không có tài khoản này.")
        elif target is None:
            error = _("Không có hồ sơ hoặc tài liệu Mật nào mang mã này.")
        elif until is None:
            error = _("Ngày hết hạn không hợp lệ.")
        else:
            end = timezone.make_aware(datetime.datetime.combine(until, datetime.time(23, 59)))
            try:
                actions.grant_staff_access(
                    user,
                    target,
                    uses=request.POST.getlist("uses"),
                    until=end,
                    reason=request.POST.get("reason", ""),
                    actor=request.user,
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request, _("Đã cấp quyền cho “%(username)s”.") % {"username": user.username}
                )
                return redirect("access:staff-secret-grants")
    grants = (
        Grant.objects.in_force()
        .filter(request__isnull=True)
        .exclude(reason="")
        .select_related("user", "document", "dossier", "granted_by")
        .order_by("valid_until")
    )
    return render(
        request,
        "access/staff_secret_grants.html",
        {"grants": grants, "error": error, "form": request.POST},
        status=400 if error else 200,
    )


@grant_manager_required
@require_POST
def secret_grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = Grant.objects.filter(pk=pk, request__isnull=True).first()
    if grant is None:
        raise Http404
    actions.revoke_grant(grant, actor=request.user)
    messages.success(request, _("Đã thu hồi quyền."))
    return redirect("access:staff-secret-grants")
