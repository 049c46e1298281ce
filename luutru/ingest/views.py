"""Staff pages of ingest: hand over a package, follow it through the pipeline, read its report,
and — for the archive — accept it into the holdings or return it.

/quan-tri/nop-luu/ lists transfers and takes uploads; the detail page polls its own ``#status``
partial every second while the worker runs, and stops once the transfer is finished.
/quan-tri/nop-luu/cho-tiep-nhan/ is the archive's queue of received transfers with their due
dates; a received transfer's page shows its inventory, report and files with the two decisions.
"""

from __future__ import annotations

import importlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luutru.ingest.actions import accept_transfer, return_transfer, submit_package
from luutru.ingest.blanks import BLANKS, blank_xlsx
from luutru.ingest.forms import ReturnForm, TransferForm
from luutru.ingest.models import Transfer, TransferState, review_days
from luutru.ingest.pipeline import STEP_LABELS
from luutru.ingest.services import (
    ACCEPT_TRANSFER,
    ADD_TRANSFER,
    VIEW_TRANSFER,
    awaiting_acceptance,
    get_transfer_for_user,
    group_report,
    may_decide,
    transfers_visible_to,
)
from luutru.lib.forms import run_action
from luutru.lib.htmx import HtmxHttpRequest, render_page
from luutru.organizations.services import agencies_in_scope
from luutru.records.models import DocumentFile

PAGE_SIZE = 25
# Documents listed on a transfer's page; the rest are reached through their dossiers.
DOCUMENT_LIMIT = 100
# Files listed on a received or accepted transfer's page; the workbook inventory has them all.
FILE_LIMIT = 200
# States whose records exist (received or held) and can be listed on the transfer's page.
WITH_RECORDS = frozenset({TransferState.RECEIVED, TransferState.ACCEPTED})
# Above this, the PDF inventory lists dossiers only (a 5,000-document list takes a minute).
PDF_DOCUMENT_LIMIT = 1500


@login_required
@permission_required(VIEW_TRANSFER, raise_exception=True)
def transfer_list(request: HtmxHttpRequest) -> HttpResponse:
    can_add = request.user.has_perm(ADD_TRANSFER)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    scope = agencies_in_scope(request.user)
    form = None
    if can_add:
        posted = request.method == "POST"
        form = TransferForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            agencies=scope,
            user=request.user,
        )
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        transfer = run_action(
            form,
            lambda: submit_package(
                data["package"], agency=data["agency"], dry_run=data["dry_run"], actor=request.user
            ),
        )
        if transfer is not None:
            # No "đang xử lý" here: the page shows progress while, and only while, it runs.
            received = (
                _("Đã nhận gói “%(package_name)s” để kiểm tra.")
                if transfer.dry_run
                else _("Đã nhận gói “%(package_name)s” để nộp lưu.")
            )
            messages.success(request, received % {"package_name": transfer.package_name})
            return redirect("ingest:transfer-detail", pk=transfer.pk)
    transfers = (
        transfers_visible_to(request.user, scope)
        .select_related("agency", "submitted_by")
        .defer("errors", "warnings", "stored_digests")  # a report can be megabytes
        .order_by("-created_at")
    )
    page = Paginator(transfers, PAGE_SIZE).get_page(request.GET.get("trang"))
    waiting = None
    if request.user.has_perm(ACCEPT_TRANSFER):
        waiting = awaiting_acceptance(request.user, scope).count()
    return render_page(
        request,
        "ingest/transfer_list.html",
        {"page": page, "form": form, "waiting": waiting},
        partial="results",
    )


