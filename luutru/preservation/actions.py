"""Every state change of preservation: AIPs on acceptance, PREMIS events, fixity findings,
incidents. Each is atomic and writes its audit event in the same transaction."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from luutru.accounts.models import Role
from luutru.audit.actions import Actor, record
from luutru.preservation.models import (
    Aip,
    AipVersion,
    AuditAction,
    EventType,
    FixityRun,
    Incident,
    IncidentKind,
    Outcome,
    PremisEvent,
)
from luutru.records.models import Document, DocumentFile, Dossier, FileRole
from luutru.storage.actions import describe, identify_blob, put_file, register_many
from luutru.storage.backends import CopyState
from luutru.storage.fixity import FixityResult
from luutru.storage.models import FixityStatus, StoredFile

AGENT = "Lưu trữ số (luutru)"
# Incidents someone must act on: administrators are told by mail (NĐ 113/2025 Điều 22).
NOTIFY = {IncidentKind.FILE_LOST, IncidentKind.REPAIR_FAILED, IncidentKind.REPLICA_UNAVAILABLE,
          IncidentKind.BACKUP_FAILED}  # fmt: skip
COPY_NAMES = {"primary": "kho chính", "replica": "kho dự phòng"}
STATE_NAMES = {
    CopyState.OK: "toàn vẹn",
    CopyState.BAD: "sai mã SHA-256",
    CopyState.MISSING: "mất tệp",
    CopyState.UNAVAILABLE: "không truy cập được",
}


def documents_holding(sha256s: Iterable[str]) -> dict[str, list[str]]:
    """For each digest, the codes of the documents holding it (for reports and incidents)."""
    out: dict[str, list[str]] = {}
    rows = DocumentFile.objects.filter(stored__sha256__in=list(sha256s)).values_list(
        "stored__sha256", "document__archival_code", "document__identifier", "document_id"
    )
    for sha, code, identifier, pk in rows:
        out.setdefault(sha, []).append(code or identifier or f"#{pk}")
    return out


UNIDENTIFIED_LIMIT = 500  # files re-identified per call; the rest wait for the next run


def unidentified_reason(stored: StoredFile) -> str:
    """Why a stored file has no PRONOM identifier, in Vietnamese, for the dashboard."""
    if stored.size == 0:
        return "Tệp rỗng (0 byte)."
    if stored.mime:
        return (
            f"Nội dung không khớp chữ ký PRONOM nào; kiểu khai báo {stored.mime}. "
            "Cần kiểm tra tệp hoặc bổ sung chữ ký định dạng."
        )
    return "Nội dung không khớp chữ ký PRONOM nào và không có kiểu MIME."


def identify_unknown_formats(limit: int = UNIDENTIFIED_LIMIT) -> list[dict[str, Any]]:
    """Identify again the stored files that have no PRONOM identifier (the archive's own
    PDF/As were registered without one) and list those still unknown, each with its reason
    and the documents holding it. Cost: one read of each unidentified blob (at most
    ``limit``), one query per file identified."""
    unknown = list(StoredFile.objects.filter(puid="").order_by("pk")[:limit])
    remaining: list[StoredFile] = []
    for stored in unknown:
        describe(stored, identify_blob(stored.sha256))
        if stored.puid:
            stored.save(update_fields=["puid", "format_name", "mime"])
        else:
            remaining.append(stored)
    holders = documents_holding(s.sha256 for s in remaining)
    return [
        {
            "sha256": s.sha256,
            "size": s.size,
            "mime": s.mime,
            "documents": holders.get(s.sha256, []),
            "reason": unidentified_reason(s),
        }
        for s in remaining
    ]


@transaction.atomic
def create_aips(document_ids: Iterable[int]) -> list[Aip]:
    """Each newly accepted dossier gets its AIP (AIP_hoso), and each newly accepted loose
    document (no dossier: SIP_tailieu, edXML) its own (AIP_tailieu), with the PREMIS events of
    their ingest.

    Called on commit of an ingest (``records_ingested``). Idempotent: dossiers and documents
    that already have an AIP are left alone. Cost: five queries and two bulk inserts per call.
    """
    ids = list(document_ids)
    dossier_ids = set(
        Document.objects.filter(pk__in=ids, dossier__isnull=False).values_list(
            "dossier_id", flat=True
        )
    )
    loose_ids = set(
        Document.objects.filter(pk__in=ids, dossier__isnull=True).values_list("pk", flat=True)
    )
    have = set(Aip.objects.filter(dossier_id__in=dossier_ids).values_list("dossier_id", flat=True))
    have_loose = set(
        Aip.objects.filter(document_id__in=loose_ids).values_list("document_id", flat=True)
    )
    new = sorted(dossier_ids - have)
    new_loose = sorted(loose_ids - have_loose)
    if not new and not new_loose:
        return []
    now = timezone.now()
    aips = Aip.objects.bulk_create(
        [Aip(dossier_id=pk, created_at=now) for pk in new]
        + [Aip(document_id=pk, created_at=now) for pk in new_loose]
    )
    events: list[PremisEvent] = []
    targets = [("dossier_id", pk, "hồ sơ", "AIP_hoso (TT 05/2025 Phụ lục I)") for pk in new] + [
        ("document_id", pk, "tài liệu chưa lập hồ sơ", "AIP_tailieu (TT 05/2025)")
        for pk in new_loose
    ]
    for field_name, pk, what, form in targets:
        events.append(
            PremisEvent(
                event_type=EventType.INGESTION,
                date_time=now,
                agent=AGENT,
                detail=f"Tiếp nhận {what} vào kho lưu trữ số sau khi gói nộp lưu được kiểm tra.",
                **{field_name: pk},
            )
        )
        events.append(
            PremisEvent(
                event_type=EventType.VALIDATION,
                date_time=now,
                agent=AGENT,
                detail="Kiểm tra siêu dữ liệu theo TT 05/2025, mã SHA-256, định dạng, tệp PDF.",
                outcome_detail="Gói nộp lưu hợp lệ.",
                **{field_name: pk},
            )
        )
        events.append(
            PremisEvent(
                event_type=EventType.PACKAGE_CREATION,
                date_time=now,
                agent=AGENT,
                detail=f"Lập gói lưu trữ {form}.",
                **{field_name: pk},
            )
        )
    files = (
        DocumentFile.objects.filter(Q(document__dossier_id__in=new) | Q(document_id__in=new_loose))
        .select_related("stored")
        .order_by("stored_id", "pk")
    )
    seen: set[int] = set()
    for file in files:
        stored = file.stored
        if stored.pk in seen:
            continue
        seen.add(stored.pk)
        events.append(
            PremisEvent(
                event_type=EventType.FORMAT_IDENTIFICATION,
                date_time=now,
                stored_file=stored,
                agent="FIDO (PRONOM)",
                detail="Nhận dạng định dạng theo PRONOM.",
                outcome=Outcome.SUCCESS if stored.puid else Outcome.WARNING,
                outcome_detail=(
                    f"{stored.puid or 'không nhận dạng được'} {stored.format_name}".strip()
                ),
            )
        )
        if file.signatures:
            good = all(s.get("intact") and s.get("valid") for s in file.signatures)
            events.append(
                PremisEvent(
                    event_type=EventType.SIGNATURE_VALIDATION,
                    date_time=now,
                    stored_file=stored,
                    agent="pyHanko",
                    detail="Xác thực chữ ký số trong tệp PDF.",
                    outcome=Outcome.SUCCESS if good else Outcome.FAILURE,
                    outcome_detail="; ".join(str(s.get("summary", "")) for s in file.signatures),
                )
            )
    PremisEvent.objects.bulk_create(events, batch_size=1000)
    record(
        AuditAction.AIP_CREATE,
        actor=None,
        message=(
            f"Lập {len(aips)} gói lưu trữ (AIP) cho {len(new)} hồ sơ và {len(new_loose)} tài "
            "liệu chưa lập hồ sơ mới tiếp nhận."
        ),
        data={"dossiers": new, "documents": new_loose},
    )
    return aips


def on_records_ingested(sender: Any, document_ids: Iterable[int] = (), **kwargs: Any) -> None:
    """``records.signals.records_ingested`` receiver (connected in ``PreservationConfig``)."""
    create_aips(document_ids)


def ensure_aip(held: Dossier | Document) -> Aip:
    """The AIP of a dossier, or of a loose document (one not filed in a dossier), made now for
    one that came in before this app existed. A filed document has no AIP of its own: it
    travels in its dossier's, which is returned."""
    if isinstance(held, Document):
        if held.dossier_id is not None:
            return ensure_aip(Dossier.objects.get(pk=held.dossier_id))
        aip = Aip.objects.filter(document=held).select_related("document__agency").first()
        if aip is None:
            create_aips([held.pk])
            aip = Aip.objects.select_related("document__agency").get(document=held)
        return aip
    dossier = held
    aip = Aip.objects.filter(dossier=dossier).first()
    if aip is None:
        ids = list(dossier.documents.values_list("pk", flat=True))
        create_aips(ids)
        aip = Aip.objects.filter(dossier=dossier).first()
        if aip is None:  # a dossier without documents
            with transaction.atomic():
                aip = Aip.objects.create(dossier=dossier)
    return aip


