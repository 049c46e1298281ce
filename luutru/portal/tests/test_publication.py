"""Every door follows publication (công bố): the portal, the JSON API, OAI-PMH, IIIF, the widget
and the public's search show a record once it is published and stop when it is withdrawn; the
original is downloadable only where the decision allows; a fonds may list the descriptions of
its conditional records in the public catalogue."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.management import call_command
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult
from lxml import etree

from luutru.portal import oai
from luutru.portal.tests.samples import attach_pdf
from luutru.records import actions
from luutru.records.models import Custody, Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier
from luutru.search import services
from luutru.test import BaseTestCase, WorkerTestCase, make_agency

OAI_NS = {"o": oai.OAI}


class DoorsTestCase(BaseTestCase):
    dossier: ClassVar[Dossier]
    land: ClassVar[Document]
    conditional: ClassVar[Dossier]
    conditional_doc: ClassVar[Document]
    secret: ClassVar[Dossier]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dossier = make_dossier(
            cls.agency_a, 1, title="Hồ sơ giao đất xây dựng chợ", fonds=cls.fonds_a
        )
        cls.land = make_document(
            cls.agency_a, cls.dossier, 1, summary="Quyết định giao đất xây dựng chợ Đông Ba"
        )
        attach_pdf(cls.land, 2)
        cls.conditional = make_dossier(
            cls.agency_a, 2, title="Hồ sơ thanh tra giao đất chợ", access_regime="02",
            fonds=cls.fonds_a, retention="01",
        )  # fmt: skip
        cls.conditional_doc = make_document(
            cls.agency_a, cls.conditional, 1, summary="Kết luận thanh tra giao đất chợ"
        )
        attach_pdf(cls.conditional_doc, 1)
        cls.secret = make_dossier(
            cls.agency_a, 3, title="Hồ sơ giao đất chợ an ninh", access_regime="03",
            fonds=cls.fonds_a,
        )  # fmt: skip

    def setUp(self) -> None:
        super().setUp()
        services.reindex()  # the index lives outside the test's transaction: start from this one

    def decide(self, action: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a publication action as the head, commit hooks included, then the indexing tasks
        it queued, as the worker would a moment later."""
        with self.captureOnCommitCallbacks(execute=True):
            result = action(*args, **kwargs)
        for task in DBTaskResult.objects.order_by("enqueued_at"):
            import_string(task.task_path).call(*task.args_kwargs["args"])
        DBTaskResult.objects.all().delete()
        return result

    def publish(self, *records: Dossier | Document, download: bool | None = None) -> None:
        outcome = self.decide(
            actions.publish_records, list(records), self.head, "Thử nghiệm", download
        )
        self.assertEqual(outcome.refused, [])

    def withdraw(self, *records: Dossier | Document) -> None:
        outcome = self.decide(actions.withdraw_records, list(records), self.head, "Rà soát lại")
        self.assertEqual(outcome.refused, [])

    def oai_status(self, code: str) -> str:
        """'live', 'deleted' or 'absent', as a harvester learns it from GetRecord."""
        identifier = oai.oai_identifier(code)
        response = self.client.get(
            "/oai", {"verb": "GetRecord", "identifier": identifier, "metadataPrefix": "oai_dc"}
        )
        root = etree.fromstring(response.content)
        if root.find("o:error", OAI_NS) is not None:
            return "absent"
        header = root.find(".//o:header", OAI_NS)
        assert header is not None
        return "deleted" if header.get("status") == "deleted" else "live"

    def doors(self, document: Document) -> dict[str, Any]:
        """What an anonymous visitor gets from each door for a document and its dossier."""
        self.login(None)
        code = document.archival_code
        dossier_code = document.dossier.code if document.dossier else ""
        found = {h.code for h in services.search(None, "giao đất chợ").hits}
        api = self.client.get("/api/v1/search", {"q": "giao đất chợ"}).json()
        return {
            "page": self.client.get(f"/tai-lieu/{code}/").status_code,
            "dossier page": self.client.get(f"/ho-so/{dossier_code}/").status_code,
            "api": self.client.get(f"/api/v1/documents/{code}").status_code,
            "api dossier": self.client.get(f"/api/v1/dossiers/{dossier_code}").status_code,
            "iiif": self.client.get(f"/iiif/{code}/manifest").status_code,
            "oai": self.oai_status(code),
            "search": code in found and dossier_code in found,
            "api search": {r["code"] for r in api["results"]} >= {code, dossier_code},
        }


CLOSED = {
    "page": 404, "dossier page": 404, "api": 404, "api dossier": 404, "iiif": 404,
    "search": False, "api search": False,
}  # fmt: skip
OPEN = {
    "page": 200, "dossier page": 200, "api": 200, "api dossier": 200, "iiif": 200,
    "search": True, "api search": True,
}  # fmt: skip


