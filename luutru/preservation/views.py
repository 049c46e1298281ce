"""Staff pages of preservation (bảo quản), under /quan-tri/bao-quan/.

The dashboard (holdings by format, fixity cycle, incidents, replica health, backups), the
incident list, and each dossier's AIP (AIP_hoso) or loose document's AIP (AIP_tailieu) with its
versions and its PREMIS events as a timeline, downloadable as a zip. Seeing them takes
``preservation.view_preservation``; closing an incident ``preservation.change_incident`` and
starting an audit ``preservation.add_fixityrun`` (administrators).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

import luutru.access.policy as policy
from luutru.audit.actions import record
from luutru.preservation import actions
from luutru.preservation.aip import write_aip, zip_folder
from luutru.preservation.audits import cycle_status
from luutru.preservation.models import (
    Aip,
    AipVersion,
    AuditAction,
    BackupRecord,
    FixityRun,
    Incident,
    PremisEvent,
)
from luutru.preservation.tasks import backup_pending, fixity_audit
from luutru.records.models import Document, DocumentFile, Dossier
from luutru.records.services import get_document_for_user, get_dossier_for_user
from luutru.storage.models import StoredFile
from luutru.storage.services import backend, replica

VIEW = "preservation.view_preservation"
RESOLVE = "preservation.change_incident"
START_AUDIT = "preservation.add_fixityrun"
START_BACKUP = "preservation.add_backuprecord"


def _disk(path: Path | str) -> dict[str, Any]:
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return {"free": None, "total": None}
    return {
        "free": usage.free,
        "total": usage.total,
        "used_percent": 100 * usage.used // usage.total,
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    holdings = list(
        StoredFile.objects.values("puid", "format_name")
        .annotate(files=Count("pk"), bytes=Sum("size"))
        .order_by("-files", "puid")[:30]
    )
    totals = StoredFile.objects.aggregate(files=Count("pk"), bytes=Sum("size"))
    unidentified = list(StoredFile.objects.filter(puid="").order_by("pk")[:50])
    holders = actions.documents_holding(s.sha256 for s in unidentified)
    primary, second = backend(), replica()
    storages = [
        {
            "name": _("Kho chính"),
            "root": primary.root,
            "available": primary.available(),
            **_disk(primary.root),
        },
        {
            "name": _("Kho dự phòng"),
            "root": second.root,
            "available": second.available(),
            **_disk(second.root),
        },
    ]
    context = {
        "holdings": holdings,
        "unidentified": [
            {
                "stored": s,
                "documents": holders.get(s.sha256, []),
                "reason": actions.unidentified_reason(s),
            }
            for s in unidentified
        ],
        "totals": totals,
        "cycle": cycle_status(),
        "runs": FixityRun.objects.order_by("-started_at")[:5],
        "incidents": Incident.objects.open().select_related("stored_file")[:10],
        "open_count": Incident.objects.open().count(),
        "storages": storages,
        "backups": BackupRecord.objects.order_by("-started_at")[:5],
        "backup_pending": backup_pending(),
        "can_backup": request.user.has_perm(START_BACKUP),
        "aip_count": Aip.objects.count(),
        "migrations": PremisEvent.objects.filter(event_type="migration", outcome="success").count(),
    }
    return render(request, "preservation/dashboard.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def incident_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("xem", "mo")
    incidents = Incident.objects.select_related("stored_file", "run")
    if show == "mo":
        incidents = incidents.open()
    page = Paginator(incidents.order_by("-opened_at", "-pk"), 50).get_page(request.GET.get("trang"))
    return render(request, "preservation/incident_list.html", {"page": page, "show": show})


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("Biện pháp đã xử lý"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.select_related("stored_file", "run"), pk=pk)
    form = ResolveForm()
    if request.method == "POST":
        if not request.user.has_perm(RESOLVE):
            return HttpResponse(_("Không có quyền xử lý sự cố."), status=403)
        form = ResolveForm(request.POST)
        if form.is_valid() and incident.resolved_at is None:
            actions.resolve_incident(
                incident, resolution=form.cleaned_data["resolution"], actor=request.user
            )
            messages.success(request, _("Đã ghi nhận việc xử lý sự cố."))
            return redirect("preservation:incident-detail", pk=incident.pk)
    return render(
        request,
        "preservation/incident_detail.html",
        {"incident": incident, "form": form, "can_resolve": request.user.has_perm(RESOLVE)},
    )


@login_required
@permission_required(START_AUDIT, raise_exception=True)
@require_POST
def start_audit(request: HttpRequest) -> HttpResponse:
    fixity_audit.enqueue()
    record(
        AuditAction.FIXITY_REQUEST,
        actor=request.user,
        request=request,
        message="Yêu cầu chạy kiểm tra toàn vẹn ngay.",
    )
    messages.success(request, _("Đã xếp lịch kiểm tra toàn vẹn; tiến trình nền sẽ chạy ngay."))
    return redirect("preservation:dashboard")


@login_required
@permission_required(START_BACKUP, raise_exception=True)
@require_POST
def start_backup(request: HttpRequest) -> HttpResponse:
    """Sao lưu ngay: the worker makes a backup into ``BACKUP_DIR`` (see tasks.backup_now)."""
    if actions.request_backup(actor=request.user, request=request):
        messages.success(
            request, _("Đã xếp lịch sao lưu; tiến trình nền sẽ chạy và ghi biên bản khi xong.")
        )
    else:
        messages.info(request, _("Đang có một lần sao lưu chờ chạy hoặc đang chạy."))
    return redirect("preservation:dashboard")


def _with_file_names(events: list[PremisEvent], files: Iterable[DocumentFile]) -> None:
    """Name each event's file (and a migration's result) as the document names it."""
    names: dict[int, str] = {}
    for file in files:
        names.setdefault(file.stored_id, file.name)
    for event in events:
        event.file_name = names.get(event.stored_file_id or 0, "")  # type: ignore[attr-defined]
        event.result_name = names.get(event.result_file_id or 0, "")  # type: ignore[attr-defined]


@login_required
@permission_required(VIEW, raise_exception=True)
def aip_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = get_dossier_for_user(
        request.user, code, visible=policy.dossiers(request.user, policy.Use.READ)
    )
    aip = Aip.objects.filter(dossier=dossier).first()
    events = list(
        PremisEvent.objects.of_dossier(dossier)
        .select_related("stored_file", "result_file")
        .order_by("date_time", "pk")
    )
    files = list(
        DocumentFile.objects.filter(document__dossier=dossier)
        .select_related("stored", "document")
        .order_by("document__ordinal", "pk")
    )
    _with_file_names(events, files)
    versions = AipVersion.objects.filter(dossier=dossier).select_related("package")
    return render(
        request,
        "preservation/aip_detail.html",
        {
            "dossier": dossier,
            "aip": aip,
            "events": events,
            "files": files,
            "versions": versions.order_by("version"),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def document_aip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A loose document's AIP_tailieu (gói lưu trữ tài liệu chưa lập hồ sơ): the live package,
    the versions kept (superseded when the document was filed into a dossier), its PREMIS
    events and its files' fixity. A filed document's page points to its dossier's AIP."""
    document = get_document_for_user(
        request.user, pk, visible=policy.documents(request.user, policy.Use.READ)
    )
    aip = Aip.objects.filter(document=document).first()
    events = list(
        PremisEvent.objects.of_document(document)
        .select_related("stored_file", "result_file")
        .order_by("date_time", "pk")
    )
    files = list(document.files.select_related("stored", "document").order_by("pk"))
    _with_file_names(events, files)
    versions = AipVersion.objects.filter(document=document).select_related("package")
    return render(
        request,
        "preservation/aip_detail.html",
        {
            "document": document,
            "aip": aip,
            "events": events,
            "files": files,
            "versions": versions.order_by("version"),
        },
    )


