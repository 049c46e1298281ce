"""The search's parameters and their bounds, defined once for every way in.

:class:`SearchForm` is the query (``q``), the page, the sort and the facet filters, with the
bounds each may take: the portal's search page (/tra-cuu/), the staff search page
(/quan-tri/tra-cuu/) and the API (GET /api/v1/search, whose schema in ``search/api.py`` takes
its bounds from here) all read them from this module, so they cannot drift apart.

The pages read a query string *leniently* (:meth:`SearchForm.lenient`): a hand-edited URL
loses the values out of bounds and keeps the rest, as a page should. The API is strict and
answers 422 for the same values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from luutru.search.base import FACETS

MAX_QUERY = 10_000  # characters of the query
MAX_PAGE = 1000  # deep pages cost the engine more and nobody reads them: refine the query
PAGE_SIZE = 20  # results a page
MAX_VALUES = 50  # values of one facet in one request
# Bounded so that no value can overflow a database integer or bloat the query.
MAX_ID = 2**53  # agency and fonds primary keys
MAX_YEAR = 9999
CODE_PATTERN = r"^[0-9A-Za-z]+$"  # codes of a TT 05 code list: doc_type, retention, …
CODE_LENGTH = 4
SORTS = ("relevance", "date")
ID_FACETS = ("agency", "fonds")

_CODE = re.compile(CODE_PATTERN)


def year_range(start: int | None, end: int | None) -> tuple[str, ...]:
    """The years from ``start`` to ``end`` as year facet values (an open end: ``MAX_VALUES``
    years from the other; swapped if given backwards); at most ``MAX_VALUES``, latest kept."""
    if start is None and end is None:
        return ()
    if start is None:
        start = max(1, end - MAX_VALUES + 1)  # type: ignore[operator]
    if end is None:
        end = min(MAX_YEAR, start + MAX_VALUES - 1)
    low, high = sorted((start, end))
    return tuple(str(y) for y in range(max(low, high - MAX_VALUES + 1), high + 1))


def facet_value_ok(facet: str, value: str) -> bool:
    """Whether ``value`` is one ``facet`` can take: a key of an agency or a fonds, a year, or a
    code of a code list."""
    if facet in ID_FACETS or facet == "year":
        top = MAX_YEAR if facet == "year" else MAX_ID
        return value.isascii() and value.isdigit() and 1 <= int(value) <= top
    return len(value) <= CODE_LENGTH and _CODE.fullmatch(value) is not None


class FacetField(forms.Field):
    """The chosen values of one facet (a repeated parameter): each checked, at most
    ``MAX_VALUES`` of them, duplicates counted as the API counts them; cleaned to a tuple of
    strings (``SearchForm.filters`` drops the duplicates)."""

    widget = forms.MultipleHiddenInput  # reads every value of the parameter

    def __init__(self, facet: str, **kwargs: Any) -> None:
        self.facet = facet
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> tuple[str, ...]:
        if not value:
            return ()
        if isinstance(value, str):
            value = [value]
        return tuple(str(v) for v in value)

    def validate(self, value: tuple[str, ...]) -> None:
        super().validate(value)
        if len(value) > MAX_VALUES:
            raise ValidationError(
                _("Có tối đa %(n)d giá trị."), code="max_values", params={"n": MAX_VALUES}
            )
        if any(not facet_value_ok(self.facet, v) for v in value):
            raise ValidationError(_("Giá trị không hợp lệ."), code="invalid")


class QueryField(forms.CharField):
    """The words to find: any text up to ``MAX_QUERY`` characters, NUL included (the engines
    take any text, and the API has always accepted it), not stripped."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, strip=False, max_length=MAX_QUERY, **kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class SearchForm(forms.Form):
    """The search's parameters (see the module). ``facets`` limits the filters offered (the
    portal offers no access regime); ``page_param`` names the page in the URL: ``trang`` on
    the Vietnamese pages, ``page`` in the API."""

    q = QueryField()
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in SORTS])
    agency = FacetField("agency")
    fonds = FacetField("fonds")
    year = FacetField("year")
    doc_type = FacetField("doc_type")
    retention = FacetField("retention")
    access_regime = FacetField("access_regime")
    # Advanced search: a range of years (from/to, either may be left open), applied as the year
    # facet's values when no year is ticked; at most MAX_VALUES years.
    year_from = forms.IntegerField(required=False, min_value=1, max_value=MAX_YEAR)
    year_to = forms.IntegerField(required=False, min_value=1, max_value=MAX_YEAR)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        facets: Iterable[str] = FACETS,
        page_param: str = "trang",
    ) -> None:
        self.page_param = page_param
        super().__init__(data)
        self.facets = tuple(name for name in FACETS if name in set(facets))
        for name in FACETS:
            if name not in self.facets:
                del self.fields[name]

    def add_prefix(self, field_name: str) -> str:
        return self.page_param if field_name == "page" else super().add_prefix(field_name)

    @classmethod
    def lenient(
        cls, params: QueryDict, *, facets: Iterable[str] = FACETS, page_param: str = "trang"
    ) -> SearchForm:
        """A valid form from any query string: a query cut at ``MAX_QUERY`` characters, a page
        brought within 1..``MAX_PAGE`` (1 if it is no number), an unknown sort replaced by
        relevance, facet values out of bounds dropped and the first ``MAX_VALUES`` kept."""
        form = cls(facets=facets, page_param=page_param)
        fixed = QueryDict(mutable=True)
        fixed["q"] = params.get("q", "")[:MAX_QUERY]
        try:
            page = int(params.get(page_param) or 1)
        except ValueError:
            page = 1
        fixed[page_param] = str(min(max(page, 1), MAX_PAGE))
        sort = params.get("sort", "")
        fixed["sort"] = sort if sort in SORTS else SORTS[0]
        for name in form.facets:
            values = [v for v in dict.fromkeys(params.getlist(name)) if facet_value_ok(name, v)]
            fixed.setlist(name, values[:MAX_VALUES])
        for name in ("year_from", "year_to"):
            value = params.get(name, "").strip()
            if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_YEAR:
                fixed[name] = value
        form = cls(fixed, facets=facets, page_param=page_param)
        if not form.is_valid():  # the repairs above missed a bound: a bug, not the visitor's
            raise ValueError(f"SearchForm.lenient left errors: {form.errors.as_json()}")
        return form

    @property
    def query(self) -> str:
        return str(self.cleaned_data["q"])

    @property
    def page_number(self) -> int:
        return int(self.cleaned_data["page"] or 1)

    @property
    def sort_order(self) -> str:
        return str(self.cleaned_data["sort"] or SORTS[0])

    def filters(self) -> dict[str, tuple[str, ...]]:
        """Facet filters in the service's form: name → values, facets without any left out."""
        chosen = {name: tuple(dict.fromkeys(self.cleaned_data[name])) for name in self.facets}
        years = year_range(self.cleaned_data.get("year_from"), self.cleaned_data.get("year_to"))
        if years and not chosen.get("year"):
            chosen["year"] = years
        return {name: values for name, values in chosen.items() if values}

    @property
    def searched(self) -> bool:
        """Whether there is anything to search for: words, or at least one filter."""
        return bool(self.query.strip() or self.filters())

    def result_page(self, count: int) -> ResultPage:
        """The page of ``count`` results this form asks for, ``PAGE_SIZE`` to a page."""
        pages = min(max(math.ceil(count / PAGE_SIZE), 1), MAX_PAGE)
        return ResultPage(self.page_number, pages)

    @property
    def first(self) -> int:
        """The number of the page's first result, for ``<ol start>``."""
        return (self.page_number - 1) * PAGE_SIZE + 1


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
