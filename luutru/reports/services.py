"""The indicators (chỉ tiêu) of evaluation, computed from the holdings and the logs.

Every indicator is a numerator over a denominator for one period (a year, or a month for the
trends) and one agency with everything below it (its subtree); what each side counts, and its
legal basis, is written in README.md. The work is done per agency in grouped queries (one
query per source table for all agencies at once, ``figures``), then summed over a subtree in
Python, so the comparison of agencies costs no more than one agency's figures.

Flows (received, served, handed over) count what happened inside the period; stocks
(holdings, shares of the holdings) are the state at its end. A period that has not begun, or a
share whose denominator is zero, has no value (``None``: "không có dữ liệu"), never 0 %.

``luutru kpi`` computes live (exact). The dashboard reads the day's snapshot
(``luutru kpi_snapshot``, ``Figure`` rows) when there is one and computes live otherwise.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.utils import timezone

from luutru.access.models import AccessRequest, Delivery
from luutru.accounts.models import Role
from luutru.ingest.models import Transfer
from luutru.organizations.models import Agency, Membership
from luutru.organizations.services import descendant_ids
from luutru.records.models import Custody, Document, DocumentFile, Dossier, FilePlanEntry
from luutru.reports.models import (
    Attendance,
    DoorCount,
    Figure,
    PaperHandover,
    ReadingRoomTally,
    Snapshot,
    Target,
)
from luutru.storage.models import FixityStatus

# Mức độ tin cậy (TT 05/2025 code list): 01 số gốc điện tử, 02 số hóa, 03 hỗn hợp.
BORN_DIGITAL = "01"
DIGITIZED = ("02", "03")
# The transfer state that puts records in the holdings, now and after the acceptance step.
ACCEPTED = "accepted"
# Staff whose archival training counts (văn thư, lưu trữ viên, lãnh đạo).
TRAINED_ROLES = (Role.CLERK, Role.ARCHIVIST, Role.HEAD)
GB = Decimal(1024**3)

SHARE = "%"


@dataclass(frozen=True)
class Spec:
    key: str
    label: str
    unit: str  # "%" for a share, else the unit of a count
    numerator: str
    denominator: str = ""
    per_agency: bool = True

    @property
    def is_share(self) -> bool:
        return self.unit == SHARE


SPECS: tuple[Spec, ...] = (
    Spec("born_digital_share", "Tài liệu số gốc điện tử", SHARE,
         "tài liệu số gốc điện tử nhận vào kho trong kỳ", "tài liệu nhận vào kho trong kỳ"),
    Spec("digitized_share", "Hồ sơ giấy đã số hóa", SHARE,
         "hồ sơ giấy trong kho đã có bản số hóa", "hồ sơ giấy trong kho"),
    Spec("online_transfer_share", "Nộp lưu qua Hệ thống", SHARE,
         "lần nộp lưu qua Hệ thống được tiếp nhận", "lần nộp lưu (qua Hệ thống và bản giấy)"),
    Spec("online_use_share", "Phục vụ khai thác trực tuyến", SHARE,
         "phiếu yêu cầu được phục vụ qua Hệ thống", "phiếu yêu cầu được phục vụ"),
    Spec("agencies_in_system_share", "Cơ quan nộp lưu qua Hệ thống", SHARE,
         "cơ quan đã nộp lưu qua Hệ thống ít nhất một lần", "cơ quan thuộc nguồn nộp lưu"),
    Spec("trained_staff_share", "Công chức được bồi dưỡng", SHARE,
         "người đã hoàn thành khóa bồi dưỡng", "văn thư, lưu trữ viên, lãnh đạo"),
    Spec("file_plan_transferred_share", "Hồ sơ đến hạn đã nộp lưu", SHARE,
         "hồ sơ đến hạn nộp lưu đã vào kho", "hồ sơ đến hạn nộp lưu"),
    Spec("requests_on_time_share", "Phiếu yêu cầu trả lời đúng hạn", SHARE,
         "phiếu được quyết định trong hạn", "phiếu được quyết định trong kỳ"),
    Spec("fixity_ok_share", "Tệp toàn vẹn", SHARE,
         "tệp kiểm tra toàn vẹn đạt", "tệp trong kho"),
    Spec("holdings_dossiers", "Hồ sơ trong kho", "hồ sơ", "hồ sơ đã tiếp nhận vào kho"),
    Spec("holdings_documents", "Tài liệu trong kho", "tài liệu", "tài liệu đã tiếp nhận"),
    Spec("holdings_pages", "Trang tài liệu", "trang", "trang của tài liệu trong kho"),
    Spec("holdings_gb", "Dung lượng lưu trữ", "GB", "dung lượng tệp gốc"),
    Spec("holdings_shelf_metres", "Tài liệu giấy", "mét giá", "mét giá theo biên bản giao nhận"),
    Spec("transfers_due", "Hồ sơ đến hạn nộp lưu trong kỳ", "hồ sơ",
         "hồ sơ trong danh mục có hạn nộp lưu trong kỳ"),
    Spec("transfers_overdue", "Hồ sơ quá hạn nộp lưu", "hồ sơ",
         "hồ sơ quá hạn nộp lưu chưa vào kho cuối kỳ"),
    Spec("fixity_lost", "Tệp hỏng cả hai bản", "tệp", "tệp hỏng cả bản chính và bản sao"),
    Spec("public_uses", "Lượt sử dụng cổng công khai", "lượt",
         "lượt xem trang, tải, gọi API, OAI-PMH, IIIF", per_agency=False),
)  # fmt: skip
SPEC = {s.key: s for s in SPECS}
KPI_KEYS = (
    "born_digital_share",
    "digitized_share",
    "online_transfer_share",
    "online_use_share",
    "agencies_in_system_share",
    "trained_staff_share",
)
# Counts that say nothing about an agency holding nothing: shown as "không có dữ liệu".
HOLDINGS = ("holdings_dossiers", "holdings_documents", "holdings_shelf_metres")

Pair = tuple[Decimal, Decimal]
Figures = dict[str, dict[int, Pair]]  # key → agency id → (numerator, denominator)


@dataclass(frozen=True)
class Period:
    """A year ("2026") or a month ("2026-03"); ``end`` inclusive."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        nxt = datetime.date(year + month // 12, month % 12 + 1, 1)
        return cls(datetime.date(year, month, 1), nxt - datetime.timedelta(days=1))

    @property
    def label(self) -> str:
        if self.start.month == 1 and self.end.month == 12:
            return f"{self.start.year}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def future(self) -> bool:
        return self.start > timezone.localdate()

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes [start, the day after the end), the end cut at today's end."""
        end = min(self.end, timezone.localdate()) + datetime.timedelta(days=1)
        tz = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end, datetime.time.min, tzinfo=tz),
        )


