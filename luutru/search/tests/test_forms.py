"""SearchForm: one set of bounds for the portal's and the staff's search pages and the API.

The API refuses a value out of bounds (422); the pages drop it and answer with a page. Both
read the bounds from ``search/forms.py``, so what the API refuses is exactly what the pages
drop, and the pages never fail on a query string however odd.
"""

from __future__ import annotations

from django.http import QueryDict
from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from luutru.search.base import FACETS
from luutru.search.forms import MAX_PAGE, MAX_QUERY, MAX_VALUES, SearchForm
from luutru.test import BaseTestCase

API = "/api/v1/search"

# (parameter, values) pairs at and beyond each bound.
CASES: list[tuple[str, list[str]]] = [
    ("q", ["a" * MAX_QUERY]), ("q", ["a" * (MAX_QUERY + 1)]), ("q", ["a\x00b"]),
    ("page", ["1"]), ("page", [str(MAX_PAGE)]), ("page", [str(MAX_PAGE + 1)]), ("page", ["0"]),
    ("page", ["-1"]), ("page", ["abc"]), ("page", ["1.5"]),
    ("sort", ["date"]), ("sort", ["relevance"]), ("sort", ["bm25"]),
    ("agency", ["1"]), ("agency", [str(2**53)]), ("agency", [str(2**53 + 1)]), ("agency", ["0"]),
    ("agency", ["Sở Tài chính"]), ("fonds", ["12"]), ("fonds", ["x"]),
    ("year", ["2024"]), ("year", ["9999"]), ("year", ["99999"]), ("year", ["0"]),
    ("doc_type", ["02"]), ("doc_type", ["ABCD"]), ("doc_type", ["ABCDE"]),
    ("doc_type", ["'; --"]), ("retention", ["01"] * MAX_VALUES),
    ("retention", ["01"] * (MAX_VALUES + 1)),
    ("retention", [f"{n:02d}" for n in range(MAX_VALUES + 1)]), ("access_regime", ["03"]),
]  # fmt: skip


def query(pairs: dict[str, list[str]]) -> QueryDict:
    params = QueryDict(mutable=True)
    for name, values in pairs.items():
        params.setlist(name, values)
    return params


class BoundsAgreeWithTheApiTests(BaseTestCase):
    def test_the_api_refuses_exactly_what_the_form_refuses(self) -> None:
        for name, values in CASES:
            with self.subTest(name=name, values=values[:2]):
                status = self.client.get(API, {name: values}).status_code
                form = SearchForm(query({name: values}), page_param="page")
                self.assertEqual(status == 200, form.is_valid(), (status, form.errors))
                self.assertIn(status, {200, 422})

    def test_the_pages_keep_a_facet_value_exactly_when_the_api_takes_it(self) -> None:
        for name, values in CASES:
            if name not in FACETS or len(values) != 1:
                continue
            with self.subTest(name=name, value=values[0]):
                status = self.client.get(API, {name: values}).status_code
                kept = SearchForm.lenient(query({name: values})).filters().get(name, ())
                self.assertEqual(kept == tuple(values), status == 200, (status, kept))


class LenientReadingTests(SimpleTestCase):
    def test_out_of_bounds_values_are_brought_within_them(self) -> None:
        form = SearchForm.lenient(
            query({"q": ["đ" * (MAX_QUERY + 5)], "trang": ["99999"], "sort": ["bm25"]})
        )
        self.assertEqual(len(form.query), MAX_QUERY)
        self.assertEqual(form.page_number, MAX_PAGE)
        self.assertEqual(form.sort_order, "relevance")
        self.assertEqual(SearchForm.lenient(query({"trang": ["-3"]})).page_number, 1)
        self.assertEqual(SearchForm.lenient(query({"trang": ["abc"]})).page_number, 1)
        many = [str(year) for year in range(1900, 1900 + MAX_VALUES + 5)]
        kept = SearchForm.lenient(query({"year": many, "agency": ["x", "7", "7"]})).filters()
        self.assertEqual(kept, {"year": tuple(many[:MAX_VALUES]), "agency": ("7",)})

    def test_the_portal_offers_only_its_facets(self) -> None:
        params = query({"year": ["2020"], "access_regime": ["03"]})
        form = SearchForm.lenient(params, facets=("year",))
        self.assertEqual(form.filters(), {"year": ("2020",)})

    def test_pages_count_twenty_results_to_a_page_and_stop_at_the_last_page_allowed(self) -> None:
        form = SearchForm.lenient(query({"trang": ["3"]}))
        self.assertEqual(form.first, 41)
        self.assertEqual(form.result_page(41).num_pages, 3)
        self.assertEqual(form.result_page(10**9).num_pages, MAX_PAGE)

    @settings(max_examples=200, deadline=None)
    @given(
        st.dictionaries(
            st.sampled_from(["q", "trang", "sort", *FACETS]),
            st.lists(st.text(max_size=30), max_size=3),
        )
    )
    def test_any_query_string_reads_as_a_valid_search(self, pairs: dict[str, list[str]]) -> None:
        form = SearchForm.lenient(query(pairs))
        self.assertTrue(form.is_valid())
        self.assertTrue(1 <= form.page_number <= MAX_PAGE)
        for name, values in form.filters().items():
            self.assertTrue(SearchForm(query({name: list(values)})).is_valid(), (name, values))


class YearRangeTests(SimpleTestCase):
    def test_a_year_range_becomes_the_years_filter_and_stays_in_the_url(self) -> None:
        form = SearchForm.lenient(QueryDict("q=đất&year_from=2020&year_to=2022"))
        self.assertEqual(form.filters(), {"year": ("2020", "2021", "2022")})
        backwards = SearchForm.lenient(QueryDict("year_from=2022&year_to=2020")).filters()
        self.assertEqual(backwards, {"year": ("2020", "2021", "2022")})
        self.assertTrue(SearchForm.lenient(QueryDict("year_to=2000")).searched)

    def test_ticked_years_win_and_a_bad_range_is_dropped(self) -> None:
        ticked = SearchForm.lenient(QueryDict("year=2019&year_from=2020&year_to=2022"))
        self.assertEqual(ticked.filters(), {"year": ("2019",)})
        self.assertEqual(SearchForm.lenient(QueryDict("year_from=x&year_to=0")).filters(), {})
        wide = SearchForm.lenient(QueryDict("year_from=1&year_to=9999")).filters()["year"]
        self.assertEqual(len(wide), MAX_VALUES)
        self.assertEqual(wide[-1], "9999")
