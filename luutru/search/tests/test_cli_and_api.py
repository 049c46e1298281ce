"""`luutru search` and GET /api/v1/search: the exact shapes of docs/interfaces.md, who sees
what, and that no input, however odd, ends in a 5xx."""

from __future__ import annotations

import datetime
import io
import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from luutru.api.tests.schema_checks import (
    api_operations,
    check_generated_requests,
    share_the_test_connection,
)
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.search import services
from luutru.search.base import FACETS
from luutru.test import BaseTestCase

API = "/api/v1/search"
RESULT_KEYS = {
    "kind", "code", "title", "snippet", "url", "type", "notation", "date", "agency", "dossier",
    "access",
}  # fmt: skip


@dataclass
class SearchRecords:
    """Records about land allocation (giao đất) at every access regime, in two departments."""

    dossier: Dossier  # A, public
    restricted_dossier: Dossier  # A, "02"
    public_doc: Document  # A, public, in the public dossier
    conditional_doc: Document  # A, "02"
    secret_doc: Document  # A, "03"
    other_public: Document  # B, public, unfiled
    other_secret: Document  # B, "03", unfiled

    def public_codes(self) -> set[str]:
        return {self.dossier.code, self.public_doc.archival_code, self.other_public.identifier}

    def restricted_codes(self) -> set[str]:
        return {
            self.restricted_dossier.code,
            self.conditional_doc.archival_code,
            self.secret_doc.archival_code,
            self.other_secret.identifier,
        }

    def codes_of_a(self) -> set[str]:
        return {
            self.dossier.code,
            self.restricted_dossier.code,
            self.public_doc.archival_code,
            self.conditional_doc.archival_code,
            self.secret_doc.archival_code,
        }


def make_search_records(case: type[BaseTestCase]) -> SearchRecords:
    """Create the records; call from ``setUpTestData`` after the cast, and ``reindex()`` in
    ``setUp``: the index lives outside the database, and each test may get a fresh one."""
    a, b = case.agency_a, case.agency_b
    dossier = make_dossier(
        a, 1, title="Hồ sơ về giao đất, cho thuê đất năm 2023", fonds=case.fonds_a, retention="01"
    )
    restricted = make_dossier(a, 2, title="Hồ sơ thanh tra việc giao đất", access_regime="02")
    public_doc = make_document(
        a,
        dossier,
        1,
        summary="Về việc giao đất cho hộ gia đình tại xã Tân Phú",
        number="123",
        notation="QĐ-UBND",
    )
    conditional = make_document(
        a, dossier, 2, summary="Về việc giao đất xây dựng khu công nghiệp", access_regime="02"
    )
    secret = make_document(
        a, dossier, 3, summary="Về việc giao đất cho đơn vị quốc phòng", access_regime="03"
    )
    other_public = make_document(
        b,
        None,
        1,
        identifier="000.00.04.H62.2023.VB.0001",
        issuer="Sở Xây dựng",
        summary="Về việc giao đất làm đường giao thông liên xã",
        doc_type="07",
    )
    other_secret = make_document(
        b,
        None,
        2,
        identifier="000.00.04.H62.2023.VB.0002",
        issuer="Sở Xây dựng",
        summary="Về việc giao đất khu tái định cư",
        access_regime="03",
    )
    publish(dossier, other_public)
    return SearchRecords(
        dossier, restricted, public_doc, conditional, secret, other_public, other_secret
    )


class SearchTestCase(BaseTestCase):
    records: ClassVar[SearchRecords]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.records = make_search_records(cls)

    def setUp(self) -> None:
        super().setUp()
        services.reindex()

    def index(self, *documents: Document) -> None:
        """Publish and index documents made in one test; the index lives outside the test's
        transaction, so they leave it again when the test ends."""
        publish(*documents)
        services.index_documents([d.pk for d in documents])
        self.addCleanup(services.backend().delete, [f"document:{d.pk}" for d in documents])

    def api(self, expected_status: int = 200, **params: Any) -> dict[str, Any]:
        response = self.client.get(API, params)
        self.assertEqual(response.status_code, expected_status, response.content[:500])
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        body: dict[str, Any] = response.json()
        return body

    def codes(self, body: dict[str, Any]) -> set[str]:
        return {result["code"] for result in body["results"]}