def _aip_zip(request: HttpRequest, held: Dossier | Document, message: str) -> FileResponse:
    """The AIP as a zip, built now from the stored files (each checked on the way out), and
    its download in the audit trail."""
    work = Path(tempfile.mkdtemp(prefix="luutru-aip-"))
    try:
        written = write_aip(held, work)
        folder = written.path
        archive = zip_folder(folder, work / f"{folder.name}.zip")
        shutil.rmtree(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    record(AuditAction.AIP_EXPORT, actor=request.user, target=held, request=request,
           message=message, data={"objid": written.objid, "package": archive.name})  # fmt: skip
    response = FileResponse(archive.open("rb"), as_attachment=True, filename=archive.name)
    # The temporary folder goes once the response has been sent.
    response._resource_closers.append(lambda: shutil.rmtree(work, ignore_errors=True))  # type: ignore[attr-defined]
    return response


@login_required
@permission_required(VIEW, raise_exception=True)
def aip_download(request: HttpRequest, code: str) -> FileResponse:
    """The dossier's AIP_hoso as a zip."""
    dossier = get_dossier_for_user(
        request.user, code, visible=policy.dossiers(request.user, policy.Use.DOWNLOAD)
    )
    return _aip_zip(request, dossier, f"Tải gói lưu trữ (AIP) của hồ sơ {dossier.code}.")


@login_required
@permission_required(VIEW, raise_exception=True)
def document_aip_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A loose document's AIP_tailieu as a zip; a filed document travels in its dossier's
    AIP, so its address leads there (where the dossier's permissions are asked)."""
    document = get_document_for_user(
        request.user, pk, visible=policy.documents(request.user, policy.Use.DOWNLOAD)
    )
    if document.dossier is not None:
        return redirect("preservation:aip-download", code=document.dossier.code)
    return _aip_zip(
        request,
        document,
        f"Tải gói lưu trữ tài liệu (AIP_tailieu) của tài liệu {document.code or document.pk}.",
    )
