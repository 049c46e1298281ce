"""Reads over the collection: access helpers, display rows, retention, due dates, signatures.

Which dossiers and documents a user may read is the access policy's decision
(``luutru.access.policy``, a higher layer): the view asks it and hands the answer to the helpers
here. File plans are staff work and follow ``agencies_in_scope`` (organizations). Either way a
record outside what the user may see is "not found" (404) rather than "forbidden", so its code
does not leak; a missing permission is 403 before anything is looked up.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from luutru.lib.vietnamese import short_date
from luutru.organizations.models import AgencyQuerySet
from luutru.organizations.services import agencies_in_scope
from luutru.records import codes
from luutru.records.elements import elements
from luutru.records.models import (
    OPEN_REGIME,
    DatePrecision,
    Document,
    Dossier,
    FilePlan,
    FilePlanEntry,
    PublicationDecision,
    RegimeChange,
)

VIEW_DOSSIER = "records.view_dossier"
VIEW_DOCUMENT = "records.view_document"
VIEW_FILE_PLAN = "records.view_fileplan"
CHANGE_FILE_PLAN = "records.change_fileplan"
EMPTY = "—"


# ---------------------------------------------------------------------------------------------
# Access helpers: the object, or 404 / 403


def _require(user: Any, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def get_dossier_for_user(user: Any, code: str, *, visible: QuerySet[Dossier]) -> Dossier:
    """The dossier by its code among ``visible``, else 404; 403 without the permission.

    ``visible`` is what the access policy lets ``user`` read, asked where the request is
    answered (``policy.dossiers(user, policy.Use.READ)`` in a view): records sits below access
    and never asks it, and there is no default, which would be a second, looser policy.
    """
    _require(user, VIEW_DOSSIER)
    related = visible.select_related("agency", "fonds", "plan_entry__plan")
    dossier = related.filter(code=code).first()
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return dossier


def get_document_for_user(user: Any, pk: int, *, visible: QuerySet[Document]) -> Document:
    """The document among ``visible`` (as for ``get_dossier_for_user``), else 404; 403 without
    the permission."""
    _require(user, VIEW_DOCUMENT)
    document = visible.select_related("agency", "dossier").filter(pk=pk).first()
    if document is None:
        raise Http404("Không tìm thấy tài liệu.")
    return document


def get_file_plan_for_user(user: Any, pk: int, *, change: bool = False) -> FilePlan:
    """The file plan (danh mục hồ sơ) of an agency in scope; 403 without the permission."""
    _require(user, CHANGE_FILE_PLAN if change else VIEW_FILE_PLAN)
    plan = (
        FilePlan.objects.of_agencies(agencies_in_scope(user))
        .select_related("agency")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404("Không tìm thấy danh mục hồ sơ.")
    return plan


def get_plan_entry_for_user(
    user: Any, plan_pk: int, pk: int, *, change: bool = False
) -> FilePlanEntry:
    """One planned file (hồ sơ dự kiến) of a plan the user may see (or change)."""
    plan = get_file_plan_for_user(user, plan_pk, change=change)
    entry = plan.entries.filter(pk=pk).first()
    if entry is None:
        raise Http404("Không tìm thấy hồ sơ dự kiến.")
    entry.plan = plan
    return entry


# ---------------------------------------------------------------------------------------------
# Codes and fields as people read them


def code_display(list_name: str, value: str, *, localized: bool = False) -> str:
    """'01' → '01 — Vĩnh viễn'; several codes ('01,02') are listed; unknown codes stay as is.

    ``localized``: for a page, in the interface's language ('01 — Permanent' in English);
    without it the Vietnamese label, as records, histories and reports keep it.
    """
    if not value:
        return EMPTY
    name_of = codes.shown_label if localized else codes.label
    shown = []
    for code in (part.strip() for part in value.split(",")):
        label = name_of(list_name, code)
        shown.append(f"{code} — {label}" if label != code else code)
    return ", ".join(shown)


def date_display(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date as written in Vietnamese records: 05/03/2024, 03/2024 or 2024."""
    if value is None:
        return EMPTY
    return short_date(value, precision)


@dataclass(frozen=True)
class FieldRow:
    element: str
    label: str
    value: str


