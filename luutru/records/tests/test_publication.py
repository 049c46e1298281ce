"""Publication (công bố): who may publish or withdraw what, the rule for a dossier and its
documents, each fonds' policy, access-regime decisions, the staff pages and ``luutru publish``."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from typing import ClassVar
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from luutru.audit.models import AuditEvent
from luutru.organizations.models import Agency
from luutru.organizations.services import agencies_in_scope
from luutru.records import actions
from luutru.records.models import (
    Custody,
    Document,
    Dossier,
    PublicationAction,
    PublicationDecision,
    RegimeChange,
)
from luutru.records.services import awaiting_publication, publication_history
from luutru.records.tests.factory import make_document, make_dossier
from luutru.test import BaseTestCase


class PublicationTestCase(BaseTestCase):
    dossier: ClassVar[Dossier]
    first: ClassVar[Document]
    second: ClassVar[Document]
    secret_doc: ClassVar[Document]
    unfiled: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dossier = make_dossier(cls.agency_a, 1, fonds=cls.fonds_a)
        cls.first = make_document(cls.agency_a, cls.dossier, 1)
        cls.second = make_document(cls.agency_a, cls.dossier, 2)
        cls.secret_doc = make_document(cls.agency_a, cls.dossier, 3, access_regime="03")
        cls.unfiled = make_document(
            cls.agency_a, None, identifier="000.00.03.H62.2023.VB.0001", summary="Thông báo"
        )

    def fresh(self, record: Dossier | Document) -> Dossier | Document:
        record.refresh_from_db()
        return record


class PublishAndWithdrawTests(PublicationTestCase):
    def test_the_head_publishes_a_dossier_and_its_public_documents_follow(self) -> None:
        outcome = actions.publish_records([self.dossier], self.head, "Phục vụ nghiên cứu")
        self.assertEqual(outcome.codes, [self.dossier.code])
        self.assertEqual(outcome.refused, [])
        dossier = self.fresh(self.dossier)
        self.assertIsNotNone(dossier.published_at)
        self.assertEqual(dossier.published_by, self.head)
        for document in (self.first, self.second):
            self.assertIsNotNone(self.fresh(document).published_at)
        self.assertIsNone(self.fresh(self.secret_doc).published_at)  # Mật never follows
        decision = PublicationDecision.objects.get()
        self.assertEqual(
            (decision.dossier, decision.action, decision.reason, decision.documents),
            (dossier, PublicationAction.PUBLISH, "Phục vụ nghiên cứu", 2),
        )
        self.assertEqual(decision.decided_by, self.head)
        event = AuditEvent.objects.filter(action="records.publish").get()
        self.assertIn(self.dossier.code, event.message)
        self.assertIn("2 tài liệu công bố theo hồ sơ", event.message)

    def test_withdrawing_needs_a_reason_and_is_kept_as_history(self) -> None:
        actions.publish_records([self.unfiled], self.head)
        refused = actions.withdraw_records([self.unfiled], self.head, "  ")
        self.assertEqual(refused.done, [])
        self.assertEqual(refused.refused[0].reason, "Cần nêu lý do thu hồi công bố.")
        self.assertIsNotNone(self.fresh(self.unfiled).published_at)
        outcome = actions.withdraw_records([self.unfiled], self.head, "Phát hiện thông tin cá nhân")
        self.assertEqual(outcome.codes, [self.unfiled.identifier])
        self.assertIsNone(self.fresh(self.unfiled).published_at)
        actions_taken = [getattr(d, "action", "") for d in publication_history(self.unfiled)]
        self.assertEqual(actions_taken, [PublicationAction.WITHDRAW, PublicationAction.PUBLISH])
        self.assertTrue(AuditEvent.objects.filter(action="records.withdraw").exists())

    def test_a_secret_record_is_refused_with_a_reason_and_nothing_changes(self) -> None:
        secret = make_dossier(self.agency_a, 5, access_regime="03")
        outcome = actions.publish_records([secret, self.secret_doc], self.head)
        self.assertEqual(outcome.done, [])
        reasons = [r.reason for r in outcome.refused]
        self.assertEqual(len(reasons), 2)
        for reason in reasons:
            self.assertIn("thuộc chế độ Mật: tài liệu Mật không bao giờ được công bố", reason)
        self.assertFalse(PublicationDecision.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="records.publish").exists())

    def test_a_conditional_record_is_refused_as_public_content(self) -> None:
        conditional = make_dossier(self.agency_a, 6, access_regime="02", fonds=self.fonds_a)
        [refusal] = actions.publish_records([conditional], self.head).refused
        self.assertIn("Sử dụng có điều kiện: không công bố nội dung", refusal.reason)
        self.assertIsNone(self.fresh(conditional).published_at)

    def test_a_record_not_yet_accepted_into_the_holdings_is_refused(self) -> None:
        received = make_dossier(self.agency_a, 7, custody=Custody.RECEIVED)
        outcome = actions.publish_records([received], self.head)
        self.assertEqual(outcome.done, [])
        self.assertIn("chưa được tiếp nhận vào kho lưu trữ", outcome.refused[0].reason)
        self.assertIsNone(self.fresh(received).published_at)

    def test_users_without_the_permission_are_refused_every_record(self) -> None:
        for user in (self.archivist, self.clerk_a, self.council, self.kpi, self.reader):
            with self.subTest(user.username):
                outcome = actions.publish_records([self.dossier, self.unfiled], user)
                self.assertEqual(outcome.done, [])
                self.assertEqual(len(outcome.refused), 2)
                self.assertIn("không có quyền công bố", outcome.refused[0].reason)
        self.assertIsNone(self.fresh(self.dossier).published_at)
        actions.publish_records([self.dossier], self.admin)  # administrators may
        refused = actions.withdraw_records([self.dossier], self.archivist, "Lý do")
        self.assertIn("không có quyền thu hồi công bố", refused.refused[0].reason)
        self.assertIsNotNone(self.fresh(self.dossier).published_at)

    def test_records_outside_the_heads_scope_are_refused(self) -> None:
        other = make_document(self.agency_b, None, identifier="000.00.04.H62.VB.1")
        [refusal] = actions.publish_records([other], self.head).refused
        self.assertIn("không thuộc phạm vi cơ quan của bạn", refusal.reason)

    def test_a_document_of_an_unpublished_dossier_waits_for_its_dossier(self) -> None:
        [refusal] = actions.publish_records([self.first], self.head).refused
        self.assertIn("hãy công bố hồ sơ", refusal.reason)
        self.assertIsNone(self.fresh(self.first).published_at)
        # Publishing the dossier first in the same decision is fine.
        outcome = actions.publish_records([self.first, self.dossier], self.head)
        self.assertEqual(outcome.codes, [self.dossier.code, self.first.archival_code])

    def test_withdrawing_what_is_not_published_is_refused(self) -> None:
        [refusal] = actions.withdraw_records([self.dossier], self.head, "Lý do").refused
        self.assertIn("chưa được công bố", refusal.reason)

    def test_the_download_choice_defaults_to_the_fonds_and_can_be_overridden(self) -> None:
        actions.set_publication_policy(self.fonds_a, self.head, public_download=False)
        actions.publish_records([self.dossier], self.head)
        self.assertFalse(self.fresh(self.dossier).public_download)
        self.assertFalse(self.fresh(self.first).public_download)
        actions.publish_records([self.dossier], self.head, "Cho tải", allow_download=True)
        self.assertTrue(self.fresh(self.first).public_download)
        actions.publish_records([self.unfiled], self.head, allow_download=False)
        self.assertFalse(self.fresh(self.unfiled).public_download)


class DossierRuleTests(PublicationTestCase):
    """A dossier is published as a whole; its documents' own decisions are its exceptions."""

    def test_withdrawing_a_dossier_hides_its_documents_and_publishing_again_brings_them_back(
        self,
    ) -> None:
        actions.publish_records([self.dossier], self.head)
        actions.withdraw_records([self.first], self.head, "Có thông tin cá nhân")
        actions.withdraw_records([self.dossier], self.head, "Rà soát lại")
        self.assertEqual(set(Document.objects.open_to_public()), set())
        self.assertIsNotNone(self.fresh(self.second).published_at)  # its own flag is kept
        actions.publish_records([self.dossier], self.head, "Rà soát xong")
        # The document withdrawn on its own stays withdrawn; the other one is back.
        self.assertEqual(set(Document.objects.open_to_public()), {self.second})
        actions.publish_records([self.first], self.head, "Đã che thông tin cá nhân")
        self.assertEqual(set(Document.objects.open_to_public()), {self.first, self.second})

    def test_a_document_arriving_in_a_published_dossier_waits_for_a_decision(self) -> None:
        actions.publish_records([self.dossier], self.head)
        late = make_document(self.agency_a, self.dossier, 4)
        dossiers, documents = awaiting_publication(agencies_in_scope(self.head))
        self.assertEqual((list(dossiers), set(documents)), ([], {late, self.unfiled}))
        actions.publish_records([self.dossier], self.head)  # publishing again brings it along
        self.assertIn(late, Document.objects.open_to_public())


