"""The evaluation pages' forms and messages in English, the second language."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from luutru.test import BaseTestCase


def choose_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


class EnglishReportsTests(BaseTestCase):
    def test_the_tally_forms_read_in_english(self) -> None:
        self.login(self.admin)
        self.assertContains(self.client.get(reverse("reports:tallies")), "Số mét giá")
        choose_english(self.client)
        page = self.client.get(reverse("reports:tallies"))
        for label in ("Shelf metres", "Number of boxes", "Number of requests served"):
            self.assertContains(page, label)
        self.assertNotContains(page, "Số mét giá")

    def test_the_dashboard_and_training_pages_read_in_english(self) -> None:
        self.login(self.admin)
        self.assertContains(self.client.get(reverse("reports:dashboard")), "Chỉ tiêu đánh giá")
        choose_english(self.client)
        page = self.client.get(reverse("reports:dashboard"))
        self.assertContains(page, "<h1>Evaluation indicators</h1>", html=True)
        self.assertContains(page, "Indicators against their targets")
        self.assertContains(page, ">Paper transfers, reading room</a>")
        self.assertNotContains(page, "Chỉ tiêu đánh giá")
        page = self.client.get(reverse("reports:training"))
        self.assertContains(page, "Professional training in records management and archives")
        self.assertNotContains(page, "Bồi dưỡng nghiệp vụ")

    def test_recompiling_the_figures_is_confirmed_in_english(self) -> None:
        self.login(self.admin)
        choose_english(self.client)
        response = self.client.post(reverse("reports:refresh"), follow=True)
        self.assertContains(response, "Today&#x27;s figures have been recompiled.")

    def test_a_session_ending_before_it_starts_is_refused_in_english(self) -> None:
        self.login(self.admin)
        choose_english(self.client)
        self.client.post(reverse("reports:training"), {"title": "Lưu trữ điện tử"})
        course = self.client.get(reverse("reports:training")).context["courses"][0]
        response = self.client.post(
            reverse("reports:course", args=[course.pk]),
            {"starts_on": "2026-05-10", "ends_on": "2026-05-01"},
        )
        self.assertContains(response, "The end date must be on or after the start date.")