def element_rows(
    instance: Dossier | Document, level: str, *, localized: bool = True
) -> list[FieldRow]:
    """Every TT 05/2025 element of a dossier or document, under its name in the interface's
    language (``localized``; else under its Vietnamese name, coded values too).

    Driven by data/tt05_elements.csv, so a new element shows up without touching templates.
    Elements with no model field of their own (a document's fileCode) are left to the page,
    except a photo's or recording's (``level`` photo, media), which are kept in ``media``.
    """
    rows = []
    extra = getattr(instance, "media", None) or {}
    for element in elements(level).values():
        if element.field is None:
            if element.name not in extra:
                continue
            raw = extra[element.name]
        else:
            raw = getattr(instance, element.field)
        if element.kind in {"code", "codes"}:
            value = code_display(element.code_list or "", raw, localized=localized)
        elif element.kind == "date":
            field_name = (element.field or "").replace("_date", "_precision")
            precision = getattr(instance, field_name, "day") if field_name else "day"
            value = date_display(raw, precision)
        elif element.kind == "boolean":
            value = "Có" if raw else "Không"
            if localized:
                value = _("Có") if raw else _("Không")
        else:
            value = EMPTY if raw in (None, "") else str(raw)
        label = element.shown_label if localized else element.label
        rows.append(FieldRow(element.name, label, value))
    return rows


# ---------------------------------------------------------------------------------------------
# Retention (thời hạn lưu trữ)


@dataclass(frozen=True)
class Retention:
    code: str
    display: str  # "04 — 30 năm"
    years: int | None  # None: permanent; 0: "Khác", length not known
    expires_in: int | None  # the year the retention ends, when it is a number of years

    @property
    def permanent(self) -> bool:
        return self.years is None

    @property
    def expiry_display(self) -> str:
        if self.permanent:
            return _("Vĩnh viễn")
        if self.expires_in is None:
            return _("Chưa xác định")
        return _("Hết hạn năm %(year)s") % {"year": self.expires_in}


def retention_of(code: str, end_date: datetime.date | None) -> Retention:
    """The retention and the year it runs out: the file's end year plus its years."""
    years = codes.retention_years(code)
    expires = end_date.year + years if years and end_date is not None else None
    return Retention(code, code_display("retention", code, localized=True), years, expires)


# ---------------------------------------------------------------------------------------------
# Due for transfer to the agency archive (đến hạn nộp lưu)

DUE_WITHIN_DAYS = 30


def due_date(closed_on: datetime.date | None, plan_year: int) -> datetime.date:
    """When a planned file must be in the agency archive (NĐ 30/2020).

    Within one year of the day its work ended; when that day is not recorded, by the end of the
    year after the plan's year (work of a year ends with the year, at the latest). A file closed
    on 29 February is due on 28 February.
    """
    if closed_on is None:
        return datetime.date(plan_year + 1, 12, 31)
    try:
        return closed_on.replace(year=closed_on.year + 1)
    except ValueError:
        return closed_on.replace(year=closed_on.year + 1, day=28)


@dataclass(frozen=True)
class DueEntry:
    entry: FilePlanEntry
    due: datetime.date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def entries_due(
    agencies: AgencyQuerySet, today: datetime.date, within_days: int = DUE_WITHIN_DAYS
) -> list[DueEntry]:
    """Planned files with no dossier yet, due by ``today + within_days`` or overdue, soonest first.

    The database narrows to a superset (a year is at least 365 days; an open file's year is
    before the horizon's); the exact due date is then ``due_date``. One query.
    """
    horizon = today + datetime.timedelta(days=within_days)
    candidates = (
        FilePlanEntry.objects.filter(plan__agency__in=agencies, dossiers__isnull=True)
        .filter(
            Q(closed_on__lte=horizon - datetime.timedelta(days=365))
            | Q(closed_on__isnull=True, plan__year__lte=horizon.year - 1)
        )
        .select_related("plan__agency")
    )
    due = []
    for entry in candidates:
        when = due_date(entry.closed_on, entry.plan.year)
        if when <= horizon:
            due.append(DueEntry(entry, when, (when - today).days))
    due.sort(key=lambda d: (d.due, d.entry.plan.agency.code, d.entry.notation))
    return due


# ---------------------------------------------------------------------------------------------
# Digital signatures (chữ ký số)


@dataclass(frozen=True)
class Verdict:
    level: str  # "ok" | "warn" | "bad"
    text: str


