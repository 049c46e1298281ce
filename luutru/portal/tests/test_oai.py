"""OAI-PMH at /oai: a real harvester (oaipmh-scythe) reads it, and every response validates
against the OAI-PMH and oai_dc schemas kept in tests/data (never fetched)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any, ClassVar
from unittest import mock

import httpx2
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.test import override_settings
from lxml import etree
from oaipmh_scythe import Scythe
from oaipmh_scythe.models import Header, Record

from luutru.portal import oai
from luutru.portal.models import OaiRecord
from luutru.portal.publication import sync_register
from luutru.portal.tests.samples import Collection, make_collection
from luutru.records.tests.factory import make_document, publish
from luutru.test import BaseTestCase

DATA = Path(__file__).parent / "data"
NS = {"o": oai.OAI, "dc": oai.DC, "oai_dc": oai.OAI_DC}
LOCAL = {
    "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd": "OAI-PMH.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd": "oai_dc.xsd",
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": "simpledc20021212.xsd",
    "http://dublincore.org/schemas/xmls/qdc/2008/02/11/dc.xsd": "simpledc20021212.xsd",
    "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
    "http://www.w3.org/2001/xml.xsd": "xml.xsd",
}


class LocalSchemas(etree.Resolver):
    """The schemas' remote imports, answered from tests/data; anything else is refused."""

    def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
        name = LOCAL.get(url or "") or (Path(url).name if url and Path(url).parent == DATA else "")
        if not name:
            raise AssertionError(f"the schemas asked for {url}, which is not kept locally")
        return self.resolve_filename(str(DATA / name), context)


@cache
def schema() -> etree.XMLSchema:
    """OAI-PMH.xsd with oai_dc imported, so that <metadata> content is checked strictly."""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalSchemas())
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="{oai.OAI}" schemaLocation="{DATA / "OAI-PMH.xsd"}"/>
      <xs:import namespace="{oai.OAI_DC}" schemaLocation="{DATA / "oai_dc.xsd"}"/>
    </xs:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=str(DATA) + "/"))


