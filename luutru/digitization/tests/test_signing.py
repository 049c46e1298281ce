"""Every PDF/A digitization makes is signed by the archive (PAdES), stays PDF/A, verifies
against the demo CA, and reaches the AIP byte for byte."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path
from typing import ClassVar

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from pikepdf.pdfa import validate_written

from luutru.digitization import actions, samples
from luutru.digitization.models import ScanBatch
from luutru.digitization.tests.factory import describe_all
from luutru.lib.signatures import verify_pdf_signatures
from luutru.preservation.aip import write_aip
from luutru.records.models import Document, FileRole
from luutru.records.tests.factory import make_dossier
from luutru.storage.services import open_stored
from luutru.test import BaseTestCase


class SignedPdfaTests(BaseTestCase):
    folder: ClassVar[Path]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.folder = Path(tempfile.mkdtemp(prefix="luutru-signed-"))

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.folder, ignore_errors=True)
        super().tearDownClass()

    def recognised_batch(self) -> ScanBatch:
        dossier = make_dossier(self.agency_a, 6, reliability="", paper_code="")
        image = samples.page_image(samples.HEADED, height_inches=2.2)
        path = samples.write(self.folder / "trang-1.png", image)
        item = actions.ItemSpec(files=[actions.Upload(path, "trang-1.png")])
        batch = actions.create_batch(dossier, [item], actor=self.archivist, source="folder")
        actions.process_batch(batch.pk)
        describe_all(batch)
        return batch

    def test_the_digitized_pdfa_is_signed_verifies_and_reaches_the_aip_unchanged(self) -> None:
        """TT 05/2025 Điều 8 (regulations.md §2.1): the digitizing agency's digital signature,
        showing its name and the time, at the top right of page 1; output PDF/A (2B here)."""
        batch = self.recognised_batch()
        with self.captureOnCommitCallbacks(execute=True):
            [document] = actions.accept_batch(batch, actor=self.archivist)
        original = document.files.get(role=FileRole.ORIGINAL)
        with open_stored(original.stored.sha256) as stored:
            data = stored.read()
        signed = self.folder / "signed.pdf"
        signed.write_bytes(data)

        [report] = verify_pdf_signatures(signed, [Path(p) for p in settings.ACCESS_SIGNING_CHAIN])
        self.assertTrue(report.intact and report.valid and report.trusted, report.summary)
        self.assertTrue(report.covers_whole_file)
        self.assertEqual(report.signer, "Trung tâm Lưu trữ lịch sử tỉnh")
        untrusted = verify_pdf_signatures(signed, [])
        self.assertFalse(untrusted[0].trusted)  # trust comes from the demo CA, not the file

        with pikepdf.open(io.BytesIO(data)) as pdf:
            self.assertEqual(pdf.open_metadata().pdfa_status, "2B")
            [widget] = [a for a in pdf.pages[0].Annots if a.get("/FT") == "/Sig"]
            width = float(pdf.pages[0].mediabox[2])
            self.assertGreater(float(widget.Rect[0]), width / 2)  # top right, visible
        self.assertEqual(validate_written(io.BytesIO(data), "2b").violations, ())

        result = write_aip(batch.dossier, self.folder / "aip")
        [packed] = [f for f in result.files if f.row.pk == original.pk]
        self.assertEqual((result.path / packed.identifier).read_bytes(), data)

    def test_without_the_archive_certificate_nothing_is_accepted(self) -> None:
        """TT 05/2025 Điều 8: a digitized record without the agency's signature has no legal
        value, so acceptance waits until the certificate is configured."""
        batch = self.recognised_batch()
        missing = str(self.folder / "khong-co.crt")
        with override_settings(DIGITIZATION_SIGNING_CERT=missing, DIGITIZATION_SIGNING_KEY=missing):
            problems = actions.blocking_problems(batch)
            self.assertIn("Chưa có chứng thư số của cơ quan lưu trữ", " ".join(problems))
            with self.assertRaises(ValidationError):
                actions.accept_batch(batch, actor=self.archivist)
        self.assertFalse(Document.objects.filter(dossier=batch.dossier).exists())
