"""Loose documents (tài liệu chưa lập hồ sơ) from a SIP_tailieu: each gets an AIP_tailieu on
acceptance, exported and valid like an AIP_hoso, carrying its package header; filing the
document into a dossier supersedes it (kept as history) and the document joins the dossier's
AIP as a new version; its files are audited like every stored file."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from lxml import etree

from luutru.ingest.actions import accept_transfer, ingest, receive_package
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.media_packages import media_samples
from luutru.ingest.tests.test_media import tailieu_package
from luutru.organizations import actions
from luutru.organizations.models import Agency
from luutru.preservation import mets, premis
from luutru.preservation.aip import write_aip
from luutru.preservation.audits import run_audit
from luutru.preservation.models import Aip, AipVersion, EventType, PremisEvent, RunKind
from luutru.preservation.tests.test_aip import (
    EXPECTED_DEPARTURES,
    eark_validate,
    mets_schema,
    premis_schema,
)
from luutru.records import actions as records_actions
from luutru.records.models import Document, DocumentFile, Dossier
from luutru.storage.models import StoredFile
from luutru.storage.services import open_stored
from luutru.test import BaseTestCase

NS = {"mets": mets.METS_NS, "premis": premis.PREMIS_NS, "xlink": mets.XLINK_NS}
ROOT = Path(settings.BASE_DIR)
PACKAGE_CODE = "000.00.16.H30.2023.01.0000001"  # the mã gói tin of tailieu_package's header


def make_loose_agency() -> Agency:
    parent = actions.create_agency(
        actor=None, code="000.00.00.H30", name="Ủy ban nhân dân tỉnh", kind="other"
    )
    return actions.create_agency(
        actor=None, code="000.00.16.H30", name="Sở Nông nghiệp", kind="department",
        parent=parent,
    )  # fmt: skip


def take_in(path: Path, agency: Agency, case: type[BaseTestCase]) -> Transfer:
    """Ingest a package and accept it, running what acceptance starts on commit (the AIPs)."""
    transfer = ingest(receive_package(path, agency=agency, actor=None))
    assert transfer.state == TransferState.RECEIVED, transfer.errors
    with case.captureOnCommitCallbacks(execute=True):
        accept_transfer(transfer, None)
    return transfer


class LooseAipTests(BaseTestCase):
    loose: ClassVar[list[Document]]
    dossier: ClassVar[Dossier]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        agency = make_loose_agency()
        with tempfile.TemporaryDirectory() as folder:
            take_in(tailieu_package(Path(folder) / "goi"), agency, cls)
        # A dossier of photos, with its AIP_hoso, to file a loose document into.
        take_in(media_samples() / "spreadsheet_photos", agency, cls)
        cls.loose = list(Document.objects.filter(dossier=None).order_by("archival_code"))
        cls.dossier = Dossier.objects.get()

    def test_acceptance_gives_each_loose_document_its_own_aip_tailieu(self) -> None:
        self.assertEqual(len(self.loose), 4)
        for document in self.loose:
            aip = Aip.objects.get(document=document)
            self.assertIsNone(aip.dossier_id)
            self.assertEqual(aip.form, "AIP_tailieu")
            self.assertRegex(aip.objid, r"^urn:000\.00\.16\.H30:uuid:[0-9A-F-]{36}$")
            kinds = [e.event_type for e in PremisEvent.objects.of_document(document)]
            for kind in (EventType.INGESTION, EventType.VALIDATION, EventType.PACKAGE_CREATION):
                self.assertEqual(kinds.count(kind), 1, (document, kind))
            self.assertIn(EventType.FORMAT_IDENTIFICATION, kinds)
        self.assertEqual(Aip.objects.filter(dossier=self.dossier).count(), 1)

    def test_an_aip_belongs_to_a_dossier_or_a_document_never_both_or_neither(self) -> None:
        for fields in ({}, {"dossier": self.dossier, "document": self.loose[0]}):
            with (
                self.subTest(fields=list(fields)),
                self.assertRaises(IntegrityError),
                transaction.atomic(),
            ):
                Aip.objects.create(**fields)

    def test_the_header_of_the_sip_tailieu_is_kept_and_travels_in_the_aip(self) -> None:
        transfer = Transfer.objects.get(documents=self.loose[0])
        self.assertEqual(transfer.header["title"], "Ảnh, phim lễ khánh thành")
        self.assertEqual(
            (transfer.header["source"], transfer.header["fileCode"]), ("1", PACKAGE_CODE)
        )
        root = write_aip(self.loose[0], Path(self.enterContext(tempfile.TemporaryDirectory()))).path
        ead = etree.parse(str(root / "metadata/descriptive/EAD.xml")).getroot()
        self.assertEqual(ead.tag, "simpledc")
        self.assertEqual(ead.findtext("fileCode"), PACKAGE_CODE)
        self.assertEqual(ead.findtext("title"), "Ảnh, phim lễ khánh thành")
        self.assertEqual((ead.findtext("source"), ead.findtext("totalDoc")), ("1", "1"))
        package = etree.parse(str(root / "METS.xml")).getroot()
        self.assertEqual(
            package.findtext("mets:metsHdr/mets:altRecordID[@TYPE='SIP_tailieu']", namespaces=NS),
            PACKAGE_CODE,
        )
        self.assertIn(
            "Ảnh, phim lễ khánh thành", (root / "documentation/goi-luu-tru.txt").read_text()
        )

    def test_the_exported_aip_tailieu_validates_by_schema_and_e_ark(self) -> None:
        document = self.loose[0]
        out = Path(self.enterContext(tempfile.TemporaryDirectory()))
        stdout = io.StringIO()
        call_command("export", document.archival_code, "--out", str(out), stdout=stdout)
        root = Path(stdout.getvalue().strip())
        self.assertTrue(root.name.startswith("AIP_tailieu-"), root)
        schema, premis_xsd = mets_schema(), premis_schema()
        rep1 = root / "representations" / "rep1"
        for path in (root / "METS.xml", rep1 / "METS.xml"):
            tree = etree.parse(str(path))
            self.assertTrue(schema.validate(tree), (path, schema.error_log))
            self.assertEqual(
                tree.getroot().get(f"{{{mets.CSIP_NS}}}OTHERCONTENTINFORMATIONTYPE"),
                "TT05/2025-AIP_tailieu",
            )
        for path in (root / "metadata/preservation/PREMIS.xml",
                     rep1 / "metadata/preservation/PREMIS_rep1.xml"):  # fmt: skip
            self.assertTrue(premis_xsd.validate(etree.parse(str(path))), premis_xsd.error_log)
        entity = etree.parse(str(root / "metadata/preservation/PREMIS.xml"))
        self.assertEqual(
            [e.text for e in entity.findall(".//premis:event/premis:eventType", NS)],
            ["ingestion", "validation", "information package creation"],
        )
        [data] = list((rep1 / "data").iterdir())
        [row] = document.files.select_related("stored")
        self.assertEqual(data.stat().st_size, row.stored.size)
        self.assertEqual(len(list((rep1 / "metadata/descriptive").glob("EAD_*.xml"))), 1)
        report = eark_validate(root)
        self.assertEqual(report["structure"]["status"], "WellFormed")
        self.assertEqual(report["metadata"]["schema_results"]["status"], "VALID")
        problems = {
            m["rule_id"]
            for section in (report["structure"], report["metadata"]["schematron_results"])
            for m in section["messages"]
            if m["severity"] in {"Error", "Warn"}
        }
        self.assertEqual(problems, EXPECTED_DEPARTURES)

    def test_export_finds_a_loose_document_by_identifier_and_refuses_unknown_codes(self) -> None:
        document = self.loose[1]
        document.identifier = "H30.TL.2023.2"
        document.save(update_fields=["identifier"])
        out = Path(self.enterContext(tempfile.TemporaryDirectory()))
        stdout = io.StringIO()
        call_command("export", "H30.TL.2023.2", "--out", str(out / "goi.zip"), stdout=stdout)
        with zipfile.ZipFile(out / "goi.zip") as archive:
            names = archive.namelist()
        uuid = str(Aip.objects.get(document=document).uuid).upper()
        self.assertIn(f"AIP_tailieu-{uuid}/METS.xml", names)
        with self.assertRaisesMessage(CommandError, "Không có hồ sơ hay tài liệu mã KHONG.CO"):
            call_command("export", "KHONG.CO", "--out", str(out / "x"))

    def test_filing_supersedes_the_aip_tailieu_and_the_document_joins_the_dossiers_aip(
        self,
    ) -> None:
        document = self.loose[0]
        loose_aip = Aip.objects.get(document=document)
        dossier_aip = Aip.objects.get(dossier=self.dossier)
        records_actions.file_document(
            document, self.dossier, reason="Lập hồ sơ ảnh lễ khánh thành", actor=self.archivist
        )
        # Never two live AIPs: the loose one is gone, kept as history with its package.
        self.assertFalse(Aip.objects.filter(document=document).exists())
        kept = AipVersion.objects.get(document=document)
        self.assertEqual(
            (kept.uuid, kept.objid, kept.version), (loose_aip.uuid, loose_aip.objid, 1)
        )
        with (
            open_stored(kept.package.sha256) as blob,
            zipfile.ZipFile(io.BytesIO(blob.read())) as z,
        ):
            head = z.read(f"AIP_tailieu-{str(loose_aip.uuid).upper()}/METS.xml")
        self.assertIn(b"TT05/2025-AIP_tailieu", head)
        # The dossier's AIP is a new version; the previous one is kept too.
        aip = Aip.objects.get(dossier=self.dossier)
        self.assertEqual(aip.version, 2)
        self.assertNotEqual(aip.uuid, dossier_aip.uuid)
        self.assertEqual(AipVersion.objects.get(dossier=self.dossier).objid, dossier_aip.objid)
        merged = PremisEvent.objects.filter(event_type=EventType.PACKAGE_MERGING)
        self.assertEqual(merged.filter(document=document).count(), 1)
        self.assertEqual(merged.filter(dossier=self.dossier).count(), 1)
        # The dossier's package now holds the document, its file and its history while loose.
        document.refresh_from_db()
        # A filed document's package is its dossier's.
        root = write_aip(document, Path(self.enterContext(tempfile.TemporaryDirectory()))).path
        self.assertEqual(root.name, f"AIP_hoso-{str(aip.uuid).upper()}")
        [row] = document.files.select_related("stored")
        packed = root / "representations/rep1/data" / f"{document.archival_code}.jpg"
        self.assertEqual(packed.read_bytes(), open_stored(row.stored.sha256).read())
        entity = etree.parse(str(root / "metadata/preservation/PREMIS.xml"))
        details = [e.text or "" for e in entity.findall(".//premis:eventDetail", NS)]
        self.assertTrue(any(loose_aip.objid in d for d in details), details)
        self.assertTrue(any("tài liệu chưa lập hồ sơ" in d for d in details), details)
        self.assertTrue(mets_schema().validate(etree.parse(str(root / "METS.xml"))))
        # Exporting the document by its code now gives its dossier's package.
        out = Path(self.enterContext(tempfile.TemporaryDirectory()))
        stdout = io.StringIO()
        call_command("export", document.archival_code, "--out", str(out), stdout=stdout)
        self.assertTrue(Path(stdout.getvalue().strip()).name.startswith("AIP_hoso-"))

    def test_loose_documents_files_are_in_the_fixity_audit(self) -> None:
        digests = set(
            DocumentFile.objects.filter(document__in=self.loose).values_list(
                "stored__sha256", flat=True
            )
        )
        self.assertEqual(len(digests), 5)  # two photos, a recording, a film and its captions
        report = run_audit(RunKind.ALL)
        self.assertFalse(report.as_dict()["lost"])
        for stored in StoredFile.objects.filter(sha256__in=digests):
            self.assertEqual(stored.fixity_status, "ok", stored.sha256)
            self.assertIsNotNone(stored.checked_at)


BACKUP_SCRIPT = """
import django, io, json, sys
django.setup()
from django.core.management import call_command
package, folder = sys.argv[1], sys.argv[2]
call_command("migrate", verbosity=0)
call_command("agency", "add", "000.00.00.H30", "Ủy ban nhân dân tỉnh")
call_command("agency", "add", "000.00.16.H30", "Sở Nông nghiệp", "--parent", "000.00.00.H30")
text = io.StringIO()
call_command("ingest", package, "--agency", "000.00.16.H30", "--json", stdout=text)
report = json.loads(text.getvalue())
call_command("transfer", "accept", report["transfer"], stdout=io.StringIO())
from luutru.preservation.models import Aip
from luutru.records.models import DocumentFile
loose = DocumentFile.objects.filter(document__dossier=None).values_list("stored__sha256", flat=True)
text = io.StringIO()
call_command("backup", folder, "--json", stdout=text)
print(json.dumps({"state": report["state"], "loose": sorted(set(loose)),
                  "aips": Aip.objects.filter(document__isnull=False).count(),
                  "backup": json.loads(text.getvalue())}))
