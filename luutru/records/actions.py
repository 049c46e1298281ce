"""State changes of the records app: file plans (danh mục hồ sơ) and their planned files;
publication (công bố) and withdrawal, access-regime decisions, a fonds' publication policy; the
description of held dossiers and documents (edit, file, move, spreadsheet import).

Each action is atomic and writes its audit event in the same transaction. Validation errors are
``ValidationError`` keyed by model field, in Vietnamese, for ``run_action`` to show on a form.
Publication actions take many records and refuse some of them (``Refusal``, with the reason in
Vietnamese), leaving those unchanged and deciding the others.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from luutru.audit.actions import Actor, record
from luutru.lib.vietnamese import nfc
from luutru.organizations.models import Agency, Fonds
from luutru.organizations.services import record_scope
from luutru.records import codes, description, spreadsheet
from luutru.records.elements import elements
from luutru.records.models import (
    CONDITIONAL_REGIME,
    OPEN_REGIME,
    SECRET_REGIME,
    AuditAction,
    ChangeKind,
    Custody,
    DescriptionChange,
    Document,
    Dossier,
    FilePlan,
    FilePlanEntry,
    PublicationAction,
    PublicationDecision,
    RegimeChange,
)
from luutru.records.rules import effective_regime, longest_retention
from luutru.records.signals import descriptions_changed, document_filing, records_changed

PUBLISH_RECORD = "records.publish_record"
CHANGE_ACCESS_REGIME = "records.change_access_regime"
SYSTEM_NAME = "Hệ thống"

ENTRY_FIELDS = ("notation", "title", "retention", "responsible", "closed_on", "note")


@transaction.atomic
def create_file_plan(
    *,
    agency: Agency,
    year: int,
    actor: Actor,
    title: str = "",
    approved_at: datetime.date | None = None,
    note: str = "",
) -> FilePlan:
    """Open an agency's file plan for a year; an agency has one plan a year."""
    duplicate = ValidationError(
        {"year": f"{agency.name} đã có danh mục hồ sơ năm {year}; hãy bổ sung vào danh mục đó."}
    )
    if FilePlan.objects.filter(agency=agency, year=year).exists():
        raise duplicate
    try:
        with transaction.atomic():  # a concurrent twin trips the constraint, not a 500
            plan = FilePlan.objects.create(
                agency=agency,
                year=year,
                title=nfc(title.strip()),
                approved_at=approved_at,
                note=nfc(note.strip()),
            )
    except IntegrityError:
        raise duplicate from None
    record(
        AuditAction.FILE_PLAN_CREATE,
        actor=actor,
        target=plan,
        message=f"Lập danh mục hồ sơ năm {year} của {agency.name}.",
        data={"agency": agency.code, "year": year},
    )
    return plan


@transaction.atomic
def add_plan_entry(
    plan: FilePlan,
    *,
    notation: str,
    title: str,
    retention: str,
    actor: Actor,
    responsible: str = "",
    closed_on: datetime.date | None = None,
    note: str = "",
) -> FilePlanEntry:
    """Add a planned file (hồ sơ dự kiến) to a file plan."""
    entry = FilePlanEntry(plan=plan)
    _fill(
        entry,
        notation=notation,
        title=title,
        retention=retention,
        responsible=responsible,
        closed_on=closed_on,
        note=note,
    )
    _save(entry)
    record(
        AuditAction.PLAN_ENTRY_ADD,
        actor=actor,
        target=entry,
        message=f"Thêm hồ sơ “{entry.notation}” vào danh mục hồ sơ năm {plan.year} "
        f"của {plan.agency.name}.",
        data={"plan": plan.pk, "notation": entry.notation},
    )
    return entry


@transaction.atomic
def update_plan_entry(entry: FilePlanEntry, *, actor: Actor, **values: Any) -> FilePlanEntry:
    """Change a planned file; ``closed_on`` starts its one-year clock for transfer."""
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    entry = (
        FilePlanEntry.objects.select_for_update().select_related("plan__agency").get(pk=entry.pk)
    )
    before = {name: getattr(entry, name) for name in ENTRY_FIELDS}
    _fill(entry, **{**before, **values})
    changed = [name for name in ENTRY_FIELDS if getattr(entry, name) != before[name]]
    if not changed:
        return entry
    _save(entry, update_fields=changed)
    record(
        AuditAction.PLAN_ENTRY_CHANGE,
        actor=actor,
        target=entry,
        message=f"Sửa hồ sơ dự kiến “{entry.notation}” của danh mục hồ sơ năm {entry.plan.year}.",
        data={name: {"from": before[name], "to": getattr(entry, name)} for name in changed},
    )
    return entry


