"""Nộp lưu vào lưu trữ lịch sử (Luật Lưu trữ 2024 Điều 17): only the historical archive
answers a transfer and receives it; at the handover custody moves, each dossier gets a new
AIP version naming the archive, the previous package is kept, and the biên bản giao nhận is
printed."""

from __future__ import annotations

import datetime
import io
import json
import tempfile
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from luutru.accounts.models import Role
from luutru.audit.models import AuditEvent
from luutru.lib.pages import PDFIUM_LOCK
from luutru.preservation.aip import write_aip
from luutru.preservation.models import Aip, AipVersion, EventType, PremisEvent
from luutru.records.models import Dossier
from luutru.retention import actions, services
from luutru.retention.models import (
    HistoricalHolding,
    HistoricalTransfer,
    HoldKind,
    TransferState,
)
from luutru.retention.tests.helpers import RetentionTestCase
from luutru.storage.services import backend, open_stored, replica
from luutru.test import make_user

METS = "{http://www.loc.gov/METS/}"


def pdf_text(data: bytes) -> str:
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(data)
        try:
            pages = range(len(document))
            return "\n".join(document[i].get_textpage().get_text_range() for i in pages)
        finally:
            document.close()


class CustodyTestCase(RetentionTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The agency's own current archive: plans and registers, never answers for the archive.
        self.archivist_a = make_user("luutru_a", Role.ARCHIVIST, self.agency_a)

    def permanent(self, number: int) -> Dossier:
        """A permanent dossier whose matter ended in 2012: due at the archive since 2018."""
        return self.expired_dossier(number, retention="01")

    def submitted(self, *dossiers: Dossier) -> HistoricalTransfer:
        transfer = actions.plan_transfer(
            agency=self.agency_a, year=2026, dossiers=list(dossiers), actor=self.archivist_a
        )
        return actions.submit_transfer(transfer, actor=self.archivist_a)


class ReviewRoleTests(CustodyTestCase):
    def test_the_agency_cannot_accept_its_own_transfer(self) -> None:
        transfer = self.submitted(self.permanent(1))
        for user in (self.archivist_a, self.clerk_a, self.council):
            with self.assertRaisesMessage(ValidationError, "Chỉ cán bộ của Lưu trữ lịch sử tỉnh"):
                actions.reply_transfer(transfer, accept=True, reply="", actor=user)
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.SUBMITTED)
        # The province's administrator is not the archive either.
        with self.assertRaisesMessage(ValidationError, "Chỉ cán bộ của Lưu trữ lịch sử tỉnh"):
            actions.reply_transfer(transfer, accept=True, reply="", actor=self.admin)

    def test_the_archive_staff_who_planned_it_cannot_answer_it(self) -> None:
        transfer = actions.plan_transfer(
            agency=self.agency_a, year=2026, dossiers=[self.permanent(1)], actor=self.archivist
        )
        transfer = actions.submit_transfer(transfer, actor=self.archivist)
        with self.assertRaisesMessage(ValidationError, "không được trả lời đăng ký nộp lưu"):
            actions.reply_transfer(transfer, accept=True, reply="", actor=self.archivist)
        actions.reply_transfer(transfer, accept=True, reply="", actor=self.head)

    def test_the_archive_accepts_and_only_it_receives(self) -> None:
        transfer = self.submitted(self.permanent(1))
        transfer = actions.reply_transfer(transfer, accept=True, reply="Đồng ý", actor=self.head)
        self.assertEqual(transfer.state, TransferState.ACCEPTED)
        with self.assertRaisesMessage(ValidationError, "Chỉ cán bộ của Lưu trữ lịch sử tỉnh"):
            actions.receive_transfer(transfer, actor=self.archivist_a)
        self.assertFalse(HistoricalHolding.objects.exists())

    def test_the_pages_let_only_the_archive_answer(self) -> None:
        transfer = self.submitted(self.permanent(1))
        url = f"/quan-tri/luu-giu/nop-luu-lich-su/{transfer.pk}/"
        self.login(self.archivist_a)
        page = self.client.get("/quan-tri/luu-giu/nop-luu-lich-su/").content.decode()
        self.assertNotIn("Ghi ý kiến", page)  # an archivist, but of the agency itself
        self.client.post(url, {"step": "reply", "accept": "1", "reply": ""})  # refused
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.SUBMITTED)
        self.login(self.council)
        self.assertEqual(self.client.post(url, {"step": "reply", "accept": "1"}).status_code, 403)
        self.login(self.head)  # the archive's head: no change_historicaltransfer, may reply
        self.assertContains(self.client.get("/quan-tri/luu-giu/nop-luu-lich-su/"), "Ghi ý kiến")
        self.client.post(url, {"step": "reply", "accept": "1", "reply": ""})
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.ACCEPTED)

    def test_a_late_reply_shows_as_overdue(self) -> None:
        transfer = self.submitted(self.permanent(1))
        late = timezone.localdate() - datetime.timedelta(days=1)
        HistoricalTransfer.objects.filter(pk=transfer.pk).update(reply_by=late)
        self.assertEqual(services.dashboard().replies_overdue, [transfer])
        self.login(self.head)
        self.assertContains(
            self.client.get("/quan-tri/luu-giu/nop-luu-lich-su/"), "quá hạn trả lời"
        )
        self.assertContains(self.client.get("/quan-tri/luu-giu/"), "chưa trả lời đúng hạn")


