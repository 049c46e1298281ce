"""Reads over transfers (lần nộp lưu): who sees which, the report as people read it, uploads.

A transfer is visible to staff with ``ingest.view_transfer`` whose scope (``agencies_in_scope``)
holds the submitting agency. Outside it the transfer is "not found", so ids do not leak.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from luutru.ingest.explanations import Explanation, explain
from luutru.ingest.models import Transfer, TransferQuerySet, TransferState
from luutru.organizations.models import Agency, AgencyQuerySet, Succession
from luutru.organizations.services import agencies_in_scope

VIEW_TRANSFER = "ingest.view_transfer"
ADD_TRANSFER = "ingest.add_transfer"
# Accept a received transfer into the holdings, or return it (archivists, heads, administrators).
ACCEPT_TRANSFER = "ingest.accept_transfer"
# A report of a broken export can run to many thousands of lines; the page shows this many.
REPORT_LIMIT = 1000


def transfers_visible_to(user: Any, scope: AgencyQuerySet | None = None) -> TransferQuerySet:
    """Transfers of the agencies in the user's scope; none without the permission.

    Pass ``scope`` when the caller already has ``agencies_in_scope(user)``: it costs queries.
    """
    if not user.has_perm(VIEW_TRANSFER):
        return Transfer.objects.none()
    return Transfer.objects.filter(agency__in=agencies_in_scope(user) if scope is None else scope)


def get_transfer_for_user(user: Any, pk: Any) -> Transfer:
    """The transfer, or 404 (unknown or out of scope); 403 without the permission."""
    if not user.has_perm(VIEW_TRANSFER):
        raise PermissionDenied
    transfer = (
        transfers_visible_to(user).select_related("agency", "submitted_by").filter(pk=pk).first()
    )
    if transfer is None:
        raise Http404("Không tìm thấy lần nộp lưu.")
    return transfer


def may_decide(user: Any, transfer: Transfer) -> bool:
    """Whether ``user`` may accept or return this transfer, as far as the user goes: the
    permission, and not being who submitted it (the transfer's state is the action's check).
    The caller has already found the transfer in the user's scope."""
    if not user.has_perm(ACCEPT_TRANSFER):
        return False
    return transfer.submitted_by_id is None or transfer.submitted_by_id != user.pk


def awaiting_acceptance(user: Any, scope: AgencyQuerySet | None = None) -> TransferQuerySet:
    """The queue (hàng chờ tiếp nhận): received transfers in the user's scope, oldest first,
    for those who may decide on them; none for anyone else."""
    if not user.has_perm(ACCEPT_TRANSFER):
        return Transfer.objects.none()
    return (
        transfers_visible_to(user, scope)
        .filter(state=TransferState.RECEIVED)
        .order_by("created_at", "pk")
    )


def code_prefixes(agency: Agency) -> list[str]:
    """The agency codes a transfer's dossier and document codes may begin with: the agency's
    own and those of every agency it succeeded, directly or through a chain of mergers and
    splits (records of a merged agency pass to its successor). One query per generation."""
    codes = [agency.code]
    seen, frontier = {agency.pk}, [agency.pk]
    while frontier:
        rows = list(
            Succession.objects.filter(successor_id__in=frontier)
            .exclude(predecessor_id__in=seen)
            .values_list("predecessor_id", "predecessor__code")
        )  # fmt: skip
        frontier = []
        for pk, code in rows:
            if pk not in seen:
                seen.add(pk)
                frontier.append(pk)
                codes.append(code)
    return codes


# ---------------------------------------------------------------------------------------------
# The validation report, grouped by file, then row, then field


@dataclass
class Problem:
    level: str  # "error" | "warning"
    code: str
    message: str

    @property
    def explanation(self) -> Explanation:
        """What the code means to a clerk and how to fix it (pages show this, not the code)."""
        return explain(self.code)


@dataclass
class FieldGroup:
    name: str  # the field; "" when the problem is about the row (or file) as a whole
    problems: list[Problem] = field(default_factory=list)


@dataclass
class RowGroup:
    row: int | None  # None when the problem is about the file as a whole
    fields: list[FieldGroup] = field(default_factory=list)


@dataclass
class FileGroup:
    file: str  # "" when the problem is about the package as a whole
    rows: list[RowGroup] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0


@dataclass
class Report:
    files: list[FileGroup]
    shown: int
    total: int

    @property
    def truncated(self) -> bool:
        return self.shown < self.total


def group_report(
    errors: Iterable[Mapping[str, Any]],
    warnings: Iterable[Mapping[str, Any]],
    limit: int = REPORT_LIMIT,
) -> Report:
    """Errors and warnings nested file → row → field, in file, row and field order.

    Errors come before warnings; the first ``limit`` problems are kept (errors first), so a
    huge report still names every kind of error that stopped the package.
    """
    problems = [("error", p) for p in errors] + [("warning", p) for p in warnings]
    total = len(problems)
    problems = problems[:limit]
    tree: dict[str, dict[int | None, dict[str, list[Problem]]]] = {}
    counts: dict[str, list[int]] = {}
    for level, p in problems:
        file = str(p.get("file") or "")
        row = p.get("row")
        name = str(p.get("field") or "")
        tree.setdefault(file, {}).setdefault(row, {}).setdefault(name, []).append(
            Problem(level, str(p.get("code", "")), str(p.get("message", "")))
        )
        count = counts.setdefault(file, [0, 0])
        count[0 if level == "error" else 1] += 1
    files = []
    for file in sorted(tree, key=lambda f: (f != "", f)):
        rows = tree[file]
        group = FileGroup(file, errors=counts[file][0], warnings=counts[file][1])
        for row in sorted(rows, key=lambda r: (r is not None, r or 0)):
            group.rows.append(
                RowGroup(
                    row,
                    [
                        FieldGroup(name, rows[row][name])
                        for name in sorted(rows[row], key=lambda n: (n != "", n))
                    ],
                )
            )
        files.append(group)
    return Report(files, len(problems), total)


# ---------------------------------------------------------------------------------------------
# Uploads and downloads
