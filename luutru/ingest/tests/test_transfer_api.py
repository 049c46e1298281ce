"""Online transfer from agencies' systems: POST /api/v1/transfers with a clerk's token, then
GET /api/v1/transfers/{id} until the worker is done; each token sees its own agency's only."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, get_args

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings

from luutru.accounts.models import Role, User
from luutru.api.actions import issue_token
from luutru.api.tests.schema_checks import (
    api_operations,
    check_generated_requests,
    share_the_test_connection,
)
from luutru.ingest.actions import accept_transfer
from luutru.ingest.api import StateName
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.factory import package_for, pdf_bytes
from luutru.ingest.tests.receiving import ReceivingTestCase
from luutru.ingest.tests.test_edxml_reader import b64_lines, edoc_message
from luutru.ingest.tests.test_views import IsolatedFiles, zip_bytes
from luutru.records.models import Dossier
from luutru.test import WorkerTestCase, make_agency, make_user

URL = "/api/v1/transfers"


def zipped(folder: Path, name: str = "goi.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, zip_bytes(folder), content_type="application/zip")


class OnlineTransferTests(WorkerTestCase, IsolatedFiles):
    """The upload, the real queue, one pass of the worker, and the status as two agencies'
    systems see it."""

    def setUp(self) -> None:
        self.tmp = self.isolate(self)
        province = make_agency("000.00.00.H62", "Ủy ban nhân dân tỉnh")
        self.finance = make_agency("000.00.03.H62", "Sở Tài chính", province)
        self.building = make_agency("000.00.04.H62", "Sở Xây dựng", province)
        self.clerk_a: User = make_user("vanthu_a", Role.CLERK, self.finance)
        self.clerk_b: User = make_user("vanthu_b", Role.CLERK, self.building)
        self.token_a = self.token(self.clerk_a)
        self.token_b = self.token(self.clerk_b)

    def token(self, user: User) -> dict[str, str]:
        _row, token = issue_token(user, f"Hệ thống quản lý văn bản {user.username}", actor=None)
        return {"Authorization": f"Bearer {token}"}

    def status(self, transfer_id: str, token: dict[str, str]) -> Any:
        return self.client.get(f"{URL}/{transfer_id}", headers=token)

    def test_a_package_is_queued_at_once_then_checked_by_the_worker(self) -> None:
        package = package_for(self.tmp / "goi", self.finance.code)
        response = self.client.post(URL, {"package": zipped(package)}, headers=self.token_a)
        self.assertEqual(response.status_code, 202, response.content)
        body = response.json()
        self.assertEqual(set(body), {"id", "state", "url"})
        self.assertEqual(body["state"], "queued")
        self.assertEqual(body["url"], f"http://testserver{URL}/{body['id']}")
        transfer = Transfer.objects.get(pk=body["id"])
        self.assertEqual((transfer.agency, transfer.submitted_by), (self.finance, self.clerk_a))
        waiting = self.status(body["id"], self.token_a).json()
        self.assertEqual((waiting["state"], waiting["report"]["state"]), ("queued", "queued"))

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

        done = self.status(body["id"], self.token_a).json()
        self.assertEqual(set(done), {"id", "state", "progress", "report"})
        self.assertEqual((done["state"], done["progress"]), ("received", 100))
        report = done["report"]
        self.assertEqual(
            set(report),
            {"accepted", "state", "transfer", "dossiers", "documents", "files", "errors",
             "warnings"},
        )  # fmt: skip
        self.assertEqual((report["accepted"], report["transfer"]), (True, body["id"]))
        self.assertEqual((report["dossiers"], report["documents"], report["files"]), (1, 2, 2))

        accept_transfer(transfer, None)
        self.assertEqual(self.status(body["id"], self.token_a).json()["state"], "accepted")

    def test_another_agencys_token_sees_nothing_of_it(self) -> None:
        package = package_for(self.tmp / "goi", self.finance.code)
        created = self.client.post(URL, {"package": zipped(package)}, headers=self.token_a).json()
        response = self.status(created["id"], self.token_b)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"]["code"], "not_found")
        unknown = self.status("00000000-0000-4000-8000-000000000000", self.token_b)
        self.assertEqual(unknown.json(), response.json())  # no hint that it exists

    def test_a_clerk_may_name_an_agency_only_within_their_scope(self) -> None:
        package = package_for(self.tmp / "goi", self.finance.code)
        response = self.client.post(
            URL, {"package": zipped(package), "agency": self.finance.code}, headers=self.token_b
        )
        self.assertEqual(response.status_code, 403)
        self.assertIn(
            "không được nộp lưu cho cơ quan mã 000.00.03.H62", response.json()["error"]["message"]
        )
        self.assertFalse(Transfer.objects.exists())
        self.assertFalse(any((self.tmp / "incoming").glob("*.zip")))

    def test_a_rejected_package_reports_its_errors_like_the_cli(self) -> None:
        package = package_for(self.tmp / "goi", self.building.code)  # not the sender's codes
        created = self.client.post(URL, {"package": zipped(package)}, headers=self.token_a).json()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        done = self.status(created["id"], self.token_a).json()
        self.assertEqual(done["state"], "rejected")
        (error,) = done["report"]["errors"]
        self.assertEqual(
            {k: error[k] for k in ("file", "row", "field", "code")},
            {"file": "ho_so.csv", "row": 2, "field": "Mã hồ sơ", "code": "foreign_code"},
        )
        self.assertFalse(Dossier.objects.exists())

    def test_a_single_edxml_message_is_a_package_too(self) -> None:
        agency = make_agency("000.00.10.H30", "Sở Kế hoạch và Đầu tư tỉnh Hậu Giang")
        clerk = make_user("vanthu_khdt", Role.CLERK, agency)
        message = edoc_message(content=b64_lines(pdf_bytes(3))).encode("utf-8")
        upload = SimpleUploadedFile("12-BC-SKHDT.edxml", message, content_type="application/xml")
        created = self.client.post(URL, {"package": upload}, headers=self.token(clerk))
        self.assertEqual(created.status_code, 202, created.content)
        saved = Path(Transfer.objects.get().package_path)
        with zipfile.ZipFile(saved) as archive:
            self.assertEqual(archive.namelist(), ["12-BC-SKHDT.edxml"])
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        done = self.status(created.json()["id"], self.token(clerk)).json()
        self.assertEqual(done["state"], "received", done["report"]["errors"])
        self.assertEqual((done["report"]["documents"], done["report"]["files"]), (1, 1))


class RefusalTests(ReceivingTestCase):
    def setUp(self) -> None:
        super().setUp()
        _row, token = issue_token(self.clerk_a, "Hệ thống Sở Tài chính", actor=None)
        self.token_a = {"Authorization": f"Bearer {token}"}

    def post(self, upload: SimpleUploadedFile, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(URL, {"package": upload}, headers=headers)

    def test_without_a_token_nothing_is_received(self) -> None:
        response = self.post(zipped(self.package()))
        self.assertEqual(response.status_code, 401)
        self.assertIn("Authorization: Bearer", response.json()["error"]["message"])
        transfer = self.received()
        self.assertEqual(self.client.get(f"{URL}/{transfer.pk}").status_code, 401)

    def test_a_file_that_is_neither_zip_nor_edxml_is_refused_in_vietnamese(self) -> None:
        for name, data in (("ho_so.xlsx", b"PK\x03\x04hong"), ("goi.zip", b"%PDF-1.7")):
            upload = SimpleUploadedFile(name, data)
            response = self.post(upload, headers=self.token_a)
            self.assertEqual(response.status_code, 422, name)
            self.assertEqual(response.json()["error"]["code"], "bad_package")
            self.assertIn(
                f"Tệp “{name}” không phải tệp nén .zip", response.json()["error"]["message"]
            )
        self.assertFalse(Transfer.objects.exists())

    @override_settings(INGEST_MAX_BYTES=10)
    def test_an_oversize_package_is_refused(self) -> None:
        response = self.post(zipped(self.package()), headers=self.token_a)
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"]["code"], "too_large")

    def test_a_missing_package_field_is_a_422_in_the_error_shape(self) -> None:
        response = self.client.post(URL, {"agency": self.agency_a.code}, headers=self.token_a)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["error"]["code"], "bad_request")

    def test_roles_without_the_permission_cannot_transfer(self) -> None:
        _row, token = issue_token(self.council, "Hội đồng", actor=None)
        response = self.post(zipped(self.package()), {"Authorization": f"Bearer {token}"})
        self.assertEqual(response.status_code, 403)

    def test_an_account_of_several_agencies_must_name_one(self) -> None:
        from luutru.organizations import actions

        actions.assign_role(self.clerk_a, agency=self.agency_b, role=Role.CLERK, actor=None)
        response = self.post(zipped(self.package()), headers=self.token_a)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["error"]["code"], "agency_required")
        named = self.client.post(
            URL,
            {"package": zipped(self.package()), "agency": "000.00.03.h62"},
            headers=self.token_a,
        )
        self.assertEqual(named.status_code, 202, named.content)

    def test_a_signed_in_browser_needs_the_csrf_token(self) -> None:
        from django.test import Client

        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.clerk_a)
        response = browser.post(URL, {"package": zipped(self.package())})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Transfer.objects.exists())

    def test_the_schema_names_every_state_and_the_endpoints(self) -> None:
        self.assertEqual(set(get_args(StateName)), set(TransferState.values))
        schema = self.client.get("/api/v1/openapi.json").json()
        self.assertIn("post", schema["paths"][URL])
        self.assertIn("get", schema["paths"][f"{URL}/{{id}}"])
        for name in ("TransferCreatedOut", "TransferOut", "ReportOut", "ProblemOut"):
            self.assertIn(name, schema["components"]["schemas"])


class SchemathesisTransferTests(ReceivingTestCase):
    """Generated requests against the status endpoint, anonymous and as a clerk: never a 5xx,
    and every answer as the OpenAPI document says."""

    def setUp(self) -> None:
        super().setUp()
        share_the_test_connection(self)

    def test_no_generated_request_gets_a_server_error(self) -> None:
        self.received()
        self.client.force_login(self.clerk_a)
        session = {"sessionid": self.client.cookies["sessionid"].value}
        operations = api_operations({"GET /api/v1/transfers/{id}"})
        self.assertEqual(len(operations), 1)
        check_generated_requests(self, operations, examples=15, cookie_sets=({}, session))
