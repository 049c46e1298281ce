"""Image-only PDFs and TIFF scans that arrive in a transfer package get a searchable PDF/A
derivative beside the untouched original, made by the worker after the ingest commits."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command

from luutru.accounts.models import Role
from luutru.digitization import samples
from luutru.digitization.derivatives import make_derivatives
from luutru.digitization.models import FileText
from luutru.ingest.actions import accept_transfer, ingest, receive_package
from luutru.ingest.models import TransferState
from luutru.ingest.tests.factory import DOSSIER, document, write_package
from luutru.organizations.models import Agency
from luutru.records.models import DocumentFile, Dossier, FileRole
from luutru.records.tests.factory import publish
from luutru.search import services
from luutru.test import WorkerTestCase, make_agency, make_user


class IngestedScanTests(WorkerTestCase):
    """The worker runs real tasks: the ingest's OCR task, then the indexing task."""

    def setUp(self) -> None:
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        isolated = self.settings(STORAGE_ROOT=tmp / "kho", INGEST_WORK_DIR=tmp / "work")
        isolated.enable()
        self.addCleanup(isolated.disable)
        self.tmp = tmp
        self.agency: Agency = make_agency("000.00.12.H62", "Sở Tài nguyên và Môi trường")
        make_user("vanthu", Role.CLERK, self.agency)
        services.reindex()

    def test_scans_in_a_package_become_searchable_and_the_originals_stay(self) -> None:
        scan = samples.page_image(samples.LAND, dpi=200, height_inches=2.6)
        pdf = samples.image_bytes(scan, "PDF", dpi=200)
        tiff = samples.image_bytes(samples.page_image(samples.REPORT, height_inches=2.0), "TIFF")
        rows = [document(1), document(2, pages=1)]
        rows[1]["Tệp tin"] = "tai_lieu/02.tif"
        package = write_package(
            self.tmp / "goi",
            documents=rows,
            files={"tai_lieu/01.pdf": pdf, "tai_lieu/02.tif": tiff},
        )
        transfer = ingest(receive_package(package, agency=self.agency, actor=None))
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        transfer = accept_transfer(transfer, None)  # the archive takes it into the holdings
        publish(*Dossier.objects.filter(code=DOSSIER["Mã hồ sơ"]))  # the public searches below
        originals = {f.name: f for f in DocumentFile.objects.all()}
        self.assertEqual(set(originals), {"01.pdf", "02.tif"})
        self.assertIs(originals["01.pdf"].has_text, False)

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

        derivatives = DocumentFile.objects.filter(role=FileRole.DERIVATIVE).order_by("name")
        self.assertEqual([d.name for d in derivatives], ["01.ocr.pdf", "02.ocr.pdf"])
        self.assertTrue(all(d.pdfa == "2B" and d.has_text for d in derivatives))
        for name, original in originals.items():
            original.refresh_from_db()
            self.assertEqual(original.role, FileRole.ORIGINAL, name)
        land = FileText.objects.get(source=originals["01.pdf"])
        self.assertIn("quyền sử dụng đất", land.text)

        found = services.search(None, "giấy chứng nhận quyền sử dụng đất")
        self.assertEqual([h.code for h in found.hits], [f"{DOSSIER['Mã hồ sơ']}.0000001"])
        self.assertEqual(services.search(None, "mười nghìn trang").count, 1)

        self.assertEqual(make_derivatives(list(originals[n].pk for n in originals)), 0)
        self.assertEqual(DocumentFile.objects.filter(role=FileRole.DERIVATIVE).count(), 2)
