"""Records already sent are refused once, not row by row: in the holdings, waiting in another
received transfer, or the very same package again (even one without codes, as edXML is)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from luutru.ingest.actions import accept_transfer, ingest, receive_package, return_transfer
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.factory import DOSSIER, document, pdf_bytes, write_package
from luutru.ingest.tests.receiving import ReceivingTestCase
from luutru.ingest.tests.test_edxml_reader import b64_lines, edoc_message
from luutru.records.models import Dossier
from luutru.test import make_agency


class AlreadyTransferredTests(ReceivingTestCase):
    def send(self, package: Path, agency: Any = None) -> Transfer:
        return ingest(receive_package(package, agency=agency or self.agency_a, actor=None))

    def only_error(self, transfer: Transfer) -> dict[str, Any]:
        self.assertEqual(transfer.state, TransferState.REJECTED)
        self.assertEqual([e["code"] for e in transfer.errors], ["already_transferred"])
        error: dict[str, Any] = transfer.errors[0]
        return error

    def test_records_in_the_holdings_give_one_error_saying_when_and_which_transfer(
        self,
    ) -> None:
        first = accept_transfer(self.received(), self.archivist)
        error = self.only_error(self.send(self.package()))  # 1 dossier, 2 documents: 3 codes
        message = error["message"]
        self.assertIn("Gói có 3 hồ sơ, tài liệu đã được nộp trước đây", message)
        self.assertIn(f"“{first.package_name}” ({first.pk})", message)
        self.assertIn("đã được tiếp nhận vào kho lúc", message)
        self.assertEqual(error["file"], "ho_so.csv")
        self.assertEqual(Dossier.objects.count(), 1)

    def test_records_waiting_in_another_received_transfer_are_refused_too(self) -> None:
        waiting = self.received()
        message = self.only_error(self.send(self.package()))["message"]
        self.assertIn(str(waiting.pk), message)
        self.assertIn("đang chờ lưu trữ tiếp nhận", message)
        self.assertIn("đề nghị lưu trữ trả lại lần nộp lưu đó", message)

    def test_a_package_sharing_only_some_codes_is_refused_naming_the_first(self) -> None:
        self.received(notation="01")
        dossiers, rows = [], []
        for notation in ("01", "03"):
            code = f"{self.agency_a.code}.2024.{notation}"
            dossiers.append(dict(DOSSIER, **{"Mã hồ sơ": code}))
            rows += [
                {
                    **document(n),
                    "Mã hồ sơ": code,
                    "Mã định danh tài liệu": f"H62.00.12.2024.{notation}.{n}",
                    "Tệp tin": f"tai_lieu/{notation}/{n:02d}.pdf",
                }
                for n in (1, 2)
            ]
        package = write_package(self.tmp / "hai-ho-so", dossiers=dossiers, documents=rows)
        message = self.only_error(self.send(package))["message"]
        self.assertIn("Gói có 3 hồ sơ, tài liệu đã được nộp trước đây", message)
        self.assertIn("(mã “000.00.03.H62.2024.01” và 2 mã khác)", message)
        self.assertEqual(Dossier.objects.count(), 1)

    def test_after_a_return_the_same_codes_may_come_again(self) -> None:
        return_transfer(self.received(), self.archivist, "Thiếu chữ ký số.")
        self.assertEqual(self.send(self.package()).state, TransferState.RECEIVED)

    def test_the_same_edxml_message_twice_is_refused_by_its_content(self) -> None:
        agency = make_agency("000.00.10.H30", "Sở Kế hoạch và Đầu tư tỉnh Hậu Giang")
        message = edoc_message(content=b64_lines(pdf_bytes(3)))
        packages = []
        for name in ("lan-1", "lan-2"):
            folder = self.tmp / name
            folder.mkdir()
            (folder / "12-BC.edxml").write_text(message, "utf-8")
            packages.append(folder)
        first = self.send(packages[0], agency)
        self.assertEqual(first.state, TransferState.RECEIVED, first.errors)
        error = self.only_error(self.send(packages[1], agency))
        self.assertIn("Gói này đã được nộp", error["message"])
        self.assertIn(str(first.pk), error["message"])