@dataclass
class Indicator:
    key: str
    label: str
    unit: str
    numerator: Decimal | None
    denominator: Decimal | None
    target: Decimal | None
    legal_basis: str = ""
    numerator_text: str = ""
    denominator_text: str = ""

    @property
    def value(self) -> Decimal | None:
        if self.numerator is None:
            return None
        if self.unit != SHARE:
            return self.numerator
        if not self.denominator:
            return None
        return (self.numerator * 100 / self.denominator).quantize(Decimal("0.1"))

    @property
    def is_share(self) -> bool:
        return self.unit == SHARE

    @property
    def lagging(self) -> bool:
        """Below its target (only a share with a value and a target can lag)."""
        value = self.value
        return (
            self.is_share
            and value is not None
            and self.target is not None
            and (value < self.target)
        )

    def as_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label,
            "value": _number(self.value),
            "numerator": _number(self.numerator),
            "denominator": _number(self.denominator),
            "target": _number(self.target),
            "unit": self.unit,
        }


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# --- Figures per agency --------------------------------------------------------------------


def _add(out: Figures, key: str, agency_id: int | None, num: object, den: object = 0) -> None:
    if agency_id is None:
        return
    old = out[key].get(agency_id, (Decimal(0), Decimal(0)))
    out[key][agency_id] = (
        old[0] + Decimal(str(num or 0)),
        old[1] + Decimal(str(den or 0)),
    )