"""


def test_luutru_backup_copies_the_files_of_loose_documents(tmp_path: Path) -> None:
    """Run as an operator would (own data directory, SQLite): ingest a SIP_tailieu, accept
    it, ``luutru backup``; every file of the loose documents is in the backup, by digest."""
    env = {k: v for k, v in os.environ.items() if k not in {"LUUTRU_DATA_DIR", "REPLICA_URL",
                                                           "DATABASE_URL"}}  # fmt: skip
    env.update(LUUTRU_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="luutru.settings")
    (tmp_path / "data").mkdir()
    package = tailieu_package(tmp_path / "goi")
    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", BACKUP_SCRIPT, str(package), str(tmp_path / "sao-luu")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert (out["state"], out["aips"]) == ("received", 4)  # received, then accepted
    assert len(out["loose"]) == 5 and out["backup"]["missing"] == []
    listed = set((tmp_path / "sao-luu" / "digests.txt").read_text().split())
    for sha256 in out["loose"]:
        assert sha256 in listed
        blob = tmp_path / "sao-luu" / "files" / sha256[:2] / sha256[2:4] / sha256
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == sha256


class EdxmlLooseAipTests(BaseTestCase):
    """Documents from edXML messages are loose too; having no package header, their
    AIP_tailieu is titled by their own summary."""

    def test_documents_of_edxml_messages_get_an_aip_tailieu_titled_by_their_summary(self) -> None:
        from luutru.ingest.tests.test_samples import ingest as ingest_sample

        outcome = ingest_sample("valid/edxml")
        assert outcome["state"] == "received", outcome
        with self.captureOnCommitCallbacks(execute=True):
            accept_transfer(Transfer.objects.get(pk=outcome["transfer"]), None)
        documents = list(Document.objects.filter(dossier=None))
        self.assertTrue(documents)
        self.assertEqual(Aip.objects.filter(document__in=documents).count(), len(documents))
        document = documents[0]
        root = write_aip(document, Path(self.enterContext(tempfile.TemporaryDirectory()))).path
        ead = etree.parse(str(root / "metadata/descriptive/EAD.xml")).getroot()
        self.assertEqual(
            (ead.findtext("title"), ead.findtext("fileCode")), (document.summary, None)
        )
        package = etree.parse(str(root / "METS.xml"))
        self.assertTrue(mets_schema().validate(package), mets_schema().error_log)
        self.assertIsNone(package.find("mets:metsHdr/mets:altRecordID", NS))