@override_settings(OAI_REPOSITORY_ID="luutru.test.vn")
class OaiTests(BaseTestCase):
    records: ClassVar[Collection]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.records = make_collection(cls.agency_a, cls.agency_b, cls.fonds_a)

    def setUp(self) -> None:
        super().setUp()
        # The harvester calls the WSGI app, which closes the connection after each request as
        # a server should; Django's test client does not. Keep the test's transaction open.
        from django.core.signals import request_finished, request_started
        from django.db import close_old_connections

        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)

    def get(self, **params: str) -> etree._Element:
        response = self.client.get("/oai", params)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/xml; charset=utf-8")
        root = etree.fromstring(response.content)
        schema().assertValid(root)
        return root

    def error_code(self, **params: str) -> str:
        root = self.get(**params)
        [error] = root.findall("o:error", NS)
        if error.get("code") in {"badVerb", "badArgument"}:
            self.assertEqual(dict(root.find("o:request", NS).attrib), {})
        return str(error.get("code"))

    def harvester(self) -> Scythe:
        scythe = Scythe("http://testserver/oai")
        scythe._client = httpx2.Client(
            transport=httpx2.WSGITransport(app=get_wsgi_application()),
            base_url="http://testserver",
        )
        return scythe

    def identifier(self, code: str) -> str:
        return f"oai:luutru.test.vn:{code}"

    # --- what a harvester gets

    def test_a_harvester_gets_every_public_document_and_nothing_else(self) -> None:
        with self.harvester() as scythe:
            identify = scythe.identify()
            self.assertEqual(identify.deletedRecord, "persistent")  # type: ignore[attr-defined]
            self.assertEqual(identify.granularity, "YYYY-MM-DDThh:mm:ssZ")  # type: ignore[attr-defined]
            records = [
                r for r in scythe.list_records(metadata_prefix="oai_dc") if isinstance(r, Record)
            ]
        public = {self.records.land, self.records.budget, self.records.other_agency}
        expected = {self.identifier(d.archival_code or d.identifier) for d in public}
        self.assertEqual({r.header.identifier for r in records}, expected)
        land = next(
            r for r in records if self.records.land.archival_code in str(r.header.identifier)
        )
        self.assertEqual(land.metadata["title"], [self.records.land.summary])
        self.assertIn("giao đất", land.metadata["subject"])
        self.assertIn(
            f"http://testserver/tai-lieu/{self.records.land.archival_code}/",
            land.metadata["identifier"],
        )
        self.assertIn(f"agency:{self.agency_a.code}", land.header.setSpecs)
        self.assertIn(f"fonds:{self.fonds_a.code}", land.header.setSpecs)

    def test_lists_come_in_pages_with_resumption_tokens(self) -> None:
        for n in range(4, 9):
            make_document(self.agency_a, self.records.dossier, n)
        publish(self.records.dossier)  # the new documents follow their dossier
        with mock.patch.object(oai, "PAGE_SIZE", 2), self.harvester() as scythe:
            headers = [
                h
                for h in scythe.list_identifiers(metadata_prefix="oai_dc")
                if isinstance(h, Header)
            ]
        self.assertEqual(len(headers), 3 + 5)
        self.assertEqual(len({h.identifier for h in headers}), 8)
        with mock.patch.object(oai, "PAGE_SIZE", 2):
            first = self.get(verb="ListRecords", metadataPrefix="oai_dc")
            token = first.find(".//o:resumptionToken", NS)
            assert token is not None
            self.assertEqual(token.get("completeListSize"), "8")
            self.assertEqual(token.get("cursor"), "0")
            second = self.get(verb="ListRecords", resumptionToken=str(token.text))
            self.assertEqual(second.find(".//o:resumptionToken", NS).get("cursor"), "2")

    def test_sets_are_agencies_and_fonds(self) -> None:
        root = self.get(verb="ListSets")
        specs = [e.text for e in root.iterfind(".//o:setSpec", NS)]
        self.assertEqual(
            specs,
            [
                "agency",
                f"agency:{self.agency_a.code}",
                f"agency:{self.agency_b.code}",
                "fonds",
                f"fonds:{self.fonds_a.code}",
            ],
        )
        root = self.get(
            verb="ListIdentifiers", metadataPrefix="oai_dc", set=f"agency:{self.agency_b.code}"
        )
        ids = [e.text for e in root.iterfind(".//o:identifier", NS)]
        self.assertEqual(ids, [self.identifier(self.records.other_agency.identifier)])

    def test_get_record_and_metadata_formats(self) -> None:
        code = self.records.land.archival_code
        root = self.get(verb="GetRecord", identifier=self.identifier(code), metadataPrefix="oai_dc")
        self.assertEqual(root.findtext(".//dc:title", namespaces=NS), self.records.land.summary)
        self.assertEqual(root.findtext(".//dc:date", namespaces=NS), "2023-03-01")
        root = self.get(verb="ListMetadataFormats", identifier=self.identifier(code))
        self.assertEqual(root.findtext(".//o:metadataPrefix", namespaces=NS), "oai_dc")

    def test_a_document_that_stops_being_public_is_reported_deleted(self) -> None:
        land = self.records.land
        before = OaiRecord.objects.get(code=land.archival_code).datestamp
        land.access_regime = "02"
        land.save()
        root = self.get(
            verb="GetRecord",
            identifier=self.identifier(land.archival_code),
            metadataPrefix="oai_dc",
        )
        header = root.find(".//o:header", NS)
        assert header is not None
        self.assertEqual(header.get("status"), "deleted")
        self.assertIsNone(root.find(".//o:metadata", NS))
        record = OaiRecord.objects.get(code=land.archival_code)
        self.assertGreaterEqual(record.datestamp, before)
        # Harvested since the change: the withdrawal is in the incremental list.
        since = oai.utc(record.datestamp)
        root = self.get(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": since})
        statuses = {
            e.findtext("o:identifier", namespaces=NS): e.get("status")
            for e in root.iterfind(".//o:header", NS)
        }
        self.assertEqual(statuses[self.identifier(land.archival_code)], "deleted")
        # A removed document too.
        budget = self.records.budget
        budget.delete()
        root = self.get(
            verb="GetRecord",
            identifier=self.identifier(budget.archival_code),
            metadataPrefix="oai_dc",
        )
        self.assertEqual(root.find(".//o:header", NS).get("status"), "deleted")
        # The register rebuilds from the collection (luutru oai_sync).
        OaiRecord.objects.all().delete()
        out = io.StringIO()
        call_command("oai_sync", stdout=out)
        self.assertIn("Đã cập nhật 1 bản ghi OAI-PMH.", out.getvalue())
        self.assertEqual(OaiRecord.objects.live().count(), 1)  # only the unfiled public document
        self.assertEqual(sync_register(), 0)  # idempotent

    # --- errors, exactly as the protocol names them

    def test_errors_are_the_protocols(self) -> None:
        land = self.identifier(self.records.land.archival_code)
        hidden = self.identifier(self.records.hidden_by_dossier.archival_code)
        prefix = {"metadataPrefix": "oai_dc"}
        records = {"verb": "ListRecords", **prefix}
        cases: list[tuple[dict[str, str], str]] = [
            ({}, "badVerb"),
            ({"verb": "Delete"}, "badVerb"),
            ({"verb": "GetRecord", "identifier": land}, "badArgument"),
            ({"verb": "Identify", "set": "agency"}, "badArgument"),
            ({"verb": "ListRecords"}, "badArgument"),
            ({**records, "from": "2024-13-45"}, "badArgument"),
            ({**records, "from": "2024-01-01", "until": "2025-01-01T00:00:00Z"}, "badArgument"),
            ({**records, "resumptionToken": "x"}, "badArgument"),
            ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
            ({"verb": "GetRecord", "identifier": land, "metadataPrefix": "ead"},
             "cannotDisseminateFormat"),
            ({"verb": "ListRecords", "resumptionToken": "giả-mạo"}, "badResumptionToken"),
            ({"verb": "ListSets", "resumptionToken": "abc"}, "badResumptionToken"),
            ({"verb": "GetRecord", "identifier": "oai:khac:1", **prefix}, "idDoesNotExist"),
            ({"verb": "GetRecord", "identifier": hidden, **prefix}, "idDoesNotExist"),
            ({"verb": "ListMetadataFormats", "identifier": hidden}, "idDoesNotExist"),
            ({**records, "set": "agency:000.00.99.H62"}, "noRecordsMatch"),
            ({"verb": "ListIdentifiers", **prefix, "from": "2999-01-01"}, "noRecordsMatch"),
        ]  # fmt: skip
        for params, code in cases:
            with self.subTest(params=params):
                self.assertEqual(self.error_code(**params), code)
        repeated = self.client.get("/oai?verb=Identify&verb=Identify")
        self.assertIn(b'code="badVerb"', repeated.content)
        doubled = self.client.get(
            "/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc"
        )
        self.assertIn(b'code="badArgument"', doubled.content)

    def test_post_requests_are_answered_like_get(self) -> None:
        response = self.client.post("/oai", {"verb": "Identify"})
        schema().assertValid(etree.fromstring(response.content))
        self.assertIn(b"<deletedRecord>persistent</deletedRecord>", response.content)
