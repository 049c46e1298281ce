"""The heartbeat of a task worker: a thread that reports while the worker lives, tasks or not."""

from __future__ import annotations

import logging
import os
import socket
import threading
from types import TracebackType

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from luutru.workers.models import WorkerBeat

log = logging.getLogger(__name__)


def beat_seconds() -> float:
    """How often a worker reports: four times within ``TASK_STALL_SECONDS``, so that a slow
    database or a busy machine never makes a live worker look dead."""
    return settings.TASK_STALL_SECONDS / 4


class Heartbeat:
    """``with Heartbeat(worker_id):`` around a worker's loop. The first report is made before
    the worker claims anything; a thread then reports every ``beat_seconds()`` on its own
    database connection (the worker's is busy inside a task); on a clean exit the row goes.
    A worker killed outright leaves its row to age: that is how it is known to be gone."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="luutru-heartbeat", daemon=True)

    def start(self) -> None:
        """A new life: ``started_at`` now, so that the tasks an earlier process of the same
        id (a service restarted after a crash) left running are known to be orphans."""
        now = timezone.now()
        WorkerBeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "beat_at": now,
            },
        )

    def beat(self) -> None:
        if WorkerBeat.objects.filter(pk=self.worker_id).update(beat_at=timezone.now()):
            return
        # Removed meanwhile (taken for dead while the database was away): a new row. Never
        # waiting on a lock for it: the row may be another transaction's, not yet committed
        # (a test's), and the worker joins this thread when it stops.
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
            self.start()

    def _run(self) -> None:
        try:
            while not self._stop.wait(beat_seconds()):
                try:
                    self.beat()
                except DatabaseError:
                    # The next report tries again on a new connection.
                    log.warning("worker %s could not report", self.worker_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()

    def __enter__(self) -> Heartbeat:
        self.start()
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        try:
            WorkerBeat.objects.filter(pk=self.worker_id).delete()
        except DatabaseError:  # it ages out
            log.warning("worker %s could not sign off", self.worker_id, exc_info=True)