@transaction.atomic
def new_aip_version(
    dossier: Dossier,
    *,
    reason: str,
    event_type: str,
    detail: str,
    actor: Actor,
    custodian: str = "",
    custodian_code: str = "",
    agent_person: str = "",
) -> Aip:
    """Supersede the dossier's AIP with a new version (custody moving to the historical
    archive, TT 05/2025; Luật Lưu trữ 2024 Điều 17).

    The package as it is now is zipped and stored in both storages as the previous version
    (``AipVersion``, verified on the way like every stored file); a PREMIS event of
    ``event_type`` (e.g. ``transfer``) records why; the AIP gets a new UUID (so a new OBJID),
    the next version number and its new custodian, whose package lists the event. Cost: one
    copy of every file of the dossier out of storage and one zip into it.
    """
    from luutru.preservation.aip import zip_aip  # aip.py builds on this module

    aip = Aip.objects.select_for_update().get(pk=ensure_aip(dossier).pk)
    with tempfile.TemporaryDirectory(prefix="luutru-aip-") as work:
        package = zip_aip(dossier, Path(work))
        sha256, size = put_file(package)
    stored = register_many([{"sha256": sha256, "size": size, "mime": "application/zip"}])[sha256]
    now = timezone.now()
    previous = AipVersion.objects.create(
        dossier=dossier,
        uuid=aip.uuid,
        objid=aip.objid,
        version=aip.version,
        created_at=aip.created_at,
        superseded_at=now,
        reason=reason[:500],
        custodian=aip.custodian,
        package=stored,
    )
    PremisEvent.objects.create(
        event_type=event_type,
        date_time=now,
        dossier=dossier,
        agent=AGENT,
        detail=detail[:500],
        outcome=Outcome.SUCCESS,
        outcome_detail=(
            f"Gói phiên bản {previous.version} ({previous.objid}) được giữ nguyên trong kho "
            f"(SHA-256 {sha256}); lập gói phiên bản {previous.version + 1}."
            + (f" Người thực hiện: {agent_person}." if agent_person else "")
        ),
    )
    aip.uuid = uuid.uuid4()
    aip.version = previous.version + 1
    aip.created_at = now
    aip.custodian, aip.custodian_code = custodian, custodian_code
    aip.save(update_fields=["uuid", "version", "created_at", "custodian", "custodian_code"])
    PremisEvent.objects.create(
        event_type=EventType.PACKAGE_CREATION,
        date_time=now,
        dossier=dossier,
        agent=AGENT,
        detail=f"Lập gói lưu trữ AIP_hoso phiên bản {aip.version} (TT 05/2025 Phụ lục I).",
        outcome_detail=f"Thay thế {previous.objid}: {reason}"[:2000],
    )
    record(
        AuditAction.AIP_VERSION,
        actor=actor,
        target=dossier,
        message=f"Lập gói lưu trữ phiên bản {aip.version} cho hồ sơ {dossier.code}: {reason}",
        data={
            "previous": previous.objid,
            "objid": aip.objid,
            "version": aip.version,
            "package": sha256,
        },
    )
    return aip


