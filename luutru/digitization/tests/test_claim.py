"""One run at a time recognises a batch: the same batch queued twice (a double click, a requeue
of a slow worker's task, a retry) is read once; a run whose worker died leaves nothing stuck;
a failed run lets go so the batch can be run again."""

from __future__ import annotations

import tempfile
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from luutru.accounts.models import Role
from luutru.digitization import actions, pages, samples
from luutru.digitization.models import BatchState, PageState, ScanBatch, ScanPage
from luutru.digitization.tasks import digitize_batch
from luutru.organizations.models import Agency
from luutru.records.tests.factory import make_dossier
from luutru.test import BaseTestCase, WorkerTestCase, make_agency, make_user
from luutru.workers.models import WorkerBeat

PAGES = 3


def three_pages(agency: Agency, actor: Any) -> ScanBatch:
    """A queued batch of one document with three small pages, as the CLI makes it (no task)."""
    folder = Path(tempfile.mkdtemp())
    files = []
    for number in range(PAGES):
        image = samples.page_image([f"Trang số {number + 1}"], height_inches=1.0)
        path = samples.write(folder / f"{number}.png", image)
        files.append(actions.Upload(path, f"trang-{number + 1}.png"))
    dossier = make_dossier(agency, 7)
    return actions.create_batch(
        dossier, [actions.ItemSpec(files=files)], actor=actor, source="folder"
    )


class CountingOcr:
    """Counts the pages recognised (``pages.work_page``, one Tesseract run each), by page."""

    def __init__(self) -> None:
        self.calls: Counter[Any] = Counter()
        self._lock = threading.Lock()
        self._real = pages.work_page

    def __call__(self, job: pages.PageJob) -> pages.PageResult:
        with self._lock:
            self.calls[job.key] += 1
        return self._real(job)

    def patch(self) -> Any:
        return patch("luutru.digitization.pages.work_page", self)


def hold(batch: ScanBatch, by: str, *, silent_for: float, claimed_ago: float = 600) -> None:
    """The batch as a run ``by`` left it: running, held, last report ``silent_for`` s ago."""
    now = timezone.now()
    ScanBatch.objects.filter(pk=batch.pk).update(
        state=BatchState.RUNNING,
        claimed_by=by,
        claimed_at=now - timedelta(seconds=claimed_ago),
        heartbeat_at=now - timedelta(seconds=silent_for),
    )


def worker_beat(worker_id: str, *, beat_ago: float, started_ago: float = 3600) -> None:
    now = timezone.now()
    WorkerBeat.objects.create(
        worker_id=worker_id,
        host="may-2",
        pid=4242,
        started_at=now - timedelta(seconds=started_ago),
        beat_at=now - timedelta(seconds=beat_ago),
    )


