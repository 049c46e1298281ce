"""The public portal's pages: what a visitor finds, reads and downloads, and what stays hidden.

A restricted record (02/03, or inside a restricted dossier) is never listed, and its address
answers exactly like a code that does not exist: the same Vietnamese 404 page, which offers to
request access.
"""

from __future__ import annotations

import hashlib
import re
from typing import ClassVar

from django.db import connection
from django.test.utils import CaptureQueriesContext

from luutru.portal.publication import readers_url
from luutru.portal.tests.samples import Collection, make_collection
from luutru.records import actions
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.search import services
from luutru.test import BaseTestCase, pass_second_factor


class PortalTestCase(BaseTestCase):
    records: ClassVar[Collection]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.records = make_collection(cls.agency_a, cls.agency_b, cls.fonds_a)
        services.reindex()


class PortalPagesTests(PortalTestCase):
    def test_the_home_page_shows_featured_dossiers_and_the_latest_public_documents(self) -> None:
        response = self.client.get("/")
        self.assertContains(response, "Tra cứu tài liệu lưu trữ")
        self.assertContains(response, self.records.dossier.title)
        self.assertContains(response, self.records.land.summary)
        self.assertContains(response, self.records.other_agency.summary)
        self.assertContains(response, f'href="/tai-lieu/{self.records.land.archival_code}/"')
        for hidden in (
            self.records.secret_in_public,
            self.records.hidden_by_dossier,
        ):
            self.assertNotContains(response, hidden.summary)
        self.assertNotContains(response, self.records.restricted_dossier.title)

    def test_visitors_browse_from_agency_to_fonds_to_dossier_to_document(self) -> None:
        agencies = self.client.get("/co-quan/")
        self.assertContains(agencies, f'href="/co-quan/{self.agency_a.code}/"')
        agency = self.client.get(f"/co-quan/{self.agency_a.code}/")
        self.assertContains(agency, f'href="/phong/{self.fonds_a.code}/"')
        self.assertContains(agency, self.records.dossier.title)
        self.assertNotContains(agency, self.records.restricted_dossier.title)
        fonds = self.client.get(f"/phong/{self.fonds_a.code}/")
        self.assertContains(fonds, f'href="/ho-so/{self.records.dossier.code}/"')
        self.assertNotContains(fonds, self.records.restricted_dossier.code)
        dossier = self.client.get(f"/ho-so/{self.records.dossier.code}/")
        self.assertContains(dossier, self.records.land.summary)
        self.assertContains(dossier, self.records.budget.summary)
        self.assertNotContains(dossier, self.records.secret_in_public.summary)
        self.assertContains(dossier, "Thời hạn lưu trữ")  # TT 05 metadata under Vietnamese names

    def test_a_document_page_shows_its_metadata_and_links_to_read_and_download(self) -> None:
        code = self.records.land.archival_code
        response = self.client.get(f"/tai-lieu/{code}/")
        # Headed as people cite it, then what it is about.
        self.assertContains(
            response,
            '<h1 class="citation">Quyết định số 12/QĐ-UBND ngày 01/03/2023 của Sở Tài chính</h1>',
            html=False,
        )
        self.assertContains(response, "Quyết định giao đất cho Trường tiểu học Đông Hòa")
        self.assertContains(response, "Trích yếu nội dung")
        # Code values in words; empty fields left out.
        self.assertContains(response, "<dd>Công khai</dd>", html=True)
        self.assertNotContains(response, "01 — Công khai")
        self.assertNotContains(response, "<dd>—</dd>", html=True)
        self.assertContains(response, f'href="/tai-lieu/{code}/xem/"')
        self.assertContains(response, "Tải PDF (3 trang)")
        viewer = self.client.get(f"/tai-lieu/{code}/xem/")
        self.assertContains(viewer, f'data-manifest="/iiif/{code}/manifest"')
        self.assertContains(viewer, "Toàn màn hình")
        self.assertContains(viewer, f'href="/tai-lieu/{code}/tai-ve/"')
        download = self.client.get(f"/tai-lieu/{code}/tai-ve/")
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download["Content-Type"], "application/pdf")
        self.assertIn(f'filename="{code}.pdf"', download["Content-Disposition"])
        body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        self.assertEqual(
            hashlib.sha256(body).hexdigest(), self.records.land.files.get().stored.sha256
        )

    def test_an_unfiled_document_is_addressed_by_its_identifier(self) -> None:
        response = self.client.get(f"/tai-lieu/{self.records.other_agency.identifier}/")
        self.assertContains(response, self.records.other_agency.summary)
        self.assertContains(response, "chưa có bản số")

    def test_restricted_records_answer_like_codes_that_do_not_exist(self) -> None:
        fake = "000.00.03.H62.2023.99.0000001"

        def page(url: str, code: str) -> str:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 404, url)
            text = response.content.decode().replace(code, "CODE")
            return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

        unknown = self.client.get(f"/tai-lieu/{fake}/")
        self.assertContains(unknown, "Gửi yêu cầu khai thác", status_code=404)
        self.assertContains(unknown, "chưa được công bố", status_code=404)
        for url in (
            f"/tai-lieu/{self.records.secret_in_public.archival_code}/",
            f"/tai-lieu/{self.records.hidden_by_dossier.archival_code}/",
            f"/tai-lieu/{self.records.hidden_by_dossier.archival_code}/xem/",
            f"/ho-so/{self.records.restricted_dossier.code}/",
        ):
            code = url.split("/")[2]
            self.assertEqual(page(url, code), page(url.replace(code, fake), fake), url)
            self.assertContains(
                self.client.get(url),
                f'href="{readers_url("access:request-new", code)}"',
                status_code=404,
            )
        for url in (
            f"/tai-lieu/{self.records.hidden_by_dossier.archival_code}/tai-ve/",
            f"/iiif/{self.records.hidden_by_dossier.archival_code}/manifest",
            f"/iiif/{self.records.hidden_by_dossier.archival_code}/trang/1/200.jpg",
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_the_embed_page_gives_agencies_the_snippet_to_paste(self) -> None:
        response = self.client.get("/nhung/")
        self.assertContains(response, f'data-agency="{self.agency_a.code}"')
        self.assertContains(response, "http://testserver/static/js/widget.js")
        self.assertEqual(self.client.get("/static/js/widget.js").status_code, 200)

    def test_the_request_link_leads_to_the_readers_flow(self) -> None:
        self.assertEqual(readers_url("access:request-new", "A.1"), "/doc-gia/yeu-cau/moi/?ma=A.1")
        self.assertEqual(readers_url("access:reader-register"), "/doc-gia/dang-ky/")

    def test_staff_see_restricted_records_of_their_scope_on_the_portal_too(self) -> None:
        self.login(self.archivist)
        response = self.client.get(f"/tai-lieu/{self.records.hidden_by_dossier.archival_code}/")
        self.assertContains(response, self.records.hidden_by_dossier.summary)
        # Restricted pages are read through the readers' flow, not as the portal's originals.
        self.assertNotContains(response, "Đọc trực tuyến")
        self.assertContains(response, "Gửi yêu cầu khai thác")
        code = self.records.hidden_by_dossier.archival_code
        self.assertEqual(self.client.get(f"/tai-lieu/{code}/tai-ve/").status_code, 404)
        self.assertEqual(self.client.get(f"/tai-lieu/{code}/xem/").status_code, 404)
        self.login(self.clerk_b)
        response = self.client.get(f"/tai-lieu/{self.records.hidden_by_dossier.archival_code}/")
        self.assertEqual(response.status_code, 404)

    def test_the_home_page_counts_what_is_published_the_same_for_staff_and_visitors(
        self,
    ) -> None:
        published = "3 tài liệu, 1 hồ sơ đang được công bố."
        self.assertContains(self.client.get("/"), published)
        staff = self.client_class()
        staff.force_login(self.archivist)
        pass_second_factor(staff, self.archivist)
        # Not the restricted records the archivist may list: they are not published.
        self.assertContains(staff.get("/"), published)
        with CaptureQueriesContext(connection) as again:
            self.assertContains(staff.get("/"), published)
        counts = [q["sql"] for q in again.captured_queries if "__count" in q["sql"]]
        self.assertEqual(counts, [])  # counted once, not on each signed-in visit

        dossier = make_dossier(
            self.agency_a, 9, title="Hồ sơ chỉnh trang đô thị", fonds=self.fonds_a
        )
        make_document(self.agency_a, dossier, 1, summary="Quyết định chỉnh trang vỉa hè")
        make_document(self.agency_a, dossier, 2, summary="Kế hoạch chỉnh trang công viên")
        publish(dossier)
        now = "5 tài liệu, 2 hồ sơ đang được công bố."
        self.assertContains(staff.get("/"), now)
        self.assertContains(self.client.get("/"), now)
        withdrawn = actions.withdraw_records([self.records.land], self.head, "Rà soát lại")
        self.assertFalse(withdrawn.refused)
        self.assertContains(staff.get("/"), "4 tài liệu, 2 hồ sơ đang được công bố.")

    def test_list_pages_make_a_fixed_number_of_queries(self) -> None:
        for url in ("/", "/co-quan/", f"/ho-so/{self.records.dossier.code}/"):
            self.client.get(url)  # warm the code-list caches
            with self.assertNumQueries(self.queries_for(url)):
                self.client.get(url)

    def queries_for(self, url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as first:
            self.client.get(url)
        return len(first)


class PortalSearchTests(PortalTestCase):
    def test_search_without_diacritics_finds_public_records_only(self) -> None:
        response = self.client.get("/tra-cuu/", {"q": "giao dat"})
        self.assertContains(response, self.records.land.summary)
        self.assertContains(response, self.records.other_agency.summary)
        self.assertContains(response, f'href="/tai-lieu/{self.records.land.archival_code}/"')
        self.assertContains(response, f'href="/ho-so/{self.records.dossier.code}/"')
        for hidden in (self.records.secret_in_public, self.records.hidden_by_dossier):
            self.assertNotContains(response, hidden.summary)
        self.assertNotContains(response, "Chế độ sử dụng")  # no regime facet on the public side

    def test_an_older_links_year_range_is_kept_in_the_url_and_the_form(self) -> None:
        params = {"q": "giao dat", "year_from": "1990", "year_to": "1991"}
        response = self.client.get("/tra-cuu/", params)
        self.assertNotContains(response, self.records.land.summary)
        self.assertContains(response, 'id="date_from" name="date_from"')
        self.assertContains(response, 'value="1990"')

    def test_advanced_search_narrows_to_the_day_and_keeps_its_values(self) -> None:
        records = self.records
        params = {"date_from": "02/03/2023", "date_to": "2023-03-02"}
        response = self.client.get("/tra-cuu/", params)
        self.assertContains(response, records.budget.summary)
        self.assertNotContains(response, records.land.summary)
        self.assertContains(response, 'value="02/03/2023"')
        self.assertContains(response, 'value="2023-03-02"')
        self.assertContains(response, '<details class="advanced" open>')
        self.assertContains(response, "Bỏ mọi bộ lọc")

    def test_advanced_search_by_issuer_type_and_fonds(self) -> None:
        records = self.records
        self.assertNotContains(
            self.client.get("/tra-cuu/", {"q": "giao dat", "issuer": "Sở Xây dựng"}),
            records.land.summary,
        )
        by_issuer = self.client.get("/tra-cuu/", {"q": "giao dat", "issuer": "so tai chinh"})
        self.assertContains(by_issuer, records.land.summary)
        self.assertContains(by_issuer, 'value="so tai chinh"')
        in_fonds = self.client.get("/tra-cuu/", {"q": "giao dat", "fonds": str(self.fonds_a.pk)})
        self.assertContains(in_fonds, records.land.summary)
        self.assertNotContains(in_fonds, records.other_agency.summary)  # filed in no fonds
        self.assertContains(
            in_fonds,
            f'<option value="{self.fonds_a.pk}" selected>{self.fonds_a.name} '
            f"({self.fonds_a.code}) (3)</option>",
            html=True,
        )
        by_type = self.client.get("/tra-cuu/", {"doc_type": "02"})
        self.assertContains(by_type, '<option value="02" selected>Quyết định', count=1)
        self.assertContains(by_type, '<option value="">Tất cả</option>', html=True, count=2)
        self.assertNotContains(by_type, 'name="doc_type" value="02"')  # no checkbox as well

    def test_a_day_that_does_not_exist_is_explained_not_searched(self) -> None:
        response = self.client.get("/tra-cuu/", {"q": "giao dat", "date_from": "31/02/2024"})
        self.assertContains(
            response, "Không có ngày 31/02/2024: tháng 2 năm 2024 có 29 ngày.", count=2
        )
        self.assertContains(response, 'aria-invalid="true"')
        self.assertContains(response, 'value="31/02/2024"')
        self.assertNotContains(response, self.records.land.summary)
        backwards = self.client.get(
            "/tra-cuu/", {"date_from": "02/03/2023", "date_to": "01/03/2023"}
        )
        self.assertContains(backwards, "«Từ ngày» (02/03/2023) sau «Đến ngày» (01/03/2023)")
        self.assertEqual(self.client.get("/tra-cuu/", {"date_to": "x" * 500}).status_code, 200)

    def test_results_say_what_each_record_is(self) -> None:
        land = self.records.land
        response = self.client.get("/tra-cuu/", {"q": "giao dat"})
        self.assertContains(
            response, f"Số {land.number}/{land.notation}" if land.number else land.notation
        )
        self.assertContains(response, land.issued_date.strftime("%d/%m/%Y"))
        self.assertContains(response, land.issuer)

    def test_facets_filter_by_agency(self) -> None:
        response = self.client.get("/tra-cuu/", {"q": "giao dat", "agency": str(self.agency_b.pk)})
        self.assertContains(response, self.records.other_agency.summary)
        self.assertNotContains(response, self.records.land.summary)
        self.assertContains(response, "Bỏ mọi bộ lọc")

    def test_odd_input_gives_a_page_not_an_error(self) -> None:
        odd: list[dict[str, str]] = [
            {"q": "\x00" * 5},
            {"trang": "-3"},
            {"agency": "x"},
            {"q": "a" * 20000},
        ]
        for params in odd:
            self.assertEqual(self.client.get("/tra-cuu/", params).status_code, 200, params)
