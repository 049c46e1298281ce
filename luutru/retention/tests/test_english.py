"""The retention pages' forms and messages in English, the second language."""

from __future__ import annotations

from django.test import Client

from luutru.retention.models import HoldKind
from luutru.retention.tests.helpers import RetentionTestCase

HOLDS = "/quan-tri/luu-giu/tam-dung/"
SCHEDULES = "/quan-tri/luu-giu/bang-thoi-han/"


def choose_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


class EnglishRetentionTests(RetentionTestCase):
    def test_the_hold_form_and_its_message_read_in_english(self) -> None:
        self.login(self.archivist)
        self.assertContains(self.client.get(HOLDS), "Lý do pháp lý")  # Vietnamese by default
        choose_english(self.client)
        page = self.client.get(HOLDS)
        self.assertContains(page, "Legal ground")
        self.assertContains(page, "Or fonds code")
        self.assertNotContains(page, "Lý do pháp lý")
        response = self.client.post(
            HOLDS,
            {"kind": HoldKind.INSPECTION, "dossier": "KHONG-CO", "reason": "Thanh tra"},
            follow=True,
        )
        self.assertContains(response, "No file or fonds found within your scope.")
        self.assertNotContains(response, "Không tìm thấy hồ sơ hoặc phông trong phạm vi.")

    def test_the_schedule_form_explains_its_lines_in_english(self) -> None:
        self.login(self.admin)
        self.assertContains(self.client.get(SCHEDULES), "Các nhóm hồ sơ")
        choose_english(self.client)
        page = self.client.get(SCHEDULES)
        self.assertContains(page, "Groups of files")
        self.assertContains(page, "One per line: number | group of files and documents")
