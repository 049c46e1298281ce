"""The staff home (/quan-tri/): the work waiting for each role, with its deadlines and links."""

from __future__ import annotations

import datetime

from django.utils import timezone

from luutru.ingest.actions import accept_transfer, return_transfer
from luutru.ingest.models import Transfer
from luutru.ingest.tests.receiving import ReceivingTestCase

HOME = "/quan-tri/"
QUEUE = "/quan-tri/nop-luu/cho-tiep-nhan/"


class WorkOnTheHomeTests(ReceivingTestCase):
    def test_the_archivist_sees_the_transfers_to_accept_with_the_oldest_and_overdue(self) -> None:
        old = self.received(actor=self.clerk_a, notation="01")
        self.received(actor=self.clerk_a, notation="02")
        long_ago = timezone.now() - datetime.timedelta(days=70)
        Transfer.objects.filter(pk=old.pk).update(created_at=long_ago)
        self.login(self.archivist)
        page = self.client.get(HOME)
        self.assertContains(page, f'<a href="{QUEUE}">Lần nộp lưu chờ tiếp nhận</a>', html=True)
        self.assertContains(page, "<strong>2</strong>", html=True)
        day = timezone.localdate(long_ago)
        due = day + datetime.timedelta(days=60)
        self.assertContains(
            page, f"lần cũ nhất nhận ngày {day:%d/%m/%Y}, hạn tiếp nhận {due:%d/%m/%Y}"
        )
        self.assertContains(page, "1 quá hạn")

    def test_the_query_count_does_not_grow_with_the_queues(self) -> None:
        self.login(self.head)
        self.received(actor=self.clerk_a, notation="01")
        # session, user, permissions x2, scope x4, each block's aggregates (the readers'
        # requests compute the access policy's scope again: 5), the cards, the memberships
        with self.assertNumQueries(24) as one:
            self.client.get(HOME)
        self.received(actor=self.clerk_a, notation="02")
        self.received(actor=self.clerk_a, notation="03")
        accept_transfer(self.received(actor=self.clerk_a, notation="04"), self.archivist)
        with self.assertNumQueries(len(one.captured_queries)):
            page = self.client.get(HOME)
        self.assertContains(page, "chờ quyết định công bố")

    def test_the_clerk_sees_their_returned_transfers_with_the_reason_and_no_queues(self) -> None:
        transfer = self.received(actor=self.clerk_a)
        return_transfer(transfer, self.archivist, "Thiếu mục lục hồ sơ.")
        self.login(self.clerk_a)
        page = self.client.get(HOME)
        self.assertContains(page, "Lần nộp lưu bị trả lại")
        self.assertContains(page, f'href="/quan-tri/nop-luu/{transfer.pk}/"')
        self.assertContains(page, "Thiếu mục lục hồ sơ.")
        self.assertNotContains(page, QUEUE)
        self.assertNotContains(page, "/quan-tri/cong-bo/")
        self.assertNotContains(page, "/quan-tri/khai-thac/")
        # another clerk of the same agency does not see it as their own
        self.login(self.clerk_b)
        self.assertNotContains(self.client.get(HOME), "Thiếu mục lục hồ sơ.")

    def test_each_block_only_for_those_with_the_permission(self) -> None:
        self.login(self.head)
        page = self.client.get(HOME)
        for url in (QUEUE, "/quan-tri/cong-bo/", "/quan-tri/khai-thac/", "/quan-tri/luu-giu/"):
            self.assertContains(page, f'href="{url}"')
        self.login(self.kpi)
        page = self.client.get(HOME)
        self.assertNotContains(page, QUEUE)
        self.assertNotContains(page, "/quan-tri/cong-bo/")
        self.assertContains(page, "Không có việc nào đang chờ.")