def on_document_filing(
    sender: Any, document: Document, dossier: Dossier, reason: str, actor: Actor, **kwargs: Any
) -> None:
    """``records.signals.document_filing`` receiver (connected in ``PreservationConfig``)."""
    merge_into_dossier_aip(document, dossier, reason=reason, actor=actor)


@transaction.atomic
def merge_into_dossier_aip(
    document: Document, dossier: Dossier, *, reason: str, actor: Actor
) -> Aip | None:
    """A loose document is being filed into ``dossier``: its AIP_tailieu is superseded and the
    document joins the dossier's AIP, so it never has two live packages.

    Call while the document is still loose (``document_filing`` is sent just before it moves).
    The AIP_tailieu as it is now is zipped and kept in both storages as an ``AipVersion`` of
    the document, with a PREMIS "information package merging" event naming both packages; its
    ``Aip`` row goes. The dossier's AIP gets a new version (``new_aip_version``: the previous
    one kept the same way), or is made if the dossier had none. A document that had no AIP
    (never accepted) changes nothing here. Returns the dossier's AIP, or None.
    Cost: the document's files and the dossier's copied out of storage once and zipped.
    """
    from luutru.preservation.aip import zip_aip  # aip.py builds on this module

    loose = Aip.objects.select_for_update().filter(document=document).first()
    if loose is None:
        return None
    objid, now = loose.objid, timezone.now()
    with tempfile.TemporaryDirectory(prefix="luutru-aip-") as work:
        sha256, size = put_file(zip_aip(document, Path(work)))
    stored = register_many([{"sha256": sha256, "size": size, "mime": "application/zip"}])[sha256]
    AipVersion.objects.create(
        document=document,
        uuid=loose.uuid,
        objid=objid,
        version=loose.version,
        created_at=loose.created_at,
        superseded_at=now,
        reason=f"Đưa tài liệu vào hồ sơ {dossier.code}: {reason}"[:500],
        custodian=loose.custodian,
        package=stored,
    )
    loose.delete()
    had_aip = Aip.objects.filter(dossier=dossier).exists()
    if had_aip:
        aip = new_aip_version(
            dossier,
            reason=f"Tài liệu {document.summary[:200]} được đưa vào hồ sơ: {reason}",
            event_type=EventType.PACKAGE_MERGING,
            detail=f"Gộp gói {objid} (AIP_tailieu) của tài liệu chưa lập hồ sơ vào gói của hồ sơ.",
            actor=actor,
        )
    else:
        aip = ensure_aip(dossier)
    PremisEvent.objects.create(
        event_type=EventType.PACKAGE_MERGING,
        date_time=now,
        document=document,
        agent=AGENT,
        detail=f"Đưa tài liệu vào hồ sơ {dossier.code}; gói AIP_tailieu {objid} được thay thế."[
            :500
        ],
        outcome=Outcome.SUCCESS,
        outcome_detail=(
            f"Gói {objid} được giữ nguyên trong kho (SHA-256 {sha256}); tài liệu nằm trong gói "
            f"{aip.objid} của hồ sơ {dossier.code}. Lý do: {reason}"
        )[:2000],
    )
    record(
        AuditAction.AIP_MERGE,
        actor=actor,
        target=document,
        message=(
            f"Thay gói lưu trữ {objid} của tài liệu chưa lập hồ sơ bằng gói {aip.objid} của hồ "
            f"sơ {dossier.code}; gói cũ được giữ trong kho."
        ),
        data={"previous": objid, "objid": aip.objid, "dossier": dossier.code, "package": sha256},
    )
    return aip


