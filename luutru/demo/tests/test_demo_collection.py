"""The demo's transfers: real packages through the real pipeline, and seeding twice is harmless.

The packages are ingested once per class (rendering and ingest are the slow part); storage and
the ingest work folder point into a temporary directory for the whole class, so the blobs the
seed writes never reach the developer's data directory.
"""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import tempfile
import unicodedata
from io import StringIO
from pathlib import Path
from typing import Any

import pikepdf
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings

from luutru.audit.models import AuditEvent
from luutru.audit.services import verify_chain
from luutru.demo.collection import dossier_codes, packages, seed_collection, write_package
from luutru.demo.exhibition import seed_exhibition
from luutru.demo.province import seed
from luutru.demo.publication import publish_demo
from luutru.ingest.models import Transfer, TransferState
from luutru.records.models import Custody, Document, DocumentFile, Dossier
from luutru.storage.services import open_stored

FINANCE = "000.00.03.H62"
OFFICE = "000.00.01.H62"


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def stored_blobs() -> list[Path]:
    root = Path(settings.STORAGE_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file() and ".incoming" not in p.parts)


class IsolatedStorageTestCase(TestCase):
    """Storage and ingest work folders in a temporary directory, from setUpTestData on."""

    tmp: Path
    isolated: Any

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = Path(tempfile.mkdtemp(prefix="luutru-demo-test-"))
        cls.isolated = override_settings(
            STORAGE_ROOT=cls.tmp / "kho", INGEST_WORK_DIR=cls.tmp / "work"
        )
        cls.isolated.enable()
        try:
            super().setUpClass()
        except Exception:
            cls.isolated.disable()
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.isolated.disable()
        shutil.rmtree(cls.tmp, ignore_errors=True)


