"""The reader is told at each step (account approved or refused, request approved with items
refused, rejected, delivered, about to expire), staff decide per item and refuse accounts with
a reason, and a request can be followed by its number and e-mail address."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from luutru.access import actions, policy, services
from luutru.access.models import (
    AccessRequest,
    DeliveryForm,
    Grant,
    ItemDecision,
    Purpose,
    Status,
    Use,
)
from luutru.access.tests.helpers import attach_pdf
from luutru.accounts.models import Reader
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier
from luutru.test import BaseTestCase


class NotificationTests(BaseTestCase):
    dossier: ClassVar[Dossier]
    wanted: ClassVar[Document]
    other: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dossier = make_dossier(cls.agency_a, 1)
        cls.wanted = make_document(
            cls.agency_a, cls.dossier, 1, access_regime="02", summary="Quyết định bồi thường"
        )
        cls.other = make_document(
            cls.agency_a, cls.dossier, 2, access_regime="02", summary="Biên bản kiểm kê"
        )
        attach_pdf(cls.wanted)
        attach_pdf(cls.other)

    def approve_account(self) -> Reader:
        with self.captureOnCommitCallbacks(execute=True):
            return actions.approve_reader(
                Reader.objects.get(user=self.reader), actor=self.archivist
            )

    def submit(self, *codes: str) -> AccessRequest:
        return actions.submit_request(
            self.reader,
            codes=list(codes),
            purpose=Purpose.OFFICIAL,
            fee_category="standard",
            research_topic="Bồi thường đất đai",
            form=DeliveryForm.READING,
        )

    def to_reader(self) -> list[mail.EmailMessage]:
        return [m for m in mail.outbox if self.reader.email in m.to]

    def test_the_reader_is_told_their_account_is_approved(self) -> None:
        self.approve_account()
        (message,) = self.to_reader()
        self.assertIn("Tài khoản độc giả đã được duyệt", message.subject)
        self.assertIn(reverse("access:request-new"), message.body)

    def test_staff_refuse_an_account_with_a_reason_the_reader_reads(self) -> None:
        profile = Reader.objects.get(user=self.reader)
        with self.assertRaises(ValidationError):
            actions.refuse_reader(profile, actor=self.archivist, reason=" ")
        self.login(self.archivist)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("access:staff-reader-refuse", args=[profile.pk]),
                {"reason": "Số CCCD không khớp họ tên."},
            )
        profile.refresh_from_db()
        self.assertIsNotNone(profile.refused_at)
        self.assertNotIn(profile, services.pending_readers())
        (message,) = self.to_reader()
        self.assertIn("Số CCCD không khớp họ tên.", message.body)
        self.client.force_login(self.reader)
        page = self.client.get(reverse("access:request-new"))
        self.assertContains(page, "Lý do: Số CCCD không khớp họ tên.")
        self.assertNotContains(page, 'name="codes"')
        with self.assertRaisesMessage(ValidationError, "Số CCCD không khớp"):
            self.submit(self.wanted.archival_code)

    def test_a_pending_reader_sees_why_they_cannot_submit_yet(self) -> None:
        self.client.force_login(self.reader)
        page = self.client.get(reverse("access:request-new"))
        self.assertContains(page, "chưa gửi được phiếu yêu cầu")
        self.assertContains(page, "01 ngày làm việc")
        self.assertContains(page, "Biểu phí khai thác")

    def test_the_head_approves_one_item_and_refuses_another_with_a_reason(self) -> None:
        self.approve_account()
        request = self.submit(self.wanted.archival_code, self.other.archival_code)
        keep, drop = request.items.order_by("pk")
        self.login(self.head)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("access:staff-decide", args=[request.pk]),
                {
                    "decision": "approve",
                    "refuse": [str(drop.pk)],
                    f"reason-{drop.pk}": "Tài liệu đang tu bổ.",
                    f"reason-{keep.pk}": "ignored: not ticked",
                },
            )
        self.assertRedirects(response, reverse("access:staff-request", args=[request.pk]))
        request.refresh_from_db()
        self.assertEqual(request.status, Status.DELIVERED)
        keep.refresh_from_db()
        drop.refresh_from_db()
        self.assertEqual((keep.decision, keep.reason), (ItemDecision.APPROVED, ""))
        self.assertEqual(
            (drop.decision, drop.reason), (ItemDecision.REFUSED, "Tài liệu đang tu bổ.")
        )
        self.assertTrue(policy.can(self.reader, Use.READ, self.wanted))
        self.assertFalse(policy.can(self.reader, Use.READ, self.other))
        self.assertEqual(Grant.objects.filter(request=request).count(), 1)
        self.assertEqual(services.documents_of(request), [self.wanted])
        approved, delivered = self.to_reader()[-2:]
        self.assertIn("đã được duyệt", approved.subject)
        self.assertIn(f"{self.other.archival_code}: Tài liệu đang tu bổ.", approved.body)
        self.assertIn("đã sẵn sàng", delivered.subject)
        self.client.force_login(self.reader)
        page = self.client.get(reverse("access:request-detail", args=[request.pk]))
        self.assertContains(page, "Tài liệu đang tu bổ.")
        # The portal's page of the granted document links to the reading copy.
        document_page = self.client.get(
            reverse("portal:document", args=[self.wanted.archival_code])
        )
        delivery = request.deliveries.get()
        self.assertContains(document_page, reverse("access:reading-copy", args=[delivery.token]))
        self.assertNotContains(document_page, "Gửi yêu cầu khai thác")
        refused_page = self.client.get(reverse("portal:document", args=[self.other.archival_code]))
        self.assertNotIn(delivery.token, refused_page.content.decode())

    def test_a_refused_item_needs_a_reason_and_not_every_item_may_be_refused(self) -> None:
        self.approve_account()
        request = self.submit(self.wanted.archival_code, self.other.archival_code)
        keep, drop = request.items.order_by("pk")
        with self.assertRaisesMessage(ValidationError, "lý do"):
            actions.approve_request(request, actor=self.head, refused={drop.pk: ""})
        with self.assertRaisesMessage(ValidationError, "từ chối cả phiếu"):
            actions.approve_request(request, actor=self.head, refused={keep.pk: "x", drop.pk: "y"})
        self.assertFalse(Grant.objects.exists())

    def test_an_unknown_code_can_be_refused_and_the_rest_approved(self) -> None:
        self.approve_account()
        request = self.submit(self.wanted.archival_code, "KHONG-CO-MA-NAY")
        unknown = request.items.get(code="KHONG-CO-MA-NAY")
        actions.approve_request(request, actor=self.head, refused={unknown.pk: "Mã không đúng."})
        self.assertEqual(AccessRequest.objects.get(pk=request.pk).status, Status.APPROVED)

    def test_the_reader_is_told_of_a_rejection_with_its_reason(self) -> None:
        self.approve_account()
        request = self.submit(self.wanted.archival_code)
        with self.captureOnCommitCallbacks(execute=True):
            actions.reject_request(request, actor=self.head, reason="Ngoài phạm vi phục vụ.")
        message = self.to_reader()[-1]
        self.assertIn("không được chấp nhận", message.subject)
        self.assertIn("Ngoài phạm vi phục vụ.", message.body)

    def test_the_reader_is_told_once_that_the_period_ends_soon(self) -> None:
        self.approve_account()
        request = self.submit(self.wanted.archival_code)
        actions.approve_request(request, actor=self.head)
        actions.deliver(request, actor=self.head)
        mail.outbox.clear()
        request.refresh_from_db()
        assert request.decided_at is not None
        end = request.decided_at + datetime.timedelta(days=request.days)
        self.assertEqual(actions.notify_expiring(end - datetime.timedelta(days=5)), 0)
        self.assertEqual(actions.notify_expiring(end - datetime.timedelta(days=1)), 1)
        self.assertEqual(actions.notify_expiring(end - datetime.timedelta(hours=2)), 0)
        (message,) = self.to_reader()
        self.assertIn("sắp hết hạn", message.subject)
        self.assertIn(f"{timezone.localtime(end):%d/%m/%Y}", message.body)


class TrackTests(BaseTestCase):
    def test_number_and_email_show_the_state_and_nothing_else_does(self) -> None:
        actions.approve_reader(Reader.objects.get(user=self.reader), actor=self.archivist)
        dossier = make_dossier(self.agency_a, 1)
        document = make_document(self.agency_a, dossier, 1, access_regime="02", summary="Bí 42")
        request = actions.submit_request(
            self.reader,
            codes=[document.archival_code],
            purpose=Purpose.OFFICIAL,
            fee_category="standard",
            research_topic="x",
            form=DeliveryForm.READING,
        )
        url = reverse("access:request-track")
        self.assertContains(self.client.get(url), "Số phiếu")
        found = self.client.post(
            url, {"number": request.number, "email": self.reader.email.upper()}
        )
        self.assertContains(found, "Đã gửi")
        self.assertNotContains(found, document.archival_code)
        self.assertNotContains(found, "Bí 42")
        for number, email in ((request.number, "khac@example.vn"), ("999999", self.reader.email)):
            wrong = self.client.post(url, {"number": number, "email": email})
            self.assertContains(wrong, "Không tìm thấy phiếu yêu cầu")
            self.assertNotContains(wrong, "Đã gửi")


class LookTests(BaseTestCase):
    def test_readers_sign_in_on_the_portal_and_staff_on_their_own_pages(self) -> None:
        self.login(None)
        reader_login = self.client.get(reverse("accounts:login"))
        self.assertContains(reader_login, 'class="portal-head"')
        self.assertContains(reader_login, reverse("access:reader-register"))
        staff_login = self.client.get(reverse("accounts:login"), {"next": "/quan-tri/"})
        self.assertNotContains(staff_login, 'class="portal-head"')

    def test_a_signed_in_reader_finds_their_requests_in_the_portal_header(self) -> None:
        self.client.force_login(self.reader)
        for name in ("portal:home", "access:reader-home", "access:request-new"):
            page = self.client.get(reverse(name))
            self.assertContains(page, 'class="portal-head"')
            self.assertContains(page, "Phiếu yêu cầu của tôi")
        self.client.logout()
        self.assertNotContains(self.client.get(reverse("portal:home")), "Phiếu yêu cầu của tôi")