@transaction.atomic
def record_accession(
    dossier: Dossier,
    *,
    source_objid: str,
    custodian: str,
    custodian_code: str,
    actor: Actor,
    agent_person: str = "",
) -> Aip:
    """A dossier taken in from an AIP another system made: its AIP (with the ingest events
    of ``create_aips``), the archive as custodian, and a PREMIS ``accession`` event naming the
    package it came from. Call inside the transaction that created the dossier's rows."""
    create_aips(dossier.documents.values_list("pk", flat=True))
    aip = ensure_aip(dossier)
    aip.custodian, aip.custodian_code = custodian, custodian_code
    aip.save(update_fields=["custodian", "custodian_code"])
    PremisEvent.objects.create(
        event_type=EventType.ACCESSION,
        dossier=dossier,
        agent=AGENT,
        detail=f"Nhập gói lưu trữ {source_objid} do hệ thống khác lập vào {custodian}."[:500],
        outcome=Outcome.SUCCESS,
        outcome_detail=(
            "Kiểm tra METS, PREMIS theo lược đồ và mã SHA-256 của mọi tệp trong gói; "
            f"lập gói {aip.objid}." + (f" Người thực hiện: {agent_person}." if agent_person else "")
        ),
    )
    return aip


@transaction.atomic
def record_fixity_problem(result: FixityResult, run: FixityRun | None) -> Incident:
    """A damaged or missing copy: PREMIS events, an incident for administrators, the audit
    trail, and the file's status. A repaired copy's incident is opened and resolved at once;
    a lost file's stays open until a person deals with it."""
    stored = StoredFile.objects.select_for_update().get(sha256=result.sha256)
    now = timezone.now()
    found = f"kho chính: {STATE_NAMES[result.primary]}; kho dự phòng: {STATE_NAMES[result.replica]}"
    documents = documents_holding([result.sha256]).get(result.sha256, [])
    held = f" (tài liệu {', '.join(documents)})" if documents else ""
    PremisEvent.objects.create(
        event_type=EventType.FIXITY_CHECK,
        date_time=now,
        stored_file=stored,
        agent=AGENT,
        detail="Tính lại SHA-256 của bản trong kho chính và bản trong kho dự phòng.",
        outcome=Outcome.FAILURE,
        outcome_detail=found,
    )
    if result.repaired:
        names = ", ".join(COPY_NAMES[c] for c in result.repaired)
        PremisEvent.objects.create(
            event_type=EventType.REPLICATION,
            date_time=now,
            stored_file=stored,
            agent=AGENT,
            detail=f"Ghi lại bản ở {names} từ bản còn tốt, kiểm tra lại SHA-256 sau khi ghi.",
            outcome=Outcome.SUCCESS,
            outcome_detail="Hai bản đã khớp mã SHA-256.",
        )
        kind, status = IncidentKind.COPY_REPAIRED, FixityStatus.REPAIRED
        message = f"Tệp {result.sha256}{held}: {found}. Đã ghi lại bản ở {names}."
        resolution, resolved_at = f"Tự động ghi lại bản ở {names} từ bản còn tốt.", now
    elif result.lost:
        kind, status = IncidentKind.FILE_LOST, FixityStatus.LOST
        message = (
            f"Tệp {result.sha256}{held}: {found}. Không còn bản tốt nào; không sửa gì. "
            "Cần phục hồi từ bản sao lưu."
        )
        resolution, resolved_at = "", None
    else:
        kind, status = IncidentKind.REPAIR_FAILED, FixityStatus(stored.fixity_status)
        message = f"Tệp {result.sha256}{held}: {found}. Không sửa được: {result.error}"
        resolution, resolved_at = "", None
    stored.fixity_status = status
    stored.checked_at = now
    stored.save(update_fields=["fixity_status", "checked_at"])
    known = Incident.objects.open().filter(kind=kind, stored_file=stored).first()
    if known is not None and resolved_at is None:
        return known  # still lost, already reported: one open incident per file
    incident = Incident.objects.create(
        kind=kind,
        message=message,
        stored_file=stored,
        run=run,
        resolution=resolution,
        resolved_at=resolved_at,
        cause=found,
        data={
            "sha256": result.sha256,
            "primary": result.primary,
            "replica": result.replica,
            "repaired": result.repaired,
            "documents": documents,
        },
    )
    record(
        AuditAction(f"preservation.{kind}"),
        actor=None,
        target=incident,
        message=message,
        data=incident.data,
    )
    notify_administrators(incident)
    return incident