class DemoCollectionTests(IsolatedStorageTestCase):
    loaded: int

    @classmethod
    def setUpTestData(cls) -> None:
        seed()
        cls.loaded = seed_collection()

    def test_two_transfers_were_accepted_one_per_agency(self) -> None:
        self.assertEqual(self.loaded, len(packages()))
        transfers = {t.agency.code: t for t in Transfer.objects.select_related("agency")}
        self.assertEqual(set(transfers), {FINANCE, OFFICE})
        for transfer in transfers.values():
            self.assertEqual(transfer.state, TransferState.ACCEPTED, transfer.errors)
            self.assertEqual(transfer.errors, [])
            self.assertEqual(transfer.form, "spreadsheet")
            self.assertIsNotNone(transfer.submitted_by)  # handed over by a named person
            # ... and accepted into the holdings by someone else, so the province shows them
            self.assertIsNotNone(transfer.decided_by)
            self.assertNotEqual(transfer.decided_by, transfer.submitted_by)
        finance, office = transfers[FINANCE], transfers[OFFICE]
        self.assertEqual((finance.dossier_count, finance.document_count), (3, 11))
        self.assertEqual((office.dossier_count, office.document_count), (2, 6))
        self.assertEqual(finance.file_count, finance.document_count)

    def test_the_demo_reader_has_a_reading_copy_and_a_request_waiting(self) -> None:
        from luutru.access.models import AccessRequest, Status
        from luutru.demo.use import seed_use

        self.assertGreater(seed_use(), 0)
        states = sorted(AccessRequest.objects.values_list("status", flat=True))
        self.assertEqual(states, sorted([Status.DELIVERED, Status.SUBMITTED]))
        self.assertTrue(Path(settings.ACCESS_SIGNING_CERT).exists())
        self.assertEqual(seed_use(), 0)

    def test_the_dossiers_belong_to_their_agencies_and_fonds(self) -> None:
        dossiers = Dossier.objects.select_related("agency", "fonds").filter(
            code__in=dossier_codes()
        )
        self.assertEqual(dossiers.count(), len(dossier_codes()))
        for dossier in dossiers:
            with self.subTest(dossier.code):
                self.assertTrue(dossier.code.startswith(dossier.agency.code + "."))
                self.assertIsNotNone(dossier.fonds)
                assert dossier.fonds is not None
                self.assertEqual(dossier.fonds.agency_id, dossier.agency_id)
                self.assertIn(dossier.year, {2023, 2024})
                self.assertGreaterEqual(dossier.documents.count(), 3)
                self.assertLessEqual(dossier.documents.count(), 5)
        finance = dossiers.filter(agency__code=FINANCE)
        self.assertEqual(finance.count(), 3)
        self.assertTrue(finance.filter(code="000.00.03.H62.2024.01").exists())

    def test_the_demo_records_are_in_the_holdings_not_waiting_for_acceptance(self) -> None:
        held = Dossier.objects.held().filter(code__in=dossier_codes())
        self.assertEqual(held.count(), len(dossier_codes()))
        self.assertFalse(Document.objects.exclude(custody=Custody.HELD).exists())

    def test_the_office_dossiers_mix_retention_and_access(self) -> None:
        office = {d.code: d for d in Dossier.objects.filter(agency__code=OFFICE)}
        meeting, reform = office["000.00.01.H62.2024.01"], office["000.00.01.H62.2024.02"]
        self.assertEqual((meeting.retention, meeting.access_regime), ("01", "02"))
        self.assertEqual((reform.retention, reform.access_regime), ("06", "01"))
        regimes = set(meeting.documents.values_list("access_regime", flat=True))
        self.assertEqual(regimes, {"01", "02"})  # the invitation is public, the minutes not

    def test_the_demo_publishes_its_public_records_on_the_portal(self) -> None:
        self.assertGreater(publish_demo(), 0)
        self.assertEqual(publish_demo(), 0)  # idempotent: nothing waits for a decision now
        office = {d.code: d for d in Dossier.objects.filter(agency__code=OFFICE)}
        meeting, reform = office["000.00.01.H62.2024.01"], office["000.00.01.H62.2024.02"]
        self.assertIsNotNone(reform.published_at)
        self.assertIsNone(meeting.published_at)  # Sử dụng có điều kiện stays unpublished
        event = AuditEvent.objects.filter(action="records.publish").first()
        assert event is not None
        self.assertEqual(event.actor_name, "lanhdao")
        self.assertEqual(self.client.get(f"/ho-so/{reform.code}/").status_code, 200)
        document = reform.documents.order_by("ordinal").first()
        assert document is not None
        page = self.client.get(f"/tai-lieu/{document.archival_code}/")
        self.assertContains(page, "Đọc trực tuyến")
        self.assertEqual(self.client.get(f"/ho-so/{meeting.code}/").status_code, 404)

    def test_the_demo_has_an_exhibition_for_national_day(self) -> None:
        publish_demo()
        shown = seed_exhibition()
        self.assertGreater(shown, 0)
        self.assertEqual(seed_exhibition(), 0)  # idempotent
        page = self.client.get("/trien-lam/quoc-khanh-2-9/")
        self.assertContains(page, "Mừng Quốc khánh 2/9")
        self.assertEqual(page.content.count(b'class="exhibit-item"'), shown)

    def test_every_document_has_one_stored_pdf_with_the_declared_pages(self) -> None:
        documents = Document.objects.filter(dossier__code__in=dossier_codes())
        self.assertEqual(documents.count(), 17)
        page_counts = []
        for document in documents:
            with self.subTest(document.archival_code):
                [file] = DocumentFile.objects.select_related("stored").filter(document=document)
                self.assertEqual(file.stored.mime, "application/pdf")
                self.assertTrue(file.has_text)  # born digital: no OCR needed
                self.assertTrue(file.pdfa.startswith("2"), file.pdfa)
                with (
                    open_stored(file.stored.sha256) as handle,
                    pikepdf.open(io.BytesIO(handle.read())) as pdf,
                ):
                    pages = len(pdf.pages)
                self.assertEqual(pages, document.page_count)
                self.assertEqual(pages, file.page_count)
                page_counts.append(pages)
        self.assertEqual(set(page_counts), {1, 2})  # the count is measured, not assumed

    def test_the_pdfs_are_vietnamese_administrative_documents(self) -> None:
        pdftotext = shutil.which("pdftotext")
        self.assertIsNotNone(pdftotext, "pdftotext is missing: make install adds poppler-utils")
        assert pdftotext is not None
        document = Document.objects.get(archival_code="000.00.03.H62.2023.01.0000004")
        file = document.files.get()
        with open_stored(file.stored.sha256) as handle:
            data = handle.read()
        result = subprocess.run(  # noqa: S603 - a fixed local tool on our own file
            [pdftotext, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
        )
        text = unicodedata.normalize("NFC", result.stdout.decode("utf-8"))
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "ỦY BAN NHÂN DÂN",
            "Số: 2718/QĐ-UBND",
            "Sơn Nam, ngày 12 tháng 12 năm 2023",
            "QUYẾT ĐỊNH",
            "giao dự toán thu, chi ngân sách nhà nước năm 2024",
            "Điều 1.",
            "Nơi nhận:",
            "Trịnh Quốc Bảo",
        ):
            self.assertIn(expected, text)
        self.assertEqual(document.doc_type, "02")
        self.assertEqual(document.issued_date, datetime.date(2023, 12, 12))  # an Excel date cell
        self.assertEqual(document.issuer, "Ủy ban nhân dân tỉnh Sơn Nam")

    def test_seeding_again_returns_zero_and_adds_nothing(self) -> None:
        before, blobs = row_counts(), stored_blobs()
        last_event = AuditEvent.objects.order_by("-seq").first()
        self.assertEqual(seed_collection(), 0)
        self.assertEqual(row_counts(), before)
        self.assertEqual(stored_blobs(), blobs)
        self.assertEqual(AuditEvent.objects.order_by("-seq").first(), last_event)

    def test_the_audit_chain_still_verifies(self) -> None:
        report = verify_chain()
        self.assertTrue(report.ok, report.problem)
        accepted = AuditEvent.objects.filter(action="ingest.transfer_accept")
        self.assertEqual(accepted.count(), len(packages()))

    def test_the_packages_use_both_spreadsheet_forms(self) -> None:
        root = self.tmp / "goi"
        finance = write_package(packages()[0], root)
        office = write_package(packages()[1], root)
        self.assertTrue((finance / "ho_so.xlsx").is_file())
        self.assertTrue((finance / "tai_lieu.xlsx").is_file())
        raw = (office / "tai_lieu.csv").read_bytes()
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))  # UTF-8 with BOM, as Excel saves it
        self.assertIn("Trích yếu nội dung", raw.decode("utf-8-sig"))


class DemoCommandCollectionTests(IsolatedStorageTestCase):
    def test_the_demo_command_loads_the_transfers_once(self) -> None:
        out = StringIO()
        call_command("demo", "--no-serve", stdout=out)
        self.assertIn(f"Đã tiếp nhận {len(packages())} lần nộp lưu mẫu", out.getvalue())
        self.assertIn("hồ sơ, tài liệu Công khai mẫu", out.getvalue())
        before = row_counts()
        out = StringIO()
        call_command("demo", "--no-serve", stdout=out)
        self.assertIn("Các lần nộp lưu mẫu đã có trong kho", out.getvalue())
        self.assertEqual(row_counts(), before)
