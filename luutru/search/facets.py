"""Facet counts as people read them: agency and fonds names, code labels, checkbox groups.

The engine counts results by raw values (primary keys, codes); the API, the portal's and the
staff search pages show them named, and the pages as checkboxes that keep their choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luutru.organizations.models import Agency, Fonds
from luutru.records import codes
from luutru.records.models import CodeList, Dossier, listed_dossiers_q, open_dossiers_q
from luutru.search.base import FACETS, SearchQuery

# Facets whose values are codes of a TT 05 code list, and the list that names them.
CODE_LISTS = {
    "doc_type": "document_type",
    "retention": "retention",
    "access_regime": "access_regime",
}
FACET_TITLES = {
    "agency": _("Cơ quan"),
    "fonds": _("Phông"),
    "year": _("Năm"),
    "doc_type": _("Tên loại tài liệu"),
    "retention": _("Thời hạn lưu trữ"),
    "access_regime": _("Chế độ sử dụng"),
    "kind": _("Loại tài liệu"),
}
# What a document is (records.DocumentKind), as a visitor calls it.
KIND_LABELS = {
    "text": _("Văn bản"),
    "photo": _("Ảnh"),
    "audio": _("Ghi âm"),
    "video": _("Phim"),
}


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


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


def _names(model: type[Agency] | type[Fonds], values: list[str]) -> dict[str, str]:
    """pk → name for the agencies or fonds among the facet values, in one query."""
    pks = [int(value) for value in values if value.isascii() and value.isdigit()]
    if not pks:
        return {}
    if model is Fonds:
        rows = Fonds.objects.filter(pk__in=pks).values_list("pk", "code", "name")
        return {str(pk): f"{name} ({code})" for pk, code, name in rows}
    return {
        str(pk): name for pk, name in Agency.objects.filter(pk__in=pks).values_list("pk", "name")
    }


def labelled_facets(facets: dict[str, list[tuple[str, int]]]) -> dict[str, list[FacetValue]]:
    """The engine's facet counts with names people read: agency and fonds names, code labels.

    Two queries at most (agencies, fonds), whatever the number of values; code labels are
    cached per process.
    """
    raw = {name: [(str(value), count) for value, count in facets.get(name, [])] for name in FACETS}
    names = {
        "agency": _names(Agency, [value for value, _count in raw["agency"]]),
        "fonds": _names(Fonds, [value for value, _count in raw["fonds"]]),
    }

    def label(name: str, value: str) -> str:
        if name in names:
            return names[name].get(value, value)
        if name == "kind":
            return str(KIND_LABELS.get(value, value))
        return codes.shown_label(CODE_LISTS[name], value) if name in CODE_LISTS else value

    return {
        name: [FacetValue(value, label(name, value), count) for value, count in values]
        for name, values in raw.items()
    }


def facet_groups(
    facets: dict[str, list[FacetValue]],
    filters: dict[str, tuple[str, ...]],
    *,
    exclude: tuple[str, ...] = (),
) -> list[FacetGroup]:
    """Facets for checkboxes; a chosen value stays listed even when no result has it any more,
    so that it can always be unticked. ``exclude``: facets offered otherwise (``dropdowns``)."""
    groups = []
    for name in FACETS:
        if name in exclude:
            continue
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


# -- the advanced search's dropdowns --------------------------------------------------------

# Facets the advanced search offers as dropdowns listing every value the caller may choose
# (not only those of the current results), each with its count in the results when it has one.
DROPDOWN_FACETS = ("doc_type", "fonds")
ANY = _("Tất cả")


@dataclass(frozen=True)
class Dropdown:
    name: str
    title: str | Promise
    options: list[FacetOption]
    multiple: bool  # several values chosen (a hand-made link): a list box keeps them all


def fonds_choices(query: SearchQuery) -> list[tuple[str, str]]:
    """(pk, "name (code)") of the fonds the caller of ``query`` may search in, by name: for
    the public, those holding a record it may find; for staff, those of the agencies in their
    scope. One query."""
    fonds = Fonds.objects.all()
    if query.public_only:
        visible = Dossier.objects.filter(fonds=OuterRef("pk")).filter(
            open_dossiers_q() | listed_dossiers_q()
        )
        fonds = fonds.filter(Exists(visible))
    elif query.agency_ids is not None:
        fonds = fonds.filter(agency_id__in=query.agency_ids)
    rows = fonds.order_by("name", "code").values_list("pk", "code", "name")
    return [(str(pk), f"{name} ({code})") for pk, code, name in rows]


def type_choices() -> list[tuple[str, str]]:
    """(code, name) of every document type of the code list (TT 05), in its order."""
    return [
        (code, codes.shown_label(CodeList.DOCUMENT_TYPE, code))
        for code in codes.entries(CodeList.DOCUMENT_TYPE)
    ]


def dropdowns(query: SearchQuery, facets: dict[str, list[FacetValue]]) -> list[Dropdown]:
    """The type and fonds dropdowns of the page that ran ``query`` (its caller's choices, its
    filters): every choice, its count in the results where it has one, the chosen values
    selected (a chosen value no longer offered is kept, so it shows). One query."""
    filters = query.filters
    out = []
    for name, choices in (("doc_type", type_choices()), ("fonds", fonds_choices(query))):
        counts = {v.value: v.count for v in facets.get(name, [])}
        chosen = filters.get(name, ())
        offered = {value for value, _label in choices}
        missing = [v for v in chosen if v not in offered]
        if missing:
            labels = labelled_facets({name: [(v, 0) for v in missing]})[name]
            choices = choices + [(v.value, v.label) for v in labels]
        options = [
            FacetOption(value, label, counts.get(value, 0), value in chosen)
            for value, label in choices
        ]
        out.append(Dropdown(name, FACET_TITLES[name], options, len(chosen) > 1))
    return out