@login_required
@permission_required(ACCEPT_TRANSFER, raise_exception=True)
def transfer_queue(request: HtmxHttpRequest) -> HttpResponse:
    """The archive's queue (hàng chờ tiếp nhận): received transfers, oldest first, each with the
    day the archive must decide by (``TRANSFER_REVIEW_DAYS``) and whether it is overdue."""
    transfers = (
        awaiting_acceptance(request.user)
        .select_related("agency", "submitted_by")
        .defer("errors", "warnings", "stored_digests")
    )
    page = Paginator(transfers, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render_page(
        request,
        "ingest/transfer_queue.html",
        {"page": page, "review_days": review_days()},
        partial="results",
    )


@login_required
@permission_required(VIEW_TRANSFER, raise_exception=True)
def transfer_detail(request: HtmxHttpRequest, pk: uuid.UUID) -> HttpResponse:
    transfer = get_transfer_for_user(request.user, pk)
    return _detail(request, transfer)


def _detail(
    request: HtmxHttpRequest, transfer: Transfer, return_form: ReturnForm | None = None
) -> HttpResponse:
    running = transfer.state in {TransferState.QUEUED, TransferState.RUNNING}
    context: dict[str, Any] = {
        "transfer": transfer,
        "running": running,
        "step_label": STEP_LABELS.get(transfer.step, ""),
    }
    if not running:
        context["report"] = group_report(transfer.errors, transfer.warnings)
        if transfer.state in WITH_RECORDS:
            context["dossiers"] = transfer.dossiers.order_by("code")
            loose = transfer.documents.filter(dossier__isnull=True).order_by("pk")
            context["loose_documents"] = loose[:DOCUMENT_LIMIT]
            context["files"] = (
                DocumentFile.objects.filter(document__transfers=transfer)
                .select_related("stored", "document")
                .order_by("document__dossier_id", "document__ordinal", "document_id", "pk")
            )[:FILE_LIMIT]
        if transfer.state == TransferState.RECEIVED and may_decide(request.user, transfer):
            context["return_form"] = return_form or ReturnForm()
    return render_page(request, "ingest/transfer_detail.html", context, partial="status")


@login_required
@permission_required(ACCEPT_TRANSFER, raise_exception=True)
@require_POST
def transfer_accept(request: HtmxHttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Tiếp nhận: the received transfer's records enter the holdings; the handover is issued."""
    transfer = get_transfer_for_user(request.user, pk)
    try:
        transfer = accept_transfer(transfer, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Đã tiếp nhận vào kho %(dossier_count)s hồ sơ, %(document_count)s tài liệu; "
                "biên bản giao nhận đã sẵn sàng để in."
            )
            % {"dossier_count": transfer.dossier_count, "document_count": transfer.document_count},
        )
    return redirect("ingest:transfer-detail", pk=transfer.pk)


@login_required
@permission_required(ACCEPT_TRANSFER, raise_exception=True)
@require_POST
def transfer_return(request: HtmxHttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Trả lại: the transfer goes back to its agency with the reason; its records are removed."""
    transfer = get_transfer_for_user(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            transfer = return_transfer(transfer, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã trả lại lần nộp lưu cho cơ quan nộp lưu."))
        return redirect("ingest:transfer-detail", pk=transfer.pk)
    response = _detail(request, transfer, return_form=form)
    response.status_code = 400
    return response


@login_required
@permission_required(ADD_TRANSFER, raise_exception=True)
def transfer_blank(request: HttpRequest, role: str) -> HttpResponse:
    """A blank form (mẫu) of ho_so.xlsx or tai_lieu.xlsx, with instructions and drop-downs."""
    if role not in BLANKS:
        raise Http404("Không có mẫu này.")
    response = HttpResponse(blank_xlsx(role), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, BLANKS[role].filename)
    return response


# ---------------------------------------------------------------------------------------------
# Outputs: the inventory (mục lục hồ sơ) and the handover record (biên bản giao nhận)


@dataclass(frozen=True)
class Output:
    builder: str  # function name in luutru.ingest.outputs: (Transfer) -> bytes
    title: str
    extension: str
    content_type: str


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OUTPUTS = {
    "inventory_pdf": Output("inventory_pdf", "Mục lục hồ sơ", "pdf", PDF),
    "inventory_xlsx": Output("inventory_xlsx", "Mục lục hồ sơ", "xlsx", XLSX),
    "handover_pdf": Output("handover_pdf", "Biên bản giao nhận tài liệu", "pdf", PDF),
    "handover_xlsx": Output("handover_xlsx", "Biên bản giao nhận tài liệu", "xlsx", XLSX),
}


@login_required
@permission_required(VIEW_TRANSFER, raise_exception=True)
def transfer_output(request: HttpRequest, pk: uuid.UUID, output: str) -> HttpResponse:
    """Download one output of a transfer; built on request, never stored.

    The inventory exists once the records do (received, so the archivist can check it, or
    accepted); the handover record only once the archive has accepted the transfer.
    """
    transfer = get_transfer_for_user(request.user, pk)
    spec = OUTPUTS[output]
    if spec.builder.startswith("inventory") and transfer.state not in WITH_RECORDS:
        raise Http404("Lần nộp lưu không có hồ sơ, tài liệu nào nên không có mục lục.")
    if spec.builder.startswith("handover") and transfer.state != TransferState.ACCEPTED:
        raise Http404("Chỉ lần nộp lưu đã được tiếp nhận vào kho mới có biên bản giao nhận.")
    # Imported here: the builders (WeasyPrint, openpyxl) are heavy and only these views use them.
    outputs = importlib.import_module("luutru.ingest.outputs")
    if spec.builder == "inventory_pdf" and transfer.document_count > PDF_DOCUMENT_LIMIT:
        # WeasyPrint renders ~5 dense pages/s: list the dossiers only; the Excel has everything.
        data: bytes = outputs.inventory_pdf(transfer, documents=False)
    else:
        data = getattr(outputs, spec.builder)(transfer)
    day = timezone.localtime(transfer.created_at).strftime("%d-%m-%Y")
    filename = f"{spec.title} {transfer.agency.code} {day}.{spec.extension}"
    response = HttpResponse(data, content_type=spec.content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
