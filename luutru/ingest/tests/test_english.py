"""The transfer upload's refusals and the reader registration's checks in English."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from luutru.test import BaseTestCase

UPLOAD = "/quan-tri/nop-luu/"


def choose_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


class EnglishTransferFormTests(BaseTestCase):
    def post_text_file(self) -> str:
        package = SimpleUploadedFile("goi.txt", b"not a zip", content_type="text/plain")
        response = self.client.post(UPLOAD, {"package": package, "agency": self.agency_a.pk})
        return response.content.decode()

    def test_a_file_that_is_not_a_zip_is_refused_in_the_language_chosen(self) -> None:
        self.login(self.clerk_a)
        self.assertIn("Tệp “goi.txt” không phải tệp nén .zip.", self.post_text_file())
        choose_english(self.client)
        self.assertIn("The file “goi.txt” is not a .zip archive.", self.post_text_file())
