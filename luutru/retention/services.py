"""Reads of the retention app: expiry dates, what is due, and the dashboard's counts.

A dossier's retention runs from the year its matter ended (``end_date``): a 10-year dossier
that ended in 2014 expires on 31/12/2024. Permanent dossiers (01 Vĩnh viễn) and those with no
length in the code list (07 Khác) never expire here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from luutru.accounts.models import Role
from luutru.lib.vietnamese import fold
from luutru.organizations.models import Archive, ArchiveKind, Membership
from luutru.records import codes
from luutru.records.models import Dossier
from luutru.retention.models import (
    DESTRUCTION_DAYS,
    SECRECY_YEARS,
    SUBMISSION_YEARS,
    TRANSFER_YEARS,
    Appraisal,
    AppraisalItem,
    AppraisalState,
    HistoricalTransfer,
    Hold,
    Opinion,
    Schedule,
    ScheduleEntry,
    Secrecy,
    TransferState,
)

PERMANENT = "01"
IN_PROGRESS = [AppraisalState.REVIEW, AppraisalState.PROPOSED, AppraisalState.DECIDED]


def retention_years(code: str) -> int | None:
    """The retention code's length in years; ``None`` for permanent or unspecified."""
    entry = codes.entries("retention").get(code)
    if entry is None:
        return None
    years = entry[1].get("years")
    return int(years) if years else None


def retention_label(code: str) -> str:
    entry = codes.entries("retention").get(code)
    return entry[0] if entry else code


def expiry(retention: str, end_date: datetime.date) -> datetime.date | None:
    """The last day the dossier must be kept: 31/12 of (year the matter ended + years)."""
    years = retention_years(retention)
    if years is None:
        return None
    return datetime.date(end_date.year + years, 12, 31)


def expiring_q(year: int) -> Q:
    """Dossiers whose retention ends by 31/12 of ``year``: per code, end_date's year is at most
    ``year - years``. One condition per code, so the database does the filtering."""
    q = Q(pk__in=[])
    for code in codes.entries("retention"):
        years = retention_years(code)
        if years is not None:
            q |= Q(retention=code, end_date__year__lte=year - years)
    return q


def appraised(year: int) -> QuerySet[AppraisalItem]:
    """Items that count as appraised for ``year``: on a round still in progress, or kept by a
    round of that year or later (a kept dossier comes up again the next year it is expired)."""
    return AppraisalItem.objects.filter(dossier__isnull=False).filter(
        Q(appraisal__state__in=IN_PROGRESS) | Q(outcome=Opinion.KEEP, appraisal__year__gte=year)
    )


def held_dossier_ids() -> set[int]:
    """Dossiers under a hold in force, directly or through their fonds."""
    holds = Hold.objects.in_force().values_list("dossier_id", "fonds_id")
    dossier_ids = {d for d, _f in holds if d}
    fonds_ids = {f for _d, f in holds if f}
    if fonds_ids:
        dossier_ids |= set(
            Dossier.objects.filter(fonds_id__in=fonds_ids).values_list("pk", flat=True)
        )
    return dossier_ids


def due_dossiers(year: int, agencies: Any = None) -> QuerySet[Dossier]:
    """Held dossiers whose retention has ended by the end of ``year`` and that are on no
    appraisal list yet ("xem xét hủy", TT 05/2025 Chương VII)."""
    qs = Dossier.objects.held().filter(expiring_q(year))
    qs = qs.exclude(pk__in=appraised(year).values("dossier_id"))
    if agencies is not None:
        qs = qs.filter(agency__in=agencies)
    return qs.select_related("agency").order_by("end_date", "code")


@dataclass(frozen=True)
class DueRow:
    code: str
    title: str
    retention: str
    expires: datetime.date
    hold: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "retention": self.retention,
            "expires": self.expires.isoformat(),
            "hold": self.hold,
        }


def due_rows(year: int, agencies: Any = None) -> list[DueRow]:
    """``due_dossiers`` as rows with their expiry and whether a hold covers them, the earliest
    expiry first."""
    held = held_dossier_ids()
    rows = []
    for dossier in due_dossiers(year, agencies):
        expires = expiry(dossier.retention, dossier.end_date)
        assert expires is not None  # expiring_q only selects dossiers with a length
        rows.append(
            DueRow(dossier.code, dossier.title, dossier.retention, expires, dossier.pk in held)
        )
    return sorted(rows, key=lambda row: (row.expires, row.code))


def destruction_deadline(decided: datetime.date) -> datetime.date:
    """TT 06/2025: destruction within 15 days of the decision."""
    return decided + datetime.timedelta(days=DESTRUCTION_DAYS)


def tally(item: AppraisalItem) -> dict[str, int]:
    """Votes on an item by opinion."""
    out = {"destroy": 0, "keep": 0}
    for vote in item.votes.all():
        out[vote.opinion] += 1
    return out


# ---------------------------------------------------------------------------------------------
# Schedules