class FondsPolicyTests(PublicationTestCase):
    def test_publish_on_acceptance_follows_each_fonds_policy(self) -> None:
        self.assertEqual(actions.publish_on_acceptance([self.dossier], self.archivist).done, [])
        self.assertIsNone(self.fresh(self.dossier).published_at)  # off by default
        actions.set_publication_policy(self.fonds_a, self.head, publish_on_acceptance=True)
        conditional = make_dossier(self.agency_a, 8, access_regime="02", fonds=self.fonds_a)
        outcome = actions.publish_on_acceptance(
            [self.dossier, conditional, self.first, self.unfiled], self.archivist
        )
        # The fonds decided in advance: the accepting archivist needs no permission. The
        # conditional dossier and the unfiled document (no fonds) are left as they are.
        self.assertEqual(outcome.codes, [self.dossier.code])
        self.assertEqual(outcome.refused, [])
        self.assertEqual(set(Document.objects.open_to_public()), {self.first, self.second})
        decision = PublicationDecision.objects.get()
        self.assertIn("chính sách công bố của phông", decision.reason)
        self.assertEqual(decision.decided_by, self.archivist)

    def test_the_policy_is_audited_and_needs_the_permission(self) -> None:
        with self.assertRaises(PermissionDenied):
            actions.set_publication_policy(self.fonds_a, self.archivist, list_conditional=True)
        actions.set_publication_policy(self.fonds_a, self.head, list_conditional=True)
        self.fonds_a.refresh_from_db()
        self.assertTrue(self.fonds_a.list_conditional)
        event = AuditEvent.objects.get(action="records.publication_policy")
        self.assertIn("giới thiệu tài liệu sử dụng có điều kiện", event.message)