@transaction.atomic
def record_replica_unavailable(run: FixityRun, detail: str) -> Incident:
    """The replica went away during an audit: the run stops and will resume."""
    incident = Incident.objects.create(
        kind=IncidentKind.REPLICA_UNAVAILABLE,
        run=run,
        cause=detail,
        message=(
            f"Đợt kiểm tra toàn vẹn dừng ở tệp thứ {run.checked}/{run.total}: {detail}. "
            "Đợt kiểm tra sẽ tiếp tục khi kho dự phòng truy cập được."
        ),
    )
    record(AuditAction.REPLICA_UNAVAILABLE, actor=None, target=incident, message=incident.message)
    notify_administrators(incident)
    return incident


@transaction.atomic
def resolve_incident(incident: Incident, *, resolution: str, actor: Actor) -> Incident:
    """A person closes an incident, saying what was done (biên bản xử lý sự cố)."""
    incident.resolution, incident.resolved_at = resolution, timezone.now()
    incident.save(update_fields=["resolution", "resolved_at"])
    record(
        AuditAction.INCIDENT_RESOLVE,
        actor=actor,
        target=incident,
        message=f"Đóng sự cố: {resolution}",
    )
    return incident


@transaction.atomic
def record_migration(
    original: DocumentFile,
    stored: StoredFile,
    *,
    tool: str,
    pdfa: str,
    pages: int | None,
    has_text: bool | None,
) -> DocumentFile:
    """A checked PDF/A copy joins the document beside its original (kept as it was)."""
    name = original.name.rsplit(".", 1)[0] + ".pdfa.pdf"
    derivative = DocumentFile.objects.create(
        document=original.document,
        stored=stored,
        role=FileRole.DERIVATIVE,
        name=name[:255],
        page_count=pages,
        pdfa=pdfa,
        has_text=has_text,
    )
    signed = " Chữ ký số nằm ở bản gốc, được giữ nguyên." if original.signatures else ""
    PremisEvent.objects.create(
        event_type=EventType.MIGRATION,
        stored_file=original.stored,
        result_file=stored,
        agent=tool,
        detail="Chuyển đổi PDF sang PDF/A-2b để bảo quản lâu dài; giữ bản gốc.",
        outcome=Outcome.SUCCESS,
        outcome_detail=(
            f"Bản PDF/A-{pdfa} ({stored.sha256}): cùng số trang và cùng nội dung chữ từng trang "
            f"với bản gốc; khai báo PDF/A trong siêu dữ liệu (chưa kiểm định bằng veraPDF).{signed}"
        ),
    )
    record(
        AuditAction.MIGRATE,
        actor=None,
        target=original.document,
        message=f"Chuyển đổi “{original.name}” sang PDF/A-{pdfa}; bản gốc được giữ nguyên.",
        data={"original": original.stored.sha256, "derivative": stored.sha256, "tool": tool},
    )
    return derivative