def find_entries(text: str) -> QuerySet[ScheduleEntry]:
    """Entries of the schedules in force whose group mentions ``text`` (diacritics folded)."""
    words = fold(text).split()
    qs = ScheduleEntry.objects.filter(schedule__superseded_at__isnull=True)
    entries = [e for e in qs.select_related("schedule") if all(w in fold(e.group) for w in words)]
    return qs.filter(pk__in=[e.pk for e in entries])


def current_schedules() -> QuerySet[Schedule]:
    return Schedule.objects.current().prefetch_related("entries")


# ---------------------------------------------------------------------------------------------
# Secrecy


def secrecy_review_on(level: str, classified_on: datetime.date) -> datetime.date:
    """The end of the protection period: classification date + 10, 20 or 30 years."""
    years = SECRECY_YEARS[level]  # type: ignore[index]
    try:
        return classified_on.replace(year=classified_on.year + years)
    except ValueError:  # 29 February
        return classified_on.replace(year=classified_on.year + years, day=28)


# ---------------------------------------------------------------------------------------------
# Transfer into the historical archive


# Who answers for a historical archive: its agency's archivists, heads and administrators.
ARCHIVE_SIDE_ROLES = (Role.ARCHIVIST, Role.HEAD, Role.ADMIN)
REVIEW_TRANSFER = "retention.review_transfer"


def staffed_archive_ids(user: Any) -> set[int]:
    """The historical archives whose transfers ``user`` may answer and receive: held
    ``retention.review_transfer`` and an archive-side role in the agency running the archive."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(REVIEW_TRANSFER):
        return set()
    agencies = Membership.objects.filter(user=user, role__in=ARCHIVE_SIDE_ROLES).values("agency_id")
    return set(
        Archive.objects.filter(kind=ArchiveKind.HISTORICAL, agency_id__in=agencies).values_list(
            "pk", flat=True
        )
    )


def transfer_due_year(dossier: Dossier) -> int:
    """The year by whose end a permanent dossier must reach the lưu trữ lịch sử: submitted
    to the current archive at most 1 year after its matter ended, then at most 5 years."""
    return dossier.end_date.year + SUBMISSION_YEARS + TRANSFER_YEARS


def transfers_due(year: int, agencies: Any = None) -> QuerySet[Dossier]:
    """Permanent held dossiers of agencies that transfer to a historical archive, due by the
    end of ``year`` and not in a transfer already."""
    qs = Dossier.objects.held().filter(
        retention=PERMANENT,
        agency__transfers_to__isnull=False,
        end_date__year__lte=year - SUBMISSION_YEARS - TRANSFER_YEARS,
    )
    qs = qs.exclude(pk__in=HistoricalTransfer.dossiers.through.objects.values("dossier_id"))
    if agencies is not None:
        qs = qs.filter(agency__in=agencies)
    return qs.select_related("agency").order_by("agency__code", "end_date", "code")


# ---------------------------------------------------------------------------------------------
# The dashboard


@dataclass
class Dashboard:
    year: int
    due_this_year: int
    due_next_year: int
    appraisals: list[Appraisal]
    overdue_decisions: list[Appraisal]
    transfers_due: int
    transfers_overdue: int
    transfers_open: list[HistoricalTransfer]
    replies_overdue: list[HistoricalTransfer]
    holds: list[Hold]
    secrecy_due: list[Secrecy]


def dashboard(agencies: Any = None, today: datetime.date | None = None) -> Dashboard:
    """What is due, for the agencies in the caller's scope (``None``: all)."""
    day = today or timezone.localdate()
    appraisals = list(
        Appraisal.objects.in_progress()
        .filter(**({"agency__in": agencies} if agencies is not None else {}))
        .select_related("agency")
    )
    holds = Hold.objects.in_force().select_related("dossier", "fonds", "placed_by")
    secrecy = Secrecy.objects.review_due(day.replace(year=day.year + 1)).select_related("dossier")
    transfers = HistoricalTransfer.objects.open().select_related("agency")
    if agencies is not None:
        holds = holds.filter(Q(dossier__agency__in=agencies) | Q(fonds__agency__in=agencies))
        secrecy = secrecy.filter(dossier__agency__in=agencies)
        transfers = transfers.filter(agency__in=agencies)
    open_transfers = list(transfers)
    return Dashboard(
        year=day.year,
        due_this_year=due_dossiers(day.year, agencies).count(),
        due_next_year=due_dossiers(day.year + 1, agencies).count(),
        appraisals=appraisals,
        overdue_decisions=[a for a in appraisals if a.overdue(day)],
        transfers_due=transfers_due(day.year + 1, agencies).count(),
        transfers_overdue=transfers_due(day.year - 1, agencies).count(),
        transfers_open=open_transfers,
        replies_overdue=[t for t in open_transfers if reply_overdue(t, day)],
        holds=list(holds),
        secrecy_due=list(secrecy),
    )


def reply_overdue(transfer: HistoricalTransfer, today: datetime.date | None = None) -> bool:
    day = today or timezone.localdate()
    return (
        transfer.state == TransferState.SUBMITTED
        and transfer.reply_by is not None
        and day > transfer.reply_by
    )
