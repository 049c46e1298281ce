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

    def test_a_corrected_photo_has_the_event_in_its_aip_tailieu(self) -> None:
        photo = make_document(
            self.agency_a, None, identifier="H62.00.03.2023.A1", kind="photo", doc_type="",
            page_count=0, summary="Lễ khởi công cầu", issuer="Nguyễn Văn An",
            media={"typePic": "02", "photographer": "Nguyễn Văn An", "photoPlace": "Xã Tân Phú"},
        )  # fmt: skip
        aip = Aip.objects.create(document=photo)
        actions.change_description(
            photo, values={"photoPlace": "Thị trấn Tân Phú"}, reason="Theo biên bản xác minh",
            actor=self.archivist,
        )  # fmt: skip

        xml = etree.fromstring(_package_premis(aip, photo, [], []))

        self.assertTrue(premis_schema().validate(xml), premis_schema().error_log)
        [event] = xml.findall("premis:event", NS)
        self.assertEqual(event.findtext("premis:eventType", namespaces=NS), "metadata modification")
        note = event.findtext(".//premis:eventOutcomeDetailNote", namespaces=NS) or ""
        self.assertIn("Lý do: Theo biên bản xác minh", note)
        self.assertIn("Địa điểm chụp: Xã Tân Phú → Thị trấn Tân Phú", note)
