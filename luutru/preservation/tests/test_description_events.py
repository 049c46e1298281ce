"""Archivists' corrections of a description reach the AIP's PREMIS as metadata-modification
events, read from the records' history (records cannot write preservation's tables)."""

from __future__ import annotations

from lxml import etree

from luutru.preservation import premis
from luutru.preservation.aip import _package_premis
from luutru.preservation.models import Aip
from luutru.preservation.tests.test_aip import NS, premis_schema
from luutru.records import actions
from luutru.records.tests.factory import make_document, make_dossier
from luutru.test import BaseTestCase


class DescriptionEventTests(BaseTestCase):
    def test_an_edited_dossier_has_a_metadata_modification_event_with_the_reason(self) -> None:
        dossier = make_dossier(self.agency_a, 3, fonds=self.fonds_a)
        document = make_document(self.agency_a, dossier, 1)
        aip = Aip.objects.create(dossier=dossier)
        actions.change_description(
            dossier, values={"title": "Hồ sơ đã sửa tiêu đề"}, reason="Sai chính tả",
            actor=self.archivist,
        )  # fmt: skip
        actions.change_description(
            document, values={"numberOfPage": "4"}, reason="Đếm lại trang", actor=self.head
        )

        xml = etree.fromstring(_package_premis(aip, dossier, [], []))

        self.assertTrue(premis_schema().validate(xml), premis_schema().error_log)
        events = xml.findall("premis:event", NS)
        self.assertEqual(
            [e.findtext("premis:eventType", namespaces=NS) for e in events],
            ["metadata modification", "metadata modification"],
        )
        notes = [e.findtext(".//premis:eventOutcomeDetailNote", namespaces=NS) for e in events]
        self.assertIn("Lý do: Sai chính tả", notes[0])
        self.assertIn("→ Hồ sơ đã sửa tiêu đề", notes[0])
        self.assertIn("Số lượng trang: 2 → 4", notes[1])
        agents = {a.findtext(".//premis:agentName", namespaces=NS) for a in xml.iter(
            f"{{{premis.PREMIS_NS}}}agent")}  # fmt: skip
        self.assertTrue({"luutruvien", "lanhdao"} <= agents)
