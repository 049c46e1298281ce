"""The curator's messages on the exhibition pages in English, the second language."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from luutru.exhibitions.tests.test_exhibitions import ExhibitionTestCase


def choose_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


class EnglishCuratorTests(ExhibitionTestCase):
    def test_a_caption_edit_and_its_refusal_read_in_english(self) -> None:
        exhibition = self.make_exhibition(published=False)
        item = exhibition.sections.get().items.get(document=self.shown)
        edit = reverse("exhibitions:item-edit", args=[exhibition.pk, item.pk])
        self.login(self.archivist)
        response = self.client.post(edit, {"page": 1, "caption": "Một"}, follow=True)
        self.assertContains(response, "Đã sửa chú thích.")  # Vietnamese by default
        choose_english(self.client)
        response = self.client.post(edit, {"page": 1, "caption": "Hai"}, follow=True)
        self.assertContains(response, "Caption saved.")
        self.assertNotContains(response, "Đã sửa chú thích.")
        response = self.client.post(edit, {"page": "x", "caption": "Ba"}, follow=True)
        self.assertContains(response, "A valid page number is needed.")
        self.assertNotContains(response, "Cần số trang hợp lệ.")

    def test_a_state_change_reads_in_english(self) -> None:
        exhibition = self.make_exhibition(published=False)
        self.login(self.archivist)
        choose_english(self.client)
        step = reverse("exhibitions:transition", args=[exhibition.pk, "gui-duyet"])
        response = self.client.post(step, follow=True)
        self.assertContains(response, "Sent for review.")
        self.assertNotContains(response, "Đã gửi duyệt.")
