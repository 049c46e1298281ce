"""Mật (03) records are need-to-know: staff in scope see that one exists in a list, but open,
read or download it only under a staff grant in force, administrators included; never the KPI
viewer. Grants are given and revoked on a small administrators' page, with a reason."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.utils import timezone

from luutru.access import actions, policy
from luutru.access.models import AuditAction, Grant, LogAction, Use, UseLog
from luutru.audit.models import AuditEvent
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier
from luutru.search import services as search
from luutru.test import BaseTestCase

GRANTS = "/quan-tri/khai-thac/quyen-mat/"


class NeedToKnowCase(BaseTestCase):
    secret_dossier: ClassVar[Dossier]
    secret_doc: ClassVar[Document]
    plain_doc: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.secret_dossier = make_dossier(cls.agency_a, 7, access_regime="03", title="Hồ sơ mật")
        cls.secret_doc = make_document(cls.agency_a, cls.secret_dossier, 1)
        plain = make_dossier(cls.agency_a, 8)
        cls.plain_doc = make_document(cls.agency_a, plain, 1)

    def grant(self, user: object, uses: list[str], days: int = 7) -> Grant:
        return actions.grant_staff_access(
            user,  # type: ignore[arg-type]
            self.secret_dossier,
            uses=uses,
            until=timezone.now() + datetime.timedelta(days=days),
            reason="Giải quyết khiếu nại số 12/KN",
            actor=self.admin,
        )


class NeedToKnowTests(NeedToKnowCase):
    def test_staff_in_scope_list_a_secret_record_but_cannot_open_it(self) -> None:
        for user in (self.archivist, self.clerk_a, self.head, self.admin, self.kpi):
            self.assertIn(self.secret_doc, policy.documents(user, Use.LIST), user.username)
            self.assertIn(self.secret_dossier, policy.dossiers(user, Use.LIST), user.username)
            for use in (Use.READ, Use.DOWNLOAD, Use.COPY):
                self.assertFalse(policy.can(user, use, self.secret_doc), (user.username, use))
                self.assertFalse(policy.can(user, use, self.secret_dossier), (user.username, use))
            self.assertTrue(policy.can(user, Use.READ, self.plain_doc), user.username)

    def test_a_grant_opens_it_for_its_uses_and_period_only(self) -> None:
        grant = self.grant(self.archivist, [Use.READ])
        self.assertTrue(policy.can(self.archivist, Use.READ, self.secret_dossier))
        self.assertTrue(policy.can(self.archivist, Use.READ, self.secret_doc))
        # The original is not downloadable unless the grant says so.
        self.assertFalse(policy.can(self.archivist, Use.DOWNLOAD, self.secret_doc))
        self.assertFalse(policy.can(self.head, Use.READ, self.secret_doc))
        actions.revoke_grant(grant, actor=self.admin)
        self.assertFalse(policy.can(self.archivist, Use.READ, self.secret_doc))
        expired = self.grant(self.archivist, [Use.READ, Use.DOWNLOAD])
        Grant.objects.filter(pk=expired.pk).update(valid_until=timezone.now())
        self.assertFalse(policy.can(self.archivist, Use.DOWNLOAD, self.secret_doc))

    def test_the_kpi_viewer_and_readers_are_never_granted(self) -> None:
        for user in (self.kpi, self.reader):
            with self.assertRaises(ValidationError):
                self.grant(user, [Use.READ])
        with self.assertRaises(ValidationError):
            actions.grant_staff_access(
                self.archivist,
                self.secret_dossier,
                uses=[Use.READ],
                until=timezone.now() + datetime.timedelta(days=1),
                reason=" ",
                actor=self.admin,
            )

    def test_the_staff_pages_refuse_without_a_grant_and_log_each_view_with_one(self) -> None:
        dossier_page = f"/quan-tri/ho-so/{self.secret_dossier.code}/"
        document_page = f"/quan-tri/tai-lieu/{self.secret_doc.pk}/"
        self.login(self.admin)
        self.assertContains(self.client.get("/quan-tri/ho-so/"), self.secret_dossier.code)
        for user in (self.archivist, self.admin, self.kpi):
            self.login(user)
            self.assertEqual(self.client.get(dossier_page).status_code, 404, user.username)
            self.assertEqual(self.client.get(document_page).status_code, 404, user.username)
        self.grant(self.archivist, [Use.READ])
        self.login(self.archivist)
        self.assertContains(self.client.get(dossier_page), "Hồ sơ mật")
        self.assertEqual(self.client.get(document_page).status_code, 200)
        logged = UseLog.objects.filter(user=self.archivist, action=LogAction.VIEW)
        self.assertEqual(logged.filter(dossier=self.secret_dossier).count(), 1)
        self.assertEqual(logged.filter(document=self.secret_doc).count(), 1)

    def test_search_finds_a_secret_record_by_title_but_shows_none_of_its_text(self) -> None:
        search.reindex()
        found = search.search(self.archivist, "phân bổ dự toán")
        hits = {(hit.kind, hit.pk): hit for hit in found.hits}
        secret = hits[("document", self.secret_doc.pk)]
        self.assertEqual(secret.snippet, "")
        self.assertEqual(secret.code, self.secret_doc.archival_code)
        self.assertIn("<mark>", hits[("document", self.plain_doc.pk)].snippet)

    def test_the_api_describes_but_does_not_open_a_secret_record(self) -> None:
        self.login(self.archivist)
        response = self.client.get(f"/api/v1/dossiers/{self.secret_dossier.code}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.json()["catalogueOnly"])
        self.grant(self.archivist, [Use.READ])
        response = self.client.get(f"/api/v1/dossiers/{self.secret_dossier.code}")
        self.assertFalse(response.json()["catalogueOnly"])


class GrantPageTests(NeedToKnowCase):
    def post(self, **values: str) -> object:
        data = {
            "username": self.archivist.username,
            "code": self.secret_dossier.code,
            "uses": "read",
            "until": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            "reason": "Thanh tra theo Quyết định 45/QĐ",
        }
        data.update(values)
        return self.client.post(GRANTS, data)

    def test_an_administrator_grants_and_revokes_with_a_reason_audited(self) -> None:
        self.login(self.admin)
        self.assertRedirects(self.post(), GRANTS)  # type: ignore[arg-type]
        grant = Grant.objects.get(user=self.archivist)
        self.assertEqual(grant.uses, ["read"])
        self.assertEqual(grant.granted_by, self.admin)
        page = self.client.get(GRANTS)
        self.assertContains(page, "Thanh tra theo Quyết định 45/QĐ")
        self.assertTrue(AuditEvent.objects.filter(action=AuditAction.STAFF_GRANT).exists())
        revoke = self.client.post(f"{GRANTS}{grant.pk}/thu-hoi/")
        self.assertRedirects(revoke, GRANTS)
        self.assertFalse(policy.can(self.archivist, Use.READ, self.secret_doc))
        self.assertTrue(AuditEvent.objects.filter(action=AuditAction.STAFF_GRANT_REVOKE).exists())

    def test_a_grant_needs_a_reason_and_a_secret_record(self) -> None:
        self.login(self.admin)
        self.assertEqual(self.post(reason="").status_code, 400)  # type: ignore[attr-defined]
        self.assertEqual(
            self.post(code=self.plain_doc.dossier.code).status_code,  # type: ignore[union-attr,attr-defined]
            400,
        )
        self.assertFalse(Grant.objects.exists())

    def test_only_administrators_manage_grants(self) -> None:
        for user in (self.head, self.archivist, self.kpi, self.reader):
            self.login(user)
            self.assertEqual(self.client.get(GRANTS).status_code, 403, user.username)
            self.assertEqual(self.post().status_code, 403, user.username)  # type: ignore[attr-defined]