def _fill(
    entry: FilePlanEntry,
    *,
    notation: str,
    title: str,
    retention: str,
    responsible: str,
    closed_on: datetime.date | None,
    note: str,
) -> None:
    errors: dict[str, str] = {}
    entry.notation = nfc(notation.strip())
    entry.title = nfc(title.strip())
    entry.retention = retention.strip()
    entry.responsible = nfc(responsible.strip())
    entry.closed_on = closed_on
    entry.note = nfc(note.strip())
    if not entry.notation:
        errors["notation"] = "Cần số và ký hiệu hồ sơ."
    if not entry.title:
        errors["title"] = "Cần tiêu đề hồ sơ."
    if entry.retention not in codes.entries("retention"):
        errors["retention"] = "Thời hạn lưu trữ phải là một mã của TT 05/2025 (01 đến 07)."
    clash = FilePlanEntry.objects.filter(plan_id=entry.plan_id, notation=entry.notation)
    if entry.notation and clash.exclude(pk=entry.pk).exists():
        errors["notation"] = f"Danh mục đã có hồ sơ số “{entry.notation}”."
    if errors:
        raise ValidationError(errors)


def _save(entry: FilePlanEntry, update_fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            entry.save(update_fields=update_fields)
    except IntegrityError:
        raise ValidationError(
            {"notation": f"Danh mục đã có hồ sơ số “{entry.notation}”."}
        ) from None


# ---------------------------------------------------------------------------------------------
# Publication (công bố)
#
# The rule for dossiers and their documents (models.open_documents_q):
# - Publishing a dossier publishes it as a whole: the dossier, and every one of its documents
#   that may be published (held, Công khai by the stricter regime) and has no decision of its
#   own. A document's own decision (published or withdrawn individually) is its exception and
#   stands until another decision on that document.
# - A filed document is public only while its dossier is: withdrawing the dossier hides all its
#   documents at once, without touching their own publication, so publishing the dossier again
#   brings back exactly those that were public.
# - A document of a dossier that is not published cannot be published alone: publish the
#   dossier first (refused with that reason).
# ``actor=None`` is the system (the CLI run by an operator, the demo loader, a fonds' policy on
# acceptance), which holds every permission.

Record = Dossier | Document


@dataclass(frozen=True)
class Refusal:
    code: str
    reason: str


@dataclass
class PublicationOutcome:
    """What a publication action did: the records decided, and those refused (unchanged)."""

    done: list[Record] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.done]


def may_publish(actor: Any) -> bool:
    """Heads of an archive and administrators (``records.publish_record``); the system."""
    return actor is None or bool(actor.has_perm(PUBLISH_RECORD))


def regime_of(record: Record) -> str:
    """The record's effective regime: for a filed document, the stricter of its and its
    dossier's."""
    if isinstance(record, Document) and record.dossier is not None:
        return effective_regime(record.access_regime, record.dossier.access_regime)
    return effective_regime(record.access_regime)


def _kind(record: Record) -> str:
    return "Hồ sơ" if isinstance(record, Dossier) else "Tài liệu"


def _name(actor: Any) -> str:
    if actor is None:
        return SYSTEM_NAME
    return str(actor.get_full_name() or actor.get_username())[:150]


