"""The preservation pages' storage names, incident form and messages in English."""

from __future__ import annotations

from django.test import Client

from luutru.preservation.models import Incident, IncidentKind
from luutru.preservation.tests.helpers import StorageTestCase

DASHBOARD = "/quan-tri/bao-quan/"


def choose_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


class EnglishPreservationTests(StorageTestCase):
    def test_the_dashboard_names_the_storages_in_the_language_chosen(self) -> None:
        self.login(self.admin)
        self.assertContains(self.client.get(DASHBOARD), "Kho chính")
        choose_english(self.client)
        page = self.client.get(DASHBOARD)
        self.assertContains(page, "Primary storage")
        self.assertContains(page, "Replica storage")
        self.assertNotContains(page, "Kho chính")
        response = self.client.post(DASHBOARD + "kiem-tra/", follow=True)
        self.assertContains(response, "Fixity check scheduled")

    def test_the_incident_form_reads_in_english(self) -> None:
        lost = Incident.objects.create(kind=IncidentKind.FILE_LOST, message="Hỏng cả hai bản.")
        self.login(self.admin)
        choose_english(self.client)
        self.assertContains(self.client.get(f"{DASHBOARD}su-co/{lost.pk}/"), "Action taken")
