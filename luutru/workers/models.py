"""The task workers that are alive: each ``luutru db_worker`` reports here while it runs, so that
a task left ``RUNNING`` by a worker that died (SIGKILL, out of memory, a machine switched off)
can be told from one that is merely long, and queued again (``actions.requeue_stalled``)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class WorkerBeat(models.Model):
    """One running worker process (tiến trình nền) and the last time it reported."""

    worker_id = models.CharField(
        max_length=64, primary_key=True, help_text="the id the worker writes on the tasks it claims"
    )
    host = models.CharField(max_length=255, help_text="the machine it runs on")
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(
        db_index=True,
        help_text="reported every TASK_STALL_SECONDS / 4 by a thread of the worker, even while "
        "a task runs; older than TASK_STALL_SECONDS means the worker is gone",
    )

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class AuditAction(StrEnum):
    """The ``AuditEvent.action`` of this app's events. The values are stored in the audit trail
    and searched by name: never change one, add a member instead."""

    TASK_REQUEUE = "workers.task_requeue"
    TASK_ABANDON = "workers.task_abandon"