class CommandTests(SearchTestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("search", *args, stdout=out)
        return out.getvalue()

    def test_json_output_has_exactly_the_documented_shape(self) -> None:
        body = json.loads(self.run_command("giao đất", "--json"))
        self.assertEqual(set(body), {"count", "results"})
        self.assertEqual(body["count"], len(body["results"]))
        keys = {"kind", "code", "title", "snippet", "type", "notation", "date", "agency"}
        for result in body["results"]:
            self.assertEqual(set(result), keys)
            self.assertIn(result["kind"], {"document", "dossier"})
            self.assertTrue(all(isinstance(result[k], str) for k in keys - {"date"}))
            datetime.date.fromisoformat(result["date"])
        document = self.records.public_doc
        (row,) = [r for r in body["results"] if r["code"] == document.archival_code]
        self.assertEqual(row["type"], "Quyết định")
        self.assertEqual(row["notation"], f"{document.number}/{document.notation}")
        self.assertEqual(row["date"], document.issued_date.isoformat())
        self.assertEqual(row["agency"], document.issuer)
        (dossier,) = [r for r in body["results"] if r["code"] == self.records.dossier.code]
        self.assertEqual((dossier["type"], dossier["notation"]), ("Hồ sơ", ""))

    def test_it_sees_everything_as_the_superuser_does(self) -> None:
        body = json.loads(self.run_command("giao dat", "--json"))
        expected = self.records.public_codes() | self.records.restricted_codes()
        self.assertEqual(self.codes(body), expected)
        self.assertEqual(body["count"], len(expected))

    def test_the_best_match_comes_first(self) -> None:
        body = json.loads(self.run_command("quốc phòng", "--json"))
        self.assertEqual(body["results"][0]["code"], self.records.secret_doc.archival_code)

    def test_without_json_it_prints_a_vietnamese_list(self) -> None:
        out = self.run_command("quốc phòng")
        self.assertIn("kết quả cho «quốc phòng»", out)
        self.assertIn(f"[Tài liệu] {self.records.secret_doc.archival_code}", out)
        # A Mật record: code and title, never a snippet of its text (access.policy).
        self.assertNotIn("[quốc phòng]", out.lower())
        self.assertNotIn("<mark>", out)

    def test_no_match_is_said_plainly(self) -> None:
        self.assertIn("Không tìm thấy", self.run_command("xyzzy"))
        self.assertEqual(
            json.loads(self.run_command("xyzzy", "--json")), {"count": 0, "results": []}
        )

    def test_odd_queries_still_print_json(self) -> None:
        for query in ['"', "*", "NEAR(", "'; DROP TABLE records_document; --", "\u0301", ""]:
            body = json.loads(self.run_command(query, "--json"))
            self.assertEqual(set(body), {"count", "results"}, query)

    def test_a_page_past_the_end_says_so(self) -> None:
        self.assertIn("trang 9 không còn kết quả nào", self.run_command("giao đất", "--page", "9"))

    def test_a_bad_page_is_refused_in_vietnamese(self) -> None:
        with self.assertRaisesMessage(CommandError, "Số trang phải từ 1 đến 1000."):
            self.run_command("đất", "--page", "0")


class ApiShapeTests(SearchTestCase):
    def test_results_have_exactly_the_documented_keys_plus_facets(self) -> None:
        body = self.api(q="giao đất")
        self.assertEqual(set(body), {"count", "approximate", "results", "facets"})
        self.assertIs(body["approximate"], False)  # a handful of matches: counted exactly
        self.assertGreater(body["count"], 0)
        for result in body["results"]:
            self.assertEqual(set(result), RESULT_KEYS)
            self.assertIn(result["kind"], {"document", "dossier"})
        self.assertEqual(set(body["facets"]), set(FACETS))
        for values in body["facets"].values():
            for value in values:
                self.assertEqual(set(value), {"value", "label", "count"})
                self.assertIsInstance(value["count"], int)

    def test_urls_lead_to_the_record_pages(self) -> None:
        records = self.records
        self.login(self.clerk_a)
        urls = {r["code"]: r["url"] for r in self.api(q="giao đất")["results"]}
        self.assertEqual(urls[records.dossier.code], f"/quan-tri/ho-so/{records.dossier.code}/")
        self.assertEqual(
            urls[records.public_doc.archival_code], f"/quan-tri/tai-lieu/{records.public_doc.pk}/"
        )
        for code, url in urls.items():
            # A Mật record opens only under a staff grant (access.policy, need-to-know).
            status = 404 if code == records.secret_doc.archival_code else 200
            self.assertEqual(self.client.get(url).status_code, status, url)

    def test_snippets_are_escaped_html_with_marks(self) -> None:
        self.index(
            make_document(
                self.agency_a,
                None,
                7,
                identifier="H62.XSS.1",
                summary='<script>alert("x")</script> hồ sơ đê điều',
            )
        )
        [result] = self.api(q="đê điều")["results"]
        self.assertNotIn("<script>", result["snippet"])
        self.assertIn("<mark>", result["snippet"])

    def test_queries_do_not_grow_with_the_results(self) -> None:
        """Beyond the service's own queries (scope, and the engine's if it is the database):
        the session and user when signed in, the agency and fonds names for the facets, and
        the API door's use count for the day (one UPDATE, reports.middleware), and what the
        rows are (services.describe: documents, dossiers, and for the public which dossiers
        it may see)."""
        self.api(q="giao đất")  # code labels are cached per process after the first use
        for user, extra in ((None, 6), (self.clerk_a, 7)):
            with CaptureQueriesContext(connection) as service:
                services.search(user or AnonymousUser(), "giao đất")
            self.login(user)
            with self.assertNumQueries(len(service) + extra):
                self.api(q="giao đất")

    def test_facets_carry_names_people_read(self) -> None:
        facets = self.api(q="giao đất")["facets"]
        agencies = {f["value"]: f["label"] for f in facets["agency"]}
        self.assertEqual(agencies[str(self.agency_a.pk)], "Sở Tài chính")
        self.assertEqual(agencies[str(self.agency_b.pk)], "Sở Xây dựng")
        fonds = {f["value"]: f["label"] for f in facets["fonds"]}
        self.assertEqual(fonds[str(self.fonds_a.pk)], "Phông Sở Tài chính (H62.003)")
        doc_types = {f["value"]: f["label"] for f in facets["doc_type"]}
        self.assertEqual(doc_types["02"], "Quyết định")
        regimes = {f["value"]: f["label"] for f in facets["access_regime"]}
        self.assertEqual(regimes, {"01": "Công khai"})

    def test_facet_filters_narrow_the_results(self) -> None:
        body = self.api(q="giao đất", agency=[str(self.agency_b.pk)])
        self.assertEqual(self.codes(body), {self.records.other_public.identifier})
        both = self.api(q="giao đất", agency=[str(self.agency_a.pk), str(self.agency_b.pk)])
        self.assertEqual(both["count"], len(self.records.public_codes()))
        self.assertEqual(self.api(q="giao đất", year=["1999"])["count"], 0)

    def test_pages_hold_twenty_results(self) -> None:
        self.index(
            *(
                make_document(
                    self.agency_a,
                    None,
                    n,
                    identifier=f"H62.KP.{n}",
                    summary=f"Về việc phân bổ kinh phí sự nghiệp đợt {n}",
                )
                for n in range(1, 26)
            )
        )
        first, second = self.api(q="kinh phí"), self.api(q="kinh phí", page=2)
        self.assertEqual((first["count"], len(first["results"])), (25, 20))
        self.assertEqual((second["count"], len(second["results"])), (25, 5))
        self.assertFalse(self.codes(first) & self.codes(second))
        self.assertEqual(self.api(q="kinh phí", page=3)["results"], [])
        by_date = self.api(q="kinh phí", sort="date")
        self.assertEqual(by_date["count"], 25)


class ApiAccessTests(SearchTestCase):
    QUERIES = ("giao đất", "giao dat", "quốc phòng", "đất", "Về việc", "", "*", "QĐ-UBND")

    def test_anonymous_callers_never_see_restricted_records(self) -> None:
        restricted = self.records.restricted_codes()
        for q in (*self.QUERIES, *restricted):
            body = self.api(q=q)
            self.assertFalse(self.codes(body) & restricted, q)
            self.assertLessEqual(body["count"], len(self.records.public_codes()), q)
            regimes = {f["value"] for f in body["facets"]["access_regime"]}
            self.assertLessEqual(regimes, {"01"}, q)
        for regime in ("02", "03"):
            body = self.api(q="giao đất", access_regime=[regime])
            self.assertEqual((body["count"], body["results"]), (0, []))

    def test_anonymous_callers_find_the_public_records_with_or_without_diacritics(self) -> None:
        public = self.records.public_codes()
        for q in ("giao đất", "giao dat", "GIAO ĐẤT"):
            body = self.api(q=q)
            self.assertEqual(self.codes(body), public, q)
            self.assertEqual(body["count"], len(public), q)

    def test_readers_see_what_anonymous_callers_see(self) -> None:
        anonymous = self.api(q="giao đất")
        self.login(self.reader)
        self.assertEqual(self.api(q="giao đất"), anonymous)

    def test_staff_see_their_scope_including_restricted_records(self) -> None:
        self.login(self.clerk_a)
        codes = self.codes(self.api(q="giao đất"))
        self.assertLessEqual(self.records.codes_of_a(), codes)
        self.assertNotIn(self.records.other_secret.identifier, codes)
        self.login(self.clerk_b)
        codes = self.codes(self.api(q="giao đất"))
        self.assertIn(self.records.other_secret.identifier, codes)
        self.assertFalse(codes & (self.records.restricted_codes() & self.records.codes_of_a()))

    def test_a_year_range_narrows_the_results(self) -> None:
        everything = self.api(q="giao đất")["count"]
        years = {r["date"][:4] for r in self.api(q="giao đất")["results"]}
        year = min(years)
        within = self.api(q="giao đất", year_from=year, year_to=year)
        self.assertGreater(within["count"], 0)
        self.assertTrue(all(r["date"].startswith(year) for r in within["results"]))
        self.assertEqual(self.api(q="giao đất", year_from=1990, year_to=1991)["count"], 0)
        self.assertGreaterEqual(everything, within["count"])
        self.api(422, q="giao đất", year_from=0)

    def test_a_range_of_days_narrows_the_results_to_the_day(self) -> None:
        records = self.records
        documents = {records.public_doc.archival_code, records.other_public.identifier}
        for start, end in (("01/03/2023", "01/03/2023"), ("2023-03-01", "2023-03-01")):
            body = self.api(q="giao đất", date_from=start, date_to=end)
            self.assertEqual(self.codes(body) & documents, documents, (start, end))
            self.assertTrue(all(r["date"] == "2023-03-01" for r in body["results"]))
        self.assertFalse(self.codes(self.api(q="giao đất", date_from="2/3/2023")) & documents)
        self.assertFalse(self.codes(self.api(q="giao đất", date_to="28/02/2023")) & documents)
        self.assertEqual(
            self.codes(self.api(q="giao đất", date_from="3/2023")) & documents, documents
        )

    def test_a_day_that_does_not_exist_is_refused_in_vietnamese(self) -> None:
        body = self.api(422, q="giao đất", date_from="31/02/2024")
        self.assertEqual(body["error"]["code"], "bad_request")
        self.assertIn("date_from", body["error"]["message"])
        self.assertIn(
            "Không có ngày 31/02/2024: tháng 2 năm 2024 có 29 ngày", body["error"]["message"]
        )
        backwards = self.api(422, date_from="02/03/2023", date_to="01/03/2023")
        self.assertIn(
            "«Từ ngày» (02/03/2023) sau «Đến ngày» (01/03/2023)", backwards["error"]["message"]
        )
        for odd in ("hôm qua", "13/13/2023", "0000-01-01", "1/1/99999"):
            self.api(422, date_to=odd)

    def test_the_issuer_filter_matches_its_words_with_or_without_diacritics(self) -> None:
        records = self.records
        for issuer in ("Sở Xây dựng", "xay dung", "XÂY DỰNG sở"):
            body = self.api(q="giao đất", issuer=issuer)
            self.assertEqual(self.codes(body), {records.other_public.identifier}, issuer)
            self.assertEqual(body["count"], 1)
        tai_chinh = self.codes(self.api(issuer="tài chính"))
        self.assertIn(records.public_doc.archival_code, tai_chinh)
        self.assertNotIn(records.other_public.identifier, tai_chinh)
        self.assertEqual(self.api(q="giao đất", issuer="Sở Y tế")["count"], 0)
        self.api(422, issuer="x" * 201)

    def test_the_filters_combine_with_type_and_fonds(self) -> None:
        records = self.records
        body = self.api(date_from="01/01/2023", issuer="sở", doc_type="07")
        self.assertEqual(self.codes(body), {records.other_public.identifier})
        in_fonds = self.codes(self.api(q="giao đất", fonds=self.fonds_a.pk, date_to="31/12/2023"))
        self.assertIn(records.public_doc.archival_code, in_fonds)
        self.assertNotIn(records.other_public.identifier, in_fonds)

    def test_rows_say_what_each_record_is_and_how_it_may_be_used(self) -> None:
        records = self.records
        anonymous = {r["code"]: r for r in self.api(q="giao đất")["results"]}
        row = anonymous[records.public_doc.archival_code]
        self.assertEqual((row["type"], row["agency"]), ("Quyết định", records.public_doc.issuer))
        self.assertEqual(
            row["dossier"], {"code": records.dossier.code, "title": records.dossier.title}
        )
        self.assertEqual(row["access"], "")
        self.login(self.clerk_a)
        staff = {r["code"]: r for r in self.api(q="giao đất")["results"]}
        self.assertIn("có điều kiện", staff[records.conditional_doc.archival_code]["access"])
        self.assertIn("Mật", staff[records.secret_doc.archival_code]["access"])


class ApiBadInputTests(SearchTestCase):
    def assert_bad_request(self, params: dict[str, Any], mentions: str) -> None:
        response = self.client.get(API, params)
        self.assertEqual(response.status_code, 422, params)
        body = response.json()
        self.assertEqual(set(body), {"error"})
        self.assertEqual(set(body["error"]), {"code", "message"})
        self.assertEqual(body["error"]["code"], "bad_request")
        self.assertIn("Tham số không hợp lệ", body["error"]["message"])
        self.assertIn(mentions, body["error"]["message"])

    def test_odd_queries_get_an_answer_not_an_error(self) -> None:
        nfd = "giao \u0111a\u0302\u0301t"  # "giao đất" with decomposed marks
        odd = [
            "", " ", '"', '"giao', "*", "giao*", "-", "-giao", "NEAR(", "NEAR(giao, 2)", "(", ")",
            ":", "title:giao", "AND", "giao OR", "NOT", "'; DROP TABLE records_document; --",
            "\u0301", "\u0301\u0301\u0301", "giao\u0301", nfd, "\x00", "a\x00b", "%", "_", "\\",
            "😀", "123/QĐ-UBND", "123/QD-UBND", "000.00.03.H62", "a" * 10_000, "đất " * 2_500,
        ]  # fmt: skip
        for q in odd:
            body = self.api(q=q)
            self.assertEqual(set(body), {"count", "approximate", "results", "facets"}, repr(q[:20]))
        self.assertEqual(self.codes(self.api(q=nfd)), self.records.public_codes())

    def test_a_query_over_ten_thousand_characters_is_refused(self) -> None:
        self.assert_bad_request({"q": "a" * 10_001}, "q dài tối đa 10000 ký tự")
        self.assert_bad_request({"q": "đ" * 10 * 1024}, "q dài tối đa 10000 ký tự")

    def test_bad_pages_are_refused(self) -> None:
        self.assert_bad_request({"q": "đất", "page": "0"}, "page phải lớn hơn hoặc bằng 1")
        self.assert_bad_request({"q": "đất", "page": "-1"}, "page")
        self.assertEqual(self.api(q="đất", page="1000")["results"], [])
        self.assert_bad_request({"q": "đất", "page": "1001"}, "page phải nhỏ hơn hoặc bằng 1000")
        for page in ("abc", "1.5", "", "1e3", "\u0661"):
            self.assert_bad_request({"q": "đất", "page": page}, "page")

    def test_bad_sorts_and_facet_values_are_refused(self) -> None:
        self.assert_bad_request({"q": "đất", "sort": "bm25"}, "sort phải là một trong")
        self.assert_bad_request({"q": "đất", "agency": "Sở Tài chính"}, "agency")
        self.assert_bad_request({"q": "đất", "agency": str(2**63)}, "agency")
        self.assert_bad_request({"q": "đất", "year": "99999"}, "year")
        self.assert_bad_request({"q": "đất", "doc_type": "'; --"}, "doc_type")
        self.assert_bad_request({"q": "đất", "retention": ["01"] * 51}, "retention")

    def test_an_unknown_api_path_is_a_json_404(self) -> None:
        for path in ("/api/v1/khong-co", "/api/v1/search/", "/api/v1/dossiers/x/y"):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 404, path)
            self.assertEqual(response.json()["error"]["code"], "not_found", path)

    def test_other_methods_are_not_allowed(self) -> None:
        self.assertEqual(self.client.post(API, {"q": "đất"}).status_code, 405)

    def test_a_bug_is_a_json_500_and_logged(self) -> None:
        with (
            mock.patch.object(services, "query_for", side_effect=RuntimeError("hỏng")),
            self.assertLogs("luutru.api.api", "ERROR"),
        ):
            response = self.client.get(API, {"q": "đất"})
        self.assertEqual(response.status_code, 500)
        self.assertEqual(response.json()["error"]["code"], "server_error")
        self.assertNotIn("hỏng", response.content.decode())

    def test_too_many_anonymous_requests_are_told_to_wait(self) -> None:
        cache.clear()
        self.addCleanup(cache.clear)
        with override_settings(API_ANON_PER_MINUTE=2):
            for _ in range(2):
                self.api(q="đất")
            response = self.client.get(API, {"q": "đất"})
            self.assertEqual(response.status_code, 429)
            self.assertEqual(response.json()["error"]["code"], "too_many_requests")
            self.assertIn("Vui lòng thử lại sau", response.json()["error"]["message"])
            self.assertGreaterEqual(int(response["Retry-After"]), 1)
            self.login(self.clerk_a)  # signed-in staff are not limited
            self.api(q="đất")