class EveryDoorTests(DoorsTestCase):
    def test_an_accepted_public_record_is_behind_every_door_until_it_is_published(self) -> None:
        self.assertEqual(self.doors(self.land), {**CLOSED, "oai": "absent"})
        self.assertEqual(services.search(None, "").count, 0)
        self.assertNotContains(self.client.get("/nhung/"), f"<code>{self.agency_a.code}</code>")

    def test_publishing_opens_every_door(self) -> None:
        self.publish(self.dossier)
        self.assertEqual(self.doors(self.land), {**OPEN, "oai": "live"})
        self.assertEqual(services.search(None, "").count, 2)  # the dossier and its document
        self.assertContains(self.client.get("/nhung/"), f"<code>{self.agency_a.code}</code>")
        self.assertContains(self.client.get("/"), self.land.summary)

    def test_withdrawal_closes_every_door_and_oai_reports_the_record_deleted(self) -> None:
        self.publish(self.dossier)
        self.withdraw(self.dossier)
        self.assertEqual(self.doors(self.land), {**CLOSED, "oai": "deleted"})
        self.assertEqual(services.search(None, "").count, 0)
        listed = self.client.get(
            "/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
        ).content.decode()
        self.assertIn('status="deleted"', listed)

    def test_a_document_withdrawn_on_its_own_leaves_its_published_dossier_open(self) -> None:
        self.publish(self.dossier)
        self.withdraw(self.land)
        doors = self.doors(self.land)
        self.assertEqual(
            (doors["page"], doors["dossier page"], doors["oai"]), (404, 200, "deleted")
        )
        self.assertEqual({h.code for h in services.search(None, "").hits}, {self.dossier.code})

    def test_staff_still_find_unpublished_records(self) -> None:
        self.assertEqual(services.search(self.archivist, "giao đất chợ").count, 5)
        self.login(self.archivist)
        self.assertEqual(self.client.get(f"/quan-tri/ho-so/{self.dossier.code}/").status_code, 200)

    def test_restricting_a_published_record_closes_every_door(self) -> None:
        self.publish(self.dossier)
        self.decide(
            actions.change_access_regime, self.dossier, "02", self.head, "QĐ 9/QĐ-LT", "Rà soát"
        )
        self.assertEqual(self.doors(self.land), {**CLOSED, "oai": "deleted"})


class DownloadTests(DoorsTestCase):
    def test_a_document_published_for_reading_only_shows_pages_but_no_download(self) -> None:
        self.publish(self.dossier, download=False)
        code = self.land.archival_code
        page = self.client.get(f"/tai-lieu/{code}/")
        self.assertContains(page, f'href="/tai-lieu/{code}/xem/"')
        self.assertNotContains(page, f"/tai-lieu/{code}/tai-ve/")
        self.assertContains(page, "không cung cấp tải bản gốc")
        self.assertEqual(self.client.get(f"/tai-lieu/{code}/tai-ve/").status_code, 404)
        self.assertEqual(self.client.get(f"/tai-lieu/{code}/xem/").status_code, 200)
        self.assertEqual(self.client.get(f"/iiif/{code}/trang/1/200.jpg").status_code, 200)
        body = self.client.get(f"/api/v1/documents/{code}").json()
        self.assertIsNone(body["download"])
        self.assertIsNotNone(body["manifest"])

    def test_a_document_published_for_download_offers_the_original(self) -> None:
        self.publish(self.dossier, download=True)
        code = self.land.archival_code
        self.assertContains(self.client.get(f"/tai-lieu/{code}/"), f"/tai-lieu/{code}/tai-ve/")
        self.assertEqual(self.client.get(f"/tai-lieu/{code}/tai-ve/").status_code, 200)
        body = self.client.get(f"/api/v1/documents/{code}").json()
        self.assertEqual(body["download"], f"http://testserver/tai-lieu/{code}/tai-ve/")


