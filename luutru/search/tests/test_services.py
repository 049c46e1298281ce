"""The search service: access-aware queries, rebuilding from the database, indexing on commit."""

from __future__ import annotations

import datetime
import json
import shutil
import tempfile
import unicodedata
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from luutru.accounts.models import Role
from luutru.ingest.actions import accept_transfer, ingest, receive_package
from luutru.ingest.models import TransferState
from luutru.ingest.tests.factory import DOSSIER, document, write_package
from luutru.organizations.models import Agency
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier, make_file, publish
from luutru.search import entries, services
from luutru.search.text import MAX_QUERY_CHARS
from luutru.test import BaseTestCase, WorkerTestCase, make_agency, make_user


class QueryForTests(BaseTestCase):
    def test_anonymous_callers_and_readers_see_public_records(self) -> None:
        from django.contrib.auth.models import AnonymousUser

        for user in (None, AnonymousUser(), self.reader):
            query = services.query_for(user, "đất đai")
            self.assertEqual((query.public_only, query.agency_ids), (True, None))

    def test_staff_see_their_scope_and_province_wide_roles_everything(self) -> None:
        clerk = services.query_for(self.clerk_a, "x")
        self.assertFalse(clerk.public_only)
        self.assertEqual(clerk.agency_ids, frozenset({self.agency_a.pk}))
        archivist = services.query_for(self.archivist, "x")
        self.assertEqual(
            archivist.agency_ids, frozenset({self.agency_a.pk, self.archive_agency.pk})
        )
        for user in (self.admin, self.kpi):
            query = services.query_for(user, "x")
            self.assertEqual((query.public_only, query.agency_ids), (False, None))
        self.clerk_b.is_active = False
        self.assertTrue(services.query_for(self.clerk_b, "x").public_only)

    def test_any_input_makes_a_valid_query(self) -> None:
        query = services.query_for(
            None,
            unicodedata.normalize("NFD", "Đất đai ") + "x " * 6000,
            filters={"year": [2023, " 2024 ", ""], "agency": 5, "nonsense": ["1"], "fonds": None},
            page="abc",
            sort="bogus",
        )
        self.assertTrue(query.text.startswith("Đất đai"))
        self.assertTrue(unicodedata.is_normalized("NFC", query.text))
        self.assertLessEqual(len(query.text), MAX_QUERY_CHARS)
        self.assertEqual(query.filters, {"year": ("2023", "2024"), "agency": ("5",)})
        self.assertEqual((query.page, query.sort), (1, "relevance"))
        self.assertEqual(services.query_for(None, "x", page=-3, sort="date").page, 1)


