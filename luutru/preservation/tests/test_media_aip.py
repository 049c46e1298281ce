"""The AIP of photos and recordings: EAD_pic / EAD_media records, technical metadata as PREMIS
object characteristics, valid by the METS and PREMIS schemas and the E-ARK validator."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import ClassVar

from lxml import etree

from luutru.ingest.actions import accept_transfer, ingest, receive_package
from luutru.ingest.models import TransferState
from luutru.ingest.tests.media_packages import media_samples
from luutru.organizations import actions
from luutru.preservation import mets, premis
from luutru.preservation.aip import write_aip
from luutru.preservation.tests.test_aip import (
    EXPECTED_DEPARTURES,
    eark_validate,
    mets_schema,
    premis_schema,
)
from luutru.records.models import Dossier
from luutru.test import BaseTestCase

NS = {"mets": mets.METS_NS, "premis": premis.PREMIS_NS, "tech": premis.TECH_NS}


class MediaAipTests(BaseTestCase):
    dossiers: ClassVar[list[Dossier]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        parent = actions.create_agency(
            actor=None, code="000.00.00.H30", name="Ủy ban nhân dân tỉnh", kind="other"
        )
        agency = actions.create_agency(
            actor=None, code="000.00.16.H30", name="Sở Nông nghiệp", kind="department",
            parent=parent,
        )  # fmt: skip
        for name in ("sip_media", "spreadsheet_photos"):
            transfer = ingest(receive_package(media_samples() / name, agency=agency, actor=None))
            assert transfer.state == TransferState.RECEIVED, transfer.errors
            with cls.captureOnCommitCallbacks(execute=True):
                accept_transfer(transfer, None)
        cls.dossiers = list(Dossier.objects.order_by("code"))

    def test_the_aips_of_photos_and_recordings_validate(self) -> None:
        schema, premis_xsd = mets_schema(), premis_schema()
        for dossier in self.dossiers:
            with self.subTest(dossier=dossier.code):
                out = Path(self.enterContext(tempfile.TemporaryDirectory()))
                root = write_aip(dossier, out).path
                rep1 = root / "representations" / "rep1"
                for path in (root / "METS.xml", rep1 / "METS.xml"):
                    document = etree.parse(str(path))
                    self.assertTrue(schema.validate(document), (path, schema.error_log))
                rep_premis = etree.parse(str(rep1 / "metadata/preservation/PREMIS_rep1.xml"))
                self.assertTrue(premis_xsd.validate(rep_premis), premis_xsd.error_log)
                widths = rep_premis.findall(
                    ".//premis:objectCharacteristicsExtension/tech:media/tech:width", NS
                )
                self.assertTrue(widths)
                report = eark_validate(root)
                self.assertEqual(report["metadata"]["schema_results"]["status"], "VALID")
                problems = {
                    m["rule_id"]
                    for section in (report["structure"], report["metadata"]["schematron_results"])
                    for m in section["messages"]
                    if m["severity"] in {"Error", "Warn"}
                }
                self.assertEqual(problems, EXPECTED_DEPARTURES)

    def test_photos_and_recordings_keep_their_own_descriptive_records(self) -> None:
        dossier = next(d for d in self.dossiers if d.code.endswith(".07"))
        out = Path(self.enterContext(tempfile.TemporaryDirectory()))
        root = write_aip(dossier, out).path
        descriptive = root / "representations/rep1/metadata/descriptive"
        names = sorted(p.name.split("_0")[0] for p in descriptive.glob("*.xml"))
        self.assertEqual(names, ["EAD_media", "EAD_media", "EAD_pic", "EAD_pic"])
        photo = etree.parse(str(descriptive / f"EAD_pic_{dossier.code}.0000001.xml")).getroot()
        self.assertEqual(photo.findtext("photographer"), "Nguyễn Văn Ảnh")
        self.assertEqual(photo.findtext("photoTime"), "20/05/2023")
        self.assertEqual(photo.findtext("arcDocCode"), f"{dossier.code}.0000001")
        film = etree.parse(str(descriptive / f"EAD_media_{dossier.code}.0000004.xml")).getroot()
        self.assertEqual(film.findtext("typeMedia"), "02")
        self.assertEqual(film.findtext("playTime"), "00:00:02")
        premis_doc = etree.parse(
            str(root / "representations/rep1/metadata/preservation/PREMIS_rep1.xml")
        )
        codecs = {e.text for e in premis_doc.findall(".//tech:stream/tech:codecName", NS)}
        self.assertGreaterEqual(codecs, {"h264", "aac", "pcm_s16le"})
        durations = [float(e.text or 0) for e in premis_doc.findall(".//tech:duration", NS)]
        self.assertEqual(sorted(round(d) for d in durations), [1, 2])
