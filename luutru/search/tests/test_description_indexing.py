"""A corrected description reaches the search index through the worker, as an ingest does."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command

from luutru.accounts.models import Role
from luutru.records import actions
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.search import services
from luutru.test import WorkerTestCase, make_agency, make_user


class DescriptionSearchTests(WorkerTestCase):
    def setUp(self) -> None:
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        isolated = self.settings(SEARCH_INDEX_DIR=tmp / "search")
        isolated.enable()
        self.addCleanup(isolated.disable)
        self.agency = make_agency("000.00.12.H62", "Sở Tài nguyên và Môi trường")
        self.archivist = make_user("luutruvien", Role.ARCHIVIST, self.agency)
        self.dossier = make_dossier(self.agency, 1)
        self.document = make_document(self.agency, self.dossier, 1)
        publish(self.dossier)  # the public's search finds published records only
        services.reindex()

    def test_search_finds_the_new_title_and_summary_after_an_edit(self) -> None:
        self.assertEqual(services.search(None, "đê điều").count, 0)
        # each action commits (no wrapping transaction here) and queues its indexing then
        actions.change_description(
            self.dossier, values={"title": "Hồ sơ tu bổ đê điều năm 2023"},
            reason="Tiêu đề chưa đúng nội dung", actor=self.archivist,
        )  # fmt: skip
        actions.change_description(
            self.document, values={"subject": "Về việc tu bổ kè sông Hồng"},
            reason="Trích yếu chép sai", actor=self.archivist,
        )  # fmt: skip
        self.assertEqual(services.search(None, "đê điều").count, 0)  # not yet indexed

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

        # the dossier first (its title), then its document (found by its dossier's title)
        self.assertEqual(
            [h.code for h in services.search(None, "đê điều").hits],
            [self.dossier.code, self.document.archival_code],
        )
        self.assertEqual(
            [h.code for h in services.search(None, "kè sông Hồng").hits],
            [self.document.archival_code],
        )
