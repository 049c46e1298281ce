"""The staff record pages ask the access policy themselves, on every request.

records sits below access in the layers, so the pages' helpers take the records the policy lets
the user see as an argument; there is no registry filled at start-up and no fallback of its own.
"""

from __future__ import annotations

from typing import ClassVar

from luutru.access.models import LogAction, UseLog
from luutru.accounts.models import Role
from luutru.organizations import actions as organizations
from luutru.organizations.models import Membership
from luutru.records import services
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier
from luutru.test import BaseTestCase, make_user


class AccessDecisionTests(BaseTestCase):
    dossier: ClassVar[Dossier]
    document: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dossier = make_dossier(cls.agency_a, 21, title="Hồ sơ quyết toán ngân sách 2023")
        cls.document = make_document(cls.agency_a, cls.dossier, 1, summary="Tờ trình quyết toán")

    def urls(self) -> list[str]:
        return [
            f"/quan-tri/ho-so/{self.dossier.code}/",
            f"/quan-tri/tai-lieu/{self.document.pk}/",
        ]

    def test_records_outside_the_users_scope_are_not_found_on_the_staff_pages(self) -> None:
        self.login(self.clerk_b)  # may view dossiers, but of department B only
        for url in self.urls():
            self.assertEqual(self.client.get(url).status_code, 404, url)
        listed = self.client.get("/quan-tri/ho-so/", {"q": "quyết toán"})
        self.assertNotContains(listed, self.dossier.code)
        self.assertFalse(UseLog.objects.filter(user=self.clerk_b).exists())

    def test_a_change_of_scope_counts_from_the_next_request(self) -> None:
        # Clerk of both departments: losing A keeps the permissions (from B) but not A's records.
        clerk = make_user("vanthu_hai_so", Role.CLERK, self.agency_b)
        organizations.assign_role(clerk, agency=self.agency_a, role=Role.CLERK, actor=None)
        self.login(clerk)
        for url in self.urls():
            self.assertEqual(self.client.get(url).status_code, 200, url)
        membership = Membership.objects.get(user=clerk, agency=self.agency_a)
        organizations.revoke_role(membership, actor=None)
        for url in self.urls():
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertNotContains(self.client.get("/quan-tri/ho-so/"), self.dossier.code)

    def test_what_a_staff_page_shows_is_written_to_the_use_log(self) -> None:
        self.login(self.archivist)
        self.client.get(f"/quan-tri/ho-so/{self.dossier.code}/")
        self.client.get(f"/quan-tri/tai-lieu/{self.document.pk}/")
        logged = UseLog.objects.filter(user=self.archivist, action=LogAction.VIEW)
        self.assertEqual(
            {(log.dossier_id, log.document_id, log.agency_id_at) for log in logged},
            {(self.dossier.pk, None, self.agency_a.pk), (None, self.document.pk, self.agency_a.pk)},
        )
        self.assertEqual(logged.count(), 2)

    def test_records_keeps_no_policy_of_its_own(self) -> None:
        for name in ("register_access_policy", "visible_documents", "visible_dossiers"):
            self.assertFalse(hasattr(services, name), name)
        # The helpers cannot be called without what the policy answered.
        with self.assertRaises(TypeError):
            services.get_dossier_for_user(self.archivist, self.dossier.code)  # type: ignore[call-arg]
        with self.assertRaises(TypeError):
            services.get_document_for_user(self.archivist, self.document.pk)  # type: ignore[call-arg]