class ReindexTests(BaseTestCase):
    def setUp(self) -> None:
        self.dossier = make_dossier(self.agency_a, 1, fonds=self.fonds_a)
        self.public = make_document(self.agency_a, self.dossier, 1, keywords="đất đai")
        self.restricted = make_document(
            self.agency_a, self.dossier, 2, access_regime="02", summary="Về việc giao đất"
        )
        self.unfiled = make_document(
            self.agency_b,
            None,
            3,
            identifier="H62.04.2023.000003",
            notation="TB-SXD",
            number="77",
            summary="Thông báo về đất xây dựng",
            issued_date=datetime.date(2022, 5, 1),
        )
        make_file(self.public)
        publish(self.dossier, self.unfiled)

    def test_reindex_rebuilds_the_index_from_the_database(self) -> None:
        self.assertEqual(services.reindex(), 4)
        anonymous = services.search(None, "dat")
        self.assertEqual(
            {(h.kind, h.pk) for h in anonymous.hits},
            {("document", self.public.pk), ("document", self.unfiled.pk)},
        )
        admin = services.search(self.admin, "dat")
        self.assertEqual(admin.count, 3)
        self.assertEqual(dict(admin.facets["access_regime"]), {"01": 2, "02": 1})
        self.assertEqual(services.search(self.clerk_b, "").count, 1)
        by_notation = services.search(None, "77/TB-SXD")
        self.assertEqual(by_notation.hits[0].code, "H62.04.2023.000003")
        by_code = services.search(self.clerk_a, self.dossier.code)
        self.assertEqual((by_code.hits[0].kind, by_code.hits[0].pk), ("dossier", self.dossier.pk))
        self.assertEqual(by_code.count, 3)  # the dossier and its documents, whose codes extend it

    def test_entries_carry_what_is_searched(self) -> None:
        entry = next(entries.document_entries([self.unfiled.pk]))
        self.assertEqual(
            (entry.code, entry.notation, entry.fonds), ("H62.04.2023.000003", "77/TB-SXD", None)
        )
        self.assertEqual((entry.year, entry.date), (2022, datetime.date(2022, 5, 1)))
        filed = next(entries.document_entries([self.public.pk]))
        self.assertEqual((filed.fonds, filed.code), (self.fonds_a.pk, self.public.archival_code))
        self.assertIn("Sở Tài chính", filed.body)
        self.assertIn("đất đai", filed.body)
        (dossier,) = entries.dossier_entries([self.dossier.pk])
        self.assertEqual((dossier.kind, dossier.year, dossier.doc_type), ("dossier", 2023, ""))

    def test_entries_carry_what_the_public_may_find(self) -> None:
        restricted = next(entries.document_entries([self.restricted.pk]))
        self.assertEqual(restricted.visibility, "")
        self.assertEqual(next(entries.document_entries([self.public.pk])).visibility, "open")
        self.fonds_a.list_conditional = True
        self.fonds_a.save(update_fields=["list_conditional"])
        self.assertEqual(next(entries.document_entries([self.restricted.pk])).visibility, "listed")
        Dossier.objects.filter(pk=self.dossier.pk).update(published_at=None)
        self.assertEqual(next(entries.document_entries([self.public.pk])).visibility, "")
        self.assertEqual(next(entries.dossier_entries([self.dossier.pk])).visibility, "")

    def test_reading_entries_takes_a_few_queries_whatever_the_number_of_records(self) -> None:
        for n in range(4, 30):
            make_document(self.agency_a, self.dossier, n)
        list(entries.all_entries())  # the code lists are read once per process, then cached
        with self.assertNumQueries(3):  # dossiers; documents; their files
            self.assertEqual(len(list(entries.all_entries())), 30)

    def test_index_documents_follows_changes_and_deletions(self) -> None:
        services.reindex()
        Document.objects.filter(pk=self.public.pk).update(summary="Về việc chỉnh lý tài liệu")
        self.assertEqual(services.index_documents([self.public.pk]), 2)  # and its dossier
        self.assertEqual(services.search(None, "chinh ly").hits[0].pk, self.public.pk)
        gone = self.unfiled.pk
        self.unfiled.delete()
        services.index_documents([gone])
        self.assertEqual(services.search(None, "thong bao").count, 0)

    def test_luutru_reindex_reports_count_and_rate_in_vietnamese(self) -> None:
        out = StringIO()
        call_command("reindex", stdout=out)
        self.assertIn("Đã lập lại chỉ mục tìm kiếm: 4 hồ sơ, tài liệu", out.getvalue())
        self.assertIn("bản ghi/giây", out.getvalue())
        out = StringIO()
        call_command("reindex", "--json", stdout=out)
        self.assertEqual(json.loads(out.getvalue())["indexed"], 4)

    def test_an_ingest_enqueues_its_documents_on_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            services.on_records_ingested(sender=None, transfer_id="x", document_ids=[3, 1, 3])
        task = DBTaskResult.objects.get()
        self.assertEqual(task.task_path, "luutru.search.tasks.index_documents_task")
        self.assertEqual(task.args_kwargs["args"], [[1, 3]])


class IngestIndexingTests(WorkerTestCase):
    """An ingest, the real task queue and one pass of the worker: its records become findable."""

    def setUp(self) -> None:
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        isolated = self.settings(STORAGE_ROOT=tmp / "kho", INGEST_WORK_DIR=tmp / "work")
        isolated.enable()
        self.addCleanup(isolated.disable)
        self.tmp = tmp
        self.agency: Agency = make_agency("000.00.12.H62", "Sở Tài nguyên và Môi trường")
        make_user("vanthu", Role.CLERK, self.agency)
        services.reindex()  # the index is shared by the run: start from this database

    def test_ingested_documents_are_indexed_by_the_worker(self) -> None:
        first_row = document(1)
        first_row["Trích yếu nội dung"] = "Về việc thu hồi đất đai đợt 1"
        package = write_package(self.tmp / "goi", documents=[first_row, document(2)])
        transfer = ingest(receive_package(package, agency=self.agency, actor=None))
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        transfer = accept_transfer(transfer, None)  # the archive takes it into the holdings
        publish(*Dossier.objects.filter(code=DOSSIER["Mã hồ sơ"]))
        self.assertEqual(services.search(None, "thu hoi dat").count, 0)  # not yet indexed

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

        found = services.search(None, "thu hoi dat")
        self.assertEqual(found.count, 1)
        first = found.hits[0]
        self.assertEqual((first.kind, first.code), ("document", f"{DOSSIER['Mã hồ sơ']}.0000001"))
        self.assertIn("<mark>", first.snippet + first.title)
        self.assertEqual(services.search(None, "QĐ-UBND").count, 2)
        self.assertEqual(services.search(None, DOSSIER["Mã hồ sơ"]).count, 3)
