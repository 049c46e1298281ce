"""Loose documents from a SIP_tailieu are found like filed ones: by a word of their summary, on
the staff search page and through the API, by the staff whose scope holds them."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import ClassVar

from luutru.ingest.actions import accept_transfer, ingest, receive_package
from luutru.ingest.models import TransferState
from luutru.ingest.tests.test_media import tailieu_package
from luutru.organizations import actions
from luutru.records.models import Document
from luutru.search import services
from luutru.test import BaseTestCase

SUMMARY = "Lãnh đạo tỉnh cắt băng khánh thành cầu Cái Tư"  # the first photo's imageTitle


class LooseDocumentSearchTests(BaseTestCase):
    document: ClassVar[Document]

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
        # Its records go to the test cast's historical archive, so its archivist sees them.
        agency = actions.update_agency(agency, transfers_to=cls.archive, actor=None)
        with tempfile.TemporaryDirectory() as folder:
            transfer = ingest(
                receive_package(tailieu_package(Path(folder) / "goi"), agency=agency, actor=None)
            )
        assert transfer.state == TransferState.RECEIVED, transfer.errors
        with cls.captureOnCommitCallbacks(execute=True):
            accept_transfer(transfer, None)
        cls.document = Document.objects.get(summary=SUMMARY)

    def setUp(self) -> None:
        super().setUp()
        services.reindex()

    def test_the_document_is_loose(self) -> None:
        self.assertIsNone(self.document.dossier_id)

    def test_staff_find_a_loose_document_by_a_word_of_its_summary(self) -> None:
        self.login(self.archivist)
        response = self.client.get("/quan-tri/tra-cuu/", {"q": "cắt băng"})
        self.assertContains(response, f'href="/quan-tri/tai-lieu/{self.document.pk}/"')
        # Without diacritics too, as people type.
        response = self.client.get("/quan-tri/tra-cuu/", {"q": "cat bang"})
        self.assertContains(response, f'href="/quan-tri/tai-lieu/{self.document.pk}/"')

    def test_the_api_finds_it_for_staff_in_scope_and_not_for_others(self) -> None:
        self.login(self.archivist)
        results = self.client.get("/api/v1/search", {"q": "cắt băng"}).json()["results"]
        self.assertIn(self.document.archival_code, [r["code"] for r in results])
        self.assertEqual(
            next(r["url"] for r in results if r["code"] == self.document.archival_code),
            f"/quan-tri/tai-lieu/{self.document.pk}/",
        )
        self.login(self.clerk_b)
        results = self.client.get("/api/v1/search", {"q": "cắt băng"}).json()["results"]
        self.assertNotIn(self.document.archival_code, [r["code"] for r in results])
