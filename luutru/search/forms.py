"""The search's parameters and their bounds, defined once for every way in.

:class:`SearchForm` is the query (``q``), the page, the sort, the facet filters and the
advanced search (a range of days, ``date_from``/``date_to``, written dd/mm/yyyy or ISO, and the
issuer, ``issuer``), with the bounds each may take: the portal's search page (/tra-cuu/), the
staff search page (/quan-tri/tra-cuu/) and the API (GET /api/v1/search, whose schema in
``search/api.py`` takes its bounds from here, and which reads its query string through this
form as well) all read them from this module, so they cannot drift apart.

The pages read a query string *leniently* (:meth:`SearchForm.lenient`): a hand-edited URL
loses the values out of bounds and keeps the rest, as a page should. The API is strict and
answers 422 for the same values. A date the visitor typed is never dropped silently: a day that
does not exist (31/02/2024) or a range given backwards is a form error, in Vietnamese, on the
page as in the API.
"""

from __future__ import annotations

import calendar
import datetime
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

from luutru.search.base import DOCUMENT_KINDS, FACETS

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
MAX_ISSUER = 200  # characters of the issuer filter
MAX_DATE = 20  # characters of a typed date
# Fields a visitor types whose mistakes are shown, not repaired (SearchForm.lenient).
TYPED_FIELDS = ("date_from", "date_to")

_CODE = re.compile(CODE_PATTERN)
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{1,4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH = re.compile(r"(\d{1,2})[/.-](\d{4})")
_YEAR = re.compile(r"\d{4}")


def parse_day(text: str, *, end: bool = False) -> datetime.date:
    """A day typed as people write it: 31/12/2024 (also 31-12-2024, 31.12.2024, 2024-12-31);
    a month (12/2024) or a year (2024) stands for its first day, or its last with ``end``.

    Raises ``ValidationError`` with a Vietnamese message saying what is wrong: unreadable, no
    such month, no such day in that month (31/02/2024), a year out of 1..9999.
    """
    value = text.strip()
    day: int | None = None
    if len(value) <= MAX_DATE and (found := _DMY.fullmatch(value)):
        day, month, year = (int(x) for x in found.groups())
    elif len(value) <= MAX_DATE and (found := _ISO.fullmatch(value)):
        year, month, day = (int(x) for x in found.groups())
    elif len(value) <= MAX_DATE and (found := _MONTH.fullmatch(value)):
        month, year = (int(x) for x in found.groups())
    elif len(value) <= MAX_DATE and _YEAR.fullmatch(value):
        year, month = int(value), 12 if end else 1
    else:
        raise ValidationError(
            _("«%(value)s» không phải là ngày: hãy viết ngày/tháng/năm, ví dụ 31/12/2024."),
            code="invalid",
            params={"value": value[:MAX_DATE]},
        )
    if not 1 <= year <= MAX_YEAR:
        raise ValidationError(_("Năm phải từ 1 đến 9999."), code="invalid_year")
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Không có tháng %(month)d: tháng từ 1 đến 12."),
            code="invalid_month",
            params={"month": month},
        )
    last = calendar.monthrange(year, month)[1]
    if day is None:
        day = last if end else 1
    if not 1 <= day <= last:
        raise ValidationError(
            _("Không có ngày %(value)s: tháng %(month)d năm %(year)d có %(last)d ngày."),
            code="invalid_day",
            params={"value": value, "month": month, "year": year, "last": last},
        )
    return datetime.date(year, month, day)


