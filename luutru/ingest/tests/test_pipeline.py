"""All-or-nothing ingest: each defect is named, and a rejected package leaves no trace."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import ClassVar
from unittest import mock

import pikepdf
from django.conf import settings
from django.test import TestCase

from luutru.ingest import pipeline
from luutru.ingest.actions import ingest, receive_package
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.factory import DOSSIER, document, pdf_bytes, png_bytes, write_package
from luutru.organizations import actions
from luutru.organizations.models import Agency
from luutru.records.models import Document, DocumentFile, Dossier, FilePlan, FilePlanEntry
from luutru.storage.models import StoredFile
from luutru.test import SAMPLES


class PipelineTestCase(TestCase):
    agency: ClassVar[Agency]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.agency = actions.create_agency(
            actor=None, code="000.00.12.H62", name="Sở Tài nguyên và Môi trường", kind="department"
        )

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        isolated = self.settings(
            STORAGE_ROOT=self.tmp / "kho", INGEST_WORK_DIR=self.tmp / "work"
        )  # every test sees only its own stored files
        isolated.enable()
        self.addCleanup(isolated.disable)

    def run_package(self, path: Path, dry_run: bool = False) -> Transfer:
        transfer = receive_package(path, agency=self.agency, actor=None, dry_run=dry_run)
        return ingest(transfer)

    def codes(self, transfer: Transfer) -> set[str]:
        return {e["code"] for e in transfer.errors}

    def stored_blobs(self) -> list[Path]:
        root = Path(settings.STORAGE_ROOT)
        return [p for p in root.rglob("*") if p.is_file() and ".incoming" not in p.parts]

    def snapshot(self) -> tuple[int, int, int, int, int]:
        return (
            Dossier.objects.count(),
            Document.objects.count(),
            DocumentFile.objects.count(),
            StoredFile.objects.count(),
            len(self.stored_blobs()),
        )


class AcceptanceTests(PipelineTestCase):
    def test_a_good_package_creates_its_records_and_stores_each_file_once(self) -> None:
        transfer = self.run_package(write_package(self.tmp / "goi"))
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        dossier = Dossier.objects.get(code="000.00.12.H62.2024.01")
        self.assertEqual((dossier.year, dossier.notation), (2024, "01"))
        self.assertEqual(dossier.retention, "01")
        codes = list(dossier.documents.values_list("archival_code", flat=True))
        self.assertEqual(codes, ["000.00.12.H62.2024.01.0000001", "000.00.12.H62.2024.01.0000002"])
        files = DocumentFile.objects.filter(document__dossier=dossier)
        self.assertEqual(sorted(f.page_count for f in files), [1, 2])
        for stored in StoredFile.objects.all():
            self.assertEqual(stored.mime, "application/pdf")
            self.assertTrue(stored.puid.startswith("fmt/"))

    def test_a_dry_run_checks_everything_and_writes_nothing(self) -> None:
        before = self.snapshot()
        transfer = self.run_package(write_package(self.tmp / "goi"), dry_run=True)
        self.assertEqual(transfer.state, TransferState.CHECKED)
        self.assertEqual(transfer.document_count, 2)
        self.assertEqual(self.snapshot(), before)

    def test_a_zipped_package_is_read_like_a_folder(self) -> None:
        folder = write_package(self.tmp / "goi")
        archive = self.tmp / "goi.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for path in folder.rglob("*"):
                zipped.write(path, Path("goi") / path.relative_to(folder))
        self.assertEqual(self.run_package(archive).state, TransferState.RECEIVED)


class RejectionTests(PipelineTestCase):
    def assert_rejected(self, path: Path, code: str) -> Transfer:
        before = self.snapshot()
        transfer = self.run_package(path)
        self.assertEqual(transfer.state, TransferState.REJECTED)
        self.assertIn(code, self.codes(transfer), transfer.errors)
        self.assertEqual(self.snapshot(), before, "a rejected package must leave no trace")
        return transfer

    def test_reversed_dates(self) -> None:
        bad = dict(
            DOSSIER, **{"Thời gian bắt đầu": "31/12/2024", "Thời gian kết thúc": "01/01/2024"}
        )
        self.assert_rejected(write_package(self.tmp / "p", dossiers=[bad]), "bad_date")

    def test_an_impossible_date(self) -> None:
        bad = dict(DOSSIER, **{"Thời gian bắt đầu": "31/02/2024"})
        transfer = self.assert_rejected(write_package(self.tmp / "p", dossiers=[bad]), "bad_date")
        error = next(e for e in transfer.errors if e["code"] == "bad_date")
        self.assertEqual(
            (error["file"], error["row"], error["field"]), ("ho_so.csv", 2, "Thời gian bắt đầu")
        )

    def test_a_code_outside_the_list(self) -> None:
        bad = dict(DOSSIER, **{"Thời hạn lưu trữ": "100 năm"})
        self.assert_rejected(write_package(self.tmp / "p", dossiers=[bad]), "bad_code")

    def test_an_over_long_title(self) -> None:
        bad = dict(DOSSIER, **{"Tiêu đề hồ sơ": "Đ" * 1001})
        self.assert_rejected(write_package(self.tmp / "p", dossiers=[bad]), "too_long")

    def test_a_duplicate_dossier_code_inside_the_package(self) -> None:
        self.assert_rejected(
            write_package(self.tmp / "p", dossiers=[dict(DOSSIER), dict(DOSSIER)]), "duplicate"
        )

    def test_a_file_no_row_names(self) -> None:
        docs = [document(1), document(2, pages=2)]
        files = {d["Tệp tin"]: pdf_bytes(int(d["Số lượng trang"])) for d in docs}
        files["tai_lieu/thua.pdf"] = pdf_bytes()
        self.assert_rejected(
            write_package(self.tmp / "p", documents=docs, files=files), "unlisted_file"
        )

    def test_a_file_whose_content_is_not_its_extension(self) -> None:
        docs = [document(1), document(2, pages=2)]
        files = {d["Tệp tin"]: pdf_bytes(int(d["Số lượng trang"])) for d in docs}
        files["tai_lieu/01.pdf"] = png_bytes()
        self.assert_rejected(
            write_package(self.tmp / "p", documents=docs, files=files), "format_mismatch"
        )

    def test_a_pdf_with_javascript(self) -> None:
        docs = [document(1), document(2, pages=2)]
        files = {"tai_lieu/01.pdf": pdf_bytes(1, javascript=True), "tai_lieu/02.pdf": pdf_bytes(2)}
        self.assert_rejected(
            write_package(self.tmp / "p", documents=docs, files=files), "active_content"
        )

    def test_a_signed_pdf_altered_after_signing(self) -> None:
        signed = (
            SAMPLES / "valid" / "spreadsheet_small" / "tai_lieu" / "HS13" / "03_674-QD-UBND.pdf"
        )
        data = bytearray(signed.read_bytes())
        data[12] ^= 0x01  # inside the signed range; still a readable PDF
        with pikepdf.open(signed) as sample:
            pages = len(sample.pages)
        docs = [document(1, pages=pages), document(2, pages=2)]
        files = {"tai_lieu/01.pdf": bytes(data), "tai_lieu/02.pdf": pdf_bytes(2)}
        transfer = self.assert_rejected(
            write_package(self.tmp / "p", documents=docs, files=files), "bad_signature"
        )
        [error] = [e for e in transfer.errors if e["code"] == "bad_signature"]
        self.assertIn("tai_lieu/01.pdf", error["message"])

    def test_a_damaged_pdf(self) -> None:
        docs = [document(1), document(2, pages=2)]
        files = {
            "tai_lieu/01.pdf": b"%PDF-1.7\n" + b"garbage" * 50,
            "tai_lieu/02.pdf": pdf_bytes(2),
        }
        self.assert_rejected(
            write_package(self.tmp / "p", documents=docs, files=files), "damaged_file"
        )

    def test_a_page_count_that_disagrees_with_the_file(self) -> None:
        docs = [document(1, pages=1), document(2, pages=2)]
        files = {"tai_lieu/01.pdf": pdf_bytes(3), "tai_lieu/02.pdf": pdf_bytes(2)}
        self.assert_rejected(
            write_package(self.tmp / "p", documents=docs, files=files), "page_count_mismatch"
        )

    def test_a_zip_entry_escaping_the_package(self) -> None:
        archive = self.tmp / "xau.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("../../ngoai.txt", "x")
        self.assert_rejected(archive, "unsafe_archive")

    def test_a_zip_bomb(self) -> None:
        archive = self.tmp / "bom.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            zipped.writestr("goi/ho_so.csv", b"0" * (60 * 1024 * 1024))
        self.assert_rejected(archive, "unsafe_archive")

    def test_a_password_protected_zip_is_refused_as_encrypted_naming_the_entry(self) -> None:
        """docs/interfaces.md (Ingest errors): the specific code, not a blanket unsafe_archive,
        so the sender knows to send the package without a password."""
        archive = self.tmp / "mat_khau.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("goi/ho_so.csv", b"x")
        data = bytearray(archive.read_bytes())
        for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            data[data.index(signature) + flag_offset] |= 0x01
        archive.write_bytes(bytes(data))
        transfer = self.assert_rejected(archive, "encrypted")
        self.assertEqual([(e["code"], e["file"]) for e in transfer.errors], [
            ("encrypted", "goi/ho_so.csv")
        ])  # fmt: skip

    def test_an_unreadable_zip_is_a_damaged_file(self) -> None:
        archive = self.tmp / "hong.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            zipped.writestr("goi/ho_so.csv", b"ma ho so\n" * 1000)
        data = bytearray(archive.read_bytes())
        start = data.index(b"PK\x03\x04") + 30 + len("goi/ho_so.csv")
        data[start : start + 20] = b"\xff" * 20  # the deflated bytes, not the directory
        archive.write_bytes(bytes(data))
        self.assert_rejected(archive, "damaged_file")

    def test_a_defect_of_one_file_names_that_file_and_where_the_list_names_it(self) -> None:
        """docs/interfaces.md (Ingest errors): ``file`` is the defective file's path inside the
        package; ``row`` and ``field`` say where the metadata lists it."""
        docs = [document(1), document(2, pages=2)]
        files = {
            "tai_lieu/01.pdf": b"%PDF-1.7\n" + b"garbage" * 50,
            "tai_lieu/02.pdf": pdf_bytes(2),
        }
        transfer = self.assert_rejected(
            write_package(self.tmp / "p", documents=docs, files=files), "damaged_file"
        )
        [error] = [e for e in transfer.errors if e["code"] == "damaged_file"]
        self.assertEqual(error["file"], "tai_lieu/01.pdf")
        self.assertIsNotNone(error["row"])
        self.assertTrue(error["field"])

    def test_an_empty_folder(self) -> None:
        (self.tmp / "rong").mkdir()
        self.assert_rejected(self.tmp / "rong", "empty_package")

    def test_a_dossier_already_in_the_archive(self) -> None:
        self.assertEqual(
            self.run_package(write_package(self.tmp / "a")).state, TransferState.RECEIVED
        )
        self.assert_rejected(write_package(self.tmp / "b"), "already_transferred")


class CrashTests(PipelineTestCase):
    def test_a_crash_after_storing_is_finished_by_running_again_without_duplicates(self) -> None:
        transfer = receive_package(write_package(self.tmp / "goi"), agency=self.agency, actor=None)

        def power_cut(run: pipeline.Run) -> None:
            raise OSError("mất điện")

        steps = [
            (name, label, power_cut if name == "create_records" else step)
            for name, label, step in pipeline.WRITING_STEPS
        ]
        with mock.patch.object(pipeline, "WRITING_STEPS", steps), self.assertRaises(OSError):
            ingest(transfer)
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.FAILED)
        self.assertEqual(len(transfer.stored_digests), 2)
        self.assertEqual((Dossier.objects.count(), StoredFile.objects.count()), (0, 0))

        finished = ingest(transfer)  # what `luutru ingest --resume ID` does
        self.assertEqual(finished.state, TransferState.RECEIVED)
        self.assertEqual(Document.objects.count(), 2)
        self.assertEqual(StoredFile.objects.count(), 2)
        self.assertEqual(len(self.stored_blobs()), 2)


class FilePlanLinkTests(PipelineTestCase):
    def test_an_ingested_dossier_answers_its_file_plan_entry(self) -> None:
        plan = FilePlan.objects.create(agency=self.agency, year=2024)
        entry = FilePlanEntry.objects.create(
            plan=plan, notation="01", title="Hồ sơ đất đai", retention="01"
        )
        self.assertEqual(self.run_package(write_package(self.tmp / "p")).state, "received")
        self.assertEqual(Dossier.objects.get().plan_entry, entry)


class AttachmentTests(PipelineTestCase):
    def package_with_attachment(self, name: str, data: bytes) -> Path:
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data, filename=name)
        path = self.tmp / "dinh_kem.pdf"
        pdf.save(path)
        files = {"tai_lieu/01.pdf": path.read_bytes(), "tai_lieu/02.pdf": pdf_bytes(2)}
        docs = [document(1), document(2, pages=2)]
        return write_package(self.tmp / "p", documents=docs, files=files)

    def test_a_pdf_with_embedded_files_is_received_with_a_warning_naming_them(self) -> None:
        """TT 05/2025: what the archive keeps is identified; a PDF's attachments are named
        with their format so the archivist can review them."""
        transfer = self.run_package(self.package_with_attachment("ghi_chu.txt", b"ghi chu\n"))
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        [warning] = [w for w in transfer.warnings if w["code"] == "embedded_files"]
        self.assertEqual(warning["file"], "tai_lieu/01.pdf")
        self.assertIn("ghi_chu.txt", warning["message"])

    def test_an_executable_attachment_is_refused_as_active_content(self) -> None:
        """TT 05/2025: archival records carry no active content, attached programs included."""
        transfer = self.run_package(
            self.package_with_attachment("cai_dat.exe", b"MZ\x90\x00" + b"\x00" * 200)
        )
        self.assertEqual(transfer.state, TransferState.REJECTED)
        [error] = [e for e in transfer.errors if e["code"] == "active_content"]
        self.assertEqual(error["file"], "tai_lieu/01.pdf")
        self.assertIn("cai_dat.exe", error["message"])
