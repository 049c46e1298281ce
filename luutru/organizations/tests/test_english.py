"""The organisation pages' forms and messages in English, the second language."""

from __future__ import annotations

from django.test import Client

from luutru.test import BaseTestCase


def choose_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


class EnglishOrganizationTests(BaseTestCase):
    def test_the_role_form_and_a_refusal_read_in_english(self) -> None:
        self.login(self.admin)
        page = f"/quan-tri/nguoi-dung/{self.admin.username}/"
        self.assertContains(self.client.get(page), "Tại cơ quan")  # Vietnamese by default
        choose_english(self.client)
        self.assertContains(self.client.get(page), "At agency")
        response = self.client.post(page, {"active": "0"}, follow=True)
        self.assertContains(response, "You cannot deactivate your own account.")
        self.assertNotContains(response, "Không thể tự khóa tài khoản của chính mình.")

    def test_a_saved_agency_is_confirmed_in_the_language_chosen(self) -> None:
        self.login(self.admin)
        edit = f"/quan-tri/co-quan/{self.agency_b.code}/sua/"
        data = {"code": self.agency_b.code, "name": "Sở Xây dựng", "kind": self.agency_b.kind}
        data["parent"] = str(self.province.pk)
        self.assertContains(self.client.post(edit, data, follow=True), "Đã lưu thay đổi.")
        choose_english(self.client)
        self.assertContains(self.client.post(edit, data, follow=True), "Changes saved.")

    def test_a_malformed_agency_code_is_explained_in_english(self) -> None:
        self.login(self.admin)
        choose_english(self.client)
        response = self.client.post(
            "/quan-tri/co-quan/them/",
            {"code": "12.H62", "name": "Sở lỗi", "kind": "department"},
        )
        self.assertContains(response, "does not have the form NNN.NN.NN.XNN")
        self.assertNotContains(response, "không đúng dạng NNN.NN.NN.XNN")