def figures(period: Period) -> Figures:
    """Each indicator's numerator and denominator per agency (its own records) for the period.

    About fifteen grouped queries whatever the number of agencies. Public door counts, which
    belong to no agency, are under the agency id 0.
    """
    out: Figures = defaultdict(dict)
    if period.future:
        return out
    start, end = period.bounds()
    last_day = min(period.end, timezone.localdate())

    documents = Document.objects.filter(custody=Custody.HELD)
    for doc in (
        documents.filter(created_at__gte=start, created_at__lt=end)
        .values("agency_id")
        .annotate(n=Count("pk"), born=Count("pk", filter=Q(reliability=BORN_DIGITAL)))
    ):
        _add(out, "born_digital_share", doc["agency_id"], doc["born"], doc["n"])
    for held in (
        documents.filter(created_at__lt=end)
        .values("agency_id")
        .annotate(n=Count("pk"), pages=Sum("page_count"))
    ):
        _add(out, "holdings_documents", held["agency_id"], held["n"])
        _add(out, "holdings_pages", held["agency_id"], held["pages"])

    dossiers = Dossier.objects.filter(custody=Custody.HELD, created_at__lt=end)
    for dos in dossiers.values("agency_id").annotate(
        n=Count("pk"),
        paper=Count("pk", filter=~Q(paper_code="") | Q(reliability__in=DIGITIZED)),
        digitized=Count("pk", filter=Q(reliability__in=DIGITIZED)),
    ):
        _add(out, "holdings_dossiers", dos["agency_id"], dos["n"])
        _add(out, "digitized_share", dos["agency_id"], dos["digitized"], dos["paper"])

    files = DocumentFile.objects.filter(
        document__custody=Custody.HELD, document__created_at__lt=end
    )
    checked = [FixityStatus.OK, FixityStatus.REPAIRED]
    for fil in files.values("document__agency_id").annotate(
        n=Count("stored", distinct=True),
        ok=Count("stored", distinct=True, filter=Q(stored__fixity_status__in=checked)),
        lost=Count("stored", distinct=True, filter=Q(stored__fixity_status=FixityStatus.LOST)),
        size=Sum("stored__size", filter=Q(role="original")),
    ):
        agency_id = fil["document__agency_id"]
        _add(out, "fixity_ok_share", agency_id, fil["ok"], fil["n"])
        _add(out, "fixity_lost", agency_id, fil["lost"])
        _add(
            out,
            "holdings_gb",
            agency_id,
            (Decimal(fil["size"] or 0) / GB).quantize(Decimal("0.01")),
        )

    online = Transfer.objects.filter(dry_run=False, state=ACCEPTED)
    for tra in (
        online.filter(created_at__gte=start, created_at__lt=end)
        .values("agency_id")
        .annotate(n=Count("pk"))
    ):
        _add(out, "online_transfer_share", tra["agency_id"], tra["n"], tra["n"])
    for pap in (
        PaperHandover.objects.filter(received_on__lte=last_day)
        .values("agency_id")
        .annotate(
            n=Count("pk", filter=Q(received_on__gte=period.start)), metres=Sum("shelf_metres")
        )
    ):
        _add(out, "online_transfer_share", pap["agency_id"], 0, pap["n"])
        _add(out, "holdings_shelf_metres", pap["agency_id"], pap["metres"])

    sources = Agency.objects.active(last_day).filter(transfers_to__isnull=False)
    for pk, done in sources.annotate(
        done=Exists(online.filter(agency=OuterRef("pk"), created_at__lt=end))
    ).values_list("pk", "done"):
        _add(out, "agencies_in_system_share", pk, 1 if done else 0, 1)

    _requests(out, period, start, end)
    _file_plans(out, period, last_day)
    _training(out, last_day)

    uses = DoorCount.objects.filter(day__gte=period.start, day__lte=last_day).aggregate(
        n=Sum("count")
    )
    _add(out, "public_uses", 0, uses["n"] or 0)
    return out


