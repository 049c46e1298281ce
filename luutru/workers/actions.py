"""Tasks whose worker died are queued again (``luutru tasks --requeue-stalled``, a timer).

django-tasks-db marks a task ``RUNNING`` when a worker claims it (``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so two workers never claim the same task) and ``SUCCESSFUL`` or
``FAILED`` when the worker is done with it. A worker killed in between (SIGKILL, out of memory,
a machine switched off) leaves the task ``RUNNING`` for ever: nothing else would run it again.
Here such a task goes back to ``READY``; every task body in luutru is safe to run twice (it
resumes: an ingest, a scan batch, a fixity audit; or it rewrites the same rows: indexing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from luutru.audit.actions import record
from luutru.workers.models import AuditAction, WorkerBeat


class WorkerDied(Exception):
    """Recorded as the failure of a task whose workers died ``TASK_MAX_ATTEMPTS`` times."""


@dataclass(frozen=True)
class Recovered:
    """A task found running under a dead worker, and what was done with it."""

    task_id: str
    task_path: str
    worker_id: str
    requeued: bool  # False: abandoned as failed after TASK_MAX_ATTEMPTS dead workers

    def as_dict(self) -> dict[str, object]:
        return {
            "task": self.task_id,
            "task_path": self.task_path,
            "worker": self.worker_id,
            "requeued": self.requeued,
        }


def requeue_stalled(*, now: datetime | None = None) -> list[Recovered]:
    """Queue again every task left ``RUNNING`` by a worker that stopped reporting for
    ``TASK_STALL_SECONDS`` (or never reported: one started before this release), or by an
    earlier process of a worker id that has since restarted. A task whose
    workers died ``TASK_MAX_ATTEMPTS`` times (it may be what kills them) is marked failed
    instead. One audit event per task; the heartbeat rows of dead workers are removed."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.TASK_STALL_SECONDS)
    # A worker's id may come back after a restart (``luutru-worker@.service`` uses the host
    # and instance): what it claimed before its current start belongs to a dead process.
    alive = dict(WorkerBeat.objects.filter(beat_at__gte=cutoff).values_list("pk", "started_at"))
    candidates = DBTaskResult.objects.running().filter(started_at__lt=cutoff).order_by("started_at")
    recovered = []
    for candidate in candidates:
        worker = candidate.worker_ids[-1] if candidate.worker_ids else ""
        life = alive.get(worker)
        if life is None or (candidate.started_at is not None and candidate.started_at < life):
            outcome = _recover(candidate.pk, worker)
            if outcome is not None:
                recovered.append(outcome)
    WorkerBeat.objects.filter(beat_at__lt=cutoff).delete()
    return recovered


@transaction.atomic
def _recover(task_id: UUID | str, worker: str) -> Recovered | None:
    task = (
        DBTaskResult.objects.select_for_update(skip_locked=True)
        .filter(pk=task_id, status=TaskResultStatus.RUNNING)
        .first()
    )
    if task is None or (task.worker_ids[-1] if task.worker_ids else "") != worker:
        return None  # finished, or claimed again, meanwhile
    attempts = len(task.worker_ids)
    started = timezone.localtime(task.started_at) if task.started_at else None
    since = f" từ {started:%H:%M:%S %d/%m/%Y}" if started else ""
    data = {
        "task": str(task.pk),
        "task_path": task.task_path,
        "worker": worker,
        "attempts": attempts,
        "started_at": task.started_at.isoformat() if task.started_at else None,
    }
    if attempts >= settings.TASK_MAX_ATTEMPTS:
        task.set_failed(
            WorkerDied(f"{attempts} tiến trình nền lần lượt ngừng hoạt động khi chạy tác vụ này.")
        )
        record(
            AuditAction.TASK_ABANDON,
            actor=None,
            message=(
                f"Dừng tác vụ nền {task.task_name}: {attempts} tiến trình nền chạy nó đều ngừng "
                "hoạt động giữa chừng; cần quản trị viên xem xét."
            ),
            data=data,
        )
        return Recovered(str(task.pk), task.task_path, worker, requeued=False)
    task.status = TaskResultStatus.READY
    task.started_at = None
    task.save(update_fields=["status", "started_at"])
    record(
        AuditAction.TASK_REQUEUE,
        actor=None,
        message=(
            f"Đưa lại vào hàng đợi tác vụ nền {task.task_name}: tiến trình nền chạy nó{since} "
            "đã ngừng hoạt động."
        ),
        data=data,
    )
    return Recovered(str(task.pk), task.task_path, worker, requeued=True)
