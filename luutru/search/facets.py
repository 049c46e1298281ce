"""Facet counts as people read them: agency and fonds names, code labels, checkbox groups.

The engine counts results by raw values (primary keys, codes); the API, the portal's and the
staff search pages show them named, and the pages as checkboxes that keep their choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luutru.organizations.models import Agency, Fonds
from luutru.records import codes
from luutru.search.base import FACETS

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
        return codes.label(CODE_LISTS[name], value) if name in CODE_LISTS else value

    return {
        name: [FacetValue(value, label(name, value), count) for value, count in values]
        for name, values in raw.items()
    }


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
