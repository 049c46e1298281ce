"""Staff pages of ingest: hand over a package, follow it through the pipeline, read its report.

/quan-tri/nop-luu/ lists transfers and takes uploads; the detail page polls its own ``#status``
partial every second while the worker runs, and stops once the transfer is finished.
"""

from __future__ import annotations

import importlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header

from luutru.ingest.actions import submit_package
from luutru.ingest.forms import TransferForm
from luutru.ingest.models import TransferState
from luutru.ingest.pipeline import STEP_LABELS
from luutru.ingest.services import (
    ADD_TRANSFER,
    VIEW_TRANSFER,
    get_transfer_for_user,
    group_report,
    transfers_visible_to,
)
from luutru.lib.forms import run_action
from luutru.lib.htmx import HtmxHttpRequest, render_page
from luutru.organizations.services import agencies_in_scope

PAGE_SIZE = 25
# Documents listed on a transfer's page; the rest are reached through their dossiers.
DOCUMENT_LIMIT = 100
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
            request.POST if posted else None, request.FILES if posted else None, agencies=scope
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
            messages.success(request, f"Đã nhận gói “{transfer.package_name}”; đang xử lý.")
            return redirect("ingest:transfer-detail", pk=transfer.pk)
    transfers = (
        transfers_visible_to(request.user, scope)
        .select_related("agency", "submitted_by")
        .defer("errors", "warnings", "stored_digests")  # a report can be megabytes
        .order_by("-created_at")
    )
    page = Paginator(transfers, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render_page(
        request, "ingest/transfer_list.html", {"page": page, "form": form}, partial="results"
    )


@login_required
@permission_required(VIEW_TRANSFER, raise_exception=True)
def transfer_detail(request: HtmxHttpRequest, pk: uuid.UUID) -> HttpResponse:
    transfer = get_transfer_for_user(request.user, pk)
    running = transfer.state in {TransferState.RECEIVED, TransferState.RUNNING}
    context: dict[str, Any] = {
        "transfer": transfer,
        "running": running,
        "step_label": STEP_LABELS.get(transfer.step, ""),
    }
    if not running:
        context["report"] = group_report(transfer.errors, transfer.warnings)
        if transfer.state == TransferState.ACCEPTED:
            context["dossiers"] = transfer.dossiers.order_by("code")
            loose = transfer.documents.filter(dossier__isnull=True).order_by("pk")
            context["loose_documents"] = loose[:DOCUMENT_LIMIT]
    return render_page(request, "ingest/transfer_detail.html", context, partial="status")


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
    """Download one output of an accepted transfer; built on request, never stored."""
    transfer = get_transfer_for_user(request.user, pk)
    if transfer.state != TransferState.ACCEPTED:
        raise Http404("Chỉ lần nộp lưu đã được tiếp nhận mới có mục lục và biên bản.")
    spec = OUTPUTS[output]
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