class ClaimTests(BaseTestCase):
    batch: ClassVar[ScanBatch]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.batch = three_pages(cls.agency_a, cls.archivist)

    def assert_recognised_once(self, ocr: CountingOcr) -> None:
        keys = set(ScanPage.objects.filter(item__batch=self.batch).values_list("pk", flat=True))
        self.assertEqual(set(ocr.calls), keys)
        self.assertEqual(set(ocr.calls.values()), {1})

    def assert_reviewable(self) -> ScanBatch:
        batch = ScanBatch.objects.get(pk=self.batch.pk)
        self.assertEqual(batch.state, BatchState.REVIEW)
        self.assertEqual((batch.page_done, batch.page_total), (PAGES, PAGES))
        self.assertEqual((batch.claimed_by, batch.claimed_at), ("", None))
        states = ScanPage.objects.filter(item__batch=batch).values_list("state", flat=True)
        self.assertEqual(set(states), {PageState.DONE})
        return batch

    def test_a_second_run_while_the_first_reports_recognises_no_page(self) -> None:
        ocr = CountingOcr()
        second: list[ScanBatch] = []
        save = actions._save_result

        def first_page_saved_then_second_run_starts(claim: Any, result: Any) -> None:
            save(claim, result)
            if not second:  # the task queued again (a double click) reaches another worker
                with self.assertLogs("luutru.digitization.actions", "INFO") as logs:
                    second.append(actions.process_batch(self.batch.pk, by="worker:may-2"))
                self.assertIn("is being recognised by process:", logs.output[0])

        with (
            ocr.patch(),
            patch.object(actions, "_save_result", first_page_saved_then_second_run_starts),
        ):
            actions.process_batch(self.batch.pk)

        self.assertEqual(second[0].state, BatchState.RUNNING)  # left to the first run
        self.assert_recognised_once(ocr)
        self.assert_reviewable()

    def test_a_batch_recognised_already_is_not_read_again_by_a_late_duplicate(self) -> None:
        ocr = CountingOcr()
        with ocr.patch():
            actions.process_batch(self.batch.pk)
            late = actions.process_batch(self.batch.pk, by="worker:may-2")
        self.assertEqual(late.state, BatchState.REVIEW)
        self.assert_recognised_once(ocr)

    def test_a_batch_silent_past_the_stall_time_is_taken_over_and_finished(self) -> None:
        hold(self.batch, "process:may-tram-quet:811", silent_for=600)
        ocr = CountingOcr()
        with ocr.patch(), self.assertLogs("luutru.digitization.actions", "WARNING") as logs:
            actions.process_batch(self.batch.pk)
        self.assertIn("takes over from process:may-tram-quet:811", logs.output[0])
        self.assert_recognised_once(ocr)
        self.assert_reviewable()

    def test_a_batch_whose_worker_died_is_taken_over_before_the_stall_time(self) -> None:
        # The worker stopped reporting (its heartbeat row was removed as dead by the requeue);
        # the batch has been silent 90 s, less than DIGITIZATION_STALL_SECONDS (120).
        hold(self.batch, "worker:may-2-w", silent_for=90)
        ocr = CountingOcr()
        with ocr.patch():
            actions.process_batch(self.batch.pk, by="worker:may-3-w")
        self.assert_recognised_once(ocr)
        self.assert_reviewable()

    def test_a_batch_whose_worker_restarted_since_the_claim_is_taken_over(self) -> None:
        hold(self.batch, "worker:may-2-w", silent_for=90, claimed_ago=600)
        worker_beat("may-2-w", beat_ago=1, started_ago=60)  # the same id, a new process
        with CountingOcr().patch():
            actions.process_batch(self.batch.pk, by="worker:may-2-w")
        self.assert_reviewable()

    def test_a_batch_still_reporting_is_left_to_its_run_even_if_its_worker_looks_gone(self) -> None:
        # A merely slow worker: its heartbeat is late (its task was requeued), but the batch
        # reported 5 s ago. The requeued task leaves it and reads no page.
        hold(self.batch, "worker:may-2-w", silent_for=5)
        worker_beat("may-2-w", beat_ago=600)
        ocr = CountingOcr()
        with ocr.patch():
            batch = actions.process_batch(self.batch.pk, by="worker:may-3-w")
        self.assertEqual(ocr.calls, Counter())
        self.assertEqual((batch.state, batch.claimed_by), (BatchState.RUNNING, "worker:may-2-w"))

    def test_a_live_workers_batch_is_left_alone_while_it_reports(self) -> None:
        hold(self.batch, "worker:may-2-w", silent_for=90)
        worker_beat("may-2-w", beat_ago=1)
        ocr = CountingOcr()
        with ocr.patch():
            batch = actions.process_batch(self.batch.pk, by="worker:may-3-w")
        self.assertEqual(ocr.calls, Counter())
        self.assertEqual(batch.claimed_by, "worker:may-2-w")

    def test_a_failed_run_lets_go_so_the_batch_can_be_run_again(self) -> None:
        def broken(claim: Any, result: Any) -> None:
            raise OSError("kho lưu trữ không ghi được")

        with (
            CountingOcr().patch(),
            patch.object(actions, "_save_result", broken),
            self.assertRaises(OSError),
            self.assertLogs("luutru.digitization.actions", "ERROR"),
        ):
            actions.process_batch(self.batch.pk, by="worker:may-2-w")
        batch = ScanBatch.objects.get(pk=self.batch.pk)
        self.assertEqual(batch.state, BatchState.FAILED)
        self.assertEqual((batch.claimed_by, batch.claimed_at), ("", None))
        self.assertEqual(batch.errors[0]["code"], "internal_error")

        ocr = CountingOcr()
        with ocr.patch():
            actions.process_batch(self.batch.pk, by="worker:may-3-w")  # the retry
        self.assert_recognised_once(ocr)
        self.assertEqual(self.assert_reviewable().errors, [])

    def test_a_run_whose_batch_was_taken_over_stops_and_writes_no_more(self) -> None:
        save = actions._save_result
        saved: list[int] = []

        def taken_over_after_the_first_page(claim: Any, result: Any) -> None:
            save(claim, result)
            saved.append(1)
            ScanBatch.objects.filter(pk=self.batch.pk).update(
                claimed_by="worker:may-3-w", claimed_at=timezone.now()
            )

        with (
            CountingOcr().patch(),
            patch.object(actions, "_save_result", taken_over_after_the_first_page),
            self.assertLogs("luutru.digitization.actions", "WARNING") as logs,
        ):
            actions.process_batch(self.batch.pk, by="worker:may-2-w")
        self.assertIn("no longer holds it", logs.output[-1])
        self.assertEqual(len(saved), 1)
        batch = ScanBatch.objects.get(pk=self.batch.pk)
        self.assertEqual((batch.state, batch.claimed_by), (BatchState.RUNNING, "worker:may-3-w"))
        self.assertEqual(batch.page_done, 1)
        done = ScanPage.objects.filter(item__batch=batch, state=PageState.DONE)
        self.assertEqual(done.count(), 1)

    def test_resuming_a_stalled_batch_frees_it_for_the_next_run(self) -> None:
        hold(self.batch, "worker:may-2-w", silent_for=600)
        actions.resume_batch(self.batch, actor=self.archivist)
        batch = ScanBatch.objects.get(pk=self.batch.pk)
        self.assertEqual((batch.state, batch.claimed_by), (BatchState.QUEUED, ""))


