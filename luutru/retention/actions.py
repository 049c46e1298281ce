"""Every state change of retention: schedules, holds, appraisal rounds, the destruction,
secrecy decisions and transfers into the historical archive.

Each action is atomic and writes its audit event in the same transaction. Refusals are
``ValidationError`` with a Vietnamese message naming the record, and change nothing.
"""

from __future__ import annotations

import datetime
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from luutru.access.models import Grant, RequestItem
from luutru.access.workdays import add_working_days
from luutru.audit.actions import record
from luutru.digitization.models import ScanBatch, ScanItem, ScanPage
from luutru.lib import archives
from luutru.lib.vietnamese import nfc
from luutru.organizations.models import Agency, Archive, ArchiveKind, Fonds, Membership
from luutru.preservation import actions as preservation_actions
from luutru.preservation.models import Aip, AipVersion, EventType, Incident, PremisEvent
from luutru.records import actions as records_actions
from luutru.records import codes
from luutru.records.models import Custody, Document, DocumentFile, Dossier
from luutru.records.rules import FILE_CODE_RE, effective_regime
from luutru.records.signals import records_destroyed
from luutru.retention import aip_import, services
from luutru.retention.models import (
    TRANSFER_REPLY_WORKDAYS,
    Appraisal,
    AppraisalItem,
    AppraisalState,
    CouncilMember,
    DestroyedRecord,
    HistoricalHolding,
    HistoricalTransfer,
    Hold,
    HoldingSource,
    MemberRole,
    Opinion,
    Schedule,
    ScheduleEntry,
    Secrecy,
    SecrecyDecision,
    SecrecyLevel,
    SecrecyOutcome,
    TransferState,
    Vote,
)
from luutru.search.services import enqueue_indexing
from luutru.storage.actions import Removal, put_file, register_many, remove_files
from luutru.storage.backends import StorageError
from luutru.storage.models import StoredFile

AGENT = "Lưu trữ số (luutru)"


class Event(StrEnum):
    """The audit actions of this app."""

    SCHEDULE_VERSION = "retention.schedule_version"
    HOLD_PLACE = "retention.hold_place"
    HOLD_LIFT = "retention.hold_lift"
    APPRAISAL_OPEN = "retention.appraisal_open"
    MEMBER_ADD = "retention.member_add"
    VOTE = "retention.vote"
    ITEM_CONCLUDE = "retention.item_conclude"
    COUNCIL_CLOSE = "retention.council_close"
    DECIDE = "retention.disposal_decide"
    DESTROY = "retention.destroy"
    DESTROY_RECORD = "retention.destroy_record"
    SECRECY_SET = "retention.secrecy_set"
    SECRECY_DECIDE = "retention.secrecy_decide"
    TRANSFER_PLAN = "retention.transfer_plan"
    TRANSFER_SUBMIT = "retention.transfer_submit"
    TRANSFER_REPLY = "retention.transfer_reply"
    TRANSFER_RECEIVE = "retention.transfer_receive"
    CUSTODY_MOVE = "retention.custody_move"
    AIP_IMPORT = "retention.aip_import"


def _refuse(message: str) -> ValidationError:
    return ValidationError(message)


# ---------------------------------------------------------------------------------------------
# Schedules


