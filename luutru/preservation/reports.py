"""The TT 05/2025 Phụ lục VII records, as PDF, from what actually happened.

* Biên bản kiểm tra — one fixity audit (``FixityRun``) and the problems it found.
* Nhật ký sao lưu — every backup and restore (``BackupRecord``), in order.
* Biên bản sao lưu — one backup.
* Biên bản xử lý sự cố và phục hồi — one incident, its cause and what was done.

Rendered by ``luutru.lib.printing`` from templates under ``templates/preservation/forms/``
with the same print style, official heading and signatures as the ingest records
(``ingest/outputs.py``). They are legal forms, so always in Vietnamese.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from luutru.lib import printing
from luutru.lib.printing import Heading, Signer
from luutru.organizations.models import Archive
from luutru.preservation.models import BackupRecord, FixityRun, Incident, PremisEvent
from luutru.records.models import DocumentFile

VIEW = "preservation.view_preservation"
BLANK = "…………………"  # the place, for the signer to write in
SIGNERS = (
    Signer(("NGƯỜI THỰC HIỆN",), hint="(Ký, ghi rõ họ tên)"),
    Signer(("THỦ TRƯỞNG ĐƠN VỊ",), hint="(Ký, ghi rõ họ tên, đóng dấu)"),
)


def _form_pdf(template: str, context: dict[str, Any]) -> bytes:
    """A record of the archive (the first ``Archive``), dated today, with its two signatures."""
    archive = Archive.objects.select_related("agency__parent").order_by("pk").first()
    organisation = archive.agency.name if archive else "Lưu trữ số"
    parent = archive.agency.parent.name if archive and archive.agency.parent else ""
    now = timezone.localtime()
    heading = Heading((organisation,), parent, place=BLANK, day=now.date())
    return printing.render_pdf(
        template,
        {
            "heading": heading,
            "signers": SIGNERS,
            "organisation": organisation,
            "now": now,
            **context,
        },
    )


def size_text(value: int | None) -> str:
    size = float(value or 0)
    for unit in ("byte", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "byte" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size} TB"


def check_record_pdf(run: FixityRun) -> bytes:
    incidents = list(run.incidents.select_related("stored_file").order_by("opened_at", "pk"))
    return _form_pdf(
        "preservation/forms/check_record.html",
        {
            "run": run,
            "incidents": incidents,
            "bytes": size_text(run.bytes_checked),
        },
    )


def backup_log_pdf() -> bytes:
    rows = list(BackupRecord.objects.order_by("started_at", "pk"))
    return _form_pdf(
        "preservation/forms/backup_log.html",
        {
            "rows": [(row, size_text(row.bytes)) for row in rows],
        },
    )


def backup_record_pdf(row: BackupRecord) -> bytes:
    return _form_pdf(
        "preservation/forms/backup_record.html", {"row": row, "bytes": size_text(row.bytes)}
    )


def incident_record_pdf(incident: Incident) -> bytes:
    events: list[PremisEvent] = []
    documents: list[str] = []
    if incident.stored_file_id:
        events = list(
            PremisEvent.objects.filter(stored_file_id=incident.stored_file_id).order_by(
                "date_time", "pk"
            )
        )
        documents = sorted(
            {
                f.document.archival_code or str(f.document_id)
                for f in DocumentFile.objects.filter(
                    stored_id=incident.stored_file_id
                ).select_related("document")
            }
        )
    return _form_pdf(
        "preservation/forms/incident_record.html",
        {"incident": incident, "events": events, "documents": documents},
    )


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@permission_required(VIEW, raise_exception=True)
def check_record(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(FixityRun, pk=pk)
    return _pdf_response(check_record_pdf(run), f"bien-ban-kiem-tra-{run.pk}.pdf")


@login_required
@permission_required(VIEW, raise_exception=True)
def backup_log(request: HttpRequest) -> HttpResponse:
    return _pdf_response(backup_log_pdf(), "nhat-ky-sao-luu.pdf")


@login_required
@permission_required(VIEW, raise_exception=True)
def backup_record(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(BackupRecord, pk=pk)
    return _pdf_response(backup_record_pdf(row), f"bien-ban-sao-luu-{row.pk}.pdf")


@login_required
@permission_required(VIEW, raise_exception=True)
def incident_record(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.select_related("stored_file", "run"), pk=pk)
    return _pdf_response(incident_record_pdf(incident), f"bien-ban-su-co-{incident.pk}.pdf")