def _requests(
    out: Figures, period: Period, start: datetime.datetime, end: datetime.datetime
) -> None:
    """Requests served (delivered) in the period, and decided in it, each counted once for
    the agency of the first record it names."""
    rows = (
        AccessRequest.objects.filter(
            Q(delivered_at__gte=start, delivered_at__lt=end)
            | Q(decided_at__gte=start, decided_at__lt=end)
        )
        .annotate(
            by_dossier=Min("items__dossier__agency_id"),
            by_document=Min("items__document__agency_id"),
            online=Exists(Delivery.objects.filter(request=OuterRef("pk"))),
        )
        .values_list("by_dossier", "by_document", "online", "delivered_at", "decided_at", "due_on")
    )
    for by_dossier, by_document, online, delivered_at, decided_at, due_on in rows:
        agency_id = by_dossier or by_document
        if delivered_at is not None and start <= delivered_at < end:
            _add(out, "online_use_share", agency_id, 1 if online else 0, 1)
        if decided_at is not None and start <= decided_at < end:
            on_time = timezone.localdate(decided_at) <= due_on
            _add(out, "requests_on_time_share", agency_id, 1 if on_time else 0, 1)
    last_day = min(period.end, timezone.localdate())
    for row in (
        ReadingRoomTally.objects.filter(day__gte=period.start, day__lte=last_day)
        .values("agency_id")
        .annotate(n=Sum("requests"))
    ):
        _add(out, "online_use_share", row["agency_id"], 0, row["n"])


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _file_plans(out: Figures, period: Period, last_day: datetime.date) -> None:
    """Planned files must reach the archive within one year of their closing (NĐ 30/2020)."""
    in_holdings = Dossier.objects.filter(plan_entry=OuterRef("pk"), custody=Custody.HELD)
    due_from, due_by = _year_before(period.start), _year_before(last_day)
    for row in (
        FilePlanEntry.objects.filter(closed_on__isnull=False, closed_on__lte=due_by)
        .annotate(done=Exists(in_holdings))
        .values("plan__agency_id")
        .annotate(
            due=Count("pk"),
            done_n=Count("pk", filter=Q(done=True)),
            due_now=Count("pk", filter=Q(closed_on__gte=due_from)),
        )
    ):
        agency_id = row["plan__agency_id"]
        _add(out, "file_plan_transferred_share", agency_id, row["done_n"], row["due"])
        _add(out, "transfers_overdue", agency_id, row["due"] - row["done_n"])
        _add(out, "transfers_due", agency_id, row["due_now"])


def _training(out: Figures, last_day: datetime.date) -> None:
    """Staff counted once each, at the first agency they hold a trained role in."""
    staff = dict(
        Membership.objects.filter(role__in=TRAINED_ROLES, user__is_active=True)
        .values("user_id")
        .annotate(agency=Min("agency_id"))
        .values_list("user_id", "agency")
    )
    done = set(
        Attendance.objects.filter(
            completed=True, session__ends_on__lte=last_day, user_id__in=list(staff)
        ).values_list("user_id", flat=True)
    )
    for user_id, agency_id in staff.items():
        _add(out, "trained_staff_share", agency_id, 1 if user_id in done else 0, 1)


# --- Indicators for a scope ----------------------------------------------------------------


def targets() -> dict[str, Target]:
    return {t.key: t for t in Target.objects.all()}


def indicators(
    period: Period,
    agency: Agency | None,
    data: Figures | None = None,
    goal: dict[str, Target] | None = None,
) -> list[Indicator]:
    """Every indicator for the agency and its subtree (the whole province when ``None``)."""
    scope = None if agency is None else descendant_ids({agency.pk})
    return summed(period, scope, figures(period) if data is None else data, goal or targets())


