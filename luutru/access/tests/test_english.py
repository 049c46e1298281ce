"""The reader registration's checks in English, the second language."""

from __future__ import annotations

from django.test import Client

from luutru.test import BaseTestCase

REGISTER = "/doc-gia/dang-ky/"


def choose_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


class EnglishRegistrationTests(BaseTestCase):
    def test_a_wrong_id_number_is_refused_in_the_language_chosen(self) -> None:
        data = {"full_name": "Nguyễn Văn A", "id_number": "123"}
        self.assertContains(self.client.post(REGISTER, data), "Số CCCD gồm đúng 12 chữ số.")
        choose_english(self.client)
        response = self.client.post(REGISTER, data)
        self.assertContains(response, "The citizen ID number has exactly 12 digits.")
        self.assertContains(response, "Your consent is needed to issue a reader account.")
        self.assertContains(response, "I agree that the archives may process the personal data")