def check_range(start: datetime.date | None, end: datetime.date | None) -> None:
    """A range of days must not end before it starts; ``ValidationError`` if it does."""
    if start is not None and end is not None and start > end:
        raise ValidationError(
            _("«Từ ngày» (%(start)s) sau «Đến ngày» (%(end)s): hãy đổi lại cho đúng thứ tự."),
            code="backwards",
            params={"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
        )


def facet_value_ok(facet: str, value: str) -> bool:
    """Whether ``value`` is one ``facet`` can take: a key of an agency or a fonds, a year, or a
    code of a code list."""
    if facet == "kind":
        return value in DOCUMENT_KINDS
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


class DayField(forms.Field):
    """A day of the advanced search, read by ``parse_day`` (``end``: a month or a year typed
    stands for its last day)."""

    def __init__(self, *, end: bool = False, **kwargs: Any) -> None:
        self.end = end
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        if value is None or not str(value).strip():
            return None
        return parse_day(str(value), end=self.end)


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
    kind = FacetField("kind")  # Loại tài liệu: text, photo, audio, video
    # Advanced search: a range of days (either end may be left open), and the issuer's words.
    date_from = DayField(label=_("Từ ngày"))
    date_to = DayField(end=True, label=_("Đến ngày"))
    issuer = forms.CharField(required=False, max_length=MAX_ISSUER, label=_("Cơ quan ban hành"))
    # Older links' range of years: read as date_from=1/1/year_from, date_to=31/12/year_to.
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        for name, legacy, month, day in (
            ("date_from", "year_from", 1, 1),
            ("date_to", "year_to", 12, 31),
        ):
            if data.get(name) is None and data.get(legacy) and name not in self.errors:
                data[name] = datetime.date(data[legacy], month, day)
        try:
            check_range(data.get("date_from"), data.get("date_to"))
        except ValidationError as error:
            self.add_error("date_to", error)
        return data

    @classmethod
    def lenient(
        cls, params: QueryDict, *, facets: Iterable[str] = FACETS, page_param: str = "trang"
    ) -> SearchForm:
        """A form from any query string: a query (and an issuer) cut at its length, a page
        brought within 1..``MAX_PAGE`` (1 if it is no number), an unknown sort replaced by
        relevance, facet values out of bounds dropped and the first ``MAX_VALUES`` kept.

        Only the dates typed (``TYPED_FIELDS``) may leave it invalid: the page shows their
        errors (``form.errors``) and searches nothing until they are put right. An older
        link's year range fills the dates it lacks (``year_from=2020`` is ``date_from=2020``).
        """
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
        for name, legacy in (("date_from", "year_from"), ("date_to", "year_to")):
            value = params.get(name, "").strip()[:MAX_DATE]
            year = params.get(legacy, "").strip()
            if not value and year.isascii() and year.isdigit() and 1 <= int(year) <= MAX_YEAR:
                value = f"{int(year):04d}"  # a year as parse_day reads one
            fixed[name] = value
        fixed["issuer"] = params.get("issuer", "").replace("\x00", "").strip()[:MAX_ISSUER]
        form = cls(fixed, facets=facets, page_param=page_param)
        if not form.is_valid() and set(form.errors) - set(TYPED_FIELDS):
            # The repairs above missed a bound: a bug, not the visitor's.
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
        return {name: values for name, values in chosen.items() if values}

    # Not named after their fields: a property would replace the field in the class body.
    @property
    def first_day(self) -> datetime.date | None:
        return self.cleaned_data.get("date_from")

    @property
    def last_day(self) -> datetime.date | None:
        return self.cleaned_data.get("date_to")

    @property
    def issuer_name(self) -> str:
        return str(self.cleaned_data.get("issuer") or "")

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the search besides its words: facets, dates, issuer."""
        return bool(self.filters() or self.first_day or self.last_day or self.issuer_name.strip())

    @property
    def searched(self) -> bool:
        """Whether there is anything to search for: words, or at least one filter."""
        return bool(self.query.strip() or self.filtered)

    def search_arguments(self) -> dict[str, Any]:
        """Keyword arguments of ``services.search``/``query_for`` for this form (valid)."""
        return {
            "filters": self.filters(),
            "page": self.page_number,
            "sort": self.sort_order,
            "per_page": PAGE_SIZE,
            "date_from": self.first_day,
            "date_to": self.last_day,
            "issuer": self.issuer_name,
        }

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