class CatalogueListingTests(DoorsTestCase):
    def test_conditional_records_are_never_shown_while_their_fonds_does_not_list_them(
        self,
    ) -> None:
        code = self.conditional_doc.archival_code
        for url in (
            f"/ho-so/{self.conditional.code}/",
            f"/tai-lieu/{code}/",
            f"/api/v1/dossiers/{self.conditional.code}",
            f"/api/v1/documents/{code}",
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(services.search(None, "thanh tra").count, 0)
        api = self.client.get("/api/v1/search", {"q": "thanh tra"}).json()
        self.assertEqual(api["count"], 0)

    def test_a_fonds_that_lists_them_shows_their_descriptions_only(self) -> None:
        self.decide(actions.set_publication_policy, self.fonds_a, self.head, list_conditional=True)
        code = self.conditional_doc.archival_code
        dossier = self.client.get(f"/ho-so/{self.conditional.code}/")
        self.assertContains(dossier, self.conditional.title)
        self.assertContains(dossier, "Gửi yêu cầu khai thác")
        self.assertContains(dossier, "Sử dụng có điều kiện")
        self.assertNotContains(dossier, "Thời hạn lưu trữ")  # a description, not the metadata
        document = self.client.get(f"/tai-lieu/{code}/")
        self.assertContains(document, self.conditional_doc.summary)
        self.assertContains(document, "Gửi yêu cầu khai thác")
        self.assertNotContains(document, "Đọc trực tuyến")
        for url in (
            f"/tai-lieu/{code}/xem/",
            f"/tai-lieu/{code}/tai-ve/",
            f"/iiif/{code}/manifest",
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        body = self.client.get(f"/api/v1/documents/{code}").json()
        self.assertTrue(body["catalogueOnly"])
        self.assertEqual(body["subject"], self.conditional_doc.summary)
        self.assertIsNone(body["maintenance"])
        self.assertIsNone(body["manifest"])
        self.assertIn("/doc-gia/yeu-cau/moi/?ma=", body["requestUrl"])
        found = {h.code for h in services.search(None, "thanh tra").hits}
        self.assertEqual(found, {self.conditional.code, code})
        # Mật records are never listed, whatever the fonds says.
        self.assertEqual(self.client.get(f"/ho-so/{self.secret.code}/").status_code, 404)
        self.assertEqual(services.search(None, "an ninh").count, 0)
        self.assertEqual(self.oai_status(code), "absent")  # descriptions only: not harvested

    def test_acceptance_tells_every_door_what_the_fonds_policy_now_shows(self) -> None:
        self.decide(
            actions.set_publication_policy, self.fonds_a, self.head,
            list_conditional=True, publish_on_acceptance=True,
        )  # fmt: skip
        received = {"custody": Custody.RECEIVED, "fonds": self.fonds_a}
        listed = make_dossier(
            self.agency_a, 7, title="Hồ sơ kiểm kê tài sản", access_regime="02", **received
        )
        opened = make_dossier(self.agency_a, 8, title="Hồ sơ quy hoạch phố cổ", **received)
        document = make_document(
            self.agency_a, opened, 1, summary="Quyết định quy hoạch phố cổ",
            custody=Custody.RECEIVED,
        )  # fmt: skip
        services.index_documents([document.pk])  # as the ingest does
        services.index_dossiers([listed.pk])
        self.assertEqual(services.search(None, "kiểm kê").count, 0)
        self.assertEqual(services.search(None, "phố cổ").count, 0)
        # The transfer is accepted: its records are held, then the fonds' policy applies.
        Dossier.objects.filter(pk__in=[listed.pk, opened.pk]).update(custody=Custody.HELD)
        Document.objects.filter(pk=document.pk).update(custody=Custody.HELD)
        outcome = self.decide(actions.publish_on_acceptance, [listed, opened], self.archivist)
        self.assertEqual(outcome.codes, [opened.code])
        self.assertEqual({h.code for h in services.search(None, "kiểm kê").hits}, {listed.code})
        found = {h.code for h in services.search(None, "phố cổ").hits}
        self.assertEqual(found, {opened.code, document.archival_code})
        self.assertEqual(self.oai_status(document.archival_code), "live")
        self.assertEqual(self.client.get(f"/ho-so/{listed.code}/").status_code, 200)

    def test_turning_the_listing_off_hides_them_again(self) -> None:
        self.decide(actions.set_publication_policy, self.fonds_a, self.head, list_conditional=True)
        self.decide(actions.set_publication_policy, self.fonds_a, self.head, list_conditional=False)
        self.assertEqual(self.client.get(f"/ho-so/{self.conditional.code}/").status_code, 404)
        self.assertEqual(services.search(None, "thanh tra").count, 0)


class IndexingWorkerTests(WorkerTestCase):
    """A decision, the real task queue and one pass of the worker: the public's search follows."""

    def test_the_worker_reindexes_published_and_withdrawn_records(self) -> None:
        agency = make_agency("000.00.12.H62", "Sở Nội vụ")
        dossier = make_dossier(agency, 1, title="Hồ sơ tổ chức bộ máy hành chính")
        make_document(agency, dossier, 1, summary="Quyết định sắp xếp tổ chức bộ máy")
        services.reindex()
        actions.publish_records([dossier], None, "Thử nghiệm")
        self.assertEqual(services.search(None, "tổ chức bộ máy").count, 0)  # not yet indexed
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        self.assertEqual(services.search(None, "tổ chức bộ máy").count, 2)
        actions.withdraw_records([dossier], None, "Rà soát")
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        self.assertEqual(services.search(None, "tổ chức bộ máy").count, 0)
