"""Receiving a transfer: a valid package waits, received, until the archive accepts it into the
holdings or returns it to the agency (TT 05/2025 Điều 17-25)."""

from __future__ import annotations

from unittest import mock

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from luutru.access import policy
from luutru.audit.models import AuditEvent
from luutru.ingest import actions
from luutru.ingest.actions import accept_transfer, ingest, receive_package, return_transfer
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.receiving import ReceivingTestCase
from luutru.organizations.models import Agency, Fonds
from luutru.records.models import Custody, Document, DocumentFile, Dossier
from luutru.records.signals import records_ingested
from luutru.storage.models import StoredFile

CODE = "000.00.03.H62.2024.01"


class ReceiveTests(ReceivingTestCase):
    def test_a_valid_package_waits_received_with_its_records_outside_the_holdings(self) -> None:
        transfer = self.received(actor=self.clerk_a)
        dossier = Dossier.objects.get(code=CODE)
        self.assertEqual(dossier.custody, Custody.RECEIVED)
        self.assertEqual(
            set(Document.objects.values_list("custody", flat=True)), {Custody.RECEIVED}
        )
        self.assertIsNone(transfer.decided_at)
        # Staff in scope see them; the public and other agencies' staff do not.
        self.assertTrue(policy.dossiers(self.archivist).filter(pk=dossier.pk).exists())
        self.assertTrue(policy.dossiers(self.clerk_a).filter(pk=dossier.pk).exists())
        self.assertFalse(policy.dossiers(None).filter(pk=dossier.pk).exists())
        self.assertFalse(policy.dossiers(self.clerk_b).filter(pk=dossier.pk).exists())

    def test_a_transfer_starts_queued_and_nothing_enters_the_holdings_before_acceptance(
        self,
    ) -> None:
        transfer = receive_package(self.package(), agency=self.agency_a, actor=None)
        self.assertEqual(transfer.state, TransferState.QUEUED)
        with (
            mock.patch.object(records_ingested, "send") as announced,
            self.captureOnCommitCallbacks(execute=True),
        ):
            ingest(transfer)
        announced.assert_not_called()  # not indexed, no AIP, no OCR until it is accepted


class AcceptTests(ReceivingTestCase):
    def test_accepting_puts_the_records_in_the_holdings_and_records_who_and_when(self) -> None:
        transfer = self.received(actor=self.clerk_a)
        with (
            mock.patch.object(records_ingested, "send") as announced,
            self.captureOnCommitCallbacks(execute=True),
        ):
            accepted = accept_transfer(transfer, self.archivist)
        self.assertEqual(accepted.state, TransferState.ACCEPTED)
        self.assertEqual(accepted.decided_by, self.archivist)
        self.assertIsNotNone(accepted.decided_at)
        self.assertEqual(Dossier.objects.get(code=CODE).custody, Custody.HELD)
        self.assertFalse(Document.objects.exclude(custody=Custody.HELD).exists())
        announced.assert_called_once()
        self.assertEqual(
            sorted(announced.call_args.kwargs["document_ids"]),
            sorted(Document.objects.values_list("pk", flat=True)),
        )
        event = AuditEvent.objects.filter(action="ingest.transfer_accept").get()
        self.assertEqual(event.actor_id, self.archivist.pk)
        self.assertIn("Tiếp nhận vào kho", event.message)
        self.assertIn("biên bản giao nhận", event.message)
        self.assertFalse(event.data["automatic"])

    def test_acceptance_calls_the_publication_hook_once_inside_the_transaction(self) -> None:
        transfer = self.received()
        with mock.patch.object(actions, "_after_acceptance") as hook:
            accept_transfer(transfer, self.head)
        hook.assert_called_once()
        self.assertEqual(hook.call_args.args[0].state, TransferState.ACCEPTED)

    def test_a_fonds_that_publishes_on_acceptance_puts_its_public_records_online(self) -> None:
        """Luật Lưu trữ 2024: the archive decides what it publishes; a fonds' policy is that
        decision made in advance, applied the moment its records enter the holdings."""
        Fonds.objects.filter(agency=self.agency_a).update(publish_on_acceptance=True)
        transfer = self.received(actor=self.clerk_a)
        dossier = Dossier.objects.select_related("fonds").get(code=CODE)
        assert dossier.fonds is not None
        self.assertTrue(dossier.fonds.publish_on_acceptance)
        self.assertIsNone(dossier.published_at)
        self.assertFalse(policy.dossiers(None).filter(pk=dossier.pk).exists())
        accept_transfer(transfer, self.archivist)
        dossier.refresh_from_db()
        self.assertEqual(dossier.access_regime, "01")
        self.assertIsNotNone(dossier.published_at)
        self.assertTrue(policy.dossiers(None).filter(pk=dossier.pk).exists())

    def test_without_a_fonds_policy_accepted_records_wait_for_a_publication_decision(
        self,
    ) -> None:
        accept_transfer(self.received(actor=self.clerk_a), self.archivist)
        dossier = Dossier.objects.get(code=CODE)
        self.assertEqual(dossier.custody, Custody.HELD)
        self.assertIsNone(dossier.published_at)
        self.assertFalse(policy.dossiers(None).filter(pk=dossier.pk).exists())

    def test_accepting_twice_is_refused_and_changes_nothing(self) -> None:
        transfer = accept_transfer(self.received(), self.archivist)
        events = AuditEvent.objects.count()
        with self.assertRaises(ValidationError) as refused:
            accept_transfer(transfer, self.head)
        self.assertEqual(refused.exception.code, "not_received")
        self.assertIn("đã được tiếp nhận vào kho", refused.exception.messages[0])
        transfer.refresh_from_db()
        self.assertEqual(transfer.decided_by, self.archivist)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_a_rejected_transfer_cannot_be_accepted_or_returned(self) -> None:
        rejected = Transfer.objects.create(
            agency=self.agency_a, package_name="hong.zip", package_path="/khong-co",
            state=TransferState.REJECTED, errors=[{"file": "", "code": "x", "message": "y"}],
        )  # fmt: skip
        for decide in (
            lambda: accept_transfer(rejected, self.archivist),
            lambda: return_transfer(rejected, self.archivist, "Sai"),
        ):
            with self.assertRaises(ValidationError) as refused:
                decide()
            self.assertEqual(refused.exception.code, "not_received")
            self.assertIn("bị từ chối vì không hợp lệ", refused.exception.messages[0])
        rejected.refresh_from_db()
        self.assertEqual(rejected.state, TransferState.REJECTED)

    def test_a_transfer_still_being_checked_cannot_be_decided(self) -> None:
        queued = receive_package(self.package(), agency=self.agency_a, actor=None)
        with self.assertRaises(ValidationError) as refused:
            accept_transfer(queued, self.archivist)
        self.assertIn("đang được kiểm tra", refused.exception.messages[0])


