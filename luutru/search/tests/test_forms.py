"""SearchForm: one set of bounds for the portal's and the staff's search pages and the API.

The API refuses a value out of bounds (422); the pages drop it and answer with a page. Both
read the bounds from ``search/forms.py``, so what the API refuses is exactly what the pages
drop, and the pages never fail on a query string however odd.
"""

from __future__ import annotations

import datetime

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
    ("date_from", ["31/12/2024"]), ("date_from", ["2024-12-31"]), ("date_from", ["12/2024"]),
    ("date_from", ["2024"]), ("date_from", ["31/02/2024"]), ("date_to", ["29/02/2023"]),
    ("date_to", ["29/02/2024"]), ("date_to", ["1/13/2024"]), ("date_to", ["hôm nay"]),
    ("date_to", ["0/1/2024"]), ("date_to", ["1" * 30]), ("issuer", ["Sở Tài chính"]),
    ("issuer", ["x" * 200]), ("issuer", ["x" * 201]), ("year_from", ["2020"]),
    ("year_from", ["0"]),
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
            st.sampled_from(["q", "trang", "sort", "issuer", "year_from", *FACETS]),
            st.lists(st.text(max_size=30), max_size=3),
        )
    )
    def test_any_query_string_reads_as_a_valid_search(self, pairs: dict[str, list[str]]) -> None:
        form = SearchForm.lenient(query(pairs))
        self.assertTrue(form.is_valid())
        self.assertTrue(1 <= form.page_number <= MAX_PAGE)
        for name, values in form.filters().items():
            self.assertTrue(SearchForm(query({name: list(values)})).is_valid(), (name, values))


class AdvancedSearchTests(SimpleTestCase):
    def test_days_are_read_as_vietnamese_write_them_and_as_iso(self) -> None:
        for start, end in (("01/03/2023", "31/3/2023"), ("2023-03-01", "2023-03-31"),
                           ("1.3.2023", "31-03-2023"), ("3/2023", "3/2023")):  # fmt: skip
            form = SearchForm.lenient(query({"date_from": [start], "date_to": [end]}))
            self.assertEqual(form.search_arguments()["date_from"], datetime.date(2023, 3, 1), start)
            self.assertEqual(form.search_arguments()["date_to"], datetime.date(2023, 3, 31), end)
        year = SearchForm.lenient(query({"date_from": ["2020"], "date_to": ["2021"]}))
        arguments = year.search_arguments()
        self.assertEqual(arguments["date_from"], datetime.date(2020, 1, 1))
        self.assertEqual(arguments["date_to"], datetime.date(2021, 12, 31))
        self.assertTrue(year.searched)

    def test_a_day_that_does_not_exist_is_an_error_that_says_why(self) -> None:
        form = SearchForm.lenient(query({"q": ["đất"], "date_from": ["31/02/2024"]}))
        self.assertFalse(form.is_valid())
        self.assertEqual(
            form.errors["date_from"], ["Không có ngày 31/02/2024: tháng 2 năm 2024 có 29 ngày."]
        )
        self.assertEqual(form.query, "đất")  # the rest of the form is still read
        month = SearchForm.lenient(query({"date_to": ["1/13/2024"]}))
        self.assertEqual(month.errors["date_to"], ["Không có tháng 13: tháng từ 1 đến 12."])
        words = SearchForm.lenient(query({"date_to": ["hôm qua"]}))
        self.assertIn("ví dụ 31/12/2024", words.errors["date_to"][0])

    def test_a_range_given_backwards_is_an_error(self) -> None:
        form = SearchForm.lenient(query({"date_from": ["02/03/2023"], "date_to": ["01/03/2023"]}))
        self.assertEqual(
            form.errors["date_to"],
            ["«Từ ngày» (02/03/2023) sau «Đến ngày» (01/03/2023): hãy đổi lại cho đúng thứ tự."],
        )

    def test_the_issuer_is_kept_and_cut_to_its_length(self) -> None:
        form = SearchForm.lenient(query({"issuer": ["  Sở Tài chính\x00 "]}))
        self.assertEqual(form.search_arguments()["issuer"], "Sở Tài chính")
        self.assertTrue(form.filtered)
        self.assertEqual(len(SearchForm.lenient(query({"issuer": ["x" * 500]})).issuer_name), 200)

    def test_an_older_links_years_become_the_range_of_days(self) -> None:
        form = SearchForm.lenient(QueryDict("q=đất&year_from=2020&year_to=2022"))
        self.assertEqual(form.data["date_from"], "2020")  # shown in the date fields
        arguments = form.search_arguments()
        self.assertEqual(arguments["date_from"], datetime.date(2020, 1, 1))
        self.assertEqual(arguments["date_to"], datetime.date(2022, 12, 31))
        days_win = SearchForm.lenient(QueryDict("year_from=2020&date_from=5/5/2021"))
        self.assertEqual(days_win.search_arguments()["date_from"], datetime.date(2021, 5, 5))
        self.assertEqual(SearchForm.lenient(QueryDict("year_from=x&year_to=0")).filtered, False)
        early = SearchForm.lenient(QueryDict("year_from=5")).search_arguments()["date_from"]
        self.assertEqual(early, datetime.date(5, 1, 1))
