"""`luutru aip import`: an AIP made by another system to TT 05 form, taken into the historical
archive — exported by this system and read back (round trip), and hand-spoiled packages
refused with the file and field named, nothing created."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

from django.core.management import call_command

from luutru.accounts.models import Role
from luutru.preservation.aip import write_aip, zip_folder
from luutru.preservation.models import Aip, EventType, PremisEvent
from luutru.preservation.tests.helpers import attach, store_bytes
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document
from luutru.retention import actions
from luutru.retention.models import HistoricalHolding, HoldingSource
from luutru.retention.tests.helpers import RetentionTestCase
from luutru.storage.services import backend, replica
from luutru.test import make_user


class AipImportTests(RetentionTestCase):
    def exported(self) -> tuple[Path, dict[str, Any]]:
        """A permanent dossier of two documents exported as an AIP folder, then gone from the
        database, as if another system had made the package."""
        dossier = self.expired_dossier(1, retention="01", title="Hồ sơ xây dựng trụ sở")
        second = make_document(self.agency_a, dossier, 2, summary="Biên bản nghiệm thu")
        attach(second, store_bytes(b"%PDF-1.4 nghiem thu", "nghiem-thu.pdf"), "nghiem-thu.pdf")
        for document in dossier.documents.all():  # TT 05 asks every document's docId
            document.identifier = f"000.00.03.H62.{document.ordinal:04d}"
            document.save(update_fields=["identifier"])
        folder = write_aip(dossier, self.scratch / "out").path
        before = {
            "code": dossier.code,
            "title": dossier.title,
            "documents": sorted(dossier.documents.values_list("archival_code", "summary")),
            "objid": Aip.objects.get(dossier=dossier).objid,
        }
        PremisEvent.objects.all().delete()
        Aip.objects.all().delete()
        for document in Document.objects.all():
            document.delete()
        Dossier.objects.all().delete()
        return folder, before

    def run_import(self, path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
        out = io.StringIO()
        try:
            call_command("aip", "import", str(path), "--json", *extra, stdout=out)
            status = 0
        except SystemExit as exc:
            status = int(exc.code or 0)
        return status, json.loads(out.getvalue())

    def test_an_exported_aip_is_imported_into_the_historical_archive(self) -> None:
        folder, before = self.exported()
        package = zip_folder(folder, self.scratch / "goi.zip")
        status, result = self.run_import(package)
        self.assertEqual(status, 0, result)
        self.assertEqual(
            (result["imported"], result["dossier"], result["documents"], result["files"]),
            (True, before["code"], 2, 2),
        )
        self.assertEqual(result["source_objid"], before["objid"])
        dossier = Dossier.objects.get(code=before["code"])
        self.assertEqual(
            (dossier.title, dossier.retention, dossier.fonds), (before["title"], "01", self.fonds_a)
        )
        self.assertEqual(
            sorted(dossier.documents.values_list("archival_code", "summary")), before["documents"]
        )
        holding = HistoricalHolding.objects.get(dossier=dossier)
        self.assertEqual((holding.archive, holding.source), (self.archive, HoldingSource.IMPORT))
        self.assertEqual(holding.package, before["objid"])
        aip = Aip.objects.get(dossier=dossier)
        self.assertEqual((aip.custodian, aip.objid), ("Lưu trữ lịch sử tỉnh", result["objid"]))
        self.assertTrue(
            PremisEvent.objects.filter(dossier=dossier, event_type=EventType.ACCESSION).exists()
        )
        for file in Document.objects.get(summary="Biên bản nghiệm thu").files.all():
            self.assertEqual(file.name, "nghiem-thu.pdf")  # the original name, from PREMIS
            self.assertTrue(backend().exists(file.stored.sha256))
            self.assertTrue(replica().exists(file.stored.sha256))
        # The same package again: the codes are already held.
        status, again = self.run_import(folder)
        self.assertEqual(status, 1)
        self.assertIn("đã có trong kho", again["errors"][0]["message"])
        self.assertEqual(again["errors"][0]["file"], "metadata/descriptive/EAD.xml")

    def assert_refused(self, folder: Path, file: str, field: str, words: str) -> None:
        status, result = self.run_import(folder)
        self.assertEqual(status, 1, result)
        self.assertFalse(result["imported"])
        errors = [(e["file"], e.get("field", "")) for e in result["errors"]]
        self.assertIn((file, field), errors, result["errors"])
        self.assertTrue(any(words in e["message"] for e in result["errors"]), result["errors"])
        self.assertFalse(Dossier.objects.exists())
        self.assertFalse(HistoricalHolding.objects.exists())

    def test_a_changed_data_file_is_refused_naming_it(self) -> None:
        folder, _before = self.exported()
        data = next((folder / "representations/rep1/data").iterdir())
        data.write_bytes(data.read_bytes() + b" ")
        self.assert_refused(folder, f"representations/rep1/data/{data.name}", "CHECKSUM", "khác mã")

    def test_a_file_no_mets_lists_is_refused(self) -> None:
        folder, _before = self.exported()
        (folder / "representations/rep1/data/them.pdf").write_bytes(b"%PDF-1.4 them")
        self.assert_refused(
            folder, "representations/rep1/data/them.pdf", "", "không được khai báo trong METS"
        )

    def test_a_package_that_is_not_an_aip_is_refused(self) -> None:
        folder, _before = self.exported()
        mets = folder / "METS.xml"
        mets.write_text(
            mets.read_text("utf-8").replace('OAISPACKAGETYPE="AIP"', 'OAISPACKAGETYPE="SIP"'),
            "utf-8",
        )
        self.assert_refused(folder, "METS.xml", "csip:OAISPACKAGETYPE", "chỉ nhập gói lưu trữ")

    def test_a_broken_premis_is_refused(self) -> None:
        folder, _before = self.exported()
        shutil.rmtree(folder / "metadata/preservation")
        self.assert_refused(
            folder, "metadata/preservation/PREMIS.xml", "", "Thiếu tệp mà METS.xml khai báo"
        )

    def test_a_missing_tt05_value_is_refused_naming_the_element(self) -> None:
        folder, _before = self.exported()
        # A hand-made package: the title left out, its METS entry updated to match.
        ead = folder / "metadata/descriptive/EAD.xml"
        text = ead.read_text("utf-8")
        start, end = text.index("<title>"), text.index("</title>") + len("</title>")
        ead.write_text(text[:start] + text[end:], "utf-8")
        mets = folder / "METS.xml"
        body = mets.read_text("utf-8")
        old = hashlib.sha256(text.encode()).hexdigest().upper()
        new = hashlib.sha256(ead.read_bytes()).hexdigest().upper()
        body = body.replace(old, new).replace(
            f'SIZE="{len(text.encode())}"', f'SIZE="{ead.stat().st_size}"'
        )
        mets.write_text(body, "utf-8")
        self.assert_refused(folder, "metadata/descriptive/EAD.xml", "title", "Thiếu")

    def test_only_the_historical_archive_imports(self) -> None:
        folder, _before = self.exported()
        outsider = make_user("luutru_a", Role.ARCHIVIST, self.agency_a)
        result = actions.import_aip(folder, actor=outsider)
        self.assertFalse(result.imported)
        self.assertIn("Chỉ cán bộ của Lưu trữ lịch sử tỉnh", result.errors[0]["message"])
        self.assertFalse(Dossier.objects.exists())
        result = actions.import_aip(folder, actor=self.archivist)
        self.assertTrue(result.imported, result.errors)
