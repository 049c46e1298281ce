"""State changes of the records app: file plans (danh mục hồ sơ) and their planned files, and
a dossier's access regime (chế độ sử dụng).

Each action is atomic and writes its audit event in the same transaction. Validation errors are
``ValidationError`` keyed by model field, in Vietnamese, for ``run_action`` to show on a form.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from luutru.audit.actions import record
from luutru.lib.vietnamese import nfc
from luutru.organizations.models import Agency
from luutru.records import codes
from luutru.records.models import Dossier, FilePlan, FilePlanEntry

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


@transaction.atomic
def change_access_regime(dossier: Dossier, *, regime: str, actor: Any, reason: str) -> Dossier:
    """Set a dossier's access regime (01 Công khai, 02 Sử dụng có điều kiện, 03 Mật), e.g. on
    declassification; its documents stricter than the new regime follow it down. Saved one by
    one so that the receivers of ``post_save`` (the portal's OAI register) see each change."""
    if regime not in codes.entries("access_regime"):
        raise ValidationError({"access_regime": "Chế độ sử dụng phải là 01, 02 hoặc 03."})
    if not reason.strip():
        raise ValidationError({"access_regime": "Cần nêu căn cứ thay đổi chế độ sử dụng."})
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    before = dossier.access_regime
    dossier.access_regime = regime
    dossier.save(update_fields=["access_regime"])
    lowered = []
    for document in dossier.documents.filter(access_regime__gt=regime):
        document.access_regime = regime
        document.save(update_fields=["access_regime"])
        lowered.append(document.pk)
    record(
        "records.access_regime_change",
        actor=actor,
        target=dossier,
        message=f"Đổi chế độ sử dụng hồ sơ {dossier.code} từ {before} thành {regime}: "
        f"{nfc(reason.strip())}",
        data={"from": before, "to": regime, "documents": lowered},
    )
    return dossier


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
