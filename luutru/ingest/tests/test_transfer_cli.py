"""`luutru transfer accept|return` and the state `luutru ingest --json` now reports: shapes
pinned, Vietnamese refusals, non-zero exit on refusal."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError

from luutru.cli import main
from luutru.ingest.models import TransferState
from luutru.ingest.tests.receiving import ReceivingTestCase
from luutru.organizations import actions
from luutru.records.models import Dossier

ACCEPT_KEYS = {
    "transfer", "state", "agency", "package", "dossiers", "documents", "files", "decided_at",
    "decided_by", "handover",
}  # fmt: skip
INGEST_KEYS = {
    "accepted", "state", "transfer", "dossiers", "documents", "files", "errors", "warnings",
}  # fmt: skip


class TransferCommandTests(ReceivingTestCase):
    def run_json(self, *args: str) -> dict[str, Any]:
        out = io.StringIO()
        call_command("transfer", *args, "--json", stdout=out)
        parsed: dict[str, Any] = json.loads(out.getvalue())
        return parsed

    def refused(self, *args: str) -> tuple[str, dict[str, Any]]:
        out = io.StringIO()
        with self.assertRaises(CommandError) as refusal:
            call_command("transfer", *args, "--json", stdout=out)
        return str(refusal.exception), json.loads(out.getvalue())

    def test_accept_json_has_exactly_the_pinned_shape(self) -> None:
        transfer = self.received(actor=self.clerk_a)
        result = self.run_json("accept", str(transfer.pk), "--user", self.archivist.username)
        self.assertEqual(set(result), ACCEPT_KEYS)
        self.assertEqual(result["transfer"], str(transfer.pk))
        self.assertEqual(result["state"], "accepted")
        self.assertEqual(result["agency"], self.agency_a.code)
        self.assertEqual((result["dossiers"], result["documents"], result["files"]), (1, 2, 2))
        self.assertEqual(result["decided_by"], self.archivist.get_full_name())
        self.assertTrue(result["decided_at"].startswith("20"))
        self.assertEqual(result["handover"], f"/quan-tri/nop-luu/{transfer.pk}/bien-ban.pdf")
        self.assertEqual(Dossier.objects.held().count(), 1)

    def test_the_operator_may_accept_without_naming_an_archivist(self) -> None:
        transfer = self.received(actor=self.clerk_a)
        result = self.run_json("accept", str(transfer.pk))
        self.assertEqual((result["state"], result["decided_by"]), ("accepted", None))

    def test_return_json_keeps_the_reason(self) -> None:
        transfer = self.received()
        result = self.run_json(
            "return", str(transfer.pk), "--reason", "Thiếu văn bản số 2.", "--user", "lanhdao"
        )
        self.assertEqual(set(result), ACCEPT_KEYS - {"handover"} | {"reason"})
        self.assertEqual((result["state"], result["reason"]), ("returned", "Thiếu văn bản số 2."))
        self.assertFalse(Dossier.objects.exists())

    def test_refusals_are_vietnamese_with_a_code_and_change_nothing(self) -> None:
        transfer = self.received(actor=self.clerk_a)
        cases = [
            (("accept", str(transfer.pk), "--user", self.clerk_a.username), "forbidden"),
            (("return", str(transfer.pk)), "missing_reason"),
            (("accept", "00000000-0000-4000-8000-000000000000"), "not_found"),
            (("accept", "khong-phai-ma"), "not_found"),
            (("accept", str(transfer.pk), "--user", "khong-co-ai"), "not_found"),
        ]
        for args, code in cases:
            with self.subTest(args=args):
                message, body = self.refused(*args)
                self.assertEqual(body["error"]["code"], code)
                self.assertEqual(body["error"]["message"], message)
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RECEIVED)

    def test_an_archivist_who_submitted_the_transfer_may_not_accept_it(self) -> None:
        transfer = self.received(actor=self.archivist)
        message, body = self.refused("accept", str(transfer.pk), "--user", "luutruvien")
        self.assertEqual(body["error"]["code"], "own_transfer")
        self.assertIn("do chính mình nộp", message)

    def test_accepting_a_transfer_not_waiting_exits_non_zero_with_a_message(self) -> None:
        transfer = self.received()
        call_command("transfer", "accept", str(transfer.pk), stdout=io.StringIO())
        err = io.StringIO()
        # main() is a process's entry point: run_from_argv closes every connection when it
        # ends (here that connection holds the test's transaction), and main() restores the
        # default SIGPIPE, which would let the next test's live server die silently when a
        # browser drops a connection. Neither may leak into the test process.
        with (
            contextlib.redirect_stderr(err),
            contextlib.redirect_stdout(io.StringIO()),
            mock.patch("django.core.management.base.connections.close_all"),
            mock.patch("luutru.cli.signal.signal"),
            self.assertRaises(SystemExit) as exit_,
        ):
            main(["transfer", "accept", str(transfer.pk)])
        self.assertNotEqual(exit_.exception.code, 0)
        self.assertIn("đã được tiếp nhận vào kho", err.getvalue())


class IngestStateTests(ReceivingTestCase):
    def ingest_json(self, *args: str) -> tuple[dict[str, Any], int]:
        out = io.StringIO()
        status = 0
        try:
            call_command("ingest", *args, "--json", stdout=out)
        except SystemExit as exit_:
            status = int(exit_.code or 0)
        parsed: dict[str, Any] = json.loads(out.getvalue())
        return parsed, status

    def test_a_valid_package_reports_received_and_keeps_every_key(self) -> None:
        result, status = self.ingest_json(str(self.package()), "--agency", self.agency_a.code)
        self.assertEqual(set(result), INGEST_KEYS)
        self.assertEqual((result["accepted"], result["state"], status), (True, "received", 0))
        self.assertEqual((result["dossiers"], result["documents"], result["files"]), (1, 2, 2))

    def test_an_agency_accepted_on_receipt_reports_accepted(self) -> None:
        actions.update_agency(self.agency_a, accept_on_receipt=True, actor=None)
        result, status = self.ingest_json(str(self.package()), "--agency", self.agency_a.code)
        self.assertEqual((result["accepted"], result["state"], status), (True, "accepted", 0))

    def test_a_rejected_package_reports_rejected_and_exits_1(self) -> None:
        package = self.package(self.agency_b)  # Sở Xây dựng's codes, sent as Sở Tài chính
        result, status = self.ingest_json(str(package), "--agency", self.agency_a.code)
        self.assertEqual((result["accepted"], result["state"], status), (False, "rejected", 1))

    def test_a_dry_run_reports_checked(self) -> None:
        result, status = self.ingest_json(
            str(self.package()), "--agency", self.agency_a.code, "--dry-run"
        )
        self.assertEqual((result["accepted"], result["state"], status), (True, "checked", 0))
