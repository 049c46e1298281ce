"""The digitization upload form in English, the second language."""

from __future__ import annotations

from django.test import Client

from luutru.test import BaseTestCase

BATCHES = "/quan-tri/so-hoa/"


def choose_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


class EnglishDigitizationTests(BaseTestCase):
    def test_the_upload_form_reads_in_english(self) -> None:
        self.login(self.archivist)
        page = self.client.get(BATCHES)
        self.assertContains(page, "Ảnh quét")  # Vietnamese by default
        self.assertContains(page, "— chưa xác nhận —")
        choose_english(self.client)
        page = self.client.get(BATCHES)
        for text in ("Scanned images", "— not confirmed —", "02 Decision", "24-bit colour"):
            self.assertContains(page, text)
        self.assertNotContains(page, "Ảnh quét")

    def test_an_unknown_file_code_is_refused_in_english(self) -> None:
        self.login(self.archivist)
        choose_english(self.client)
        response = self.client.post(BATCHES, {"dossier": "KHONG-CO"})
        self.assertContains(
            response, "There is no file with the code “KHONG-CO” within your scope."
        )
