"""GET /api/v1/dossiers/{code}, /documents/{code}, /agencies/{code}; tokens for agency systems;
CORS for agency websites; and no generated request (schemathesis) ever gets a 5xx."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from luutru.access import actions as access
from luutru.access.models import LogAction, Use, UseLog
from luutru.accounts.models import Role
from luutru.api import actions
from luutru.api.models import ApiToken
from luutru.api.tests.schema_checks import (
    api_operations,
    check_generated_requests,
    share_the_test_connection,
)
from luutru.audit.models import AuditEvent
from luutru.portal.tests.samples import Collection, make_collection
from luutru.records.tests.factory import make_document, make_dossier
from luutru.test import BaseTestCase, make_user


class RecordsApiTestCase(BaseTestCase):
    records: ClassVar[Collection]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.records = make_collection(cls.agency_a, cls.agency_b, cls.fonds_a)


class RecordsApiTests(RecordsApiTestCase):
    def test_a_dossier_comes_with_its_tt05_elements_and_public_documents(self) -> None:
        dossier = self.records.dossier
        body = self.client.get(f"/api/v1/dossiers/{dossier.code}").json()
        self.assertEqual(body["fileCode"], dossier.code)
        self.assertEqual(body["title"], dossier.title)
        self.assertEqual(body["maintenance"], "04")
        self.assertEqual(body["mode"], "01")
        self.assertEqual(body["language"], ["01", "02"])
        self.assertEqual(body["startDate"], "2023-01-03")
        self.assertEqual(body["agency"], self.agency_a.code)
        self.assertEqual(body["fonds"], self.fonds_a.code)
        self.assertEqual(body["url"], f"http://testserver/ho-so/{dossier.code}/")
        self.assertEqual(
            [d["code"] for d in body["documents"]],
            [self.records.land.archival_code, self.records.budget.archival_code],
        )

    def test_a_document_comes_with_its_tt05_elements_and_its_manifest(self) -> None:
        land = self.records.land
        body = self.client.get(f"/api/v1/documents/{land.archival_code}").json()
        self.assertEqual(body["docCode"], land.archival_code)
        self.assertEqual(body["subject"], land.summary)
        self.assertEqual(body["typeName"], "02")
        self.assertEqual(body["issuedDate"], "2023-03-01")
        self.assertEqual(body["fileCode"], self.records.dossier.code)
        self.assertEqual(body["manifest"], f"http://testserver/iiif/{land.archival_code}/manifest")
        budget = self.client.get(f"/api/v1/documents/{self.records.budget.archival_code}").json()
        self.assertIsNone(budget["manifest"])

    def test_restricted_records_are_404_like_unknown_codes(self) -> None:
        unknown = self.client.get("/api/v1/documents/000.00.03.H62.2023.99.0000001")
        self.assertEqual(unknown.status_code, 404)
        for url in (
            f"/api/v1/documents/{self.records.hidden_by_dossier.archival_code}",
            f"/api/v1/documents/{self.records.secret_in_public.archival_code}",
            f"/api/v1/dossiers/{self.records.restricted_dossier.code}",
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertEqual(response.json(), unknown.json(), url)

    def test_the_search_api_points_the_public_at_portal_pages(self) -> None:
        from luutru.search import services

        services.reindex()
        body = self.client.get("/api/v1/search", {"q": "giao dat"}).json()
        urls = {r["code"]: r["url"] for r in body["results"]}
        self.assertEqual(
            urls[self.records.land.archival_code], f"/tai-lieu/{self.records.land.archival_code}/"
        )
        self.assertEqual(urls[self.records.dossier.code], f"/ho-so/{self.records.dossier.code}/")
        for url in urls.values():
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_an_agency_is_found_by_its_code_for_the_widget(self) -> None:
        body = self.client.get(f"/api/v1/agencies/{self.agency_b.code}").json()
        self.assertEqual(body["id"], self.agency_b.pk)
        self.assertEqual(body["name"], "Sở Xây dựng")
        self.assertEqual(self.client.get("/api/v1/agencies/000.00.99.H62").status_code, 404)


class TokenTests(RecordsApiTestCase):
    def test_an_agency_system_with_a_token_sees_its_agencys_scope(self) -> None:
        system = make_user("he-thong-so-tai-chinh", Role.CLERK, self.agency_a)
        row, token = actions.issue_token(system, "Cổng thông tin Sở Tài chính", actor=self.admin)
        self.assertTrue(token.startswith("lts_"))
        self.assertNotIn(token, row.key_hash)
        self.assertTrue(AuditEvent.objects.filter(action="api.token_issued").exists())
        hidden = f"/api/v1/documents/{self.records.hidden_by_dossier.archival_code}"
        self.assertEqual(self.client.get(hidden).status_code, 404)
        response = self.client.get(hidden, HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(response.status_code, 200)
        self.assertIsNotNone(ApiToken.objects.get(pk=row.pk).last_used_at)
        actions.revoke_token(row, actor=self.admin)
        refused = self.client.get(hidden, HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(refused.status_code, 401)
        self.assertEqual(refused.json()["error"]["code"], "unauthorized")

    def test_a_wrong_token_is_refused_not_ignored(self) -> None:
        for header in ("Bearer lts_sai", "Token abc", "Bearer "):
            response = self.client.get("/api/v1/search", HTTP_AUTHORIZATION=header)
            self.assertEqual(response.status_code, 401, header)
            self.assertIn("Mã truy cập API", response.json()["error"]["message"])

    @override_settings(API_ANON_PER_MINUTE=2)
    def test_tokens_lift_the_anonymous_rate_limit(self) -> None:
        cache.clear()
        system = make_user("he-thong-b", Role.CLERK, self.agency_b)
        _, token = actions.issue_token(system, "Trang web Sở Xây dựng", actor=None)
        url = f"/api/v1/agencies/{self.agency_a.code}"
        statuses = [self.client.get(url).status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        for _ in range(3):
            self.assertEqual(
                self.client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code, 200
            )
        cache.clear()


class CorsTests(RecordsApiTestCase):
    def test_agency_websites_may_call_the_api_without_cookies(self) -> None:
        origin = "https://sotaichinh.sonnam.gov.vn"
        response = self.client.get("/api/v1/search", {"q": "x"}, HTTP_ORIGIN=origin)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertNotIn("Access-Control-Allow-Credentials", response)
        preflight = self.client.options(
            "/api/v1/search",
            HTTP_ORIGIN=origin,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
        )
        self.assertEqual(preflight.status_code, 200)
        self.assertIn("authorization", preflight["Access-Control-Allow-Headers"])
        oai = self.client.get("/oai", {"verb": "Identify"}, HTTP_ORIGIN=origin)
        self.assertEqual(oai["Access-Control-Allow-Origin"], "*")

    def test_staff_pages_are_not_opened_to_other_origins(self) -> None:
        response = self.client.get("/", HTTP_ORIGIN="https://evil.example")
        self.assertNotIn("Access-Control-Allow-Origin", response)

    @override_settings(CORS_ALLOWED_ORIGINS=["https://a.gov.vn"], CORS_ALLOW_ALL_ORIGINS=False)
    def test_origins_can_be_listed(self) -> None:
        allowed = self.client.get("/api/v1/", HTTP_ORIGIN="https://a.gov.vn")
        self.assertEqual(allowed["Access-Control-Allow-Origin"], "https://a.gov.vn")
        other = self.client.get("/api/v1/", HTTP_ORIGIN="https://b.gov.vn")
        self.assertNotIn("Access-Control-Allow-Origin", other)


class SchemathesisRecordsTests(RecordsApiTestCase):
    """Generated requests from the OpenAPI document against the record endpoints, in-process."""

    EXAMPLES = 25

    def setUp(self) -> None:
        super().setUp()
        share_the_test_connection(self)

    def test_no_generated_request_gets_a_server_error(self) -> None:
        wanted = {
            "GET /api/v1/dossiers/{code}",
            "GET /api/v1/documents/{code}",
            "GET /api/v1/agencies/{code}",
        }
        operations = api_operations(wanted)
        self.assertEqual({op.label for op in operations}, wanted)
        check_generated_requests(self, operations, examples=self.EXAMPLES)


class TokenCommandTests(BaseTestCase):
    def test_operators_issue_list_and_revoke_tokens_from_the_cli(self) -> None:
        import io

        from django.core.management import call_command
        from django.core.management.base import CommandError

        system = make_user("he-thong-c", Role.CLERK, self.agency_a)
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "api_token", "issue", system.username, "Cổng Sở Tài chính", stdout=out, stderr=err
        )
        token = out.getvalue().strip()
        self.assertTrue(token.startswith("lts_"))
        self.assertIn("chỉ giữ bản băm", err.getvalue())
        listed = io.StringIO()
        call_command("api_token", "list", stdout=listed)
        self.assertIn("Cổng Sở Tài chính\tđang dùng", listed.getvalue())
        call_command("api_token", "revoke", token[:10], stdout=io.StringIO())
        self.assertIsNotNone(ApiToken.objects.get().revoked_at)
        with self.assertRaisesMessage(CommandError, "Không có tài khoản"):
            call_command("api_token", "issue", "khong-co", "X", stdout=io.StringIO())


class SecretReadLogTests(BaseTestCase):
    """Every read of a Mật record through the API is in the use log, as a page view is."""

    def test_each_api_read_of_a_secret_record_is_logged_and_others_are_not(self) -> None:
        secret = make_dossier(self.agency_a, 7, access_regime="03", title="Hồ sơ mật")
        secret_doc = make_document(self.agency_a, secret, 1)
        plain_doc = make_document(self.agency_a, make_dossier(self.agency_a, 8), 1)
        access.grant_staff_access(
            self.archivist, secret, uses=[Use.READ],
            until=timezone.now() + datetime.timedelta(days=7),
            reason="Giải quyết khiếu nại số 12/KN", actor=self.admin,
        )  # fmt: skip
        _row, token = actions.issue_token(self.archivist, "Hệ thống nghiệp vụ", actor=self.admin)
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        for url in (
            f"/api/v1/documents/{secret_doc.archival_code}",
            f"/api/v1/documents/{secret_doc.archival_code}",
            f"/api/v1/dossiers/{secret.code}",
            f"/api/v1/documents/{plain_doc.archival_code}",
        ):
            self.assertEqual(self.client.get(url, **auth).status_code, 200, url)  # type: ignore[arg-type]

        views = UseLog.objects.filter(user=self.archivist, action=LogAction.VIEW)
        self.assertEqual(views.filter(document=secret_doc).count(), 2)
        self.assertEqual(views.filter(dossier=secret).count(), 1)
        self.assertFalse(views.filter(document=plain_doc).exists())

    def test_a_description_without_a_grant_logs_no_view(self) -> None:
        secret = make_dossier(self.agency_a, 7, access_regime="03", title="Hồ sơ mật")
        secret_doc = make_document(self.agency_a, secret, 1)
        _row, token = actions.issue_token(self.clerk_a, "Hệ thống văn thư", actor=self.admin)
        response = self.client.get(
            f"/api/v1/documents/{secret_doc.archival_code}", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        # Staff in scope may know it exists (its description), not read it: no view to log.
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.json()["catalogueOnly"])
        self.assertFalse(UseLog.objects.filter(action=LogAction.VIEW).exists())