@transaction.atomic
def record_migration_failure(original: DocumentFile, *, tool: str, reason: str) -> PremisEvent:
    """A conversion whose result was not kept: the reason is recorded, nothing else changes."""
    event = PremisEvent.objects.create(
        event_type=EventType.MIGRATION,
        stored_file=original.stored,
        agent=tool,
        detail="Chuyển đổi PDF sang PDF/A-2b để bảo quản lâu dài.",
        outcome=Outcome.FAILURE,
        outcome_detail=f"Không giữ bản chuyển đổi: {reason}.",
    )
    record(
        AuditAction.MIGRATE_FAILED,
        actor=None,
        target=original.document,
        message=f"Không chuyển đổi được “{original.name}” sang PDF/A: {reason}.",
    )
    return event


def notify_administrators(incident: Incident) -> None:
    """Mail the administrators about an incident, once the transaction that opened it commits."""
    if incident.kind not in NOTIFY:
        return

    def send() -> None:
        users = (
            get_user_model()
            .objects.filter(Q(memberships__role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
            .exclude(email="")
        )
        recipients = sorted({u.email for u in users})
        if recipients:
            send_mail(
                f"[Lưu trữ số] Sự cố bảo quản: {incident.get_kind_display()}",
                f"{incident.message}\n\nXem và xử lý tại /quan-tri/bao-quan/su-co/{incident.pk}/",
                None,
                recipients,
                fail_silently=True,
            )

    transaction.on_commit(send)


@transaction.atomic
def request_backup(*, actor: Actor, request: Any = None) -> bool:
    """Sao lưu ngay: queue a backup for the worker (``tasks.backup_now``), audited. False, and
    nothing queued, when one is already waiting or running: two at once would copy twice."""
    from luutru.preservation.tasks import backup_now, backup_pending

    if backup_pending():
        return False
    name = actor.get_username() if actor is not None and actor.is_authenticated else ""
    record(
        AuditAction.BACKUP_REQUEST,
        actor=actor,
        request=request,
        message="Yêu cầu sao lưu ngay từ trang bảo quản.",
    )
    transaction.on_commit(lambda: backup_now.enqueue(name))
    return True