class CustodyMoveTests(CustodyTestCase):
    def test_the_handover_moves_custody_with_a_new_aip_and_keeps_the_old_one(self) -> None:
        dossier = self.permanent(1)
        old = Aip.objects.get(dossier=dossier)
        old_objid, old_uuid = old.objid, old.uuid
        sha = dossier.documents.get().files.get().stored.sha256
        transfer = self.submitted(dossier)
        transfer = actions.reply_transfer(transfer, accept=True, reply="", actor=self.head)
        transfer = actions.receive_transfer(transfer, actor=self.archivist)

        self.assertEqual(transfer.state, TransferState.RECEIVED)
        self.assertEqual(transfer.received_by, self.archivist)
        holding = HistoricalHolding.objects.get(dossier=dossier)
        self.assertEqual((holding.archive, holding.transfer), (self.archive, transfer))
        # A new AIP version, the archive its custodian.
        aip = Aip.objects.get(dossier=dossier)
        self.assertEqual((aip.version, aip.custodian), (2, "Lưu trữ lịch sử tỉnh"))
        self.assertNotEqual(aip.uuid, old_uuid)
        # The previous version: its package zipped, kept in both storages.
        previous = AipVersion.objects.get(dossier=dossier)
        self.assertEqual((previous.version, previous.objid), (1, old_objid))
        self.assertTrue(backend().exists(previous.package.sha256))
        self.assertTrue(replica().exists(previous.package.sha256))
        with open_stored(previous.package.sha256) as blob:
            archive = zipfile.ZipFile(io.BytesIO(blob.read()))
        mets_name = next(
            n for n in archive.namelist() if n.count("/") == 1 and n.endswith("METS.xml")
        )
        self.assertEqual(etree.fromstring(archive.read(mets_name)).get("OBJID"), old_objid)
        # The custody transfer is a PREMIS event of the dossier, in the new package.
        event = PremisEvent.objects.get(dossier=dossier, event_type=EventType.TRANSFER)
        self.assertIn("Lưu trữ lịch sử tỉnh", event.detail)
        with tempfile.TemporaryDirectory() as work:
            folder = write_aip(dossier, Path(work)).path
            mets = etree.parse(str(folder / "METS.xml")).getroot()
            premis_xml = (folder / "metadata/preservation/PREMIS.xml").read_text()
            self.assertTrue((folder / "representations/rep1/data").exists())
        self.assertEqual(mets.get("OBJID"), aip.objid)
        custodians = mets.findall(f"{METS}metsHdr/{METS}agent[@ROLE='CUSTODIAN']")
        self.assertEqual([a.findtext(f"{METS}name") for a in custodians], ["Lưu trữ lịch sử tỉnh"])
        self.assertIn("<premis:eventType", premis_xml)
        self.assertIn(">transfer<", premis_xml)
        # Audited; the files did not move or change; the store and the chain are whole.
        self.assertTrue(
            AuditEvent.objects.filter(action="retention.custody_move", object_id=str(dossier.pk))
        )
        self.assertTrue(AuditEvent.objects.filter(action="preservation.aip_version"))
        self.assertTrue(backend().exists(sha))
        out = io.StringIO()
        call_command("fixity", "--all", "--json", stdout=out)
        report = json.loads(out.getvalue())
        self.assertEqual((report["checked"], report["ok"]), (2, 2))  # the file and the old AIP
        call_command("audit", "verify", stdout=io.StringIO())

    def test_the_receipt_is_printed_once_received(self) -> None:
        dossier = self.permanent(1)
        transfer = self.submitted(dossier)
        transfer = actions.reply_transfer(transfer, accept=True, reply="", actor=self.head)
        url = f"/quan-tri/luu-giu/nop-luu-lich-su/{transfer.pk}/bien-ban-giao-nhan.pdf"
        self.login(self.archivist)
        self.assertEqual(self.client.get(url).status_code, 404)
        actions.receive_transfer(transfer, actor=self.archivist)
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = " ".join(pdf_text(response.content).split())
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "BIÊN BẢN",
            "giao nhận tài liệu",
            "Sở Tài chính",
            "Lưu trữ lịch sử tỉnh",
            "ĐẠI DIỆN BÊN GIAO",
            "ĐẠI DIỆN BÊN NHẬN",
            "1 hồ sơ, 1 tài liệu, 1 tệp tin",
        ):
            self.assertIn(expected, text)
        self.assertIn(dossier.code, text.replace(" ", ""))  # the narrow column wraps it
        self.assertContains(self.client.get("/quan-tri/luu-giu/nop-luu-lich-su/"), url)
        self.login(self.clerk_b)
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_a_hold_blocks_the_handover_and_nothing_moves(self) -> None:
        dossier = self.permanent(1)
        transfer = self.submitted(dossier)
        transfer = actions.reply_transfer(transfer, accept=True, reply="", actor=self.head)
        actions.place_hold(
            kind=HoldKind.LITIGATION, reason="Vụ án", fonds=self.fonds_a, actor=self.archivist
        )
        with self.assertRaisesMessage(ValidationError, "tạm dừng chuyển giao"):
            actions.receive_transfer(transfer, actor=self.archivist)
        self.assertFalse(HistoricalHolding.objects.exists())
        self.assertFalse(AipVersion.objects.exists())
        self.assertEqual(Aip.objects.get(dossier=dossier).version, 1)

    def test_a_storage_failure_half_way_moves_nothing(self) -> None:
        first, second = self.permanent(1), self.permanent(2)
        transfer = self.submitted(first, second)
        transfer = actions.reply_transfer(transfer, accept=True, reply="", actor=self.head)
        # The second dossier's file is gone from both copies: its package cannot be built.
        sha = second.documents.get().files.get().stored.sha256
        for root in ("files", "replica"):
            (self.scratch / root / sha[:2] / sha[2:4] / sha).unlink()
        with self.assertRaisesMessage(ValidationError, second.code):
            actions.receive_transfer(transfer, actor=self.archivist)
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.ACCEPTED)
        self.assertFalse(HistoricalHolding.objects.exists())
        self.assertFalse(AipVersion.objects.exists())
        self.assertEqual(Aip.objects.get(dossier=first).version, 1)

    def test_the_agency_cannot_destroy_what_the_historical_archive_holds(self) -> None:
        dossier = self.permanent(1)
        transfer = self.submitted(dossier)
        transfer = actions.reply_transfer(transfer, accept=True, reply="", actor=self.head)
        actions.receive_transfer(transfer, actor=self.archivist)
        # A later correction gives it a ten-year retention: it comes up as expired.
        Dossier.objects.filter(pk=dossier.pk).update(retention="06")
        appraisal = self.decided_round()
        with self.assertRaisesMessage(ValidationError, "đã thuộc lưu trữ lịch sử quản lý"):
            actions.destroy(appraisal, actor=self.archivist)
        self.assertTrue(Dossier.objects.filter(pk=dossier.pk).exists())
        self.assertEqual(AipVersion.objects.filter(dossier=dossier).count(), 1)
