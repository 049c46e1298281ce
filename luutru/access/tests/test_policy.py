"""The access policy: public records for everyone, scope for staff, grants for readers."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.http import Http404
from django.utils import timezone

from luutru.access import policy
from luutru.access.models import Grant, Use
from luutru.records import actions
from luutru.records.models import Custody, Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.test import BaseTestCase, make_user


class PolicyTests(BaseTestCase):
    open_dossier: ClassVar[Dossier]
    closed_dossier: ClassVar[Dossier]
    public_doc: ClassVar[Document]
    conditional_doc: ClassVar[Document]
    secret_doc: ClassVar[Document]
    doc_in_closed: ClassVar[Document]
    other_agency_doc: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.open_dossier = make_dossier(cls.agency_a, 1)
        cls.public_doc = make_document(cls.agency_a, cls.open_dossier, 1)
        cls.conditional_doc = make_document(cls.agency_a, cls.open_dossier, 2, access_regime="02")
        cls.secret_doc = make_document(cls.agency_a, cls.open_dossier, 3, access_regime="03")
        cls.closed_dossier = make_dossier(cls.agency_a, 2, access_regime="02")
        # Public on its own, but inside a restricted dossier: the stricter regime wins.
        cls.doc_in_closed = make_document(cls.agency_a, cls.closed_dossier, 1)
        cls.other_agency_doc = make_document(
            cls.agency_b, None, access_regime="02", archival_code="", identifier="B-1"
        )
        publish(cls.open_dossier)

    def grant(self, **kwargs: object) -> Grant:
        now = timezone.now()
        values: dict[str, object] = {
            "user": self.reader,
            "uses": [Use.READ],
            "valid_from": now - datetime.timedelta(days=1),
            "valid_until": now + datetime.timedelta(days=14),
        }
        values.update(kwargs)
        return Grant.objects.create(**values)

    def test_anonymous_callers_see_public_records_only(self) -> None:
        listed = set(policy.documents(None))
        self.assertEqual(listed, {self.public_doc})
        self.assertEqual(set(policy.dossiers(None)), {self.open_dossier})
        self.assertTrue(policy.is_public(self.public_doc))
        self.assertFalse(policy.is_public(self.doc_in_closed))

    def test_refusal_and_absence_give_the_same_404(self) -> None:
        with self.assertRaises(Http404) as refused:
            policy.get_document_or_404(self.reader, Use.READ, pk=self.conditional_doc.pk)
        with self.assertRaises(Http404) as missing:
            policy.get_document_or_404(self.reader, Use.READ, pk=10**9)
        self.assertEqual(str(refused.exception), str(missing.exception))

    def test_staff_see_their_scope_whatever_the_regime(self) -> None:
        clerk_sees = set(policy.documents(self.clerk_a))
        self.assertIn(self.secret_doc, clerk_sees)
        self.assertNotIn(self.other_agency_doc, clerk_sees)
        self.assertIn(self.other_agency_doc, set(policy.documents(self.admin)))
        # The archive's staff see what agency A transfers to their archive.
        self.assertIn(self.conditional_doc, set(policy.documents(self.archivist)))

    def test_a_grant_in_force_opens_only_its_uses(self) -> None:
        self.grant(document=self.conditional_doc)
        self.assertTrue(policy.can(self.reader, Use.READ, self.conditional_doc))
        self.assertFalse(policy.can(self.reader, Use.COPY, self.conditional_doc))
        self.assertFalse(policy.can(self.reader, Use.READ, self.doc_in_closed))

    def test_a_dossier_grant_covers_its_documents(self) -> None:
        self.grant(dossier=self.closed_dossier, uses=[Use.READ, Use.COPY])
        self.assertTrue(policy.can(self.reader, Use.COPY, self.doc_in_closed))
        self.assertTrue(policy.can(self.reader, Use.READ, self.closed_dossier))

    def test_expired_future_and_revoked_grants_count_for_nothing(self) -> None:
        now = timezone.now()
        self.grant(
            document=self.conditional_doc,
            valid_from=now - datetime.timedelta(days=20),
            valid_until=now - datetime.timedelta(days=5),
        )
        self.grant(
            document=self.conditional_doc,
            valid_from=now + datetime.timedelta(days=1),
            valid_until=now + datetime.timedelta(days=5),
        )
        self.grant(document=self.conditional_doc, revoked_at=now)
        self.assertFalse(policy.can(self.reader, Use.READ, self.conditional_doc))

    def test_secret_records_are_never_listed_to_readers(self) -> None:
        self.grant(document=self.secret_doc)
        self.assertTrue(policy.can(self.reader, Use.READ, self.secret_doc))
        self.assertNotIn(self.secret_doc, set(policy.documents(self.reader, Use.LIST)))

    def test_another_readers_grant_gives_nothing(self) -> None:
        self.grant(document=self.conditional_doc)

        stranger = make_user("docgia2")
        self.assertFalse(policy.can(stranger, Use.READ, self.conditional_doc))


class PublicationPolicyTests(BaseTestCase):
    """The public's branch: held, Công khai and published — for a filed document, it and its
    dossier both; downloading also needs the decision to allow it."""

    dossier: ClassVar[Dossier]
    document: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dossier = make_dossier(cls.agency_a, 1, fonds=cls.fonds_a)
        cls.document = make_document(cls.agency_a, cls.dossier, 1)

    def public(self) -> set[Document | Dossier]:
        return {*policy.documents(None, Use.READ), *policy.dossiers(None, Use.READ)}

    def test_accepted_public_records_are_not_public_until_published(self) -> None:
        self.assertEqual(self.public(), set())
        self.assertFalse(policy.is_public(self.document))
        self.assertEqual(set(policy.documents(self.reader, Use.LIST)), set())

    def test_a_filed_document_needs_its_own_and_its_dossiers_publication(self) -> None:
        publish(self.dossier)
        self.assertEqual(self.public(), {self.dossier, self.document})
        actions.withdraw_records([self.dossier], None, "Rà soát")
        self.document.refresh_from_db()
        self.assertIsNotNone(self.document.published_at)  # published itself, yet hidden
        self.assertEqual(self.public(), set())
        publish(self.dossier)
        actions.withdraw_records([self.document], None, "Che thông tin cá nhân")
        self.assertEqual(self.public(), {self.dossier})

    def test_an_unfiled_document_needs_its_own_publication_only(self) -> None:
        unfiled = make_document(self.agency_b, None, identifier="B-2")
        publish(unfiled)
        self.assertEqual(self.public(), {unfiled})

    def test_published_records_leave_the_public_when_no_longer_held(self) -> None:
        publish(self.dossier)
        Dossier.objects.filter(pk=self.dossier.pk).update(custody=Custody.RECEIVED)
        self.assertEqual(self.public(), set())

    def test_downloading_the_original_needs_the_decision_to_allow_it(self) -> None:
        publish(self.dossier, download=False)
        self.assertTrue(policy.can(None, Use.READ, self.document))
        self.assertFalse(policy.can(None, Use.DOWNLOAD, self.document))
        publish(self.dossier, download=True)
        self.assertTrue(policy.can(None, Use.DOWNLOAD, self.document))

    def test_a_listing_fonds_shows_conditional_descriptions_but_never_secret_ones(self) -> None:
        conditional = make_dossier(self.agency_a, 2, access_regime="02", fonds=self.fonds_a)
        inside = make_document(self.agency_a, conditional, 1)
        secret = make_dossier(self.agency_a, 3, access_regime="03", fonds=self.fonds_a)
        make_document(self.agency_a, secret, 1)
        self.assertEqual(set(policy.dossiers(None, Use.LIST)), set())
        actions.set_publication_policy(self.fonds_a, None, list_conditional=True)
        self.assertEqual(set(policy.dossiers(None, Use.LIST)), {conditional})
        self.assertEqual(set(policy.documents(None, Use.LIST)), {inside})
        self.assertTrue(policy.is_listed(inside))
        self.assertFalse(policy.is_public(inside))  # listed, never read


class StaffNavigationTests(BaseTestCase):
    def test_only_those_who_handle_requests_see_the_use_pages(self) -> None:
        for user, shown in ((self.archivist, True), (self.head, True), (self.clerk_a, False)):
            self.login(user)
            page = self.client.get("/quan-tri/")
            self.assertEqual("Khai thác, sử dụng" in page.content.decode(), shown, user)
            status = self.client.get("/quan-tri/khai-thac/").status_code
            self.assertEqual(status, 200 if shown else 403, user)
