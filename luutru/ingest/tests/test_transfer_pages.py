"""The archive's pages for received transfers: the queue with due dates, the transfer's page
with its inventory, report and files, and the two decisions."""

from __future__ import annotations

import datetime
import sys
import types
from unittest import mock

from django.test import override_settings
from django.utils import timezone

from luutru.ingest.actions import accept_transfer, return_transfer
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.receiving import ReceivingTestCase
from luutru.records.models import Custody, Dossier

QUEUE = "/quan-tri/nop-luu/cho-tiep-nhan/"


def page_of(transfer: Transfer) -> str:
    return f"/quan-tri/nop-luu/{transfer.pk}/"


class QueueTests(ReceivingTestCase):
    def test_the_queue_lists_received_transfers_oldest_first_with_their_due_dates(self) -> None:
        old = self.received(actor=self.clerk_a, notation="01")
        new = self.received(notation="02")
        accept_transfer(self.received(notation="03"), self.head)  # decided: not in the queue
        long_ago = timezone.now() - datetime.timedelta(days=70)
        Transfer.objects.filter(pk=old.pk).update(created_at=long_ago)
        self.login(self.archivist)
        # session, user, permissions x3, scope x3, count, page: the same for any number of rows
        with self.assertNumQueries(10):
            page = self.client.get(QUEUE)
        html = page.content.decode()
        self.assertLess(html.index(str(old.pk)), html.index(str(new.pk)))
        self.assertNotIn("goi-3", html)
        due = timezone.localdate(long_ago) + datetime.timedelta(days=60)
        self.assertContains(page, f"{due:%d/%m/%Y}")
        self.assertContains(page, "quá hạn", count=1)  # only the old one
        self.assertContains(page, '<tr class="overdue">', count=1)
        self.assertContains(page, self.agency_a.name)
        self.assertContains(page, "Người dùng vanthu_a")
        self.assertContains(page, "Hạn tiếp nhận là 60 ngày")

    @override_settings(TRANSFER_REVIEW_DAYS=7)
    def test_the_review_period_is_a_setting(self) -> None:
        transfer = self.received()
        self.assertEqual(transfer.due_on, timezone.localdate() + datetime.timedelta(days=7))
        Transfer.objects.filter(pk=transfer.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=8)
        )
        transfer.refresh_from_db()
        self.assertTrue(transfer.overdue)

    def test_the_transfer_list_links_the_queue_with_its_count_for_those_who_decide(self) -> None:
        self.received()
        self.login(self.archivist)
        self.assertContains(self.client.get("/quan-tri/nop-luu/"), "Chờ tiếp nhận (1)")
        self.login(self.clerk_a)
        self.assertNotContains(self.client.get("/quan-tri/nop-luu/"), QUEUE)


