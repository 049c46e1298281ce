"""State changes of the records app: file plans (danh mục hồ sơ) and their planned files; the
description of held dossiers and documents (edit, file, move).

Each action is atomic and writes its audit event in the same transaction. Validation errors are
``ValidationError`` keyed by model field, in Vietnamese, for ``run_action`` to show on a form.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from luutru.audit.actions import record
from luutru.lib.vietnamese import nfc
from luutru.organizations.models import Agency, Fonds
from luutru.records import codes, description, spreadsheet
from luutru.records.elements import elements
from luutru.records.models import (
    ChangeKind,
    DescriptionChange,
    Document,
    Dossier,
    FilePlan,
    FilePlanEntry,
)
from luutru.records.rules import longest_retention
from luutru.records.signals import descriptions_changed

ENTRY_FIELDS = ("notation", "title", "retention", "responsible", "closed_on", "note")


@transaction.atomic
def create_file_plan(
    *,
    agency: Agency,
    year: int,
    actor: Any,
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
        "records.file_plan_create",
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
    actor: Any,
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
        "records.plan_entry_add",
        actor=actor,
        target=entry,
        message=f"Thêm hồ sơ “{entry.notation}” vào danh mục hồ sơ năm {plan.year} "
        f"của {plan.agency.name}.",
        data={"plan": plan.pk, "notation": entry.notation},
    )
    return entry


@transaction.atomic
def update_plan_entry(entry: FilePlanEntry, *, actor: Any, **values: Any) -> FilePlanEntry:
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
        "records.plan_entry_change",
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
# Description control (kiểm soát mô tả): editing, filing and moving held records.
#
# Each action writes, in its transaction, one audit event with every changed field's before and
# after, and one ``DescriptionChange`` row per field (the record's history, which preservation
# reads as PREMIS metadata-modification events). On commit it sends
# ``signals.descriptions_changed`` so that search reindexes; the OAI register follows the saves.


class Event(StrEnum):
    """The audit actions of description control."""

    DESCRIPTION_CHANGE = "records.description_change"
    DOCUMENT_FILE = "records.document_file"
    DOSSIER_MOVE = "records.dossier_move"


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
        Event.DESCRIPTION_CHANGE,
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
        Event.DOCUMENT_FILE,
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
        Dossier.objects.select_for_update().select_related("agency", "fonds").get(pk=dossier.pk)
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
        Event.DOSSIER_MOVE,
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
