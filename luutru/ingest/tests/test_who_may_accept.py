"""Who may accept or return a transfer: archivists, heads and administrators with the agency in
their scope (``ingest.accept_transfer``), never the person who submitted it."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from luutru.accounts.models import Role
from luutru.ingest.actions import accept_transfer, return_transfer
from luutru.ingest.models import TransferState
from luutru.ingest.services import may_decide
from luutru.ingest.tests.receiving import ReceivingTestCase
from luutru.organizations import actions
from luutru.organizations.models import ArchiveKind
from luutru.test import make_agency, make_user


class WhoMayAcceptTests(ReceivingTestCase):
    def accept_url(self, transfer: object) -> str:
        return f"/quan-tri/nop-luu/{transfer.pk}/tiep-nhan/"  # type: ignore[attr-defined]

    def test_archivists_heads_and_administrators_may_accept(self) -> None:
        for user in (self.archivist, self.head, self.admin):
            transfer = self.received(notation=user.username[:8])
            self.assertEqual(accept_transfer(transfer, user).state, TransferState.ACCEPTED)

    def test_a_clerk_is_refused_by_the_action_and_the_page(self) -> None:
        transfer = self.received()
        with self.assertRaises(ValidationError) as refused:
            accept_transfer(transfer, self.clerk_a)
        self.assertEqual(refused.exception.code, "forbidden")
        self.assertIn("không có quyền tiếp nhận", refused.exception.messages[0])
        self.login(self.clerk_a)
        self.assertEqual(self.client.post(self.accept_url(transfer)).status_code, 403)
        page = self.client.get(f"/quan-tri/nop-luu/{transfer.pk}/")
        self.assertNotContains(page, "tiep-nhan/")
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RECEIVED)

    def test_nobody_accepts_or_returns_their_own_transfer(self) -> None:
        transfer = self.received(actor=self.archivist)  # the archivist uploaded it
        self.assertFalse(may_decide(self.archivist, transfer))
        for decide in (
            lambda: accept_transfer(transfer, self.archivist),
            lambda: return_transfer(transfer, self.archivist, "Sai"),
        ):
            with self.assertRaises(ValidationError) as refused:
                decide()
            self.assertEqual(refused.exception.code, "own_transfer")
        self.login(self.archivist)
        page = self.client.get(f"/quan-tri/nop-luu/{transfer.pk}/")
        self.assertNotContains(page, self.accept_url(transfer))
        response = self.client.post(self.accept_url(transfer), follow=True)
        self.assertContains(response, "Không được tự tiếp nhận lần nộp lưu do chính mình nộp")
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RECEIVED)
        self.assertTrue(may_decide(self.head, transfer))

    def test_an_archivist_of_another_archive_neither_finds_nor_accepts_it(self) -> None:
        other = make_agency("000.02.02.H62", "Lưu trữ huyện", self.province)
        actions.create_archive(
            agency=other, name="Lưu trữ huyện", kind=ArchiveKind.CURRENT, actor=None
        )
        stranger = make_user("luutru_huyen", Role.ARCHIVIST, other)
        transfer = self.received()
        with self.assertRaises(ValidationError) as refused:
            accept_transfer(transfer, stranger)
        self.assertIn("không phụ trách hồ sơ của Sở Tài chính", refused.exception.messages[0])
        self.login(stranger)
        self.assertEqual(self.client.post(self.accept_url(transfer)).status_code, 404)
        self.assertNotContains(self.client.get("/quan-tri/nop-luu/cho-tiep-nhan/"), "goi-1")

    def test_the_queue_is_for_those_who_decide(self) -> None:
        self.received()
        for user, status in (
            (self.archivist, 200), (self.head, 200), (self.admin, 200),
            (self.clerk_a, 403), (self.council, 403), (self.kpi, 403), (self.reader, 403),
        ):  # fmt: skip
            self.login(user)
            response = self.client.get("/quan-tri/nop-luu/cho-tiep-nhan/")
            self.assertEqual(response.status_code, status, user.username)
        self.login(None)
        response = self.client.get("/quan-tri/nop-luu/cho-tiep-nhan/")
        self.assertTrue(response["Location"].startswith("/tai-khoan/dang-nhap/"))

    def test_returning_is_refused_to_those_who_may_not_accept(self) -> None:
        transfer = self.received()
        self.login(self.clerk_a)
        response = self.client.post(
            f"/quan-tri/nop-luu/{transfer.pk}/tra-lai/", {"reason": "Tôi muốn sửa."}
        )
        self.assertEqual(response.status_code, 403)
        with self.assertRaises(ValidationError):
            return_transfer(transfer, self.council, "Sai")
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RECEIVED)
