"""The audit trail page: Vietnamese action names, full names, filters, CSV, who sees it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from luutru.audit.actions import record
from luutru.audit.models import AuditEvent
from luutru.ingest.models import AuditAction as IngestAction
from luutru.organizations.models import AuditAction as OrganizationsAction
from luutru.test import BaseTestCase

URL = "/quan-tri/nhat-ky/"
CSV = "/quan-tri/nhat-ky/xuat.csv"


class AuditTrailPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.head.full_name = "Trần Thị Lãnh Đạo"
        cls.head.save(update_fields=["full_name"])
        record(IngestAction.TRANSFER_ACCEPT, actor=cls.head, message="Tiếp nhận gói A.")
        record(OrganizationsAction.AGENCY_CREATE, actor=None, message='=HYPERLINK("http://x")')

    def test_the_archives_head_and_administrators_see_it_clerks_do_not(self) -> None:
        for user, status in ((self.head, 200), (self.admin, 200), (self.clerk_a, 403)):
            with self.subTest(user.username):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, status)
                self.assertEqual(self.client.get(CSV).status_code, status)

    def test_actions_are_named_in_vietnamese_and_people_by_their_full_name(self) -> None:
        self.login(self.head)
        page = self.client.get(URL)
        self.assertContains(page, "Tiếp nhận vào kho")
        self.assertContains(page, "Thêm cơ quan")
        self.assertContains(page, "Trần Thị Lãnh Đạo")
        self.assertNotContains(page, "<code>ingest.transfer_accept</code>")

    def test_the_filter_takes_an_action_an_area_and_a_date_range(self) -> None:
        self.login(self.head)
        one = self.client.get(URL, {"action": "ingest.transfer_accept"})
        self.assertContains(one, "Tiếp nhận gói A.")
        self.assertNotContains(one, "HYPERLINK")
        area = self.client.get(URL, {"action": "organizations."})
        self.assertContains(area, "HYPERLINK")
        self.assertNotContains(area, "Tiếp nhận gói A.")
        today = timezone.localdate().isoformat()
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        self.assertContains(
            self.client.get(URL, {"since": today, "until": today}), "Tiếp nhận gói A."
        )
        later = self.client.get(URL, {"since": tomorrow})
        self.assertNotContains(later, "Tiếp nhận gói A.")
        backwards = self.client.get(URL, {"since": tomorrow, "until": today})
        self.assertContains(backwards, "Ngày kết thúc phải sau ngày bắt đầu.")

    def test_the_csv_export_follows_the_filter_and_cannot_run_formulas(self) -> None:
        self.login(self.head)
        response = self.client.get(CSV, {"action": "organizations."})
        self.assertIn("Nh%E1%BA%ADt%20k%C3%BD", response["Content-Disposition"])  # Nhật ký
        text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
        self.assertTrue(text.startswith("\ufeffSTT,Thời điểm,Người thực hiện"))
        self.assertIn("Thêm cơ quan", text)
        self.assertIn("'=HYPERLINK", text)
        self.assertNotIn("Tiếp nhận gói A.", text)
        self.assertEqual(
            text.count("\n"),
            1 + AuditEvent.objects.filter(action__startswith="organizations.").count(),
        )
