"""Reads over the agency tree: staff scope, the tree itself, and the access helpers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from luutru.accounts.models import STAFF_ROLES
from luutru.organizations.models import Agency, AgencyQuerySet, Archive, Fonds, Membership
from luutru.organizations.roles import PROVINCE_WIDE_ROLES


@dataclass
class TreeNode:
    agency: Agency
    children: list[TreeNode] = field(default_factory=list)


def agency_tree(queryset: AgencyQuerySet | None = None) -> list[TreeNode]:
    """The whole forest of agencies in one query, children sorted by code."""
    agencies = list((queryset if queryset is not None else Agency.objects.all()).order_by("code"))
    nodes = {a.pk: TreeNode(a) for a in agencies}
    roots: list[TreeNode] = []
    for agency in agencies:
        parent = nodes.get(agency.parent_id) if agency.parent_id else None
        (parent.children if parent else roots).append(nodes[agency.pk])
    return roots


def descendant_ids(root_ids: set[int]) -> set[int]:
    """The given agencies and everything below them; one query for the whole tree."""
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent_id in Agency.objects.values_list("pk", "parent_id"):
        if parent_id is not None:
            children[parent_id].append(pk)
    found, stack = set(root_ids), list(root_ids)
    while stack:
        for child in children[stack.pop()]:
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def agencies_in_scope(user: Any) -> AgencyQuerySet:
    """Agencies whose records a staff user works with.

    Their own agencies and everything below them, plus the agencies that transfer records to
    an archive their agency runs. Administrators and the Department of Home Affairs' KPI
    viewers see the whole province.
    """
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    memberships = list(Membership.objects.filter(user=user).values_list("agency_id", "role"))
    if user.is_superuser or any(role in PROVINCE_WIDE_ROLES for _, role in memberships):
        return Agency.objects.all()
    own = {agency_id for agency_id, _ in memberships}
    if not own:
        return Agency.objects.none()
    archive_ids = Archive.objects.filter(agency_id__in=own).values_list("pk", flat=True)
    sources = set(
        Agency.objects.filter(transfers_to_id__in=archive_ids).values_list("pk", flat=True)
    )
    return Agency.objects.filter(pk__in=descendant_ids(own | sources))


def get_agency_for_user(user: Any, code: str, *, change: bool = False) -> Agency:
    """The agency by its code, or 404; 403 when the user may not view (or change) it."""
    agency = Agency.objects.select_related("parent", "transfers_to").filter(code=code).first()
    if agency is None:
        raise Http404("Không tìm thấy cơ quan, tổ chức.")
    perm = "organizations.change_agency" if change else "organizations.view_agency"
    if not user.has_perm(perm):
        raise PermissionDenied
    return agency


def get_fonds_for_user(user: Any, code: str, *, change: bool = False) -> Fonds:
    """The fonds by its code, or 404; 403 when the user may not view (or change) it."""
    fonds = Fonds.objects.select_related("agency").filter(code=code).first()
    if fonds is None:
        raise Http404("Không tìm thấy phông lưu trữ.")
    perm = "organizations.change_fonds" if change else "organizations.view_fonds"
    if not user.has_perm(perm):
        raise PermissionDenied
    return fonds


@dataclass(frozen=True)
class Scope:
    """What a caller may see of the records, before any grant (the access policy's first
    question, also asked by search, which sits beside access in the layers).

    ``public_only``: anonymous callers and readers. ``agency_ids``: staff scope; ``None`` means no
    agency restriction.
    """

    public_only: bool
    agency_ids: frozenset[int] | None
    is_staff: bool


def record_scope(user: Any) -> Scope:
    """Anonymous callers and readers: public records; staff: their agencies' scope;
    superusers and province-wide roles: everything."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(True, None, False)
    if user.is_superuser:
        return Scope(False, None, True)
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if not roles & STAFF_ROLES:
        return Scope(True, None, False)
    if roles & PROVINCE_WIDE_ROLES:
        return Scope(False, None, True)
    return Scope(False, frozenset(agencies_in_scope(user).values_list("pk", flat=True)), True)
