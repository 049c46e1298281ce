"""A task whose worker died is queued again, once, by ``luutru tasks --requeue-stalled`` (a timer);
a task whose worker still reports is left alone, however long it runs."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from io import StringIO
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from luutru.audit.models import AuditEvent
from luutru.preservation.tasks import fixity_audit
from luutru.test import WorkerTestCase
from luutru.workers.models import WorkerBeat
from luutru.workers.services import Heartbeat


def claimed(worker: str, *, minutes_ago: int, earlier_workers: int = 0) -> DBTaskResult:
    """A fixity audit task a worker claimed ``minutes_ago``, as django-tasks-db leaves it."""
    result = fixity_audit.enqueue()
    task = DBTaskResult.objects.get(pk=result.id)
    task.claim(worker)
    task.worker_ids = [f"earlier-{i}" for i in range(earlier_workers)] + [worker]
    task.started_at = timezone.now() - timedelta(minutes=minutes_ago)
    task.save(update_fields=["worker_ids", "started_at"])
    return task


def reporting(worker: str, *, seconds_ago: int) -> None:
    now = timezone.now()
    WorkerBeat.objects.create(
        worker_id=worker,
        host="may-1",
        pid=1234,
        started_at=now - timedelta(days=1),
        beat_at=now - timedelta(seconds=seconds_ago),
    )


def requeue() -> dict[str, Any]:
    out = StringIO()
    call_command("tasks", "--requeue-stalled", "--json", stdout=out)
    done: dict[str, Any] = json.loads(out.getvalue())
    return done


@override_settings(TASK_STALL_SECONDS=120, TASK_MAX_ATTEMPTS=3)
class RequeueTests(WorkerTestCase):
    def test_a_task_whose_worker_stopped_reporting_is_queued_again_once(self) -> None:
        task = claimed("w-dead", minutes_ago=30)
        reporting("w-dead", seconds_ago=300)

        done = requeue()
        self.assertEqual([t["task"] for t in done["requeued"]], [str(task.pk)])
        task.refresh_from_db()
        self.assertEqual(task.status, TaskResultStatus.READY)
        self.assertEqual(requeue(), {"requeued": [], "abandoned": []})
        event = AuditEvent.objects.get(action="workers.task_requeue")
        self.assertIn("đã ngừng hoạt động", event.message)
        self.assertEqual(event.data["worker"], "w-dead")
        self.assertFalse(WorkerBeat.objects.filter(pk="w-dead").exists())

        # The next worker runs it to its end.
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        task.refresh_from_db()
        self.assertEqual(task.status, TaskResultStatus.SUCCESSFUL, task.traceback)

    def test_a_task_claimed_by_a_worker_that_never_reported_is_queued_again(self) -> None:
        task = claimed("w-old-release", minutes_ago=30)
        self.assertEqual([t["task"] for t in requeue()["requeued"]], [str(task.pk)])

    def test_a_task_of_a_worker_restarted_under_the_same_id_is_queued_again(self) -> None:
        task = claimed("may-1-1", minutes_ago=30)
        with Heartbeat("may-1-1"):  # systemd restarted luutru-worker@1 after the crash
            self.assertEqual([t["task"] for t in requeue()["requeued"]], [str(task.pk)])

    def test_a_long_task_of_a_worker_that_still_reports_is_left_alone(self) -> None:
        task = claimed("w-alive", minutes_ago=300)
        reporting("w-alive", seconds_ago=20)
        fresh = claimed("w-starting", minutes_ago=0)  # claimed a moment ago, not yet seen

        self.assertEqual(requeue(), {"requeued": [], "abandoned": []})
        task.refresh_from_db()
        fresh.refresh_from_db()
        self.assertEqual((task.status, fresh.status), ("RUNNING", "RUNNING"))
        self.assertFalse(AuditEvent.objects.filter(action__startswith="workers.").exists())

    def test_a_task_that_its_workers_died_on_three_times_is_failed_for_an_administrator(
        self,
    ) -> None:
        task = claimed("w-third", minutes_ago=30, earlier_workers=2)
        done = requeue()
        self.assertEqual([t["task"] for t in done["abandoned"]], [str(task.pk)])
        task.refresh_from_db()
        self.assertEqual(task.status, TaskResultStatus.FAILED)
        self.assertIn("WorkerDied", task.exception_class_path)
        event = AuditEvent.objects.get(action="workers.task_abandon")
        self.assertIn("cần quản trị viên xem xét", event.message)


@override_settings(TASK_STALL_SECONDS=4)
class HeartbeatTests(WorkerTestCase):
    def test_a_worker_reports_while_it_runs_and_signs_off_when_it_stops(self) -> None:
        with Heartbeat("w-1"):
            first = WorkerBeat.objects.get(pk="w-1").beat_at
            # A report every second at this setting: wait for the thread's next one.
            deadline = timezone.now() + timedelta(seconds=5)
            while WorkerBeat.objects.get(pk="w-1").beat_at == first:
                self.assertLess(timezone.now(), deadline, "the worker stopped reporting")
                threading.Event().wait(0.1)
        self.assertFalse(WorkerBeat.objects.filter(pk="w-1").exists())

    def test_the_worker_command_reports_under_the_id_it_writes_on_its_tasks(self) -> None:
        seen: list[list[str]] = []

        def spy(*args: Any, **kwargs: Any) -> None:
            seen.append(list(WorkerBeat.objects.values_list("pk", flat=True)))

        with mock.patch("django_tasks_db.management.commands.db_worker.Worker.run", spy):
            call_command("db_worker", "--batch", "--worker-id", "may-2-w", verbosity=0)
        self.assertEqual(seen, [["may-2-w"]])
        self.assertFalse(WorkerBeat.objects.exists())