class RegimeChangeTests(PublicationTestCase):
    def test_opening_a_conditional_record_is_a_recorded_decision_with_its_legal_basis(
        self,
    ) -> None:
        conditional = make_dossier(self.agency_a, 9, access_regime="02", fonds=self.fonds_a)
        change = actions.change_access_regime(
            conditional, "01", self.head, "Quyết định số 12/QĐ-LTLS ngày 02/3/2026", "Hết hạn chế"
        )
        self.assertEqual((change.old_regime, change.new_regime), ("02", "01"))
        self.assertEqual(self.fresh(conditional).access_regime, "01")
        self.assertEqual(list(RegimeChange.objects.all()), [change])
        event = AuditEvent.objects.get(action="records.access_regime_change")
        self.assertIn("Quyết định số 12/QĐ-LTLS", event.message)
        # Opening does not publish; it now waits for a publication decision.
        self.assertIsNone(self.fresh(conditional).published_at)
        dossiers, _ = awaiting_publication(Agency.objects.all())
        self.assertIn(conditional, dossiers)

    def test_a_record_reopened_after_its_last_decision_waits_for_a_new_one(self) -> None:
        """Restricting withdraws (a decision); opening it again later asks the head anew."""
        actions.publish_records([self.dossier], self.head)
        actions.change_access_regime(self.dossier, "02", self.head, "Công văn 5/UBND", "Rà soát")
        dossiers, _ = awaiting_publication(Agency.objects.all())
        self.assertNotIn(self.dossier, dossiers)  # Sử dụng có điều kiện: nothing to publish
        later = timezone.now() + datetime.timedelta(minutes=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            actions.change_access_regime(
                self.dossier, "01", self.head, "Quyết định 9/QĐ-LTLS", "Hết hạn chế"
            )
        dossiers, _ = awaiting_publication(Agency.objects.all())
        self.assertIn(self.dossier, dossiers)

    def test_restricting_a_published_record_withdraws_it_in_the_same_decision(self) -> None:
        actions.publish_records([self.dossier], self.head)
        actions.change_access_regime(self.dossier, "02", self.head, "Công văn 5/UBND", "Rà soát")
        dossier = self.fresh(self.dossier)
        self.assertEqual(dossier.access_regime, "02")
        self.assertIsNone(dossier.published_at)
        latest = PublicationDecision.objects.of(dossier).first()
        assert latest is not None
        self.assertEqual(latest.action, PublicationAction.WITHDRAW)
        self.assertIn("Công văn 5/UBND", latest.reason)
        self.assertEqual(set(Document.objects.open_to_public()), set())

    def test_a_change_needs_a_new_regime_a_legal_basis_a_reason_and_the_permission(self) -> None:
        with self.assertRaises(ValidationError) as bad:
            actions.change_access_regime(self.dossier, "01", self.head, "", "")
        self.assertEqual(set(bad.exception.message_dict), {"new_regime", "legal_basis", "reason"})
        with self.assertRaises(ValidationError):
            actions.change_access_regime(self.dossier, "09", self.head, "QĐ 1", "Lý do")
        with self.assertRaises(PermissionDenied):
            actions.change_access_regime(self.dossier, "02", self.archivist, "QĐ 1", "Lý do")
        self.assertEqual(self.fresh(self.dossier).access_regime, "01")
        self.assertFalse(RegimeChange.objects.exists())


class PublishCommandTests(PublicationTestCase):
    def run_command(self, *args: str) -> tuple[dict[str, object], int]:
        out = StringIO()
        code = 0
        try:
            call_command("publish", *args, "--json", stdout=out, stderr=StringIO())
        except SystemExit as exc:
            code = int(exc.code or 0)
        return json.loads(out.getvalue()), code

    def test_luutru_publish_json_prints_published_and_refused_codes(self) -> None:
        body, code = self.run_command(
            self.dossier.code, self.secret_doc.archival_code, "KHONG.CO", "--reason", "Đợt 1"
        )
        self.assertEqual(set(body), {"published", "refused"})
        self.assertEqual(body["published"], [self.dossier.code])
        refused = body["refused"]
        assert isinstance(refused, list)
        self.assertEqual([set(r) for r in refused], [{"code", "reason"}] * 2)
        self.assertEqual([r["code"] for r in refused], ["KHONG.CO", self.secret_doc.archival_code])
        self.assertIn("Không có hồ sơ, tài liệu mang mã", refused[0]["reason"])
        self.assertEqual(code, 1)
        body, code = self.run_command(self.unfiled.identifier)
        self.assertEqual((body, code), ({"published": [self.unfiled.identifier], "refused": []}, 0))

    def test_luutru_publish_says_what_it_did_in_vietnamese(self) -> None:
        out, err = StringIO(), StringIO()
        with self.assertRaises(SystemExit):
            call_command(
                "publish", self.unfiled.identifier, self.secret_doc.archival_code,
                stdout=out, stderr=err,
            )  # fmt: skip
        self.assertIn(f"Đã công bố: {self.unfiled.identifier}", out.getvalue())
        self.assertIn(f"Không thực hiện với {self.secret_doc.archival_code}", err.getvalue())

    def test_luutru_publish_withdraw_needs_a_reason(self) -> None:
        self.run_command(self.dossier.code)
        body, code = self.run_command("--withdraw", self.dossier.code, "--reason", "Rà soát")
        self.assertEqual((body, code), ({"withdrawn": [self.dossier.code], "refused": []}, 0))
        self.assertIsNone(self.fresh(self.dossier).published_at)
        with self.assertRaisesMessage(Exception, "Thu hồi công bố cần nêu lý do"):
            call_command("publish", "--withdraw", self.dossier.code)