def summed(
    period: Period, scope: set[int] | None, data: Figures, goal: dict[str, Target]
) -> list[Indicator]:
    """The indicators over ``scope`` (agency ids; ``None``: all) from per-agency figures."""
    out: list[Indicator] = []
    totals: dict[str, Pair | None] = {}
    for spec in SPECS:
        rows = data.get(spec.key, {})
        if period.future or (not spec.per_agency and scope is not None):
            totals[spec.key] = None
            continue
        top = bottom = Decimal(0)
        for agency_id, (n, d) in rows.items():
            if scope is None or agency_id in scope:
                top += n
                bottom += d
        totals[spec.key] = (top, bottom)
    empty = all(totals.get(k) in (None, (0, 0)) for k in HOLDINGS)
    for spec in SPECS:
        pair = totals[spec.key]
        target = goal.get(spec.key)
        num: Decimal | None = None
        den: Decimal | None = None
        if pair is not None and not (empty and spec.key.startswith("holdings_")):
            num, den = pair[0], (pair[1] if spec.is_share else None)
        out.append(
            Indicator(
                key=spec.key,
                label=target.label if target and target.label else spec.label,
                unit=spec.unit,
                numerator=num,
                denominator=den,
                target=target.value if target and spec.is_share else None,
                legal_basis=target.legal_basis if target else "",
                numerator_text=spec.numerator,
                denominator_text=spec.denominator,
            )
        )
    return out


# --- Snapshots (daily aggregates) ------------------------------------------------------------


def snapshot_periods(day: datetime.date, years: int = 5) -> list[Period]:
    """What a day's snapshot holds: its year and the four before, and each month so far."""
    periods = [Period.year(day.year - i) for i in range(years)]
    periods += [Period.month(day.year, m) for m in range(1, day.month + 1)]
    return periods


Stored = dict[str, Figures]  # period label → figures


def snapshot(day: datetime.date | None = None, scope: set[int] | None = None) -> Stored | None:
    """``day``'s snapshot (today's by default), every period it holds, in one query; only the
    agencies of ``scope`` (and what belongs to none) when given. ``None`` if not taken."""
    snap = Snapshot.objects.filter(day=day or timezone.localdate()).first()
    if snap is None:
        return None
    out: Stored = {label: defaultdict(dict) for label in snap.periods}
    rows = Figure.objects.filter(snapshot=snap)
    if scope is not None:
        rows = rows.filter(Q(agency__isnull=True) | Q(agency_id__in=scope))
    for label, agency_id, key, num, den in rows.values_list(
        "period", "agency_id", "key", "numerator", "denominator"
    ):
        out.setdefault(label, defaultdict(dict))[key][agency_id or 0] = (num, den or Decimal(0))
    return out


def stored_figures(period: Period, day: datetime.date | None = None) -> Figures | None:
    """The figures ``day``'s snapshot holds for ``period``, or ``None``."""
    stored = snapshot(day)
    return None if stored is None else stored.get(period.label)


def figures_for(period: Period, stored: Stored | None) -> Figures:
    """The snapshot's figures for the period when it holds them, else a live computation."""
    if stored is not None and period.label in stored:
        return stored[period.label]
    return figures(period)


def series(
    periods: Iterable[Period],
    scope: set[int] | None,
    key: str,
    goal: dict[str, Target],
    stored: Stored | None,
) -> list[tuple[Period, Indicator]]:
    """One indicator over several periods (a trend)."""
    out = []
    for period in periods:
        data = figures_for(period, stored)
        found = next(i for i in summed(period, scope, data, goal) if i.key == key)
        out.append((period, found))
    return out


@dataclass
class Comparison:
    agency: Agency
    items: dict[str, Indicator] = field(default_factory=dict)


def compare(
    period: Period, parent: Agency | None, data: Figures, goal: dict[str, Target]
) -> list[Comparison]:
    """Each child of ``parent`` (each top-level agency's children when ``None``), its subtree's
    indicators: one query for the tree, none per agency."""
    tree = list(Agency.objects.values_list("pk", "parent_id"))
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in tree:
        children[parent_id].append(pk)
    if parent is not None:
        heads = children[parent.pk]
    else:
        roots = children[None]
        heads = [c for r in roots for c in children[r]] if len(roots) == 1 else roots

    def subtree(pk: int) -> set[int]:
        found, stack = {pk}, [pk]
        while stack:
            for child in children[stack.pop()]:
                found.add(child)
                stack.append(child)
        return found

    agencies = Agency.objects.in_bulk(heads)
    rows = []
    for pk in heads:
        items = summed(period, subtree(pk), data, goal)
        rows.append(Comparison(agencies[pk], {i.key: i for i in items}))
    rows.sort(key=lambda r: r.agency.code)
    return rows


# The parts of an indicator a report form's column may show.
PARTS = ("numerator", "denominator", "value", "target")
