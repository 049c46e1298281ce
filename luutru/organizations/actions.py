"""Every state change of agencies, fonds and staff roles: atomic, validated, audited.

Errors are ``ValidationError`` with Vietnamese messages keyed by field, so forms show them
next to the field and the CLI prints them as they are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from luutru.accounts.models import Role, User
from luutru.audit.actions import Actor, record
from luutru.organizations.models import (
    Agency,
    Archive,
    AuditAction,
    EndReason,
    Fonds,
    Membership,
    Succession,
)
from luutru.organizations.validators import normalize_code, validate_code_under_parent

AGENCY_FIELDS = (
    "code", "name", "kind", "parent", "valid_from", "transfers_to", "accept_on_receipt", "note",
)  # fmt: skip
FONDS_FIELDS = (
    "code", "name", "agency", "history", "start_year", "end_year", "classification",
    "languages", "backup_regime", "note",
)  # fmt: skip


@transaction.atomic
def create_agency(*, actor: Actor, **values: Any) -> Agency:
    """Register an agency. Its parent, if any, must be in operation."""
    agency = Agency(**{k: v for k, v in values.items() if k in AGENCY_FIELDS})
    agency.code = normalize_code(agency.code)
    _check_parent(agency, agency.parent)
    agency.full_clean()
    agency.save()
    record(
        AuditAction.AGENCY_CREATE,
        actor=actor,
        target=agency,
        message=f"Thêm cơ quan “{agency.name}” ({agency.code}).",
        data=_snapshot(agency, AGENCY_FIELDS),
    )
    return agency


@transaction.atomic
def update_agency(agency: Agency, *, actor: Actor, **values: Any) -> Agency:
    """Change an agency's details; a new parent must not create a cycle in the tree."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = _snapshot(agency, AGENCY_FIELDS)
    for name, value in values.items():
        if name in AGENCY_FIELDS:
            setattr(agency, name, value)
    agency.code = normalize_code(agency.code)
    if agency.parent_id != before["parent"] or agency.code != before["code"]:
        _check_parent(agency, agency.parent)
    agency.full_clean()
    agency.save()
    changes = _diff(before, _snapshot(agency, AGENCY_FIELDS))
    record(
        AuditAction.AGENCY_UPDATE,
        actor=actor,
        target=agency,
        message=f"Sửa thông tin cơ quan “{agency.name}” ({agency.code}).",
        data={"changes": changes},
    )
    return agency


@transaction.atomic
def end_agency(
    agency: Agency,
    *,
    on: datetime.date,
    reason: str,
    successors: Iterable[Agency] = (),
    legal_basis: str = "",
    actor: Actor,
) -> Agency:
    """Close an agency (giải thể, hợp nhất, chia tách) and hand it to its successors.

    Its open fonds are closed: the records stay findable under them. Successors must
    themselves be in operation on that date, and active subordinate agencies must be moved
    elsewhere first so nothing is left under a closed parent.
    """
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    # Judge successors by what the database says now, not by possibly stale instances.
    successors = list(Agency.objects.filter(pk__in=[s.pk for s in successors]).order_by("code"))
    errors: dict[str, list[str]] = {}
    if not agency.is_active(on):
        errors.setdefault("valid_until", []).append(
            f"Cơ quan “{agency.name}” không hoạt động vào ngày {on:%d/%m/%Y}."
        )
    if reason not in EndReason.values:
        errors.setdefault("end_reason", []).append("Lý do ngừng hoạt động không hợp lệ.")
    if reason == EndReason.MERGED and len(successors) < 1:
        errors.setdefault("successors", []).append(
            "Hợp nhất, sáp nhập cần ít nhất một cơ quan kế thừa."
        )
    if reason == EndReason.SPLIT and len(successors) < 2:
        errors.setdefault("successors", []).append("Chia, tách cần ít nhất hai cơ quan kế thừa.")
    for successor in successors:
        if successor.pk == agency.pk:
            errors.setdefault("successors", []).append("Một cơ quan không thể tự kế thừa chính nó.")
        elif not successor.is_active(on):
            errors.setdefault("successors", []).append(
                f"Cơ quan kế thừa “{successor.name}” ({successor.code}) đã ngừng hoạt động "
                f"vào ngày {on:%d/%m/%Y}; hãy chọn cơ quan đang hoạt động."
            )
    active_children = [c for c in agency.children.all() if c.is_active(on)]
    if active_children:
        names = ", ".join(c.name for c in active_children[:5])
        errors.setdefault("valid_until", []).append(
            f"Còn {len(active_children)} cơ quan trực thuộc đang hoạt động ({names}); "
            "hãy chuyển hoặc đóng chúng trước."
        )
    if errors:
        raise ValidationError(errors)

    agency.valid_until, agency.end_reason = on, reason
    agency.save(update_fields=["valid_until", "end_reason"])
    for successor in successors:
        Succession.objects.create(
            predecessor=agency, successor=successor, effective_on=on, legal_basis=legal_basis
        )
    closed = []
    for fonds in agency.fonds.filter(is_open=True):
        _close(fonds, end_year=on.year)
        closed.append(fonds.code)
    record(
        AuditAction.AGENCY_END,
        actor=actor,
        target=agency,
        message=(
            f"{EndReason(reason).label} cơ quan “{agency.name}” ({agency.code}) "
            f"từ ngày {on:%d/%m/%Y}."
        ),
        data={
            "on": on,
            "reason": reason,
            "successors": [s.code for s in successors],
            "legal_basis": legal_basis,
            "closed_fonds": closed,
        },
    )
    return agency