def signature_verdict(signature: Mapping[str, Any]) -> Verdict:
    """What a person should conclude from one signature's evidence (kept from ingest)."""
    if not signature.get("intact"):
        return Verdict("bad", "Chữ ký không còn nguyên vẹn: tệp đã bị thay đổi sau khi ký.")
    if not signature.get("valid"):
        return Verdict(
            "bad", "Chữ ký không hợp lệ: chữ ký sai hoặc tệp đã bị sửa theo cách không cho phép."
        )
    if not signature.get("trusted"):
        return Verdict(
            "warn",
            "Chữ ký hợp lệ nhưng chứng thư số không thuộc tổ chức chứng thực được tin cậy.",
        )
    if signature.get("covers_whole_file") is False:
        return Verdict("warn", "Chữ ký hợp lệ, nhưng tệp có thêm nội dung sau khi ký.")
    return Verdict("ok", "Chữ ký hợp lệ, chứng thư số được tin cậy, tệp nguyên vẹn.")


@dataclass(frozen=True)
class SignatureView:
    signer: str
    signed_at: datetime.datetime | None
    summary: str
    verdict: Verdict


def signature_views(evidence: Any) -> list[SignatureView]:
    """The signatures kept on a DocumentFile, ready to show; tolerant of missing keys."""
    views = []
    for signature in evidence if isinstance(evidence, list) else []:
        if not isinstance(signature, Mapping):
            continue
        signed_at = signature.get("signed_at")
        views.append(
            SignatureView(
                signer=str(signature.get("signer") or ""),
                signed_at=parse_datetime(signed_at) if isinstance(signed_at, str) else None,
                summary=str(signature.get("summary") or ""),
                verdict=signature_verdict(signature),
            )
        )
    return views


# ---------------------------------------------------------------------------------------------
# Publication (công bố): history and the records waiting for a decision

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def publication_history(record: Dossier | Document) -> list[PublicationDecision | RegimeChange]:
    """The record's publication decisions and access-regime changes, newest first. A filed
    document's include its dossier's publication decisions, which cover it. Three queries."""
    decisions: list[PublicationDecision | RegimeChange]
    if isinstance(record, Dossier):
        decisions = list(PublicationDecision.objects.filter(dossier=record))
        decisions += RegimeChange.objects.filter(dossier=record)
    else:
        cover = Q(document=record)
        if record.dossier_id:
            cover |= Q(dossier_id=record.dossier_id)
        decisions = list(PublicationDecision.objects.filter(cover).select_related("dossier"))
        decisions += RegimeChange.objects.filter(document=record)
    return sorted(decisions, key=lambda d: (d.decided_at, d.pk), reverse=True)


def _decided(field: str) -> Exists:
    """A publication decision on the record since it last changed regime (or ever)."""
    since = Coalesce(
        Subquery(
            RegimeChange.objects.filter(**{field: OuterRef(OuterRef("pk"))})
            .order_by("-decided_at")
            .values("decided_at")[:1]
        ),
        Value(EPOCH),
    )
    decided = PublicationDecision.objects.filter(**{field: OuterRef("pk")}).filter(
        decided_at__gte=since
    )
    return Exists(decided)


def awaiting_publication(agencies: AgencyQuerySet) -> tuple[QuerySet[Dossier], QuerySet[Document]]:
    """Records accepted into the holdings that wait for a publication decision: held, Công
    khai, not published, and not decided on since they last changed regime. Dossiers stand for
    their documents; documents are listed on their own when they are unfiled or their dossier
    is already published (a document that arrived later)."""
    dossiers = (
        Dossier.objects.held()
        .of_agencies(agencies)
        .filter(access_regime=OPEN_REGIME, published_at__isnull=True)
        .exclude(_decided("dossier"))
        .select_related("agency", "fonds")
        .annotate(document_count=Count("documents"))
        .order_by("agency__code", "code")
    )
    documents = (
        Document.objects.held()
        .of_agencies(agencies)
        .filter(access_regime=OPEN_REGIME, published_at__isnull=True)
        .filter(Q(dossier__isnull=True) | Q(dossier__published_at__isnull=False))
        .filter(Q(dossier__isnull=True) | Q(dossier__access_regime=OPEN_REGIME))
        .exclude(_decided("document"))
        .select_related("agency", "dossier")
        .order_by("agency__code", "dossier__code", "ordinal", "pk")
    )
    return dossiers, documents
