"""The staff search page, /quan-tri/tra-cuu/: search box, live results (htmx), facets, pages.

A project-level page rather than a view of the search app, because search has no UI of its own
(docs/architecture.md); kept out of luutru/views.py, which holds the dashboard, since reading the
query string into filters and shaping facets for the template is a topic of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luutru.search import services
from luutru.search.api import (
    MAX_PAGE,
    MAX_QUERY,
    MAX_VALUES,
    FacetValue,
    labelled_facets,
    record_url,
)
from luutru.search.base import FACETS, Hit

PER_PAGE = 20
FACET_TITLES = {
    "agency": _("Cơ quan"),
    "fonds": _("Phông"),
    "year": _("Năm"),
    "doc_type": _("Tên loại tài liệu"),
    "retention": _("Thời hạn lưu trữ"),
    "access_regime": _("Chế độ sử dụng"),
}
SORTS = ("relevance", "date")


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool


@dataclass(frozen=True)
class FacetGroup:
    name: str
    title: str | Promise
    options: list[FacetOption]


@dataclass(frozen=True)
class Row:
    hit: Hit
    url: str


@dataclass(frozen=True)
class ResultPage:
    """Just what templates/_pager.html-style links need; the engine pages, not a Paginator."""

    number: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _valid(name: str, value: str) -> bool:
    """The same bounds as the API's parameters; a hand-edited URL just loses the bad value."""
    if name in {"agency", "fonds", "year"}:
        return value.isascii() and value.isdigit() and 0 < len(value) <= 15
    return value.isascii() and value.isalnum() and len(value) <= 4


def read_filters(params: QueryDict) -> dict[str, tuple[str, ...]]:
    filters = {}
    for name in FACETS:
        values = [v for v in dict.fromkeys(params.getlist(name)) if _valid(name, v)]
        if values:
            filters[name] = tuple(values[:MAX_VALUES])
    return filters


def read_page(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def facet_groups(
    facets: dict[str, list[FacetValue]], filters: dict[str, tuple[str, ...]]
) -> list[FacetGroup]:
    """Facets for checkboxes; a chosen value stays listed even when no result has it any more,
    so that it can always be unticked."""
    groups = []
    for name in FACETS:
        values = facets.get(name, [])
        chosen = filters.get(name, ())
        seen = {v.value for v in values}
        missing = [FacetValue(v, v, 0) for v in chosen if v not in seen]
        if missing:  # label them the same way as the engine's values
            missing = labelled_facets({name: [(v.value, 0) for v in missing]})[name]
        options = [
            FacetOption(v.value, v.label, v.count, v.value in chosen) for v in [*values, *missing]
        ]
        if options:
            groups.append(FacetGroup(name, FACET_TITLES[name], options))
    return groups


@login_required
def staff_search(request: HttpRequest) -> HttpResponse:
    """Search the records in the user's scope; htmx requests get only the results partial."""
    if not request.user.has_perm("organizations.view_agency"):
        raise PermissionDenied
    query = request.GET.get("q", "")[:MAX_QUERY]
    sort = request.GET.get("sort", "relevance")
    sort = sort if sort in SORTS else "relevance"
    filters = read_filters(request.GET)
    number = read_page(request.GET.get("trang"))
    context: dict[str, object] = {
        "query": query,
        "sort": sort,
        "searched": bool(query.strip() or filters),
    }
    if context["searched"]:
        found = services.search(
            request.user, query, filters=filters, page=number, sort=sort, per_page=PER_PAGE
        )
        pages = min(max(math.ceil(found.count / PER_PAGE), 1), MAX_PAGE)
        context.update(
            count=found.count,
            rows=[Row(hit, record_url(hit)) for hit in found.hits],
            groups=facet_groups(labelled_facets(found.facets), filters),
            page=ResultPage(number, pages),
            first=(number - 1) * PER_PAGE + 1,
            filtered=bool(filters),
        )
    template = "staff/search.html"
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)