class OpenApiTests(BaseTestCase):
    def test_the_openapi_document_describes_search(self) -> None:
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        doc = response.json()
        self.assertTrue(doc["openapi"].startswith("3."))
        self.assertEqual(doc["info"]["title"], "Lưu trữ số API")
        operation = doc["paths"]["/api/v1/search"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        self.assertEqual(
            names,
            {
                "q",
                "page",
                "sort",
                "date_from",
                "date_to",
                "issuer",
                "year_from",
                "year_to",
                *FACETS,
            },
        )
        self.assertEqual(set(operation["responses"]), {"200", "422", "429"})
        schemas = doc["components"]["schemas"]
        self.assertEqual(
            set(schemas["SearchOut"]["properties"]), {"count", "approximate", "results", "facets"}
        )
        self.assertEqual(set(schemas["SearchResultOut"]["properties"]), RESULT_KEYS)
        self.assertEqual(set(schemas["ErrorOut"]["properties"]), {"error"})

    def test_the_api_root_says_where_the_docs_are(self) -> None:
        self.assertEqual(
            self.client.get("/api/v1/").json(),
            {
                "title": "Lưu trữ số API",
                "version": "1",
                "openapi": "/api/v1/openapi.json",
                "docs": "/api/v1/docs",
            },
        )

    def test_the_docs_page_loads_nothing_from_the_internet(self) -> None:
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("/api/v1/openapi.json", page)
        assets = re.findall(r'(?:src|href)="([^"]+)"', page)
        self.assertTrue(assets)
        for asset in assets:
            self.assertTrue(asset.startswith("/static/"), asset)
            self.assertEqual(self.client.get(asset).status_code, 200, asset)


class SchemathesisTests(SearchTestCase):
    """Property-based requests made from the OpenAPI document itself, in-process (no network)."""

    EXAMPLES = 30  # per operation and mode: enough to hit the edges, few enough for every run

    def setUp(self) -> None:
        super().setUp()
        share_the_test_connection(self)

    def test_no_generated_request_gets_a_server_error(self) -> None:
        # The record endpoints (luutru.api.records) have their own run in luutru/api/tests.
        operations = api_operations({"GET /api/v1/search"})
        self.assertEqual(len(operations), 1)
        session = {"sessionid": self.staff_session()}
        check_generated_requests(
            self, operations, examples=self.EXAMPLES, cookie_sets=({}, session)
        )

    def staff_session(self) -> str:
        self.client.force_login(self.clerk_a)
        return self.client.cookies["sessionid"].value
