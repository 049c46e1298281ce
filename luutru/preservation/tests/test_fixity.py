"""Two copies of every file, checked on a schedule, repaired from the good copy, faults recorded."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from luutru.audit.models import AuditEvent
from luutru.audit.services import verify_chain
from luutru.preservation.audits import cycle_status, run_audit
from luutru.preservation.models import (
    EventType,
    FixityRun,
    Incident,
    IncidentKind,
    Outcome,
    PremisEvent,
    RunKind,
    RunState,
)
from luutru.preservation.tasks import schedule_next
from luutru.preservation.tests.helpers import (
    StorageTestCase,
    attach,
    flip_byte,
    primary_path,
    replica_path,
    store_bytes,
)
from luutru.records.tests.factory import make_document, make_dossier
from luutru.storage.backends import StorageUnavailable
from luutru.storage.models import FixityStatus, StoredFile


def fixity(*args: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    try:
        call_command("fixity", "--json", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


class ReplicaWriteTests(StorageTestCase):
    def test_every_stored_file_is_written_to_both_storages(self) -> None:
        small = store_bytes(b"Quyet dinh giao dat " * 10)
        large = store_bytes(bytes(range(256)) * 9000)  # over one chunk: the threaded path
        for stored in (small, large):
            self.assertEqual(primary_path(stored).read_bytes(), replica_path(stored).read_bytes())
            self.assertEqual(StoredFile.objects.get(pk=stored.pk).size, stored.size)

    def test_nothing_is_accepted_when_the_replica_cannot_be_reached(self) -> None:
        self.break_replica()
        with self.assertRaisesRegex(StorageUnavailable, "kho dự phòng"):
            store_bytes(b"chi mot ban")


class FixityAuditTests(StorageTestCase):
    def setUp(self) -> None:
        super().setUp()
        dossier = make_dossier(self.agency_a)
        self.document = make_document(self.agency_a, dossier)
        self.files = [store_bytes(f"Tài liệu số {n} ".encode() * 300) for n in range(4)]
        for n, stored in enumerate(self.files):
            attach(self.document, stored, f"tep-{n}.pdf")

    def test_intact_holdings_pass_and_are_marked_checked(self) -> None:
        code, outcome = fixity("--all")
        self.assertEqual(code, 0)
        self.assertEqual((outcome["checked"], outcome["ok"]), (4, 4))
        self.assertEqual((outcome["repaired"], outcome["lost"]), ([], []))
        self.assertEqual(StoredFile.objects.filter(fixity_status=FixityStatus.OK).count(), 4)
        run = FixityRun.objects.get()
        self.assertEqual((run.state, run.total, run.checked), (RunState.FINISHED, 4, 4))
        self.assertTrue(AuditEvent.objects.filter(action="preservation.fixity_run").exists())

    def test_a_flipped_byte_in_the_replica_is_detected_repaired_and_recorded(self) -> None:
        bad = self.files[1]
        flip_byte(replica_path(bad))
        code, outcome = fixity("--all")
        self.assertEqual(code, 0)
        self.assertEqual([r["sha256"] for r in outcome["repaired"]], [bad.sha256])
        self.assertEqual(outcome["repaired"][0]["documents"], [self.document.archival_code])
        self.assertEqual(outcome["repaired"][0]["repaired"], ["replica"])
        self.assertEqual(replica_path(bad).read_bytes(), primary_path(bad).read_bytes())
        events = PremisEvent.objects.filter(stored_file=bad).order_by("pk")
        self.assertEqual(
            [(e.event_type, e.outcome) for e in events],
            [(EventType.FIXITY_CHECK, Outcome.FAILURE), (EventType.REPLICATION, Outcome.SUCCESS)],
        )
        incident = Incident.objects.get(stored_file=bad)
        self.assertEqual(incident.kind, IncidentKind.COPY_REPAIRED)
        self.assertIsNotNone(incident.resolved_at)
        self.assertIn("kho dự phòng: sai mã SHA-256", incident.message)
        self.assertEqual(StoredFile.objects.get(pk=bad.pk).fixity_status, FixityStatus.REPAIRED)
        # The damaged copy is kept aside as evidence, never deleted.
        quarantined = list((self.scratch / "replica" / ".quarantine").iterdir())
        self.assertEqual(len(quarantined), 1)
        self.assertTrue(verify_chain().ok)

    def test_a_damaged_or_deleted_primary_copy_is_rebuilt_from_the_replica(self) -> None:
        flip_byte(primary_path(self.files[0]), offset=999)
        primary_path(self.files[2]).unlink()
        code, outcome = fixity("--all")
        self.assertEqual(code, 0)
        repaired = {r["sha256"]: r for r in outcome["repaired"]}
        self.assertEqual(set(repaired), {self.files[0].sha256, self.files[2].sha256})
        self.assertEqual(repaired[self.files[2].sha256]["primary"], "missing")
        for stored in (self.files[0], self.files[2]):
            self.assertEqual(primary_path(stored).read_bytes(), replica_path(stored).read_bytes())
        # A second pass finds everything whole.
        code, outcome = fixity("--all")
        self.assertEqual((code, outcome["checked"], outcome["ok"]), (0, 4, 4))

    def test_when_both_copies_are_bad_nothing_is_silently_repaired(self) -> None:
        bad = self.files[3]
        flip_byte(primary_path(bad), offset=5)
        replica_path(bad).unlink()
        before = primary_path(bad).read_bytes()
        with self.captureOnCommitCallbacks(execute=True):
            code, outcome = fixity("--all")
        self.assertEqual(code, 1)
        self.assertEqual([r["sha256"] for r in outcome["lost"]], [bad.sha256])
        self.assertEqual(len(mail.outbox), 1, "administrators are told")
        self.assertEqual(mail.outbox[0].to, [self.admin.email])
        self.assertIn(bad.sha256, mail.outbox[0].body)
        self.assertEqual(outcome["repaired"], [])
        self.assertEqual(primary_path(bad).read_bytes(), before)
        self.assertFalse(replica_path(bad).exists())
        incident = Incident.objects.get(stored_file=bad)
        self.assertEqual(incident.kind, IncidentKind.FILE_LOST)
        self.assertIsNone(incident.resolved_at, "a lost file stays an open incident")
        self.assertEqual(StoredFile.objects.get(pk=bad.pk).fixity_status, FixityStatus.LOST)
        # Checking again does not pile up incidents for the same loss.
        fixity("--all")
        self.assertEqual(Incident.objects.filter(stored_file=bad).count(), 1)

    def test_an_audit_stops_when_the_replica_goes_away_and_resumes_later(self) -> None:
        away = self.break_replica()
        code, outcome = fixity("--all")
        self.assertEqual(code, 1)
        self.assertIn("không truy cập được", outcome["interrupted"])
        run = FixityRun.objects.get()
        self.assertEqual((run.state, run.checked), (RunState.INTERRUPTED, 0))
        incident = Incident.objects.get(kind=IncidentKind.REPLICA_UNAVAILABLE)
        self.assertIsNone(incident.resolved_at)
        self.assertEqual(StoredFile.objects.filter(checked_at__isnull=False).count(), 0)
        self.mend_replica(away)
        code, outcome = fixity("--all")
        self.assertEqual((code, outcome["checked"], outcome["ok"]), (0, 4, 4))
        self.assertEqual(FixityRun.objects.get().state, RunState.FINISHED, "the same run resumed")
        incident.refresh_from_db()
        self.assertIsNotNone(incident.resolved_at)

    def test_an_interrupted_run_resumes_from_its_cursor(self) -> None:
        from luutru.preservation import audits

        with self.settings():
            audits.BATCH, saved = 2, audits.BATCH
            try:
                calls: list[int] = []

                def stop_after_first_batch(run: FixityRun) -> None:
                    calls.append(run.checked)
                    if len(calls) == 1:
                        raise KeyboardInterrupt  # the operator's Ctrl+C, a crash

                with self.assertRaises(KeyboardInterrupt):
                    run_audit(RunKind.ALL, on_progress=stop_after_first_batch)
                run = FixityRun.objects.get()
                self.assertEqual((run.state, run.checked), (RunState.RUNNING, 2))
                report = run_audit(RunKind.ALL)
            finally:
                audits.BATCH = saved
        self.assertEqual(report.checked, 2, "only the files not yet checked")
        self.assertEqual(FixityRun.objects.get().checked, 4)

    @override_settings(FIXITY_CYCLE_DAYS=2, FIXITY_INTERVAL_HOURS=24)
    def test_scheduled_runs_share_the_cycle_oldest_first(self) -> None:
        first = run_audit(RunKind.SCHEDULED)
        self.assertEqual(first.checked, 4, "files never checked are all overdue")
        StoredFile.objects.update(checked_at=timezone.now() - timedelta(hours=30))
        StoredFile.objects.filter(pk=self.files[2].pk).update(
            checked_at=timezone.now() - timedelta(hours=40)
        )
        second = run_audit(RunKind.SCHEDULED)
        self.assertEqual(second.checked, 2, "two runs a cycle: half the holdings each")
        self.assertIn(self.files[2].pk, second.run.file_ids or [])
        status = cycle_status()
        self.assertEqual((status.total, status.verified, status.percent), (4, 4, 100))
        self.assertEqual(status.last_run, second.run)

    def test_the_background_schedule_is_enqueued_once(self) -> None:
        self.assertTrue(schedule_next())
        self.assertFalse(schedule_next())
        out = io.StringIO()
        call_command("fixity", "--schedule", stdout=out)
        self.assertIn("đã có sẵn", out.getvalue())
        self.assertEqual(DBTaskResult.objects.count(), 1)
        DBTaskResult.objects.update(run_after=timezone.now() + timedelta(hours=5))
        due = cycle_status().next_run_at - timezone.now()
        self.assertTrue(timedelta(hours=4) < due <= timedelta(hours=5), due)