class ReceivedPageTests(ReceivingTestCase):
    def test_the_page_shows_the_inventory_the_report_the_files_and_both_buttons(self) -> None:
        transfer = self.received(actor=self.clerk_a)
        self.login(self.archivist)
        page = self.client.get(page_of(transfer))
        self.assertContains(page, "Gói hợp lệ, chờ lưu trữ tiếp nhận: 1 hồ sơ, 2 tài liệu, 2 tệp.")
        self.assertContains(page, "Hạn tiếp nhận")
        self.assertContains(page, "/quan-tri/ho-so/000.00.03.H62.2024.01/")  # the inventory
        self.assertContains(page, "000.00.03.H62.2024.01.0000002")  # a document, by its file
        self.assertContains(page, "01.pdf")
        self.assertContains(page, "Báo cáo kiểm tra")
        self.assertContains(page, f'action="{page_of(transfer)}tiep-nhan/"')
        self.assertContains(page, f'action="{page_of(transfer)}tra-lai/"')
        self.assertContains(page, 'name="reason"')
        self.assertContains(page, "muc-luc.pdf")  # the inventory prints before the decision
        self.assertNotContains(page, "bien-ban.pdf")  # the handover only after it

    def test_accepting_from_the_page_issues_the_handover_record(self) -> None:
        transfer = self.received(actor=self.clerk_a)
        self.login(self.archivist)
        response = self.client.post(f"{page_of(transfer)}tiep-nhan/", follow=True)
        self.assertRedirects(response, page_of(transfer))
        self.assertContains(response, "Đã tiếp nhận vào kho 1 hồ sơ, 2 tài liệu")
        self.assertContains(response, "Tiếp nhận vào kho lúc")
        self.assertContains(response, "Người dùng luutruvien")
        self.assertContains(response, "bien-ban.pdf")
        self.assertNotContains(response, 'name="reason"')
        self.assertEqual(Dossier.objects.get().custody, Custody.HELD)

    def test_accepting_twice_from_the_page_says_why_and_changes_nothing(self) -> None:
        transfer = accept_transfer(self.received(actor=self.clerk_a), self.head)
        self.login(self.archivist)
        response = self.client.post(f"{page_of(transfer)}tiep-nhan/", follow=True)
        self.assertContains(response, "đã được tiếp nhận vào kho")
        transfer.refresh_from_db()
        self.assertEqual(transfer.decided_by, self.head)

    def test_the_clerk_reads_the_reason_of_a_return_on_the_transfers_page(self) -> None:
        transfer = self.received(actor=self.clerk_a)
        self.login(self.head)
        response = self.client.post(
            f"{page_of(transfer)}tra-lai/", {"reason": "Hồ sơ 01 thiếu văn bản số 3."}
        )
        self.assertRedirects(response, page_of(transfer))
        self.login(self.clerk_a)
        page = self.client.get(page_of(transfer))
        self.assertContains(page, "Lưu trữ đã trả lại gói lúc")
        self.assertContains(page, "Hồ sơ 01 thiếu văn bản số 3.")
        self.assertContains(page, "Người dùng lanhdao")
        self.assertContains(page, '<span class="badge state-returned">Đã trả lại</span>')
        self.assertFalse(Dossier.objects.exists())

    def test_returning_without_a_reason_keeps_the_page_with_the_message(self) -> None:
        transfer = self.received(actor=self.clerk_a)
        self.login(self.archivist)
        response = self.client.post(f"{page_of(transfer)}tra-lai/", {"reason": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Cần ghi lý do trả lại để cơ quan nộp lưu biết phải sửa gì.", status_code=400
        )
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RECEIVED)
        self.assertEqual(Dossier.objects.count(), 1)

    def test_the_decisions_are_posts_only(self) -> None:
        transfer = self.received()
        self.login(self.archivist)
        for action in ("tiep-nhan/", "tra-lai/"):
            self.assertEqual(self.client.get(page_of(transfer) + action).status_code, 405)

    def test_the_inventory_downloads_while_received_the_handover_once_accepted(self) -> None:
        fake = types.ModuleType("luutru.ingest.outputs")
        for name in ("inventory_pdf", "inventory_xlsx", "handover_pdf", "handover_xlsx"):
            setattr(fake, name, mock.Mock(return_value=b"%PDF"))
        transfer = self.received(actor=self.clerk_a)
        self.login(self.archivist)
        with mock.patch.dict(sys.modules, {"luutru.ingest.outputs": fake}):
            self.assertEqual(self.client.get(page_of(transfer) + "muc-luc.pdf").status_code, 200)
            self.assertEqual(self.client.get(page_of(transfer) + "bien-ban.pdf").status_code, 404)
            accept_transfer(transfer, self.archivist)
            self.assertEqual(self.client.get(page_of(transfer) + "bien-ban.pdf").status_code, 200)
            return_page = return_transfer(self.received(notation="02"), self.head, "Sai mã")
            for name in ("muc-luc.pdf", "bien-ban.pdf"):
                response = self.client.get(page_of(return_page) + name)
                self.assertEqual(response.status_code, 404, name)