class ReturnTests(ReceivingTestCase):
    def test_returning_removes_the_records_keeps_the_files_and_the_reason(self) -> None:
        transfer = self.received(actor=self.clerk_a)
        blobs = StoredFile.objects.count()
        returned = return_transfer(transfer, self.archivist, "  Thiếu tài liệu số 3.  ")
        self.assertEqual(returned.state, TransferState.RETURNED)
        self.assertEqual(returned.return_reason, "Thiếu tài liệu số 3.")
        self.assertEqual(returned.decided_by, self.archivist)
        self.assertFalse(Dossier.objects.exists())
        self.assertFalse(DocumentFile.objects.exists())
        self.assertEqual(StoredFile.objects.count(), blobs)  # content-addressed: kept
        self.assertEqual((returned.dossier_count, returned.document_count), (1, 2))
        event = AuditEvent.objects.filter(action="ingest.transfer_return").get()
        self.assertEqual(event.data["reason"], "Thiếu tài liệu số 3.")
        self.assertEqual(event.data["dossiers"], [CODE])

    def test_the_agency_can_send_the_corrected_package_after_a_return(self) -> None:
        return_transfer(self.received(), self.archivist, "Sai tiêu đề hồ sơ.")
        again = self.received()
        self.assertEqual(again.errors, [])
        self.assertEqual(Dossier.objects.get().code, CODE)

    def test_returning_without_a_reason_is_refused_and_changes_nothing(self) -> None:
        transfer = self.received()
        for reason in ("", "   "):
            with self.assertRaises(ValidationError) as refused:
                return_transfer(transfer, self.archivist, reason)
            self.assertEqual(refused.exception.code, "missing_reason")
            self.assertIn("Cần ghi lý do trả lại", refused.exception.messages[0])
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RECEIVED)
        self.assertTrue(Dossier.objects.filter(code=CODE).exists())

    def test_a_returned_transfer_cannot_be_accepted_afterwards(self) -> None:
        returned = return_transfer(self.received(), self.head, "Gói thiếu chữ ký số.")
        with self.assertRaises(ValidationError) as refused:
            accept_transfer(returned, self.archivist)
        self.assertIn("đã được trả lại", refused.exception.messages[0])

    def test_records_referred_to_elsewhere_stop_the_return(self) -> None:
        from luutru.digitization.models import ScanBatch

        transfer = self.received()
        dossier = Dossier.objects.get(code=CODE)
        ScanBatch.objects.create(dossier=dossier, agency=self.agency_a, name="Lô 1")
        with self.assertRaises(ValidationError) as refused:
            return_transfer(transfer, self.archivist, "Sai")
        self.assertEqual(refused.exception.code, "in_use")
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RECEIVED)
        self.assertTrue(Document.objects.filter(dossier=dossier).exists())


class StateMigrationTests(TransactionTestCase):
    """Before acceptance existed, "received" meant waiting for the worker: now "queued"."""

    def test_old_received_transfers_become_queued(self) -> None:
        executor = MigrationExecutor(connection)
        old = [("ingest", "0001_initial")]
        executor.migrate(old)
        apps = executor.loader.project_state(old).apps
        agency = Agency.objects.create(  # today's table: other apps stay migrated
            code="000.00.05.H62", name="Sở Giáo dục và Đào tạo", kind="department"
        )
        model = apps.get_model("ingest", "Transfer")
        waiting = model.objects.create(agency_id=agency.pk, package_name="a", state="received")
        done = model.objects.create(agency_id=agency.pk, package_name="b", state="accepted")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        states = dict(Transfer.objects.values_list("pk", "state"))
        self.assertEqual(states[waiting.pk], TransferState.QUEUED)
        self.assertEqual(states[done.pk], TransferState.ACCEPTED)
