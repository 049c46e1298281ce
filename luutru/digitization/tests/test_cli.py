"""`luutru digitize FOLDER --dossier CODE --json`: a scanning station's folder becomes documents
with two-layer PDF/A, or is refused with Vietnamese reasons and nothing half-built."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, ClassVar

import pikepdf
from django.core.management import call_command
from django.test import override_settings

from luutru.digitization import actions, samples
from luutru.digitization.management.commands.digitize import items_from_folder
from luutru.digitization.models import BatchState, FileText, PageState, ScanBatch, ScanPage
from luutru.digitization.tests.factory import describe_all
from luutru.records.models import Document, FileRole
from luutru.records.tests.factory import make_dossier
from luutru.search import services as search
from luutru.storage.services import backend, open_stored, replica
from luutru.test import BaseTestCase


def run(folder: Path, code: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    try:
        call_command("digitize", str(folder), "--dossier", code, "--json", stdout=out)
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, json.loads(out.getvalue())


class DigitizeFolderTests(BaseTestCase):
    folder: ClassVar[Path]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.folder = Path(tempfile.mkdtemp(prefix="luutru-scan-"))
        # Document 1: a sub-folder with one page; document 2: a one-page image PDF.
        (cls.folder / "01").mkdir()
        page = samples.page_image(height_inches=3.2)
        samples.write(cls.folder / "01" / "trang-1.jpg", page, fmt="JPEG")
        land = samples.page_image(samples.LAND, dpi=300, height_inches=3.0, font_index=1)
        samples.write(cls.folder / "02.pdf", land.convert("RGB"), fmt="PDF", dpi=300)

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.folder, ignore_errors=True)
        super().tearDownClass()

    def test_a_folder_becomes_searchable_digitized_documents(self) -> None:
        dossier = make_dossier(self.agency_a, 7, reliability="", paper_code="")
        status, outcome = run(self.folder, dossier.code)
        # Recognised, then waiting for the operator to confirm what each document is.
        self.assertEqual(status, 1, outcome)
        self.assertEqual({e["code"] for e in outcome["errors"]}, {"needs_description"})
        self.assertIn("Tài liệu 2: chưa có tên loại tài liệu, số, ký hiệu", str(outcome["errors"]))
        self.assertIn("mã hồ sơ gốc giấy", outcome["errors"][-1]["message"])
        self.assertFalse(dossier.documents.exists())
        describe_all(ScanBatch.objects.get())
        out = io.StringIO()
        call_command("digitize", "--resume", outcome["batch"], "--json", stdout=out)
        outcome = json.loads(out.getvalue())
        self.assertTrue(outcome["accepted"])
        self.assertEqual(outcome["errors"], [])
        self.assertEqual([d["pages"] for d in outcome["documents"]], [1, 1])
        first, second = outcome["documents"]
        self.assertEqual(first["code"], f"{dossier.code}.0000001")
        self.assertEqual(first["file"], f"{dossier.code}.0000001.pdf")
        with open_stored(first["sha256"]) as stored:
            data = stored.read()
        with pikepdf.open(io.BytesIO(data)) as pdf:
            self.assertEqual(pdf.open_metadata().pdfa_status, "2B")
            [scan] = pdf.pages[0].get_images(recursive=False).values()
            jpeg = (self.folder / "01" / "trang-1.jpg").read_bytes()
            self.assertEqual(scan.read_raw_bytes(), jpeg)  # embedded as scanned, not re-encoded
        text = subprocess.run(
            ["/usr/bin/pdftotext", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
        self.assertIn("ngân sách nhà nước", text)
        self.assertIn("QUYẾT ĐỊNH", text)

        document = Document.objects.get(archival_code=second["code"])
        self.assertEqual(document.reliability, "02")
        roles = sorted(document.files.values_list("role", flat=True))
        self.assertEqual(roles, sorted([FileRole.ORIGINAL, FileRole.PROCESS_TRAIL]))
        self.assertIn("đất", FileText.objects.get(file__document=document).text)
        dossier.refresh_from_db()
        self.assertEqual(dossier.reliability, "02")
        # The PDF/A and the kept scans are in both storages, like every accepted file.
        for digest in document.files.values_list("stored__sha256", flat=True):
            self.assertTrue(backend().exists(digest) and replica().exists(digest), digest)

        search.index_documents([document.pk])
        hits = search.search(self.archivist, "giấy chứng nhận quyền sử dụng đất")
        self.assertIn(document.archival_code, [h.code for h in hits.hits])

    def test_bad_files_refuse_the_whole_folder_with_a_reason_each(self) -> None:
        dossier = make_dossier(self.agency_a, 8)
        bad = Path(tempfile.mkdtemp(prefix="luutru-bad-scan-"))
        self.addCleanup(shutil.rmtree, bad, True)
        (bad / "01-rong.png").write_bytes(b"")
        (bad / "02-ghi-chu.txt").write_text("không phải ảnh", encoding="utf-8")
        (bad / "03-hong.png").write_bytes(samples.image_bytes(samples.page_image())[:400])
        locked = pikepdf.new()
        locked.add_blank_page()
        locked.save(bad / "04-khoa.pdf", encryption=pikepdf.Encryption(owner="a", user="b"))
        status, outcome = run(bad, dossier.code)
        self.assertEqual(status, 1)
        self.assertFalse(outcome["accepted"])
        codes = {e["file"]: e["code"] for e in outcome["errors"]}
        self.assertEqual(
            codes,
            {
                "01-rong.png": "empty_file",
                "02-ghi-chu.txt": "not_an_image",
                "03-hong.png": "damaged_file",
                "04-khoa.pdf": "encrypted",
            },
        )
        self.assertTrue(all(e["message"] for e in outcome["errors"]))
        self.assertIn("mật khẩu", outcome["errors"][3]["message"])
        self.assertFalse(ScanBatch.objects.exists())
        self.assertFalse(dossier.documents.exists())

    @override_settings(DIGITIZATION_MAX_PAGES=3)
    def test_an_oversize_batch_is_refused_before_anything_is_stored(self) -> None:
        dossier = make_dossier(self.agency_a, 9)
        big = Path(tempfile.mkdtemp(prefix="luutru-big-scan-"))
        self.addCleanup(shutil.rmtree, big, True)
        frames = [samples.page_image(dpi=50, height_inches=1) for _ in range(4)]
        frames[0].save(big / "tap.tif", save_all=True, append_images=frames[1:], dpi=(50, 50))
        status, outcome = run(big, dossier.code)
        self.assertEqual(status, 1)
        self.assertEqual([e["code"] for e in outcome["errors"]], ["too_many_pages"])
        self.assertIn("vượt giới hạn 3 trang", outcome["errors"][0]["message"])
        self.assertFalse(ScanBatch.objects.exists())

    def test_a_50_dpi_scan_goes_back_to_the_operator(self) -> None:
        dossier = make_dossier(self.agency_a, 10)
        low = Path(tempfile.mkdtemp(prefix="luutru-low-scan-"))
        self.addCleanup(shutil.rmtree, low, True)
        samples.write(low / "mo.png", samples.page_image(dpi=50), dpi=50)
        status, outcome = run(low, dossier.code)
        self.assertEqual(status, 1)
        self.assertFalse(outcome["accepted"])
        [document] = outcome["documents"]
        self.assertEqual(document["code"], "")
        low_res = [q for q in document["qa"] if q["code"] == "low_resolution"]
        self.assertEqual(len(low_res), 1)
        self.assertIn("50 dpi", low_res[0]["message"])
        self.assertIn("200 dpi", low_res[0]["message"])
        self.assertIn("50 dpi", outcome["errors"][0]["message"])
        self.assertFalse(dossier.documents.exists())
        self.assertEqual(ScanBatch.objects.get().state, "review")


class ResumeTests(BaseTestCase):
    def test_a_batch_left_by_a_crashed_worker_resumes_at_the_first_page_not_done(self) -> None:
        dossier = make_dossier(self.agency_a, 11)
        folder = Path(tempfile.mkdtemp(prefix="luutru-resume-scan-"))
        self.addCleanup(shutil.rmtree, folder, True)
        (folder / "01").mkdir()
        for number in (1, 2):
            image = samples.page_image([f"Trang số {number} của biên bản"], height_inches=1.0)
            samples.write(folder / "01" / f"{number}.png", image)
        items = items_from_folder(folder)
        batch = actions.create_batch(dossier, items, actor=None, source="folder")
        actions.process_batch(batch.pk)
        describe_all(batch)
        # What a killed worker leaves: the first page saved, the second not, the batch running.
        first, second = ScanPage.objects.filter(item__batch=batch).order_by("position")
        second.state, second.pdf, second.text = PageState.PENDING, None, ""
        second.save()
        ScanBatch.objects.filter(pk=batch.pk).update(state=BatchState.RUNNING, page_done=1)

        out = io.StringIO()
        call_command("digitize", "--resume", str(batch.pk), "--json", stdout=out)
        outcome = json.loads(out.getvalue())
        self.assertTrue(outcome["accepted"], outcome)
        self.assertEqual(outcome["documents"][0]["pages"], 2)
        again = ScanPage.objects.get(pk=first.pk)
        self.assertEqual(again.processed_at, first.processed_at)  # not recognised twice
        self.assertIn("Trang số 2", ScanPage.objects.get(pk=second.pk).text)
