"""Readers and requests: registration, account approval, submission, review, decision, grants."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.utils import timezone

from luutru.access import actions, policy, services
from luutru.access.models import AccessRequest, DeliveryForm, Grant, Purpose, Status, Use
from luutru.accounts.models import Reader, User
from luutru.audit.models import AuditEvent
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier
from luutru.test import BaseTestCase


def register(username: str = "nguyenvana") -> Reader:
    return actions.register_reader(
        username=username,
        password="mat-khau-doc-gia-2026",
        full_name="Nguyễn Văn A",
        email=f"{username}@example.vn",
        phone="0912345678",
        date_of_birth=datetime.date(1990, 5, 17),
        id_number="001090012345",
        address="12 Tràng Tiền, Hà Nội",
        organization="Viện Sử học",
        purpose="Nghiên cứu lịch sử ngân sách địa phương",
    )


class RequestFlowTests(BaseTestCase):
    dossier: ClassVar[Dossier]
    restricted: ClassVar[Document]
    public: ClassVar[Document]
    secret: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dossier = make_dossier(cls.agency_a, 1)
        cls.public = make_document(cls.agency_a, cls.dossier, 1)
        cls.restricted = make_document(cls.agency_a, cls.dossier, 2, access_regime="02")
        cls.secret = make_document(cls.agency_a, cls.dossier, 3, access_regime="03")
        actions.approve_reader(Reader.objects.get(user=cls.reader), actor=cls.archivist)

    def submit(
        self, *codes: str, form: str = DeliveryForm.READING, **extra: object
    ) -> AccessRequest:
        values: dict[str, object] = {
            "codes": codes,
            "purpose": Purpose.PERSONAL,
            "fee_category": "standard",
            "research_topic": "Ngân sách tỉnh 2023",
            "form": form,
        }
        values.update(extra)
        return actions.submit_request(self.reader, **values)  # type: ignore[arg-type]

    def test_a_registered_reader_waits_for_approval_within_one_working_day(self) -> None:
        reader = register()
        self.assertIsNone(reader.approved_at)
        self.assertEqual(reader.user.phone, "0912345678")
        self.assertIn(reader, services.pending_readers())
        due = services.account_due(reader.registered_at)  # type: ignore[arg-type]
        self.assertLessEqual((due - timezone.localdate()).days, 3)  # a weekend at most between
        with self.assertRaisesMessage(ValidationError, "chưa được duyệt"):
            actions.submit_request(
                reader.user,
                codes=[self.public.archival_code],
                purpose=Purpose.PERSONAL,
                fee_category="standard",
                research_topic="x",
                form=DeliveryForm.READING,
            )
        with self.assertRaises(ValidationError):
            actions.approve_reader(reader, actor=self.reader)  # readers approve nobody
        actions.approve_reader(reader, actor=self.archivist)
        self.assertNotIn(reader, services.pending_readers())

    def test_a_request_gets_its_six_working_day_deadline(self) -> None:
        request = self.submit(self.restricted.archival_code)
        self.assertEqual(request.status, Status.SUBMITTED)
        self.assertEqual(request.due_on, services.review_due(request.submitted_at))
        self.assertGreaterEqual((request.due_on - timezone.localdate(request.submitted_at)).days, 8)
        self.assertEqual(request.items.get().document, self.restricted)
        self.assertTrue(AuditEvent.objects.filter(action="access.request_submit").exists())

    def test_the_head_approves_restricted_records_and_grants_follow(self) -> None:
        request = self.submit(self.restricted.archival_code, form=DeliveryForm.COPY, days=10)
        actions.start_review(request, actor=self.archivist)
        with self.assertRaisesMessage(ValidationError, "cần lãnh đạo"):
            actions.approve_request(request, actor=self.archivist)
        self.assertFalse(policy.can(self.reader, Use.READ, self.restricted))
        actions.approve_request(request, actor=self.head)
        request.refresh_from_db()
        self.assertEqual(request.status, Status.APPROVED)
        grant = Grant.objects.get(request=request)
        self.assertEqual(grant.uses, [Use.READ, Use.COPY])
        self.assertAlmostEqual(
            (grant.valid_until - grant.valid_from).total_seconds(), 10 * 86400, delta=1
        )
        self.assertTrue(policy.can(self.reader, Use.COPY, self.restricted))
        self.assertFalse(policy.can(self.reader, Use.DOWNLOAD, self.restricted))

    def test_an_archivist_may_approve_public_records(self) -> None:
        request = self.submit(self.public.archival_code)
        actions.approve_request(request, actor=self.archivist)
        self.assertEqual(AccessRequest.objects.get(pk=request.pk).status, Status.APPROVED)

    def test_a_head_outside_the_scope_may_not_approve(self) -> None:
        other = make_document(self.agency_b, None, access_regime="02", identifier="B-77")
        request = self.submit("B-77")
        self.assertEqual(request.items.get().document, other)
        with self.assertRaisesMessage(ValidationError, "phạm vi"):
            actions.approve_request(request, actor=self.head)

    def test_secret_records_only_as_reading_copies_for_official_purposes(self) -> None:
        request = self.submit(self.secret.archival_code, form=DeliveryForm.COPY)
        with self.assertRaises(ValidationError) as refused:
            actions.approve_request(request, actor=self.head)
        text = " ".join(refused.exception.messages)
        self.assertIn("chỉ được cung cấp bản đọc", text)
        self.assertIn("mục đích công vụ", text)

    def test_rejection_needs_a_reason_and_grants_nothing(self) -> None:
        request = self.submit(self.restricted.archival_code)
        with self.assertRaises(ValidationError):
            actions.reject_request(request, actor=self.head, reason="  ")
        actions.reject_request(request, actor=self.head, reason="Tài liệu đang tu bổ.")
        request.refresh_from_db()
        self.assertEqual(
            (request.status, request.reason), (Status.REJECTED, "Tài liệu đang tu bổ.")
        )
        self.assertFalse(Grant.objects.exists())
        with self.assertRaisesMessage(ValidationError, "đã được quyết định"):
            actions.approve_request(request, actor=self.head)

    def test_unknown_codes_are_kept_as_typed_and_block_approval(self) -> None:
        request = self.submit("000.00.03.H62.2023.99.0000001")
        item = request.items.get()
        self.assertIsNone(item.record)
        self.assertEqual(item.code, "000.00.03.H62.2023.99.0000001")
        with self.assertRaisesMessage(ValidationError, "không khớp"):
            actions.approve_request(request, actor=self.head)

    def test_closing_revokes_the_grants(self) -> None:
        request = self.submit(self.restricted.archival_code)
        actions.approve_request(request, actor=self.head)
        actions.close_request(request, actor=self.head)
        self.assertFalse(policy.can(self.reader, Use.READ, self.restricted))

    def test_staff_see_requests_of_their_scope_only(self) -> None:
        request = self.submit(self.restricted.archival_code)
        self.assertIn(request, services.requests_for_staff(self.head))
        self.assertNotIn(request, services.requests_for_staff(self.clerk_b))  # not a handler
        stranger: User = self.clerk_b
        self.assertFalse(services.can_handle(stranger))


class ReminderTests(BaseTestCase):
    def test_handlers_are_reminded_of_what_is_due_or_overdue(self) -> None:
        from django.core import mail

        actions.approve_reader(Reader.objects.get(user=self.reader), actor=self.archivist)
        document = make_document(
            self.agency_a, make_dossier(self.agency_a, 1), 1, access_regime="02"
        )
        request = actions.submit_request(
            self.reader,
            codes=[document.archival_code],
            purpose=Purpose.PERSONAL,
            fee_category="standard",
            research_topic="x",
            form=DeliveryForm.READING,
        )
        self.assertEqual(services.send_reminders(timezone.localdate(request.submitted_at)), 0)
        late = request.due_on + datetime.timedelta(days=7)
        self.assertGreater(services.send_reminders(late), 0)
        to_head = [m for m in mail.outbox if self.head.email in m.to]
        self.assertEqual(len(to_head), 1)
        self.assertIn(f"Phiếu yêu cầu số {request.number}", to_head[0].body)
        self.assertIn("Quá hạn", to_head[0].body)
        self.assertFalse([m for m in mail.outbox if self.clerk_b.email in m.to])