@transaction.atomic
def create_archive(*, agency: Agency, name: str, kind: str, actor: Actor) -> Archive:
    archive = Archive(agency=agency, name=name, kind=kind)
    archive.full_clean()
    archive.save()
    record(
        AuditAction.ARCHIVE_CREATE,
        actor=actor,
        target=archive,
        message=f"Thêm {archive.get_kind_display().lower()} “{name}” do {agency.name} quản lý.",
        data={"agency": agency.code, "kind": kind},
    )
    return archive


@transaction.atomic
def create_fonds(*, actor: Actor, **values: Any) -> Fonds:
    fonds = Fonds(**{k: v for k, v in values.items() if k in FONDS_FIELDS})
    fonds.code = normalize_code(fonds.code)
    if fonds.agency_id and not fonds.agency.is_active() and fonds.agency.valid_until:
        fonds.is_open = False
    fonds.full_clean()
    fonds.save()
    record(
        AuditAction.FONDS_CREATE,
        actor=actor,
        target=fonds,
        message=f"Thêm phông “{fonds.name}” ({fonds.code}).",
        data=_snapshot(fonds, FONDS_FIELDS),
    )
    return fonds


@transaction.atomic
def update_fonds(fonds: Fonds, *, actor: Actor, **values: Any) -> Fonds:
    fonds = Fonds.objects.select_for_update().get(pk=fonds.pk)
    before = _snapshot(fonds, FONDS_FIELDS)
    for name, value in values.items():
        if name in FONDS_FIELDS:
            setattr(fonds, name, value)
    fonds.code = normalize_code(fonds.code)
    fonds.full_clean()
    fonds.save()
    record(
        AuditAction.FONDS_UPDATE,
        actor=actor,
        target=fonds,
        message=f"Sửa thông tin phông “{fonds.name}” ({fonds.code}).",
        data={"changes": _diff(before, _snapshot(fonds, FONDS_FIELDS))},
    )
    return fonds


@transaction.atomic
def close_fonds(fonds: Fonds, *, end_year: int | None, actor: Actor) -> Fonds:
    """Đóng phông: no more records are expected for it."""
    fonds = Fonds.objects.select_for_update().get(pk=fonds.pk)
    if not fonds.is_open:
        raise ValidationError({"is_open": _("Phông “%(name)s” đã đóng.") % {"name": fonds.name}})
    _close(fonds, end_year=end_year)
    record(
        AuditAction.FONDS_CLOSE,
        actor=actor,
        target=fonds,
        message=f"Đóng phông “{fonds.name}” ({fonds.code}).",
        data={"end_year": fonds.end_year},
    )
    return fonds


@transaction.atomic
def assign_role(user: User, *, agency: Agency, role: str, actor: Actor) -> Membership:
    if role not in Role.values or role == Role.READER:
        raise ValidationError({"role": _("Vai trò này không gắn với cơ quan.")})
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if created:
        record(
            AuditAction.ROLE_ASSIGN,
            actor=actor,
            target=user,
            message=(
                f"Giao vai trò {membership.get_role_display()} tại “{agency.name}” "
                f"cho “{user.username}”."
            ),
            data={"agency": agency.code, "role": role},
        )
    return membership


@transaction.atomic
def revoke_role(membership: Membership, *, actor: Actor) -> None:
    user, agency, role = membership.user, membership.agency, membership.get_role_display()
    membership.delete()
    record(
        AuditAction.ROLE_REVOKE,
        actor=actor,
        target=user,
        message=f"Thu hồi vai trò {role} tại “{agency.name}” của “{user.username}”.",
        data={"agency": agency.code, "role": membership.role},
    )


def _close(fonds: Fonds, *, end_year: int | None) -> None:
    fonds.is_open = False
    if end_year is not None:
        fonds.end_year = end_year
    fonds.full_clean()
    fonds.save(update_fields=["is_open", "end_year"])


def _check_parent(agency: Agency, parent: Agency | None) -> None:
    if parent is None:
        return
    parent = Agency.objects.get(pk=parent.pk)  # fresh: it may have ended since it was loaded
    if agency.pk is not None:
        node: Agency | None = parent
        while node is not None:
            if node.pk == agency.pk:
                raise ValidationError(
                    {
                        "parent": (
                            _(
                                "Không thể đặt “%(parent)s” làm cơ quan cấp trên của “%(agency)s”: "
                                "sơ đồ tổ chức sẽ thành vòng lặp."
                            )
                            % {"parent": parent.name, "agency": agency.name}
                        )
                    }
                )
            node = node.parent
    if parent.valid_until is not None and not parent.is_active():
        raise ValidationError(
            {
                "parent": (
                    _("Cơ quan cấp trên “%(name)s” đã ngừng hoạt động từ ngày %(day)s.")
                    % {"name": parent.name, "day": f"{parent.valid_until:%d/%m/%Y}"}
                )
            }
        )
    try:
        validate_code_under_parent(agency.code, parent.code)
    except ValidationError as exc:
        raise ValidationError({"code": exc.messages}) from exc


def _snapshot(instance: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in model_to_dict(instance, fields=fields).items()}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
