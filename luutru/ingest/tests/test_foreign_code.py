"""Codes belong to their agency: a dossier or document code must begin with the submitting
agency's code, or with the code of an agency it succeeded (mergers and splits)."""

from __future__ import annotations

import datetime
from typing import Any

from luutru.ingest.actions import ingest, receive_package
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.factory import DOSSIER, document, write_package
from luutru.ingest.tests.receiving import ReceivingTestCase
from luutru.organizations import actions
from luutru.organizations.models import Agency, EndReason
from luutru.records.models import Document, Dossier
from luutru.test import make_agency

REFORM = datetime.date(2025, 3, 1)


class ForeignCodeTests(ReceivingTestCase):
    def send(self, package: Any, agency: Agency | None = None) -> Transfer:
        return ingest(receive_package(package, agency=agency or self.agency_a, actor=None))

    def foreign(self, transfer: Transfer) -> list[dict[str, Any]]:
        return [e for e in transfer.errors if e["code"] == "foreign_code"]

    def test_another_agencys_dossier_code_is_refused_naming_file_row_and_field(self) -> None:
        transfer = self.send(self.package(self.agency_b))  # Sở Xây dựng's codes
        self.assertEqual(transfer.state, TransferState.REJECTED)
        (error,) = self.foreign(transfer)  # one per dossier, not one per document as well
        self.assertEqual(
            (error["file"], error["row"], error["field"]), ("ho_so.csv", 2, "Mã hồ sơ")
        )
        self.assertIn("“000.00.04.H62.2024.01”", error["message"])
        self.assertIn("không bắt đầu bằng mã định danh của cơ quan nộp lưu (000.00.03.H62)",
                      error["message"])  # fmt: skip
        self.assertEqual((Dossier.objects.count(), Document.objects.count()), (0, 0))

    def test_a_code_that_only_starts_like_the_agencys_is_still_foreign(self) -> None:
        code = "000.00.03.H621.2024.01"
        rows = [{**document(n), "Mã hồ sơ": code} for n in (1, 2)]
        package = write_package(
            self.tmp / "gan-giong", dossiers=[dict(DOSSIER, **{"Mã hồ sơ": code})], documents=rows
        )
        self.assertEqual(len(self.foreign(self.send(package))), 1)

    def test_a_malformed_code_is_refused_in_vietnamese_and_nothing_is_kept(self) -> None:
        code = "000.00.03.H62 2024/01"
        rows = [{**document(n), "Mã hồ sơ": code} for n in (1, 2)]
        package = write_package(
            self.tmp / "sai-ma", dossiers=[dict(DOSSIER, **{"Mã hồ sơ": code})], documents=rows
        )
        transfer = self.send(package)
        self.assertEqual(transfer.state, TransferState.REJECTED)
        bad = [e for e in transfer.errors if e["code"] == "bad_code" and e["row"] == 2]
        self.assertTrue(bad, transfer.errors)
        self.assertIn("ký tự không được phép", bad[0]["message"])
        self.assertFalse(Dossier.objects.exists())

    def test_the_successor_of_a_merged_agency_may_send_its_records(self) -> None:
        old = make_agency("000.00.09.H62", "Sở Tài nguyên và Môi trường", self.province)
        actions.end_agency(
            old, on=REFORM, reason=EndReason.MERGED, successors=[self.agency_a], actor=None
        )
        transfer = self.send(self.package(old))
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        self.assertEqual(Dossier.objects.get().agency, self.agency_a)

    def test_successions_are_followed_through_a_chain_of_mergers(self) -> None:
        oldest = make_agency("000.00.10.H62", "Sở Nông nghiệp", self.province)
        middle = make_agency("000.00.11.H62", "Sở Nông nghiệp và Môi trường", self.province)
        actions.end_agency(
            oldest, on=REFORM, reason=EndReason.MERGED, successors=[middle], actor=None
        )
        actions.end_agency(
            middle, on=datetime.date(2025, 7, 1), reason=EndReason.MERGED,
            successors=[self.agency_a], actor=None,
        )  # fmt: skip
        transfer = self.send(self.package(oldest))
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)

    def test_a_predecessor_may_not_send_its_successors_records(self) -> None:
        old = make_agency("000.00.09.H62", "Sở Tài nguyên và Môi trường", self.province)
        actions.end_agency(
            old, on=REFORM, reason=EndReason.MERGED, successors=[self.agency_a], actor=None
        )
        (error,) = self.foreign(self.send(self.package(self.agency_a), agency=old))
        self.assertIn("000.00.09.H62", error["message"])

    def test_the_message_names_the_predecessors_whose_codes_would_do(self) -> None:
        old = make_agency("000.00.09.H62", "Sở Tài nguyên và Môi trường", self.province)
        actions.end_agency(
            old, on=REFORM, reason=EndReason.MERGED, successors=[self.agency_a], actor=None
        )
        (error,) = self.foreign(self.send(self.package(self.agency_b)))
        self.assertIn("hoặc của cơ quan tiền thân (000.00.09.H62)", error["message"])