class QueuedTwiceTests(WorkerTestCase):
    """The real task worker (``luutru db_worker``) runs the tasks."""

    def setUp(self) -> None:
        agency = make_agency("000.00.03.H62", "Sở Tài chính")
        self.batch = three_pages(agency, make_user("luutruvien", Role.ARCHIVIST, agency))

    def test_a_batch_queued_twice_is_recognised_once(self) -> None:
        digitize_batch.enqueue(str(self.batch.pk))
        digitize_batch.enqueue(str(self.batch.pk))  # a double click on "process"
        ocr = CountingOcr()
        with ocr.patch():
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        statuses = set(DBTaskResult.objects.values_list("status", flat=True))
        self.assertEqual(statuses, {TaskResultStatus.SUCCESSFUL})
        self.assertEqual(sorted(ocr.calls.values()), [1] * PAGES)
        batch = ScanBatch.objects.get(pk=self.batch.pk)
        self.assertEqual((batch.state, batch.claimed_by), (BatchState.REVIEW, ""))

    def test_a_requeued_task_leaves_the_batch_to_the_slow_worker_still_reporting_on_it(
        self,
    ) -> None:
        hold(self.batch, "worker:may-2-w", silent_for=5)
        worker_beat("may-2-w", beat_ago=600)  # late enough for ``tasks --requeue-stalled``
        digitize_batch.enqueue(str(self.batch.pk))
        ocr = CountingOcr()
        with ocr.patch():
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        self.assertEqual(DBTaskResult.objects.get().status, TaskResultStatus.SUCCESSFUL)
        self.assertEqual(ocr.calls, Counter())
        self.assertEqual(ScanBatch.objects.get(pk=self.batch.pk).claimed_by, "worker:may-2-w")

    def test_a_task_claims_under_its_workers_id(self) -> None:
        digitize_batch.enqueue(str(self.batch.pk))
        seen: list[str] = []
        claim = actions.claim_batch

        def spy(batch_id: Any, by: str | None = None) -> Any:
            seen.append(by or "")
            return claim(batch_id, by)

        with CountingOcr().patch(), patch.object(actions, "claim_batch", spy):
            call_command(
                "db_worker", "--batch", "--no-startup-delay", "--worker-id", "may-1-w", verbosity=0
            )
        self.assertEqual(seen, ["worker:may-1-w"])


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs in the PostgreSQL half of make test"
)
class RacingWorkersTests(WorkerTestCase):
    """Two workers on two connections start the same batch at the same moment."""

    def setUp(self) -> None:
        agency = make_agency("000.00.03.H62", "Sở Tài chính")
        self.batch = three_pages(agency, make_user("luutruvien", Role.ARCHIVIST, agency))

    def test_two_runs_started_at_once_recognise_each_page_once(self) -> None:
        ocr = CountingOcr()
        start = threading.Barrier(2)
        outcome: dict[str, Any] = {}

        def run(by: str) -> None:
            try:
                start.wait(timeout=30)
                outcome[by] = actions.process_batch(self.batch.pk, by=by).state
            except BaseException as exc:  # reported below, on the test's thread
                outcome[by] = exc
            finally:
                connection.close()

        with ocr.patch():
            threads = [threading.Thread(target=run, args=(f"worker:may-{n}",)) for n in (1, 2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        # The loser leaves at once (the batch running, or in review if the winner was quick).
        self.assertEqual(set(outcome), {"worker:may-1", "worker:may-2"})
        for state in outcome.values():
            self.assertIn(state, {BatchState.RUNNING, BatchState.REVIEW})
        self.assertEqual(sorted(ocr.calls.values()), [1] * PAGES)
        batch = ScanBatch.objects.get(pk=self.batch.pk)
        self.assertEqual((batch.state, batch.page_done, batch.claimed_by), ("review", PAGES, ""))
