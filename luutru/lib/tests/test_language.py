"""Pages open in Vietnamese whatever the browser prefers; the switcher changes that."""

from __future__ import annotations

from django.test import TestCase


class LanguageTests(TestCase):
    def test_an_english_browser_still_gets_vietnamese(self) -> None:
        page = self.client.get("/tai-khoan/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(page, '<html lang="vi">')
        self.assertContains(page, "Đăng nhập")

    def test_the_switcher_turns_the_interface_to_english_and_back(self) -> None:
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        page = self.client.get("/tai-khoan/dang-nhap/")
        self.assertContains(page, '<html lang="en">')
        self.assertContains(page, "Log in")
        self.client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
        self.assertContains(self.client.get("/tai-khoan/dang-nhap/"), '<html lang="vi">')