def _user(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _in_scope(actor: Any, record: Record) -> bool:
    if actor is None:
        return True
    agency_ids = record_scope(actor).agency_ids
    return agency_ids is None or record.agency_id in agency_ids


def _locked(records: Iterable[Record]) -> list[Record]:
    """The records read again under a row lock, dossiers first, each once, in the order given."""
    given = list(records)
    dossier_ids = list(dict.fromkeys(r.pk for r in given if isinstance(r, Dossier)))
    document_ids = list(dict.fromkeys(r.pk for r in given if isinstance(r, Document)))
    dossiers = (
        Dossier.objects.select_for_update(of=("self",)).select_related("fonds").in_bulk(dossier_ids)
    )
    documents = (
        Document.objects.select_for_update(of=("self",))
        .select_related("dossier__fonds")
        .in_bulk(document_ids)
    )
    out: list[Record] = [dossiers[pk] for pk in dossier_ids if pk in dossiers]
    return out + [documents[pk] for pk in document_ids if pk in documents]


def _publish_problem(actor: Any, record: Record) -> str | None:
    """Why ``record`` may not be published, in Vietnamese; None when it may."""
    kind, code = _kind(record), record.code
    if not _in_scope(actor, record):
        return f"{kind} “{code}” không thuộc phạm vi cơ quan của bạn."
    if record.custody != Custody.HELD:
        return (
            f"{kind} “{code}” chưa được tiếp nhận vào kho lưu trữ (còn chờ tiếp nhận): "
            "chỉ công bố tài liệu đã tiếp nhận."
        )
    regime = regime_of(record)
    if regime == SECRET_REGIME:
        return f"{kind} “{code}” thuộc chế độ Mật: tài liệu Mật không bao giờ được công bố."
    if regime == CONDITIONAL_REGIME:
        return (
            f"{kind} “{code}” thuộc chế độ Sử dụng có điều kiện: không công bố nội dung "
            "(chỉ giới thiệu trong mục lục khi phông cho phép). Muốn công bố, trước hết phải "
            "quyết định chuyển sang chế độ Công khai."
        )
    if regime != OPEN_REGIME:
        return f"{kind} “{code}” chưa có chế độ sử dụng Công khai: không công bố được."
    if isinstance(record, Document) and record.dossier is not None:
        dossier = record.dossier
        if dossier.custody != Custody.HELD or dossier.published_at is None:
            return (
                f"Tài liệu “{code}” thuộc hồ sơ “{dossier.code}” chưa được công bố: hãy công bố "
                "hồ sơ (các tài liệu của hồ sơ được công bố theo)."
            )
    return None


def _download_default(record: Record) -> bool:
    """A fonds' default (``Fonds.public_download``); a filed document takes its dossier's."""
    if isinstance(record, Document):
        if record.dossier is not None:
            return record.dossier.public_download
        return True
    return record.fonds.public_download if record.fonds is not None else True


def _followers(dossier: Dossier) -> QuerySet[Document]:
    """The documents that follow their dossier's publication: held, Công khai, and with no
    publication decision of their own."""
    own = PublicationDecision.objects.filter(document=OuterRef("pk"))
    return Document.objects.filter(
        dossier=dossier, custody=Custody.HELD, access_regime=OPEN_REGIME
    ).exclude(Exists(own))


def _changed(document_ids: Iterable[int], dossier_ids: Iterable[int]) -> None:
    docs, dossiers = sorted(set(document_ids)), sorted(set(dossier_ids))
    if docs or dossiers:
        records_changed.send(sender=PublicationDecision, document_ids=docs, dossier_ids=dossiers)


def _decide(
    record: Record,
    action: PublicationAction,
    actor: Any,
    reason: str,
    *,
    download: bool | None = None,
    documents: int = 0,
    when: datetime.datetime,
) -> PublicationDecision:
    return PublicationDecision.objects.create(
        dossier=record if isinstance(record, Dossier) else None,
        document=record if isinstance(record, Document) else None,
        code=record.code[:100],
        action=action,
        reason=reason[:1000],
        public_download=download,
        documents=documents,
        decided_by=_user(actor),
        decided_by_name=_name(actor),
        decided_at=when,
    )


def _download_text(download: bool) -> str:
    return "cho tải bản gốc" if download else "chỉ đọc trang, không tải bản gốc"


@transaction.atomic
def publish_records(
    records: Iterable[Record],
    actor: Any,
    reason: str = "",
    allow_download: bool | None = None,
) -> PublicationOutcome:
    """Công bố: make these held, Công khai records public on the portal, API, OAI-PMH, IIIF and
    search. ``allow_download`` None takes the default (the fonds' ``public_download``; a filed
    document its dossier's). Refused, unchanged: Mật, Sử dụng có điều kiện and not yet accepted
    records, a document of an unpublished dossier, records outside the actor's scope, and every
    record when the actor lacks ``records.publish_record``. Publishing a published record again
    is a new decision (it may change the download choice)."""
    return _publish(records, actor, nfc(reason.strip()), allow_download, check_permission=True)


def _publish(
    records: Iterable[Record],
    actor: Any,
    reason: str,
    allow_download: bool | None,
    *,
    check_permission: bool,
    notify: bool = True,
) -> PublicationOutcome:
    outcome = PublicationOutcome()
    locked = _locked(records)
    if check_permission and not may_publish(actor):
        outcome.refused = [
            Refusal(r.code, "Bạn không có quyền công bố hồ sơ, tài liệu (cần vai trò lãnh đạo "
                    "cơ quan lưu trữ hoặc quản trị hệ thống).")
            for r in locked
        ]  # fmt: skip
        return outcome
    now = timezone.now()
    document_ids: set[int] = set()
    dossier_ids: set[int] = set()
    decided: dict[int, Dossier] = {}  # dossiers published by this call, for their documents
    for item in locked:
        if isinstance(item, Document) and item.dossier_id in decided:
            item.dossier = decided[item.dossier_id]
        problem = _publish_problem(actor, item)
        if problem:
            outcome.refused.append(Refusal(item.code, problem))
            continue
        download = _download_default(item) if allow_download is None else allow_download
        first = item.published_at is None
        if first:
            item.published_at, item.published_by = now, _user(actor)
        item.public_download = download
        item.save(update_fields=["published_at", "published_by", "public_download"])
        followed = 0
        if isinstance(item, Dossier):
            followers = _followers(item)
            followed = followers.filter(published_at__isnull=True).update(
                published_at=now, published_by=_user(actor)
            )
            followers.update(public_download=download)
            decided[item.pk] = item
            dossier_ids.add(item.pk)
            document_ids.update(item.documents.values_list("pk", flat=True))
        else:
            document_ids.add(item.pk)
        _decide(item, PublicationAction.PUBLISH, actor, reason, download=download,
                documents=followed, when=now)  # fmt: skip
        with_documents = f", {followed} tài liệu công bố theo hồ sơ" if followed else ""
        record(
            AuditAction.PUBLISH,
            actor=actor,
            target=item,
            message=f"{'Công bố' if first else 'Công bố lại'} {_kind(item).lower()} "
            f"“{item.code}” ({_download_text(download)}{with_documents})."
            + (f" Lý do: {reason.rstrip('.')}." if reason else ""),
            data={"code": item.code, "reason": reason, "download": download,
                  "documents": followed},
        )  # fmt: skip
        outcome.done.append(item)
    if notify:
        _changed(document_ids, dossier_ids)
    return outcome


@transaction.atomic
def withdraw_records(records: Iterable[Record], actor: Any, reason: str) -> PublicationOutcome:
    """Thu hồi công bố: take published records off the portal, API, IIIF and search; OAI-PMH
    reports them deleted. A dossier's documents go with it (and come back with it). A reason is
    required; refused, unchanged: records that are not published, records outside the actor's
    scope, and every record when the actor lacks ``records.publish_record``."""
    reason = nfc(reason.strip())
    outcome = PublicationOutcome()
    locked = _locked(records)
    common = None
    if not may_publish(actor):
        common = (
            "Bạn không có quyền thu hồi công bố (cần vai trò lãnh đạo cơ quan lưu trữ hoặc "
            "quản trị hệ thống)."
        )
    elif not reason:
        common = "Cần nêu lý do thu hồi công bố."
    if common:
        outcome.refused = [Refusal(r.code, common) for r in locked]
        return outcome
    now = timezone.now()
    document_ids: set[int] = set()
    dossier_ids: set[int] = set()
    for item in locked:
        if not _in_scope(actor, item):
            problem = f"{_kind(item)} “{item.code}” không thuộc phạm vi cơ quan của bạn."
        elif item.published_at is None:
            problem = f"{_kind(item)} “{item.code}” chưa được công bố: không có gì để thu hồi."
        else:
            problem = ""
        if problem:
            outcome.refused.append(Refusal(item.code, problem))
            continue
        _withdraw_one(item, actor, reason, now)
        if isinstance(item, Dossier):
            dossier_ids.add(item.pk)
            document_ids.update(item.documents.values_list("pk", flat=True))
        else:
            document_ids.add(item.pk)
        outcome.done.append(item)
    _changed(document_ids, dossier_ids)
    return outcome


def _withdraw_one(item: Record, actor: Any, reason: str, now: datetime.datetime) -> None:
    item.published_at, item.published_by = None, None
    item.save(update_fields=["published_at", "published_by"])
    _decide(item, PublicationAction.WITHDRAW, actor, reason, when=now)
    hidden = ""
    if isinstance(item, Dossier):
        hidden = " Các tài liệu của hồ sơ cũng không còn công khai."
    record(
        AuditAction.WITHDRAW,
        actor=actor,
        target=item,
        message=f"Thu hồi công bố {_kind(item).lower()} “{item.code}”. "
        f"Lý do: {reason.rstrip('.')}.{hidden}",
        data={"code": item.code, "reason": reason},
    )


def _fonds_of(record: Record) -> Fonds | None:
    if isinstance(record, Dossier):
        return record.fonds
    return record.dossier.fonds if record.dossier is not None else None


@transaction.atomic
def publish_on_acceptance(records: Iterable[Record], actor: Any) -> PublicationOutcome:
    """Apply each fonds' policy to records just accepted into the holdings (called by transfer
    acceptance): where the fonds publishes on acceptance (``Fonds.publish_on_acceptance``),
    its held Công khai dossiers are published with their documents, and documents given on
    their own in a published dossier too. The fonds' policy is the archive's decision made in
    advance, so the actor's own permission is not asked; the decisions name the actor.
    Records the policy does not cover are left as they are (not refused).

    Call it once the records are held: it also tells the doors about every record given (and
    the documents of every dossier given), published or not, since acceptance alone changes
    what the public may find (a fonds that lists conditional records lists them now)."""
    given = list(records)
    dossiers = Dossier.objects.select_related("fonds").in_bulk(
        [r.pk for r in given if isinstance(r, Dossier)]
    )
    documents = Document.objects.select_related("dossier__fonds").in_bulk(
        [r.pk for r in given if isinstance(r, Document)]
    )
    chosen: list[Record] = []
    candidates: list[Record] = [*dossiers.values(), *documents.values()]
    for item in candidates:
        fonds = _fonds_of(item)
        if fonds is None or not fonds.publish_on_acceptance:
            continue
        if item.custody != Custody.HELD or regime_of(item) != OPEN_REGIME:
            continue
        dossier = item.dossier if isinstance(item, Document) else None
        if dossier is not None and (dossier.pk in dossiers or dossier.published_at is None):
            continue  # it follows its dossier, or waits for it
        chosen.append(item)
    outcome = PublicationOutcome()
    if chosen:
        outcome = _publish(
            chosen,
            actor,
            "Công bố khi tiếp nhận vào kho, theo chính sách công bố của phông.",
            None,
            check_permission=False,
            notify=False,
        )
    in_dossiers = Document.objects.filter(dossier_id__in=list(dossiers)).values_list(
        "pk", flat=True
    )
    _changed([*documents, *in_dossiers], dossiers)
    return outcome


@transaction.atomic
def change_access_regime(
    record_: Record, new_regime: str, actor: Any, legal_basis: str, reason: str
) -> RegimeChange:
    """Quyết định thay đổi chế độ sử dụng: a record's access regime changes, with its legal
    basis, kept as history and audited; every door follows (the portal, API, OAI-PMH, IIIF and
    search). Restricting a published record (to Sử dụng có điều kiện or Mật) withdraws its
    publication in the same decision; opening a record (to Công khai) does not publish it —
    that is a publication decision of its own. Raises ``PermissionDenied`` without
    ``records.change_access_regime`` and ``ValidationError`` (by field) for a bad request."""
    if actor is not None and not actor.has_perm(CHANGE_ACCESS_REGIME):
        raise PermissionDenied("Bạn không có quyền quyết định thay đổi chế độ sử dụng.")
    item: Record
    if isinstance(record_, Dossier):
        item = Dossier.objects.select_for_update(of=("self",)).get(pk=record_.pk)
    else:
        item = (
            Document.objects.select_for_update(of=("self",))
            .select_related("dossier")
            .get(pk=record_.pk)
        )
    if not _in_scope(actor, item):
        raise PermissionDenied(f"{_kind(item)} “{item.code}” không thuộc phạm vi cơ quan của bạn.")
    new_regime = (new_regime or "").strip()
    legal_basis = nfc((legal_basis or "").strip())
    reason = nfc((reason or "").strip())
    errors: dict[str, str] = {}
    if new_regime not in codes.entries("access_regime"):
        errors["new_regime"] = (
            "Chế độ sử dụng phải là 01 Công khai, 02 Sử dụng có điều kiện hoặc 03 Mật."
        )
    elif new_regime == item.access_regime:
        errors["new_regime"] = (
            f"{_kind(item)} “{item.code}” đã thuộc chế độ "
            f"{codes.label('access_regime', new_regime)}."
        )
    if not legal_basis:
        errors["legal_basis"] = "Cần nêu căn cứ pháp lý (văn bản, quyết định) của việc thay đổi."
    if not reason:
        errors["reason"] = "Cần nêu lý do thay đổi chế độ sử dụng."
    if errors:
        raise ValidationError(errors)
    old = item.access_regime
    now = timezone.now()
    item.access_regime = new_regime
    item.save(update_fields=["access_regime"])
    change = RegimeChange.objects.create(
        dossier=item if isinstance(item, Dossier) else None,
        document=item if isinstance(item, Document) else None,
        code=item.code[:100],
        old_regime=old,
        new_regime=new_regime,
        legal_basis=legal_basis[:500],
        reason=reason[:1000],
        decided_by=_user(actor),
        decided_by_name=_name(actor),
        decided_at=now,
    )
    label = codes.label("access_regime", new_regime)
    record(
        AuditAction.ACCESS_REGIME_CHANGE,
        actor=actor,
        target=item,
        message=f"Chuyển {_kind(item).lower()} “{item.code}” từ chế độ "
        f"{codes.label('access_regime', old)} sang {label}. Căn cứ: {legal_basis.rstrip('.')}. "
        f"Lý do: {reason.rstrip('.')}.",
        data={"code": item.code, "from": old, "to": new_regime, "legal_basis": legal_basis,
              "reason": reason},
    )  # fmt: skip
    if new_regime != OPEN_REGIME and item.published_at is not None:
        _withdraw_one(item, actor, f"Chuyển sang chế độ {label} ({legal_basis}).", now)
    if isinstance(item, Dossier):
        _changed(item.documents.values_list("pk", flat=True), [item.pk])
    else:
        _changed([item.pk], [item.dossier_id] if item.dossier_id else [])
    return change


POLICY_FIELDS = ("publish_on_acceptance", "list_conditional", "public_download")


@transaction.atomic
def set_publication_policy(fonds: Fonds, actor: Any, **values: bool) -> Fonds:
    """A fonds' publication policy (``Fonds.publish_on_acceptance``, ``list_conditional``,
    ``public_download``). Listing conditional records changes what the public catalogue shows
    at once (portal, API, search); the other two apply to later decisions."""
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if not may_publish(actor):
        raise PermissionDenied("Bạn không có quyền đặt chính sách công bố của phông.")
    fonds = Fonds.objects.select_for_update().get(pk=fonds.pk)
    changed = {
        name: bool(value) for name, value in values.items() if getattr(fonds, name) != bool(value)
    }
    if not changed:
        return fonds
    for name, value in changed.items():
        setattr(fonds, name, value)
    fonds.save(update_fields=list(changed))
    labels = {
        name: str(getattr(Fonds._meta.get_field(name), "verbose_name", name)) for name in changed
    }
    record(
        AuditAction.PUBLICATION_POLICY,
        actor=actor,
        target=fonds,
        message=f"Đổi chính sách công bố của phông “{fonds.name}” ({fonds.code}): "
        + "; ".join(f"{labels[n]}: {'có' if v else 'không'}" for n, v in changed.items())
        + ".",
        data=changed,
    )
    if "list_conditional" in changed:
        _changed(
            Document.objects.filter(dossier__fonds=fonds).values_list("pk", flat=True),
            fonds.dossiers.values_list("pk", flat=True),
        )
    return fonds


# ---------------------------------------------------------------------------------------------
# Description control (kiểm soát mô tả): editing, filing and moving held records.
#
# Each action writes, in its transaction, one audit event with every changed field's before and
# after, and one ``DescriptionChange`` row per field (the record's history, which preservation
# reads as PREMIS metadata-modification events). On commit it sends
# ``signals.descriptions_changed`` so that search reindexes; the OAI register follows the saves.


NO_REASON = "Cần ghi lý do thay đổi (sẽ lưu trong lịch sử của hồ sơ, tài liệu)."


def _reason(reason: str) -> str:
    text = nfc((reason or "").strip())
    if not text:
        raise ValidationError({"reason": NO_REASON})
    return text


def _history(
    rows: list[tuple[Dossier | Document, description.Change]],
    *,
    kind: ChangeKind,
    reason: str,
    actor: Any,
    batch: uuid.UUID,
) -> None:
    now = timezone.now()
    DescriptionChange.objects.bulk_create(
        DescriptionChange(
            batch=batch, kind=kind, element=change.element, label=change.label,
            before=change.before, after=change.after, reason=reason,
            dossier=target if isinstance(target, Dossier) else None,
            document=target if isinstance(target, Document) else None,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_name=actor.get_username() if actor is not None else "hệ thống",
            changed_at=now,
        )
        for target, change in rows
    )  # fmt: skip


def _announce(dossier_ids: list[int], document_ids: list[int]) -> None:
    transaction.on_commit(
        lambda: descriptions_changed.send(
            sender=DescriptionChange, dossier_ids=dossier_ids, document_ids=document_ids
        )
    )


def _data(rows: list[tuple[Dossier | Document, description.Change]]) -> dict[str, Any]:
    return {
        f"{type(t).__name__.lower()}:{t.pk}:{c.element}": {"from": c.before, "to": c.after}
        for t, c in rows
    }


@transaction.atomic
def change_description(
    target: Dossier | Document,
    *,
    values: Mapping[str, str],
    reason: str,
    actor: Any,
    kind: ChangeKind = ChangeKind.EDIT,
    batch: uuid.UUID | None = None,
    announce: bool = True,
) -> list[description.Change]:
    """Edit a dossier's or document's TT 05 elements; ``values`` are element name → text as
    typed in the ingest spreadsheet (elements not given keep their value).

    Checked by the ingest rules (``description.check``); problems are a ``ValidationError``
    keyed by element name, and nothing changes. A dossier whose code changes takes its
    documents' archival codes along. Returns the changes (none: nothing written).
    ``announce=False`` leaves ``descriptions_changed`` to a caller changing many records.
    """
    why = _reason(reason)
    model = type(target)
    locked = model.objects.select_for_update().get(pk=target.pk)
    cleaned = description.check(locked, values)
    if cleaned.issues:
        raise ValidationError(description.messages_by_element(cleaned))
    changes, dirty = description.assign(locked, cleaned)
    if not changes:
        return []
    rows: list[tuple[Dossier | Document, description.Change]] = [(locked, c) for c in changes]
    try:
        with transaction.atomic():
            locked.save(update_fields=dirty)
            if isinstance(locked, Dossier) and "code" in dirty:
                rows += _recode_documents(locked)
    except IntegrityError:
        raise ValidationError(
            {"fileCode" if isinstance(locked, Dossier) else "docCode": "Mã đã được dùng."}
        ) from None
    _history(rows, kind=kind, reason=why, actor=actor, batch=batch or uuid.uuid4())
    what = "hồ sơ" if isinstance(locked, Dossier) else "tài liệu"
    names = ", ".join(c.label for c in changes)
    record(
        AuditAction.DESCRIPTION_CHANGE,
        actor=actor,
        target=locked,
        message=f"Sửa mô tả {what} “{locked}”: {names}. Lý do: {why}",
        data={"reason": why, "kind": str(kind), "changes": _data(rows)},
    )
    target.refresh_from_db()
    if announce:
        _announce(*_affected([locked]))
    return changes


def _affected(targets: list[Dossier | Document]) -> tuple[list[int], list[int]]:
    """The dossiers and documents whose search entries a change of ``targets`` touches."""
    dossier_ids = {t.pk for t in targets if isinstance(t, Dossier)}
    dossier_ids |= {t.dossier_id for t in targets if isinstance(t, Document) and t.dossier_id}
    document_ids = {t.pk for t in targets if isinstance(t, Document)}
    document_ids |= set(
        Document.objects.filter(
            dossier_id__in=[t.pk for t in targets if isinstance(t, Dossier)]
        ).values_list("pk", flat=True)
    )
    return sorted(dossier_ids), sorted(document_ids)


def _recode_documents(dossier: Dossier) -> list[tuple[Dossier | Document, description.Change]]:
    """A dossier's new code passes to its documents' archival codes (code + "." + ordinal)."""
    label = elements("document")["docCode"].label
    rows: list[tuple[Dossier | Document, description.Change]] = []
    for document in dossier.documents.exclude(ordinal=None).order_by("ordinal"):
        before = document.archival_code
        document.archival_code = f"{dossier.code}.{document.ordinal:07d}"
        if document.archival_code != before:
            document.save(update_fields=["archival_code"])
            rows.append(
                (document, description.Change("docCode", label, "archival_code", before,
                                              document.archival_code))
            )  # fmt: skip
    return rows


@transaction.atomic
def file_document(document: Document, dossier: Dossier, *, reason: str, actor: Any) -> Document:
    """File a loose document (from an edXML message) into a dossier (lập hồ sơ).

    It takes the ordinal after the dossier's last and the archival code dossier code + "." +
    7-digit ordinal (as ingest forms them); the dossier's total_docs and page_count grow by it,
    and its retention rises to the document's when that is longer (TT 05/2025).
    """
    why = _reason(reason)
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.dossier_id is not None:
        raise ValidationError({"dossier": "Tài liệu đã thuộc một hồ sơ."})
    last = dossier.documents.aggregate(last=Max("ordinal"))["last"] or 0
    ordinal = last + 1
    code = f"{dossier.code}.{ordinal:07d}"
    if len(code) > Document._meta.get_field("archival_code").max_length:  # type: ignore[operator]
        raise ValidationError({"dossier": f"Mã lưu trữ “{code}” vượt quá 100 ký tự."})
    if Document.objects.filter(archival_code=code).exists():
        raise ValidationError({"dossier": f"Mã lưu trữ tài liệu “{code}” đã có trong kho lưu trữ."})
    specs = elements("document")
    dossier_specs = elements("dossier")
    rows: list[tuple[Dossier | Document, description.Change]] = [
        (document, description.Change("fileCode", specs["fileCode"].label, "dossier", "—",
                                      dossier.code)),
        (document, description.Change("docOrdinal", specs["docOrdinal"].label, "ordinal",
                                      str(document.ordinal or "—"), str(ordinal))),
        (document, description.Change("docCode", specs["docCode"].label, "archival_code",
                                      document.archival_code or "—", code)),
    ]  # fmt: skip
    document_filing.send(
        sender=Document, document=document, dossier=dossier, reason=why, actor=actor
    )
    document.dossier, document.ordinal, document.archival_code = dossier, ordinal, code
    document.save(update_fields=["dossier", "ordinal", "archival_code"])
    before = {
        name: description.shown(dossier_specs[name], dossier)
        for name in ("totalDoc", "numberOfPage", "maintenance")
    }
    dossier.total_docs += 1
    dossier.page_count += document.page_count
    dirty = ["total_docs", "page_count"]
    longest = longest_retention([dossier.retention, document.retention])
    if longest and longest != dossier.retention:
        dossier.retention = longest
        dirty.append("retention")
    dossier.save(update_fields=dirty)
    for name in before:
        after = description.shown(dossier_specs[name], dossier)
        if after != before[name]:
            spec = dossier_specs[name]
            rows.append(
                (dossier, description.Change(name, spec.label, spec.field or name,
                                             before[name], after))
            )  # fmt: skip
    _history(rows, kind=ChangeKind.FILE, reason=why, actor=actor, batch=uuid.uuid4())
    record(
        AuditAction.DOCUMENT_FILE,
        actor=actor,
        target=document,
        message=f"Đưa tài liệu “{document.summary[:80]}” vào hồ sơ {dossier.code} với số thứ tự "
        f"{ordinal}, mã lưu trữ {code}. Lý do: {why}",
        data={"reason": why, "dossier": dossier.code, "changes": _data(rows)},
    )
    _announce([dossier.pk], [document.pk])
    return document


def successors_of(agency: Agency) -> list[Agency]:
    """Every agency that took over ``agency``'s functions, directly or through others."""
    found: dict[int, Agency] = {}
    frontier = [agency.pk]
    while frontier:
        nxt = list(
            Agency.objects.filter(predecessions__predecessor_id__in=frontier).exclude(
                pk__in=[agency.pk, *found]
            )
        )
        found.update((a.pk, a) for a in nxt)
        frontier = [a.pk for a in nxt]
    return sorted(found.values(), key=lambda a: a.code)


@transaction.atomic
def move_dossier(
    dossier: Dossier,
    *,
    reason: str,
    actor: Any,
    fonds: Fonds | None = None,
    agency: Agency | None = None,
) -> Dossier:
    """Move a dossier to another fonds, or to a successor of its agency (cơ quan kế thừa),
    or both. Its documents follow it to the successor agency."""
    why = _reason(reason)
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("agency", "fonds")
        .get(pk=dossier.pk)
    )
    errors: dict[str, str] = {}
    if fonds is None and agency is None:
        errors["fonds"] = "Chọn phông hoặc cơ quan kế thừa để chuyển hồ sơ đến."
    if fonds is not None and fonds.pk == dossier.fonds_id:
        errors["fonds"] = f"Hồ sơ đã thuộc phông “{fonds.name}”."
    if agency is not None and agency.pk not in {a.pk for a in successors_of(dossier.agency)}:
        errors["agency"] = (
            f"“{agency.name}” không phải cơ quan kế thừa của “{dossier.agency.name}”."
        )
    if errors:
        raise ValidationError(errors)
    rows: list[tuple[Dossier | Document, description.Change]] = []
    dirty = []
    if fonds is not None:
        before = str(dossier.fonds) if dossier.fonds else "—"
        dossier.fonds = fonds
        dirty.append("fonds")
        rows.append((dossier, description.Change("fonds", "Phông", "fonds", before, str(fonds))))
    if agency is not None:
        before = f"{dossier.agency.name} ({dossier.agency.code})"
        dossier.agency = agency
        dirty.append("agency")
        rows.append(
            (dossier, description.Change("agency", "Cơ quan lập hồ sơ", "agency", before,
                                         f"{agency.name} ({agency.code})"))
        )  # fmt: skip
        dossier.documents.update(agency=agency)
    dossier.save(update_fields=dirty)  # the OAI register follows (portal's post_save)
    _history(rows, kind=ChangeKind.MOVE, reason=why, actor=actor, batch=uuid.uuid4())
    record(
        AuditAction.DOSSIER_MOVE,
        actor=actor,
        target=dossier,
        message=f"Chuyển hồ sơ {dossier.code}: "
        + "; ".join(f"{c.label} {c.before} → {c.after}" for _t, c in rows)
        + f". Lý do: {why}",
        data={"reason": why, "changes": _data(rows)},
    )
    _announce([dossier.pk], list(dossier.documents.values_list("pk", flat=True)))
    return dossier


