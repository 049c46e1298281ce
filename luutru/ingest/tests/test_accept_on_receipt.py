"""Per agency, the archive may accept valid packages on receipt (``Agency.accept_on_receipt``):
they go straight to the holdings and the audit says so. Off by default; administrators set it."""

from __future__ import annotations

from unittest import mock

from luutru.audit.models import AuditEvent
from luutru.ingest.actions import ingest, receive_package
from luutru.ingest.models import TransferState
from luutru.ingest.tests.factory import DOSSIER, write_package
from luutru.ingest.tests.receiving import ReceivingTestCase
from luutru.organizations import actions
from luutru.organizations.models import Agency
from luutru.records.models import Custody, Document, Dossier
from luutru.records.signals import records_ingested


class AcceptOnReceiptTests(ReceivingTestCase):
    def accept_on_receipt(self) -> None:
        actions.update_agency(self.agency_a, accept_on_receipt=True, actor=self.admin)

    def test_it_is_off_by_default(self) -> None:
        self.assertFalse(Agency.objects.get(pk=self.agency_b.pk).accept_on_receipt)
        self.assertEqual(self.received().state, TransferState.RECEIVED)

    def test_a_valid_package_goes_straight_into_the_holdings_and_the_audit_says_so(self) -> None:
        self.accept_on_receipt()
        with (
            mock.patch.object(records_ingested, "send") as announced,
            self.captureOnCommitCallbacks(execute=True),
        ):
            transfer = ingest(
                receive_package(self.package(), agency=self.agency_a, actor=self.clerk_a)
            )
        self.assertEqual(transfer.state, TransferState.ACCEPTED, transfer.errors)
        self.assertIsNone(transfer.decided_by)  # nobody decided: the agency's setting did
        self.assertIsNotNone(transfer.decided_at)
        self.assertEqual(Dossier.objects.get().custody, Custody.HELD)
        self.assertFalse(Document.objects.exclude(custody=Custody.HELD).exists())
        announced.assert_called_once()
        event = AuditEvent.objects.get(action="ingest.transfer_accept")
        self.assertTrue(event.data["automatic"])
        self.assertIn(
            "Tiếp nhận ngay khi nhận gói theo thiết lập của cơ quan nộp lưu", event.message
        )
        self.assertIsNone(event.actor_id)

    def test_other_agencies_still_wait_for_the_archive(self) -> None:
        self.accept_on_receipt()
        transfer = ingest(
            receive_package(self.package(self.agency_b), agency=self.agency_b, actor=None)
        )
        self.assertEqual(transfer.state, TransferState.RECEIVED)

    def test_an_invalid_package_is_still_rejected_and_a_dry_run_only_checked(self) -> None:
        self.accept_on_receipt()
        broken = write_package(self.tmp / "hong", dossiers=[dict(DOSSIER, **{"Tiêu đề hồ sơ": ""})])
        rejected = ingest(receive_package(broken, agency=self.agency_a, actor=None))
        self.assertEqual(rejected.state, TransferState.REJECTED)
        checked = ingest(
            receive_package(self.package(), agency=self.agency_a, actor=None, dry_run=True)
        )
        self.assertEqual(checked.state, TransferState.CHECKED)
        self.assertFalse(Dossier.objects.exists())


class AgencySettingPageTests(ReceivingTestCase):
    def edit(self, **extra: str) -> object:
        return self.client.post(
            f"/quan-tri/co-quan/{self.agency_a.code}/sua/",
            {"code": self.agency_a.code, "name": "Sở Tài chính", "kind": "department",
             "parent": self.province.pk, "transfers_to": self.archive.pk, **extra},
        )  # fmt: skip

    def test_an_administrator_turns_it_on_from_the_agency_form(self) -> None:
        self.login(self.admin)
        form = self.client.get(f"/quan-tri/co-quan/{self.agency_a.code}/sua/")
        self.assertContains(form, 'name="accept_on_receipt"')
        self.assertContains(form, "Tiếp nhận ngay khi nhận gói")
        self.edit(accept_on_receipt="on")
        self.assertTrue(Agency.objects.get(pk=self.agency_a.pk).accept_on_receipt)
        event = (
            AuditEvent.objects.filter(action="organizations.agency_update").order_by("seq").last()
        )
        assert event is not None
        self.assertEqual(event.data["changes"]["accept_on_receipt"], [False, True])
        page = self.client.get(f"/quan-tri/co-quan/{self.agency_a.code}/")
        self.assertContains(page, "Ngay khi nhận gói hợp lệ, không chờ lưu trữ viên")
        self.edit()  # an unticked box turns it off again
        self.assertFalse(Agency.objects.get(pk=self.agency_a.pk).accept_on_receipt)

    def test_archivists_and_clerks_cannot_change_it(self) -> None:
        for user in (self.archivist, self.clerk_a, self.head):
            self.login(user)
            response = self.edit(accept_on_receipt="on")
            self.assertEqual(getattr(response, "status_code", None), 403, user.username)
        self.assertFalse(Agency.objects.get(pk=self.agency_a.pk).accept_on_receipt)
