"""PDF to PDF/A migration: a recorded PREMIS event, the original kept, both in the AIP."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from lxml import etree
from weasyprint import HTML

from luutru.preservation import premis
from luutru.preservation.aip import write_aip
from luutru.preservation.migration import candidates
from luutru.preservation.models import EventType, Outcome, PremisEvent
from luutru.preservation.tests.helpers import StorageTestCase, attach, primary_path, store_bytes
from luutru.preservation.tests.test_aip import mets_schema, premis_schema
from luutru.records.models import DocumentFile, FileRole
from luutru.records.tests.factory import make_document, make_dossier

NS = {"premis": premis.PREMIS_NS}


def text_pdf(text: str) -> bytes:
    return bytes(HTML(string=f"<h1>{text}</h1><p>Trang có chữ tiếng Việt.</p>").write_pdf())


class MigrationTests(StorageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dossier = make_dossier(self.agency_a)
        self.document = make_document(self.agency_a, self.dossier)
        self.original_bytes = text_pdf("Quyết định giao đất số 12/QĐ-UBND")
        stored = store_bytes(
            self.original_bytes,
            "qd.pdf",
            mime="application/pdf",
            puid="fmt/17",
            format_name="Acrobat PDF 1.3",
        )
        self.original = attach(self.document, stored, "quyet-dinh-12.pdf", pdfa="", page_count=1)

    def pdfa(self) -> dict[str, object]:
        out = io.StringIO()
        with contextlib.suppress(SystemExit):  # exit 1 when a file could not be converted
            call_command("pdfa", "--dossier", self.dossier.code, "--json", stdout=out)
        result: dict[str, object] = json.loads(out.getvalue())
        return result

    def test_a_pdf_gets_a_checked_pdfa_copy_and_the_original_stays(self) -> None:
        outcome = self.pdfa()
        self.assertEqual(outcome["files"][0]["converted"], True, outcome)  # type: ignore[index]
        derivative = DocumentFile.objects.get(document=self.document, role=FileRole.DERIVATIVE)
        self.assertEqual(derivative.pdfa, "2B")
        self.assertEqual(derivative.name, "quyet-dinh-12.pdfa.pdf")
        self.assertEqual(primary_path(self.original.stored).read_bytes(), self.original_bytes)
        event = PremisEvent.objects.get(event_type=EventType.MIGRATION)
        self.assertEqual(
            (event.outcome, event.stored_file, event.result_file),
            (Outcome.SUCCESS, self.original.stored, derivative.stored),
        )
        self.assertIn("cùng nội dung chữ", event.outcome_detail)
        self.assertFalse(candidates(self.dossier).exists(), "a migrated file is not done twice")
        self.assertEqual(self.pdfa()["files"], [])

        with tempfile.TemporaryDirectory() as folder:
            root = write_aip(self.dossier, Path(folder)).path
            rep1, rep2 = root / "representations" / "rep1", root / "representations" / "rep2"
            self.assertEqual(
                (rep1 / "data" / f"{self.document.archival_code}.pdf").read_bytes(),
                self.original_bytes,
            )
            self.assertTrue((rep2 / "data" / f"{self.document.archival_code}.pdf").is_file())
            for mets_file in (root / "METS.xml", rep2 / "METS.xml"):
                self.assertTrue(mets_schema().validate(etree.parse(str(mets_file))))
            document = etree.parse(str(rep2 / "metadata/preservation/PREMIS_rep2.xml"))
            self.assertTrue(premis_schema().validate(document), premis_schema().error_log)
            source = document.findtext(
                ".//premis:relationship[premis:relationshipType='derivation']"
                "/premis:relatedObjectIdentifier/premis:relatedObjectIdentifierValue",
                namespaces=NS,
            )
            self.assertEqual(source, f"representations/rep1/data/{self.document.archival_code}.pdf")
            self.assertEqual(document.findtext(".//premis:eventType", namespaces=NS), "migration")

    def test_a_pdf_that_cannot_be_converted_is_recorded_and_nothing_is_kept(self) -> None:
        broken = store_bytes(
            b"%PDF-1.4\n" + b"\x00garbage" * 200, "hong.pdf", mime="application/pdf"
        )
        attach(self.document, broken, "hong.pdf", pdfa="")
        outcome = self.pdfa()
        by_name = {f["file"]: f for f in outcome["files"]}  # type: ignore[attr-defined]
        self.assertFalse(by_name["hong.pdf"]["converted"])
        self.assertTrue(by_name["quyet-dinh-12.pdf"]["converted"])
        failure = PremisEvent.objects.get(stored_file=broken, event_type=EventType.MIGRATION)
        self.assertEqual(failure.outcome, Outcome.FAILURE)
        self.assertEqual(DocumentFile.objects.filter(role=FileRole.DERIVATIVE).count(), 1)