@transaction.atomic
def import_descriptions(
    level: str,
    data: bytes,
    *,
    file: str,
    reason: str,
    actor: Any,
    dossiers: QuerySet[Dossier] | None = None,
    documents: QuerySet[Document] | None = None,
) -> tuple[list[spreadsheet.Problem], int]:
    """Apply a corrected workbook (``spreadsheet``): all rows, or none when any has a problem.

    ``dossiers`` / ``documents`` are the records the actor may change (the view asks the access
    policy). Returns the report (empty when applied) and the number of records changed. Every
    record changed is audited and kept in the history like a single edit, under one batch and
    one reason.
    """
    why = _reason(reason)
    sheet = spreadsheet.read_rows(level, data, file)
    checked = spreadsheet.check_rows(level, sheet, file, dossiers, documents)
    if checked.problems:
        return checked.problems, 0
    batch = uuid.uuid4()
    changed: list[Dossier | Document] = []
    try:
        for target, values in checked.planned:
            if change_description(
                target, values=values, reason=why, actor=actor, kind=ChangeKind.IMPORT,
                batch=batch, announce=False,
            ):  # fmt: skip
                changed.append(target)
    except ValidationError as exc:
        # a row valid alone but not after an earlier row (two rows swapping ordinals):
        # the whole import rolls back, as promised
        transaction.set_rollback(True)
        return [spreadsheet.Problem(file, None, None, m) for m in exc.messages], 0
    if changed:
        _announce(*_affected(changed))  # one indexing request for the whole workbook
    return [], len(changed)