@transaction.atomic
def publish_schedule(
    *,
    key: str,
    name: str,
    kind: str,
    legal_basis: str,
    entries: Sequence[dict[str, str]],
    actor: Any,
) -> Schedule:
    """Publish a schedule, or a new version of one: the version in force is superseded and
    kept. ``entries`` are dicts with number, group, retention and optionally legal_basis."""
    if not entries:
        raise _refuse("Bảng thời hạn cần ít nhất một nhóm hồ sơ.")
    for entry in entries:
        if entry["retention"] not in codes.entries("retention"):
            raise _refuse(f"Nhóm “{entry['group']}”: thời hạn lưu trữ phải là mã 01 đến 07.")
    current = Schedule.objects.select_for_update().filter(key=key).order_by("-version").first()
    now = timezone.now()
    if current is not None:
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
    schedule = Schedule.objects.create(
        key=key,
        version=current.version + 1 if current else 1,
        name=nfc(name.strip()),
        kind=kind,
        legal_basis=nfc(legal_basis.strip()),
        created_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    ScheduleEntry.objects.bulk_create(
        ScheduleEntry(
            schedule=schedule,
            number=e.get("number", ""),
            group=nfc(e["group"].strip()),
            retention=e["retention"],
            legal_basis=nfc(e.get("legal_basis", "").strip()),
        )
        for e in entries
    )
    record(
        Event.SCHEDULE_VERSION,
        actor=actor,
        target=schedule,
        message=f"Ban hành {schedule}.",
        data={"key": key, "version": schedule.version, "entries": len(entries)},
    )
    return schedule


# ---------------------------------------------------------------------------------------------
# Holds


@transaction.atomic
def place_hold(
    *,
    kind: str,
    reason: str,
    actor: Any,
    dossier: Dossier | None = None,
    fonds: Fonds | None = None,
) -> Hold:
    """Stop a dossier's or a whole fonds' disposal and transfer until the hold is lifted."""
    if (dossier is None) == (fonds is None):
        raise _refuse("Lệnh tạm dừng áp dụng cho một hồ sơ hoặc một phông.")
    if not reason.strip():
        raise ValidationError({"reason": _("Cần nêu nội dung (căn cứ) của lệnh tạm dừng.")})
    hold = Hold.objects.create(
        kind=kind, reason=nfc(reason.strip()), dossier=dossier, fonds=fonds, placed_by=actor
    )
    target = dossier.code if dossier else fonds.code if fonds else ""
    record(
        Event.HOLD_PLACE,
        actor=actor,
        target=hold,
        message=f"Tạm dừng hủy, chuyển giao {target}: {hold.reason}",
        data={
            "kind": kind,
            "dossier": dossier.code if dossier else None,
            "fonds": fonds.code if fonds else None,
        },
    )
    return hold


@transaction.atomic
def lift_hold(hold: Hold, *, reason: str, actor: Any) -> Hold:
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise _refuse("Lệnh tạm dừng này đã được gỡ.")
    if not reason.strip():
        raise ValidationError({"lift_reason": _("Cần nêu lý do gỡ lệnh tạm dừng.")})
    hold.lifted_at, hold.lifted_by, hold.lift_reason = timezone.now(), actor, nfc(reason.strip())
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    record(
        Event.HOLD_LIFT,
        actor=actor,
        target=hold,
        message=f"Gỡ lệnh tạm dừng ({hold}): {hold.lift_reason}",
    )
    return hold


# ---------------------------------------------------------------------------------------------
# Appraisal: the list, the council, the minutes


@transaction.atomic
def open_appraisal(*, agency: Agency, year: int, actor: Any, title: str = "") -> Appraisal:
    """Make the year's list "xem xét hủy" of an agency's expired dossiers, not yet appraised."""
    due = list(services.due_dossiers(year, Agency.objects.filter(pk=agency.pk)))
    if not due:
        raise _refuse(f"{agency.name} không có hồ sơ hết thời hạn lưu trữ đến hết năm {year}.")
    appraisal = Appraisal.objects.create(
        year=year,
        agency=agency,
        title=nfc(title.strip()) or f"Xét hủy tài liệu hết giá trị năm {year} — {agency.name}",
        created_by=actor,
    )
    items = []
    for dossier in due:
        expires = services.expiry(dossier.retention, dossier.end_date)
        assert expires is not None
        items.append(
            AppraisalItem(
                appraisal=appraisal,
                dossier=dossier,
                code=dossier.code,
                title=dossier.title,
                retention=dossier.retention,
                end_date=dossier.end_date,
                expires=expires,
            )
        )
    AppraisalItem.objects.bulk_create(items)
    record(
        Event.APPRAISAL_OPEN,
        actor=actor,
        target=appraisal,
        message=f"Lập danh mục xem xét hủy năm {year} của {agency.name}: {len(items)} hồ sơ.",
        data={"codes": [i.code for i in items]},
    )
    return appraisal


def _lock(appraisal: Appraisal, *states: str) -> Appraisal:
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if appraisal.state not in states:
        raise _refuse(
            f"Đợt xét hủy đang ở bước “{appraisal.get_state_display()}”: không làm được việc này."
        )
    return appraisal


@transaction.atomic
def add_member(
    appraisal: Appraisal, *, user: Any, role: str, actor: Any, position: str = ""
) -> CouncilMember:
    """Add a staff member to the round's council (hội đồng xác định giá trị tài liệu)."""
    _lock(appraisal, AppraisalState.REVIEW)
    if user.is_reader or not user.memberships.exists():
        raise _refuse(f"{user} không phải là cán bộ: không thể là thành viên hội đồng.")
    if appraisal.members.filter(user=user).exists():
        raise _refuse(f"{user} đã là thành viên hội đồng.")
    if role == MemberRole.CHAIR and appraisal.members.filter(role=MemberRole.CHAIR).exists():
        raise _refuse("Hội đồng đã có Chủ tịch.")
    member = CouncilMember.objects.create(
        appraisal=appraisal, user=user, role=role, position=nfc(position.strip())
    )
    record(
        Event.MEMBER_ADD,
        actor=actor,
        target=appraisal,
        message=f"Thêm {member} vào hội đồng xét hủy.",
        data={"user": user.pk, "role": role},
    )
    return member


@transaction.atomic
def cast_vote(item: AppraisalItem, *, actor: Any, opinion: str, comment: str = "") -> Vote:
    """One council member's opinion on one item; a second vote on the same item is refused."""
    _lock(item.appraisal, AppraisalState.REVIEW)
    member = CouncilMember.objects.filter(appraisal_id=item.appraisal_id, user=actor).first()
    if member is None:
        raise _refuse("Chỉ thành viên hội đồng mới được cho ý kiến.")
    if Vote.objects.filter(item=item, member=member).exists():
        raise _refuse(f"Ông/bà đã cho ý kiến về hồ sơ {item.code}; mỗi thành viên chỉ một lần.")
    if opinion not in Opinion.values:
        raise ValidationError({"opinion": _("Ý kiến phải là đồng ý hủy hoặc giữ lại.")})
    vote = Vote.objects.create(
        item=item, member=member, opinion=opinion, comment=nfc(comment.strip())
    )
    record(
        Event.VOTE,
        actor=actor,
        target=item.appraisal,
        message=f"Ý kiến về hồ sơ {item.code}: {vote.get_opinion_display()}.",
        data={"item": item.code, "opinion": opinion},
    )
    return vote


@transaction.atomic
def conclude_item(
    item: AppraisalItem,
    *,
    outcome: str,
    actor: Any,
    new_retention: str = "",
    keep_reason: str = "",
) -> AppraisalItem:
    """The council's conclusion on one item; a kept dossier gets a new retention and reason."""
    _lock(item.appraisal, AppraisalState.REVIEW)
    item = AppraisalItem.objects.select_for_update().get(pk=item.pk)
    if outcome == Opinion.KEEP:
        if new_retention not in codes.entries("retention"):
            raise ValidationError({"new_retention": _("Cần thời hạn lưu trữ mới (mã 01 đến 07).")})
        if not keep_reason.strip():
            raise ValidationError({"keep_reason": _("Cần nêu lý do giữ lại.")})
    elif outcome != Opinion.DESTROY:
        raise ValidationError({"outcome": _("Kết luận phải là hủy hoặc giữ lại.")})
    item.outcome = outcome
    item.new_retention = new_retention if outcome == Opinion.KEEP else ""
    item.keep_reason = nfc(keep_reason.strip()) if outcome == Opinion.KEEP else ""
    item.save(update_fields=["outcome", "new_retention", "keep_reason"])
    record(
        Event.ITEM_CONCLUDE,
        actor=actor,
        target=item.appraisal,
        message=f"Hội đồng kết luận hồ sơ {item.code}: {item.get_outcome_display()}.",
        data={"item": item.code, "outcome": outcome, "new_retention": item.new_retention},
    )
    return item


@transaction.atomic
def close_council(
    appraisal: Appraisal,
    *,
    met_on: datetime.date,
    minutes: str,
    explanatory_note: str,
    actor: Any,
) -> Appraisal:
    """Close the meeting: the minutes, the explanatory note (bản thuyết minh) and the list to
    destroy. Items without a conclusion take the majority of the votes; a tie is refused.
    Kept dossiers take their new retention now."""
    appraisal = _lock(appraisal, AppraisalState.REVIEW)
    if not appraisal.members.exists():
        raise _refuse("Chưa lập hội đồng: cần ít nhất một thành viên.")
    if not minutes.strip():
        raise ValidationError({"minutes": _("Cần nội dung biên bản họp hội đồng.")})
    items = list(appraisal.items.select_related("dossier").prefetch_related("votes"))
    for item in items:
        if item.outcome:
            continue
        votes = services.tally(item)
        if votes["destroy"] == votes["keep"]:
            raise _refuse(f"Hồ sơ {item.code} chưa có kết luận và ý kiến hội đồng ngang nhau.")
        if votes["keep"] > votes["destroy"]:
            raise _refuse(f"Đa số giữ lại hồ sơ {item.code}: cần kết luận thời hạn mới, lý do.")
        item.outcome = Opinion.DESTROY
        item.save(update_fields=["outcome"])
    for item in items:
        if item.outcome == Opinion.KEEP and item.dossier is not None:
            dossier = item.dossier
            dossier.retention = item.new_retention
            dossier.save(update_fields=["retention"])
    destroy = [i.code for i in items if i.outcome == Opinion.DESTROY]
    appraisal.met_on = met_on
    appraisal.minutes = nfc(minutes.strip())
    appraisal.explanatory_note = nfc(explanatory_note.strip())
    appraisal.proposed_at = timezone.now()
    appraisal.state = AppraisalState.PROPOSED if destroy else AppraisalState.CLOSED
    appraisal.save(update_fields=["met_on", "minutes", "explanatory_note", "proposed_at", "state"])
    record(
        Event.COUNCIL_CLOSE,
        actor=actor,
        target=appraisal,
        message=f"Họp hội đồng xét hủy: đề nghị hủy {len(destroy)} hồ sơ, giữ lại "
        f"{len(items) - len(destroy)}.",
        data={"destroy": destroy, "keep": [i.code for i in items if i.outcome == Opinion.KEEP]},
    )
    return appraisal


@transaction.atomic
def decide_disposal(appraisal: Appraisal, *, number: str, actor: Any) -> Appraisal:
    """The competent head's decision to destroy the list; the destruction is due within 15
    days (TT 06/2025)."""
    if not actor.has_perm("retention.decide_disposal"):
        raise _refuse("Chỉ người đứng đầu cơ quan có thẩm quyền mới quyết định hủy tài liệu.")
    appraisal = _lock(appraisal, AppraisalState.PROPOSED)
    if not number.strip():
        raise ValidationError({"decision_number": _("Cần số quyết định hủy.")})
    appraisal.decision_number = nfc(number.strip())
    appraisal.decided_at = timezone.now()
    appraisal.decided_by = actor
    appraisal.destroy_by = services.destruction_deadline(timezone.localdate())
    appraisal.state = AppraisalState.DECIDED
    appraisal.save(
        update_fields=["decision_number", "decided_at", "decided_by", "destroy_by", "state"]
    )
    record(
        Event.DECIDE,
        actor=actor,
        target=appraisal,
        message=f"Quyết định hủy số {appraisal.decision_number}; thực hiện trước "
        f"{appraisal.destroy_by:%d/%m/%Y}.",
        data={"number": appraisal.decision_number, "destroy_by": appraisal.destroy_by},
    )
    return appraisal


# ---------------------------------------------------------------------------------------------
# The destruction


def destroy(appraisal: Appraisal, *, actor: Any, codes_: Iterable[str] | None = None) -> Appraisal:
    """Carry out the decision as one action (biên bản hủy): the approved dossiers' rows are
    deleted, their metadata kept in ``DestroyedRecord``, their files removed from the primary
    storage and the replica (a file still used by another record stays), their PREMIS history
    and a deletion event kept in the register, an audit event per dossier; the portal's OAI
    register marks their documents deleted (``pre_delete``) and the search index drops them
    (``records_destroyed``, on commit).

    ``codes_`` limits the destruction to some dossiers of the decision; a code the decision
    did not approve is refused. Refused, with nothing deleted: no decision or a lapsed one
    (more than 15 days), a dossier under hold, a permanent dossier, one a reader holds a grant
    in force for, or storage that cannot be reached. Storage work is all or nothing: a failure
    puts every moved file back and rolls the database back.
    """
    removal: Removal | None = None
    try:
        with transaction.atomic():
            appraisal, removal = _destroy(appraisal, actor=actor, codes_=codes_)
    except BaseException:
        if removal is not None:
            removal.restore()
        raise
    # Purged once the outermost transaction commits (at once when there is none): inside a
    # caller's transaction that later rolls back, the copies wait in ``.discarded/``.
    transaction.on_commit(removal.purge)
    return appraisal


def _destroy(
    appraisal: Appraisal, *, actor: Any, codes_: Iterable[str] | None
) -> tuple[Appraisal, Removal]:
    if not actor.has_perm("retention.carry_out_disposal"):
        raise _refuse("Ông/bà không có quyền thực hiện hủy tài liệu.")
    state = Appraisal.objects.get(pk=appraisal.pk).state
    if state != AppraisalState.DECIDED:
        raise _refuse("Chưa có quyết định hủy của người có thẩm quyền: không được hủy.")
    appraisal = _lock(appraisal, AppraisalState.DECIDED)
    today = timezone.localdate()
    if appraisal.overdue(today):
        raise _refuse(
            f"Quyết định hủy số {appraisal.decision_number} đã quá hạn thực hiện "
            f"({appraisal.destroy_by:%d/%m/%Y}, 15 ngày kể từ ngày quyết định): cần quyết định mới."
        )
    approved = {
        i.code: i for i in appraisal.items.filter(outcome=Opinion.DESTROY).select_related("dossier")
    }
    wanted = list(codes_) if codes_ is not None else list(approved)
    refused = [c for c in wanted if c not in approved]
    if refused:
        raise _refuse(f"Hồ sơ {', '.join(refused)} không có trong danh mục được quyết định hủy.")
    items = [approved[c] for c in wanted if approved[c].dossier is not None]
    dossiers = list(
        Dossier.objects.select_for_update(of=("self",))
        .filter(pk__in=[i.dossier_id for i in items])
        .select_related("agency", "fonds")
    )
    _check_destroyable(dossiers)
    removal = _delete_records(appraisal, dossiers, actor=actor)
    remaining = appraisal.items.filter(outcome=Opinion.DESTROY, dossier__isnull=False)
    if not remaining.exclude(pk__in=[i.pk for i in items]).exists():
        appraisal.state = AppraisalState.DESTROYED
    appraisal.destroyed_at = timezone.now()
    appraisal.destroyed_by = actor
    appraisal.save(update_fields=["state", "destroyed_at", "destroyed_by"])
    record(
        Event.DESTROY,
        actor=actor,
        target=appraisal,
        message=f"Hủy {len(dossiers)} hồ sơ theo quyết định số {appraisal.decision_number}.",
        data={"codes": [d.code for d in dossiers], "files": len(removal.moves)},
    )
    return appraisal, removal


def _check_destroyable(dossiers: list[Dossier]) -> None:
    held = services.held_dossier_ids()
    historical = set(
        HistoricalHolding.objects.filter(dossier__in=dossiers).values_list("dossier_id", flat=True)
    )
    problems = []
    for dossier in dossiers:
        if dossier.pk in historical:  # its AIP versions are kept there, never destroyed here
            problems.append(f"{dossier.code} đã thuộc lưu trữ lịch sử quản lý")
        if dossier.pk in held:
            problems.append(f"{dossier.code} đang bị tạm dừng hủy (lệnh tạm dừng còn hiệu lực)")
        if services.retention_years(dossier.retention) is None:
            problems.append(f"{dossier.code} có thời hạn lưu trữ vĩnh viễn (hoặc không xác định)")
    granted = Grant.objects.in_force().filter(
        Q(dossier__in=dossiers) | Q(document__dossier__in=dossiers)
    )
    for code in sorted(set(granted.values_list("dossier__code", flat=True)) - {None}) + sorted(
        set(granted.values_list("document__dossier__code", flat=True)) - {None}
    ):
        problems.append(f"{code} đang được độc giả khai thác theo quyền còn hiệu lực")
    if problems:
        raise _refuse("Không thực hiện hủy: " + "; ".join(dict.fromkeys(problems)) + ".")


def _delete_records(appraisal: Appraisal, dossiers: list[Dossier], *, actor: Any) -> Removal:
    """Delete the dossiers, their documents, scans and unshared files; register each one."""
    dossier_ids = [d.pk for d in dossiers]
    documents = list(Document.objects.filter(dossier_id__in=dossier_ids))
    document_ids = [d.pk for d in documents]
    batches = ScanBatch.objects.filter(dossier_id__in=dossier_ids)
    doc_files = DocumentFile.objects.filter(document_id__in=document_ids)
    candidates = set(doc_files.values_list("stored_id", flat=True))
    pages = ScanPage.objects.filter(item__batch__in=batches)
    scan_items = ScanItem.objects.filter(batch__in=batches)
    candidates |= set(pages.values_list("original_id", flat=True))
    candidates |= set(pages.values_list("pdf_id", flat=True)) - {None}
    candidates |= set(scan_items.values_list("pdf_id", flat=True)) - {None}
    thumbnails = set(pages.exclude(thumbnail="").values_list("thumbnail", flat=True))
    candidates |= set(StoredFile.objects.filter(sha256__in=thumbnails).values_list("pk", flat=True))
    # Superseded packages (a handover's or filing's earlier AIP, a filed document's AIP_tailieu)
    # hold the same files: they go with the records.
    versions = AipVersion.objects.filter(
        Q(dossier_id__in=dossier_ids) | Q(document_id__in=document_ids)
    )
    candidates |= set(versions.values_list("package_id", flat=True))
    shared = set(
        DocumentFile.objects.filter(stored_id__in=candidates)
        .exclude(document_id__in=document_ids)
        .values_list("stored_id", flat=True)
    )
    others = ScanPage.objects.filter(Q(original_id__in=candidates) | Q(pdf_id__in=candidates))
    for original, pdf in others.exclude(item__batch__in=batches).values_list(
        "original_id", "pdf_id"
    ):
        shared |= {original, pdf}
    shared |= set(
        ScanItem.objects.filter(pdf_id__in=candidates)
        .exclude(batch__in=batches)
        .values_list("pdf_id", flat=True)
    )
    shared |= set(
        StoredFile.objects.filter(
            sha256__in=ScanPage.objects.filter(thumbnail__in=thumbnails)
            .exclude(item__batch__in=batches)
            .values("thumbnail")
        ).values_list("pk", flat=True)
    )
    removable = candidates - shared
    now = timezone.now()
    events = PremisEvent.objects.filter(
        Q(dossier_id__in=dossier_ids)
        | Q(document_id__in=document_ids)
        | Q(stored_file_id__in=removable)
        | Q(result_file_id__in=removable)
    )
    history: dict[int, list[dict[str, Any]]] = {pk: [] for pk in dossier_ids}
    file_owner = dict(doc_files.values_list("stored_id", "document__dossier_id"))
    document_dossier = {d.pk: d.dossier_id for d in documents}
    for column in ("original_id", "pdf_id"):
        file_owner.update(
            (stored_id, dossier_id)
            for stored_id, dossier_id in pages.values_list(column, "item__batch__dossier_id")
            if stored_id and stored_id not in file_owner
        )
    for event in events.order_by("date_time", "pk"):
        owner = (
            event.dossier_id
            or document_dossier.get(event.document_id or 0)
            or file_owner.get(event.stored_file_id or 0)
        )
        if owner in history:
            history[owner].append(_event_dict(event))
    register = []
    for dossier in dossiers:
        own_docs = [d for d in documents if d.dossier_id == dossier.pk]
        files = list(
            DocumentFile.objects.filter(document__in=own_docs)
            .select_related("stored", "document")
            .order_by("document_id", "pk")
        )
        deletion = {
            "type": "deletion",
            "date_time": now.isoformat(),
            "detail": f"Hủy theo quyết định số {appraisal.decision_number} (TT 06/2025)",
            "outcome": "success",
            "agent": AGENT,
            "agent_person": actor.get_username(),
            "files": [f.stored.sha256 for f in files if f.stored_id in removable],
        }
        entry = DestroyedRecord(
            appraisal=appraisal,
            code=dossier.code,
            title=dossier.title,
            agency_code=dossier.agency.code,
            agency_name=dossier.agency.name,
            fonds_code=dossier.fonds.code if dossier.fonds else "",
            retention=dossier.retention,
            start_date=dossier.start_date,
            end_date=dossier.end_date,
            metadata=_plain(model_to_dict(dossier)),
            documents=[_plain(model_to_dict(d)) for d in own_docs],
            files=[
                {
                    "document": f.document.archival_code or f.document.identifier,
                    "name": f.name,
                    "sha256": f.stored.sha256,
                    "size": f.stored.size,
                    "role": f.role,
                    "removed": f.stored_id in removable,
                }
                for f in files
            ],
            events=[*history[dossier.pk], deletion],
            decision_number=appraisal.decision_number,
            destroyed_at=now,
            destroyed_by=actor.get_username(),
        )
        deletion["identifier"] = str(entry.deletion_event)
        register.append(entry)
    removed_shas = list(
        StoredFile.objects.filter(pk__in=removable).values_list("sha256", flat=True)
    )
    # A sealed file's blob is its ciphertext (storage ADR 0011): it is destroyed with the file.
    sealed = dict(
        StoredFile.objects.filter(pk__in=removable)
        .exclude(sealed_sha256="")
        .values_list("sha256", "sealed_sha256")
    )

    # Rows that point at what goes: requests keep the code the reader wrote; incidents keep
    # their text; PREMIS events now live in the register.
    RequestItem.objects.filter(dossier_id__in=dossier_ids).update(dossier=None)
    RequestItem.objects.filter(document_id__in=document_ids).update(document=None)
    Incident.objects.filter(stored_file_id__in=removable).update(stored_file=None)
    events.delete()
    versions.delete()
    Aip.objects.filter(dossier_id__in=dossier_ids).delete()
    batches.delete()
    try:
        for document in documents:  # one by one: the portal's pre_delete tombstones each
            document.delete()
        Dossier.objects.filter(pk__in=dossier_ids).delete()
    except ProtectedError as exc:
        names = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        raise _refuse(
            "Không thực hiện hủy: hồ sơ còn được tham chiếu bởi " + ", ".join(map(str, names))
        ) from exc
    for stored in StoredFile.objects.filter(pk__in=removable):
        try:
            with transaction.atomic():
                stored.delete()
        except ProtectedError:
            removed_shas.remove(stored.sha256)  # still used elsewhere: the file stays
    kept = {f["sha256"] for entry in register for f in entry.files} - set(removed_shas)
    for entry in register:
        for f in entry.files:
            f["removed"] = f["removed"] and f["sha256"] not in kept
        entry.events[-1]["files"] = [f["sha256"] for f in entry.files if f["removed"]]
    DestroyedRecord.objects.bulk_create(register)
    for entry in register:
        record(
            Event.DESTROY_RECORD,
            actor=actor,
            target=entry,
            message=f"Hủy hồ sơ {entry.code} theo quyết định số {entry.decision_number}.",
            data={
                "code": entry.code,
                "deletion_event": str(entry.deletion_event),
                "files": [f["sha256"] for f in entry.files if f["removed"]],
            },
        )
    try:
        removal = remove_files(removed_shas, sealed=sealed)
    except StorageError as exc:
        raise _refuse(f"Không thực hiện hủy: {exc}") from exc
    transaction.on_commit(
        lambda: records_destroyed.send(
            sender=DestroyedRecord, document_ids=document_ids, dossier_ids=dossier_ids
        )
    )
    return removal


def _event_dict(event: PremisEvent) -> dict[str, Any]:
    return {
        "identifier": str(event.identifier),
        "type": event.event_type,
        "date_time": event.date_time.isoformat(),
        "detail": event.detail,
        "outcome": event.outcome,
        "outcome_detail": event.outcome_detail,
        "agent": event.agent,
    }


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe metadata: dates as ISO strings, related rows as their keys."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime.date):
            out[key] = value.isoformat()
        elif isinstance(value, str | int | float | bool) or value is None:
            out[key] = value
        else:
            out[key] = str(value)
    return out


# ---------------------------------------------------------------------------------------------
# Secrecy


@transaction.atomic
def set_secrecy(
    dossier: Dossier, *, level: str, classified_on: datetime.date, actor: Any
) -> Secrecy:
    """Record a dossier's độ mật; its review falls due after 10, 20 or 30 years."""
    if level not in SecrecyLevel.values:
        raise ValidationError({"level": _("Độ mật phải là Mật, Tối mật hoặc Tuyệt mật.")})
    review_on = services.secrecy_review_on(level, classified_on)
    secrecy, _created = Secrecy.objects.update_or_create(
        dossier=dossier,
        defaults={
            "level": level,
            "classified_on": classified_on,
            "review_on": review_on,
            "declassified_at": None,
        },
    )
    record(
        Event.SECRECY_SET,
        actor=actor,
        target=dossier,
        message=f"Xác định độ mật {secrecy.get_level_display()} cho hồ sơ {dossier.code}; "
        f"rà soát ngày {review_on:%d/%m/%Y}.",
        data={"level": level, "classified_on": classified_on, "review_on": review_on},
    )
    return secrecy


@transaction.atomic
def decide_secrecy(
    secrecy: Secrecy,
    *,
    outcome: str,
    reason: str,
    actor: Any,
    new_review_on: datetime.date | None = None,
    new_regime: str = "02",
) -> SecrecyDecision:
    """Declassify (the dossier's access regime changes through ``records.actions``) or extend
    the protection to a new review date."""
    secrecy = Secrecy.objects.select_for_update().select_related("dossier").get(pk=secrecy.pk)
    if secrecy.declassified_at is not None:
        raise _refuse(f"Hồ sơ {secrecy.dossier.code} đã được giải mật.")
    if not reason.strip():
        raise ValidationError({"reason": _("Cần nêu căn cứ, lý do.")})
    if outcome == SecrecyOutcome.EXTEND:
        if new_review_on is None or new_review_on <= secrecy.review_on:
            raise ValidationError({"new_review_on": _("Hạn rà soát mới phải sau hạn hiện tại.")})
        secrecy.review_on = new_review_on
        secrecy.save(update_fields=["review_on"])
        new_regime = ""
    elif outcome == SecrecyOutcome.DECLASSIFY:
        secrecy.declassified_at = timezone.now()
        secrecy.save(update_fields=["declassified_at"])
        # The dossier and every document of it stricter than the new regime open together:
        # one decision each, so each record's history shows its own legal basis.
        basis = "Luật Bảo vệ bí mật nhà nước 2018, Điều 22: giải mật"
        records_actions.change_access_regime(
            secrecy.dossier, new_regime, actor, legal_basis=basis, reason=f"Giải mật: {reason}"
        )
        for document in secrecy.dossier.documents.all():
            if effective_regime(document.access_regime) > effective_regime(new_regime):
                records_actions.change_access_regime(
                    document, new_regime, actor, legal_basis=basis, reason=f"Giải mật: {reason}"
                )
        enqueue_indexing(secrecy.dossier.documents.values_list("pk", flat=True))
    else:
        raise ValidationError({"outcome": _("Kết luận phải là giải mật hoặc gia hạn.")})
    decision = SecrecyDecision.objects.create(
        secrecy=secrecy,
        outcome=outcome,
        reason=nfc(reason.strip()),
        new_review_on=new_review_on,
        new_regime=new_regime,
        decided_by=actor,
    )
    record(
        Event.SECRECY_DECIDE,
        actor=actor,
        target=secrecy.dossier,
        message=f"{decision.get_outcome_display()} hồ sơ {secrecy.dossier.code}: {reason}",
        data={"outcome": outcome, "new_review_on": new_review_on, "regime": new_regime},
    )
    return decision


# ---------------------------------------------------------------------------------------------
# Transfer into the historical archive


@transaction.atomic
def plan_transfer(
    *, agency: Agency, year: int, dossiers: Sequence[Dossier], actor: Any
) -> HistoricalTransfer:
    """Kế hoạch nộp lưu: permanent, held dossiers of one agency, none under hold."""
    if agency.transfers_to_id is None:
        raise _refuse(f"{agency.name} không thuộc nguồn nộp lưu vào lưu trữ lịch sử.")
    if not dossiers:
        raise _refuse("Kế hoạch nộp lưu cần ít nhất một hồ sơ.")
    held = services.held_dossier_ids()
    taken = set(
        HistoricalTransfer.dossiers.through.objects.filter(
            dossier_id__in=[d.pk for d in dossiers]
        ).values_list("dossier_id", flat=True)
    )
    problems = []
    for dossier in dossiers:
        if dossier.agency_id != agency.pk:
            problems.append(f"{dossier.code} không phải hồ sơ của {agency.name}")
        if dossier.retention != services.PERMANENT:
            problems.append(f"{dossier.code} không phải hồ sơ lưu trữ vĩnh viễn")
        if dossier.pk in held:
            problems.append(f"{dossier.code} đang bị tạm dừng chuyển giao")
        if dossier.pk in taken:
            problems.append(f"{dossier.code} đã có trong một kế hoạch nộp lưu")
    if problems:
        raise _refuse("Không lập kế hoạch: " + "; ".join(problems) + ".")
    transfer = HistoricalTransfer.objects.create(agency=agency, year=year, planned_by=actor)
    transfer.dossiers.set(dossiers)
    record(
        Event.TRANSFER_PLAN,
        actor=actor,
        target=transfer,
        message=f"Lập kế hoạch nộp lưu năm {year}: {len(dossiers)} hồ sơ.",
        data={"codes": [d.code for d in dossiers]},
    )
    return transfer


def _lock_transfer(transfer: HistoricalTransfer, *states: str) -> HistoricalTransfer:
    transfer = HistoricalTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.state not in states:
        raise _refuse(f"Đợt nộp lưu đang ở bước “{transfer.get_state_display()}”.")
    return transfer


@transaction.atomic
def submit_transfer(transfer: HistoricalTransfer, *, actor: Any) -> HistoricalTransfer:
    """Register the plan with the lưu trữ lịch sử, which replies within 07 working days."""
    transfer = _lock_transfer(transfer, TransferState.PLANNED, TransferState.RETURNED)
    transfer.state = TransferState.SUBMITTED
    transfer.submitted_at = timezone.now()
    transfer.reply_by = add_working_days(timezone.localdate(), TRANSFER_REPLY_WORKDAYS)
    transfer.save(update_fields=["state", "submitted_at", "reply_by"])
    record(
        Event.TRANSFER_SUBMIT,
        actor=actor,
        target=transfer,
        message=f"Đăng ký nộp lưu; lưu trữ lịch sử trả lời trước {transfer.reply_by:%d/%m/%Y}.",
    )
    return transfer


@transaction.atomic
def reply_transfer(
    transfer: HistoricalTransfer, *, accept: bool, reply: str, actor: Any
) -> HistoricalTransfer:
    """The historical archive's review: accept, or return for completion with its reasons."""
    transfer = _lock_transfer(transfer, TransferState.SUBMITTED)
    _check_historical_archive_staff(transfer, actor, "trả lời đăng ký nộp lưu")
    if not accept and not reply.strip():
        raise ValidationError({"reply": _("Cần nêu nội dung yêu cầu bổ sung.")})
    transfer.state = TransferState.ACCEPTED if accept else TransferState.RETURNED
    transfer.replied_at, transfer.replied_by = timezone.now(), actor
    transfer.reply = nfc(reply.strip())
    transfer.save(update_fields=["state", "replied_at", "replied_by", "reply"])
    record(
        Event.TRANSFER_REPLY,
        actor=actor,
        target=transfer,
        message=f"Lưu trữ lịch sử: {transfer.get_state_display()}. {transfer.reply}".strip(),
    )
    return transfer


def _check_historical_archive_staff(
    transfer: HistoricalTransfer, actor: Any, doing: str
) -> Archive:
    """Only staff of the historical archive the agency transfers to answer for it: the agency
    cannot accept (or hand over to itself) its own transfer."""
    archive_id = transfer.agency.transfers_to_id
    archive = (
        Archive.objects.select_related("agency").filter(pk=archive_id).first()
        if archive_id is not None
        else None
    )
    if archive is None:
        raise _refuse(f"{transfer.agency.name} không thuộc nguồn nộp lưu vào lưu trữ lịch sử.")
    if archive.pk not in services.staffed_archive_ids(actor):
        raise _refuse(f"Chỉ cán bộ của {archive.name} mới được {doing}.")
    if transfer.agency_id != archive.agency_id and (
        Membership.objects.filter(user_id=actor.pk, agency_id=transfer.agency_id).exists()
        or transfer.planned_by_id == actor.pk
    ):
        raise _refuse(
            f"Cán bộ của {transfer.agency.name} không được {doing} cho chính cơ quan mình."
        )
    return archive


@transaction.atomic
def receive_transfer(transfer: HistoricalTransfer, *, actor: Any) -> HistoricalTransfer:
    """The handover (giao nhận, Luật Lưu trữ 2024 Điều 17): custody of every dossier moves to
    the historical archive (``HistoricalHolding``), each gets a new AIP version whose package
    names the archive as custodian, with a PREMIS ``transfer`` event, the previous version kept
    in storage (``preservation.actions.new_aip_version``). Refused while a hold covers one of
    its dossiers, and unless the actor is staff of the historical archive. All or nothing."""
    transfer = _lock_transfer(transfer, TransferState.ACCEPTED)
    archive = _check_historical_archive_staff(transfer, actor, "giao nhận hồ sơ nộp lưu")
    held = services.held_dossier_ids() & set(transfer.dossiers.values_list("pk", flat=True))
    if held:
        codes_ = ", ".join(transfer.dossiers.filter(pk__in=held).values_list("code", flat=True))
        raise _refuse(f"Không giao nhận: hồ sơ {codes_} đang bị tạm dừng chuyển giao.")
    dossiers = list(transfer.dossiers.select_related("agency", "fonds").order_by("code"))
    taken = HistoricalHolding.objects.filter(dossier__in=dossiers).select_related("dossier")
    if taken:
        names = ", ".join(h.dossier.code for h in taken)
        raise _refuse(f"Không giao nhận: hồ sơ {names} đã do lưu trữ lịch sử quản lý.")
    now = timezone.now()
    reason = f"Nộp lưu vào {archive.name} (đợt nộp lưu năm {transfer.year})"
    for dossier in dossiers:
        HistoricalHolding.objects.create(
            dossier=dossier,
            archive=archive,
            source=HoldingSource.TRANSFER,
            since=now,
            transfer=transfer,
        )
        try:
            preservation_actions.new_aip_version(
                dossier,
                reason=reason,
                event_type=EventType.TRANSFER,
                detail=(
                    f"Chuyển giao quyền quản lý hồ sơ từ lưu trữ hiện hành của "
                    f"{dossier.agency.name} sang {archive.name} (Luật Lưu trữ 2024 Điều 17)."
                ),
                actor=actor,
                custodian=archive.name,
                custodian_code=archive.agency.code,
                agent_person=actor.get_username(),
            )
        except FileNotFoundError as exc:
            raise _refuse(
                f"Không giao nhận: hồ sơ {dossier.code} thiếu tệp trong kho ({exc.filename}); "
                "hãy chạy luutru fixity."
            ) from exc
        except (StorageError, OSError) as exc:
            raise _refuse(f"Không giao nhận: hồ sơ {dossier.code}: {exc}") from exc
        record(
            Event.CUSTODY_MOVE,
            actor=actor,
            target=dossier,
            message=f"Hồ sơ {dossier.code} chuyển sang {archive.name} quản lý.",
            data={"transfer": transfer.pk, "archive": archive.pk},
        )
    transfer.state = TransferState.RECEIVED
    transfer.received_at, transfer.received_by = now, actor
    transfer.save(update_fields=["state", "received_at", "received_by"])
    record(
        Event.TRANSFER_RECEIVE,
        actor=actor,
        target=transfer,
        message=f"Giao nhận {len(dossiers)} hồ sơ vào {archive.name}.",
        data={"codes": [d.code for d in dossiers]},
    )
    return transfer


# ---------------------------------------------------------------------------------------------
# AIPs made by another system, into the historical archive


@dataclass
class ImportResult:
    """What ``import_aip`` did, in the JSON shape of ``luutru aip import --json``."""

    imported: bool
    dossier: str = ""
    documents: int = 0
    files: int = 0
    source_objid: str = ""
    objid: str = ""
    archive: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _historical_archive(agency: Agency, archive_agency: Agency | None) -> Archive:
    archives = Archive.objects.select_related("agency").filter(kind=ArchiveKind.HISTORICAL)
    if archive_agency is not None:
        archive = archives.filter(agency=archive_agency).first()
        if archive is None:
            raise _refuse(f"{archive_agency.name} không quản lý lưu trữ lịch sử nào.")
        return archive
    if agency.transfers_to_id is not None:
        found = archives.filter(pk=agency.transfers_to_id).first()
        if found is not None:
            return found
    if archives.count() == 1:
        return archives.get()
    raise _refuse("Cần chỉ rõ lưu trữ lịch sử nhận gói (--archive MÃ_CƠ_QUAN_QUẢN_LÝ).")


def import_aip(
    path: Path,
    *,
    actor: Any,
    agency: Agency | None = None,
    archive_agency: Agency | None = None,
) -> ImportResult:
    """Take an AIP made by another system to TT 05 form (a folder or a .zip) into the
    historical archive: every check of ``aip_import.read_package`` first (METS and PREMIS
    against their schemas, the SHA-256 and size of every file, no unlisted file, TT 05
    values, codes not yet held); then the files into both storages, then in one transaction
    the dossier, its documents and files (held), its custody in the historical archive
    (``HistoricalHolding``), its AIP with a PREMIS ``accession`` event, and the audit event.

    A refused package changes nothing (``ImportResult.errors`` name the file and field). The
    agency is the package's IPOWNER (``--agency`` overrides); the archive is the one the
    agency transfers to, or ``archive_agency``'s, or the only historical archive. Only staff
    of that archive (``review_transfer``) import, or the operator at the console (``None``).
    Blobs stored before a database failure stay unreferenced (content-addressed, harmless).
    """
    try:
        with tempfile.TemporaryDirectory(prefix="luutru-aip-import-") as work:
            folder = _unpack(path, Path(work))
            package = aip_import.read_package(folder)
            return _import(package, actor=actor, agency=agency, archive_agency=archive_agency)
    except aip_import.PackageRefused as exc:
        return ImportResult(imported=False, errors=[p.as_dict() for p in exc.problems])
    except ValidationError as exc:
        return ImportResult(
            imported=False, errors=[{"file": path.name, "message": m} for m in exc.messages]
        )


def _unpack(path: Path, work: Path) -> Path:
    if path.is_dir():
        problems = archives.check_tree(path)
        if problems:
            raise aip_import.PackageRefused([aip_import.Problem(path.name, p) for p in problems])
        return path
    if not path.is_file() or not zipfile.is_zipfile(path):
        raise aip_import.PackageRefused(
            [aip_import.Problem(path.name, "Gói phải là một thư mục hoặc một tệp .zip.")]
        )
    target = work / "package"
    try:
        archives.safe_extract_zip(
            path,
            target,
            max_total_bytes=settings.INGEST_MAX_BYTES,
            max_files=settings.INGEST_MAX_FILES,
            max_ratio=settings.INGEST_MAX_RATIO,
        )
    except archives.UnsafeArchive as exc:
        raise aip_import.PackageRefused(
            [aip_import.Problem(exc.entry or path.name, str(exc))]
        ) from exc
    return target


def _import(
    package: aip_import.AipPackage,
    *,
    actor: Any,
    agency: Agency | None,
    archive_agency: Agency | None,
) -> ImportResult:
    if agency is None:
        agency = Agency.objects.filter(code=package.owner_code).first()
        if agency is None:
            raise _refuse(
                f"METS.xml: cơ quan lập hồ sơ (IPOWNER) mã “{package.owner_code or '(không có)'}”"
                " chưa được đăng ký; đăng ký cơ quan hoặc dùng --agency."
            )
    archive = _historical_archive(agency, archive_agency)
    if actor is not None and archive.pk not in services.staffed_archive_ids(actor):
        raise _refuse(f"Chỉ cán bộ của {archive.name} mới được nhập gói lưu trữ.")
    for packed in package.files.values():
        try:
            put_file(packed.path, expected_sha256=packed.sha256)
        except (StorageError, OSError) as exc:
            raise _refuse(f"{packed.rel}: không lưu được tệp vào kho ({exc}).") from exc
    return _create_imported(package, agency=agency, archive=archive, actor=actor)


@transaction.atomic
def _create_imported(
    package: aip_import.AipPackage, *, agency: Agency, archive: Archive, actor: Any
) -> ImportResult:
    stored = register_many(
        [
            {"sha256": f.sha256, "size": f.size, "mime": f.mime[:100], "puid": f.puid,
             "format_name": f.format_name}
            for f in package.files.values()
        ]
    )  # fmt: skip
    fonds = agency.fonds.filter(is_open=True).order_by("code").first() or agency.fonds.first()
    dossier = Dossier(agency=agency, fonds=fonds, custody=Custody.HELD)
    _assign(dossier, package.dossier)
    match = FILE_CODE_RE.match(dossier.code)
    if match:
        dossier.year, dossier.notation = int(match["year"]), match["notation"][:20]
    dossier.start_precision = package.dossier.fields.get("start_date__precision", "day")
    dossier.end_precision = package.dossier.fields.get("end_date__precision", "day")
    dossier.save()
    files = 0
    for item in package.documents:
        document = Document(agency=agency, dossier=dossier, custody=Custody.HELD)
        _assign(document, item.cleaned)
        document.save()
        for packed, role in item.files:
            DocumentFile.objects.create(
                document=document,
                stored=stored[packed.sha256],
                role=role,
                name=(packed.original_name or PurePosixPath(packed.rel).name)[:255],
                signatures=packed.signatures,
            )
            files += 1
    HistoricalHolding.objects.create(
        dossier=dossier,
        archive=archive,
        source=HoldingSource.IMPORT,
        package=package.objid[:200],
    )
    aip = preservation_actions.record_accession(
        dossier,
        source_objid=package.objid,
        custodian=archive.name,
        custodian_code=archive.agency.code,
        actor=actor,
        agent_person=actor.get_username() if actor is not None else "",
    )
    record(
        Event.AIP_IMPORT,
        actor=actor,
        target=dossier,
        message=f"Nhập gói lưu trữ {package.objid} vào {archive.name}: hồ sơ {dossier.code}, "
        f"{len(package.documents)} tài liệu, {files} tệp.",
        data={"source": package.objid, "objid": aip.objid, "archive": archive.pk},
    )
    ids = list(dossier.documents.values_list("pk", flat=True))
    transaction.on_commit(lambda: enqueue_indexing(ids))
    return ImportResult(
        imported=True,
        dossier=dossier.code,
        documents=len(package.documents),
        files=files,
        source_objid=package.objid,
        objid=aip.objid,
        archive=archive.name,
    )


def _assign(row: Dossier | Document, cleaned: Any) -> None:
    names = {f.name for f in row._meta.get_fields()}
    for key, value in cleaned.fields.items():
        if key in names and "__" not in key:
            setattr(row, key, value)
