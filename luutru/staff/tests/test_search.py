"""The staff search page, /quan-tri/tra-cuu/: who may use it, what each sees, the htmx partial."""

from __future__ import annotations

from typing import ClassVar
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from luutru.records.tests.factory import make_document
from luutru.search import services
from luutru.search.base import SearchResults
from luutru.search.tests.test_cli_and_api import SearchRecords, make_search_records
from luutru.test import BaseTestCase

URL = "/quan-tri/tra-cuu/"
HTMX = {"HX-Request": "true"}


class StaffSearchTests(BaseTestCase):
    records: ClassVar[SearchRecords]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.records = make_search_records(cls)

    def setUp(self) -> None:
        super().setUp()
        services.reindex()

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.get(URL, {"q": "giao đất"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/tai-khoan/dang-nhap/"))

    def test_readers_may_not_use_it(self) -> None:
        self.login(self.reader)
        self.assertContains(
            self.client.get(URL, {"q": "giao đất"}), "Không có quyền truy cập", status_code=403
        )

    def test_every_staff_role_may_use_it(self) -> None:
        for user in (self.archivist, self.clerk_a, self.clerk_b, self.head, self.council,
                     self.kpi, self.admin):  # fmt: skip
            self.login(user)
            self.assertEqual(self.client.get(URL, {"q": "giao đất"}).status_code, 200, user)

    def test_the_navigation_leads_here(self) -> None:
        self.login(self.clerk_a)
        self.assertContains(
            self.client.get("/quan-tri/"), f'<a href="{URL}">Tra cứu</a>', html=True
        )
        self.assertContains(self.client.get(URL), 'aria-current="page">Tra cứu</a>')

    def test_an_empty_search_explains_itself_and_searches_nothing(self) -> None:
        self.login(self.clerk_a)
        response = self.client.get(URL)
        self.assertContains(response, "Gõ từ cần tìm")
        self.assertNotContains(response, "kết quả")

    def test_staff_find_their_scope_with_links_to_the_record_pages(self) -> None:
        records = self.records
        self.login(self.clerk_a)
        response = self.client.get(URL, {"q": "giao dat"})
        self.assertContains(response, f'href="/quan-tri/ho-so/{records.dossier.code}/"')
        for document in (records.public_doc, records.conditional_doc, records.secret_doc):
            self.assertContains(response, f'href="/quan-tri/tai-lieu/{document.pk}/"')
        self.assertNotContains(response, records.other_secret.identifier)
        self.assertContains(response, "<mark>")

    def test_snippets_are_escaped_so_record_text_cannot_inject_markup(self) -> None:
        document = make_document(
            self.agency_a, None, 7, identifier="H62.XSS.1",
            summary='<img src=x onerror="alert(1)"> công trình đê điều',
        )  # fmt: skip
        services.index_documents([document.pk])
        self.addCleanup(services.backend().delete, [f"document:{document.pk}"])
        self.login(self.clerk_a)
        response = self.client.get(URL, {"q": "đê điều"})
        self.assertNotContains(response, "<img src=x")
        self.assertContains(response, escape("<img src=x"))

    def test_facets_show_names_and_counts_and_filter(self) -> None:
        records = self.records
        self.login(self.clerk_a)
        response = self.client.get(URL, {"q": "giao đất"})
        self.assertContains(response, "Sở Tài chính")
        self.assertContains(response, "Quyết định")
        self.assertContains(response, "Mật")
        self.assertContains(response, 'name="access_regime" value="03"')
        response = self.client.get(URL, {"q": "giao đất", "access_regime": "03"})
        self.assertContains(response, f'href="/quan-tri/tai-lieu/{records.secret_doc.pk}/"')
        self.assertNotContains(response, f'href="/quan-tri/tai-lieu/{records.public_doc.pk}/"')
        self.assertContains(response, 'name="access_regime" value="03" checked')
        self.assertContains(response, "Bỏ mọi bộ lọc")

    def test_queries_do_not_grow_with_the_results(self) -> None:
        """Beyond the service's own: session, user, the permission check (3), and the agency
        and fonds names for the facets, what the rows are (documents, dossiers: 2), and the
        fonds the advanced search offers (1)."""
        self.login(self.clerk_a)
        self.client.get(URL, {"q": "giao đất"})  # code labels are cached after the first use
        with CaptureQueriesContext(connection) as service:
            services.search(self.clerk_a, "giao đất", sort="date")
        with self.assertNumQueries(len(service) + 10):
            self.client.get(URL, {"q": "giao đất", "sort": "date"})

    def test_advanced_search_by_day_issuer_type_and_fonds_stays_in_the_url(self) -> None:
        records = self.records
        self.login(self.clerk_b)
        params = {"q": "giao đất", "date_from": "1/3/2023", "date_to": "01/03/2023",
                  "issuer": "sở xây dựng", "doc_type": "07"}  # fmt: skip
        response = self.client.get(URL, params)
        self.assertContains(response, records.other_public.summary)
        self.assertNotContains(response, records.other_secret.summary)  # another type (02)
        self.assertContains(response, 'value="1/3/2023"')
        self.assertContains(response, 'value="sở xây dựng"')
        self.assertContains(response, '<option value="07" selected>Thông báo</option>', html=True)
        later = self.client.get(
            URL, {**params, "date_from": "02/03/2023", "date_to": "2023"}, headers=HTMX
        )
        self.assertNotContains(later, records.other_public.summary)
        self.assertContains(later, "0 kết quả")
        self.login(self.clerk_a)
        in_fonds = self.client.get(URL, {"q": "giao đất", "fonds": str(self.fonds_a.pk)})
        self.assertContains(in_fonds, records.public_doc.summary)
        self.assertContains(in_fonds, f'<option value="{self.fonds_a.pk}" selected>')

    def test_a_bad_day_is_explained_in_the_results_even_live(self) -> None:
        self.login(self.clerk_a)
        params = {"q": "giao đất", "date_from": "31/02/2024"}
        message = "Không có ngày 31/02/2024: tháng 2 năm 2024 có 29 ngày."
        page = self.client.get(URL, params)
        self.assertContains(page, message, count=2)  # by the field, and where results go
        self.assertNotContains(page, self.records.public_doc.summary)
        live = self.client.get(URL, params, headers=HTMX)
        self.assertContains(live, message, count=1)
        self.assertContains(live, 'role="alert"')
        self.assertNotContains(live, "<details")

    def test_an_estimated_count_says_so(self) -> None:
        self.login(self.clerk_a)
        estimated = SearchResults(12_000, [], {}, approximate=True)
        with mock.patch.object(services, "run", return_value=estimated):
            response = self.client.get(URL, {"q": "giao đất"})
        self.assertContains(response, "khoảng 12.000 kết quả")

    def test_rows_say_what_each_record_is(self) -> None:
        records = self.records
        self.login(self.clerk_a)
        response = self.client.get(URL, {"q": "giao đất"})
        document = records.public_doc
        self.assertContains(response, f"Số {document.number}/{document.notation}")
        self.assertContains(response, document.issued_date.strftime("%d/%m/%Y"))
        self.assertContains(response, "Thuộc hồ sơ")
        self.assertContains(response, "Sử dụng có điều kiện: cần phiếu yêu cầu khai thác")

    def test_a_chosen_facet_value_stays_listed_so_it_can_be_unticked(self) -> None:
        self.login(self.clerk_a)
        response = self.client.get(URL, {"q": "giao đất", "year": "1999"})
        self.assertContains(response, "Không có hồ sơ, tài liệu nào khớp")
        self.assertContains(response, 'name="year" value="1999" checked')

    def test_htmx_requests_get_only_the_results(self) -> None:
        self.login(self.clerk_a)
        response = self.client.get(URL, {"q": "giao đất"}, headers=HTMX)
        content = response.content.decode()
        self.assertTrue(content.lstrip().startswith('<div id="results"'), content[:200])
        self.assertNotIn("<html", content)
        self.assertNotIn('name="q"', content)
        self.assertIn("<mark>", content)

    def test_restoring_history_gets_the_whole_page(self) -> None:
        self.login(self.clerk_a)
        response = self.client.get(
            URL, {"q": "giao đất"}, headers={**HTMX, "HX-History-Restore-Request": "true"}
        )
        self.assertContains(response, "<html")

    def test_the_form_searches_live(self) -> None:
        self.login(self.clerk_a)
        response = self.client.get(URL, {"q": "giao đất"})
        self.assertContains(response, 'hx-trigger="input delay:300ms, submit"')
        self.assertContains(response, 'hx-push-url="true"')
        self.assertContains(response, 'value="giao đất"')

    def test_odd_input_never_breaks_the_page(self) -> None:
        self.login(self.clerk_a)
        for params in (
            {"q": '"'}, {"q": "NEAR("}, {"q": "\u0301"}, {"q": "'; DROP TABLE x; --"},
            {"q": "a" * 20_000}, {"q": "đất", "trang": "abc"}, {"q": "đất", "trang": "-3"},
            {"q": "đất", "trang": "99999"}, {"q": "đất", "sort": "x"},
            {"q": "đất", "agency": "abc"}, {"q": "đất", "year": "1" * 40},
        ):  # fmt: skip
            self.assertEqual(self.client.get(URL, params).status_code, 200, params)


class StaffSearchPagesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for n in range(1, 26):
            make_document(
                cls.agency_a, None, n, identifier=f"H62.KP.{n}",
                summary=f"Về việc phân bổ kinh phí sự nghiệp đợt {n}",
            )  # fmt: skip

    def setUp(self) -> None:
        super().setUp()
        services.reindex()

    def test_results_come_twenty_to_a_page_with_links_that_keep_the_query(self) -> None:
        self.login(self.clerk_a)
        first = self.client.get(URL, {"q": "kinh phí", "sort": "date"})
        self.assertContains(first, "25 kết quả")
        self.assertContains(first, "Trang 1/2")
        self.assertContains(first, 'href="?q=kinh+ph%C3%AD&amp;sort=date&amp;trang=2"')
        self.assertEqual(first.content.decode().count('<li>\n          <span class="kind">'), 20)
        second = self.client.get(URL, {"q": "kinh phí", "sort": "date", "trang": "2"})
        self.assertContains(second, "Trang 2/2")
        self.assertContains(second, '<ol class="hits" start="21">')
