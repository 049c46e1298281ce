"""GET /api/v1/retention/due, /holds, /transfers: the retention lists for systems, with the
pages' permission and scope; generated requests never get a 5xx."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luutru.accounts.models import Role
from luutru.api.actions import issue_token
from luutru.api.tests.schema_checks import (
    api_operations,
    check_generated_requests,
    share_the_test_connection,
)
from luutru.records.tests.factory import make_dossier
from luutru.retention import actions
from luutru.retention.models import HistoricalTransfer, HoldKind
from luutru.retention.tests.helpers import YEAR, RetentionTestCase
from luutru.test import make_user

BASE = "/api/v1/retention/"


class RetentionApiTests(RetentionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.expired = self.expired_dossier(1)
        self.other = make_dossier(  # agency B's: outside the historical archive's scope
            self.agency_b,
            2,
            code="000.00.04.H62.2012.02",
            retention="06",
            start_date=datetime.date(2012, 1, 1),
            end_date=datetime.date(2012, 2, 1),
        )
        self.hold = actions.place_hold(
            kind=HoldKind.INSPECTION, reason="Thanh tra 2026", dossier=self.expired,
            actor=self.archivist,
        )  # fmt: skip

    def get(self, path: str) -> dict[str, Any]:
        response = self.client.get(BASE + path)
        self.assertEqual(response.status_code, 200, response.content)
        return dict(response.json())

    def test_visitors_clerks_and_readers_are_refused(self) -> None:
        for path in ("due", "holds", "transfers"):
            self.login(None)
            response = self.client.get(BASE + path)
            self.assertEqual(response.status_code, 401)
            self.assertEqual(response.json()["error"]["code"], "unauthorized")
            for user in (self.clerk_a, self.reader):
                self.login(user)
                response = self.client.get(BASE + path)
                self.assertEqual(response.status_code, 403, (user, path))
                self.assertIn("không xem được", response.json()["error"]["message"])

    def test_the_due_list_is_the_commands_within_the_scope(self) -> None:
        self.login(self.archivist)
        body = self.get(f"due?year={YEAR}")
        self.assertEqual(body["count"], 1)
        self.assertEqual(
            body["dossiers"],
            [
                {
                    "code": self.expired.code,
                    "title": self.expired.title,
                    "agency": self.agency_a.code,
                    "retention": "06",
                    "expires": "2022-12-31",
                    "hold": True,
                }
            ],
        )
        self.login(self.admin)  # the whole province
        codes = [d["code"] for d in self.get(f"due?year={YEAR}")["dossiers"]]
        self.assertEqual(codes, [self.expired.code, self.other.code])
        self.assertEqual(self.get("due?year=2015")["count"], 0)
        self.assertEqual(self.client.get(BASE + "due?year=12").status_code, 422)

    def test_holds_in_force_and_on_request_the_lifted_ones(self) -> None:
        token = issue_token(self.archivist, "Hệ thống tỉnh", actor=None)[1]
        headers = {"Authorization": f"Bearer {token}"}
        body = self.client.get(BASE + "holds", headers=headers).json()
        self.assertEqual(
            [(h["dossier"], h["kind"], h["reason"], h["placed_by"]) for h in body["holds"]],
            [(self.expired.code, "inspection", "Thanh tra 2026", "luutruvien")],
        )
        actions.lift_hold(self.hold, reason="Xong thanh tra", actor=self.head)
        self.assertEqual(self.client.get(BASE + "holds", headers=headers).json()["count"], 0)
        body = self.client.get(BASE + "holds?lifted=true", headers=headers).json()
        self.assertEqual(body["holds"][0]["lift_reason"], "Xong thanh tra")

    def test_transfers_with_their_reply_deadline_and_constant_queries(self) -> None:
        archivist_a = make_user("luutru_a", Role.ARCHIVIST, self.agency_a)
        self.login(self.council)

        def plan(number: int) -> HistoricalTransfer:
            dossier = self.expired_dossier(10 + number, retention="01")
            transfer = actions.plan_transfer(
                agency=self.agency_a, year=2026, dossiers=[dossier], actor=archivist_a
            )
            return actions.submit_transfer(transfer, actor=archivist_a)

        late = plan(1)
        HistoricalTransfer.objects.filter(pk=late.pk).update(
            reply_by=timezone.localdate() - datetime.timedelta(days=1)
        )
        self.get("transfers")  # the session's first request writes what it writes once
        with CaptureQueriesContext(connection) as one:
            body = self.get("transfers")
        self.assertEqual(body["count"], 1)
        row = body["transfers"][0]
        self.assertEqual((row["state"], row["reply_overdue"]), ("submitted", True))
        self.assertEqual(row["dossiers"], [late.dossiers.get().code])
        plan(2)
        plan(3)
        with CaptureQueriesContext(connection) as three:
            body = self.get("transfers")
        self.assertEqual(body["count"], 3)
        self.assertEqual(len(three), len(one))  # no query per transfer
        self.login(self.clerk_b)
        self.assertEqual(self.client.get(BASE + "transfers").status_code, 403)


class RetentionApiDocumentTests(RetentionTestCase):
    def test_the_openapi_document_describes_the_three_lists(self) -> None:
        schema = self.client.get("/api/v1/openapi.json").json()
        for path in ("due", "holds", "transfers"):
            operation = schema["paths"][f"{BASE}{path}"]["get"]
            self.assertEqual(operation["tags"], ["Lưu giữ và loại hủy"])
            self.assertEqual(set(operation["responses"]), {"200", "401", "403", "422"})
        names = schema["components"]["schemas"]
        for name in ("RetentionDueListOut", "RetentionHoldListOut", "HistoricalTransferListOut"):
            self.assertIn(name, names)
        self.assertIn("TransferOut", names)  # the ingest API's, not replaced by ours


class RetentionApiSchemaTests(RetentionTestCase):
    def setUp(self) -> None:
        super().setUp()
        share_the_test_connection(self)

    def test_no_generated_request_gets_a_server_error(self) -> None:
        self.expired_dossier(1)
        self.client.force_login(self.council)  # no second factor needed for a council member
        session = {"sessionid": self.client.cookies["sessionid"].value}
        # The transfers list has no parameter to generate; its answers are checked above.
        wanted = {"GET /api/v1/retention/due", "GET /api/v1/retention/holds"}
        operations = api_operations(wanted)
        self.assertEqual({op.label for op in operations}, wanted)
        check_generated_requests(self, operations, examples=10, cookie_sets=({}, session))
