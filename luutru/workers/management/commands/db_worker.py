"""`luutru db_worker`: django-tasks-db's worker, reporting that it is alive while it runs.

The options are django-tasks-db's (``--batch``, ``--queue-name``, ``--worker-id`` …). What is
added is the heartbeat (``WorkerBeat``): a task claimed by a worker whose heartbeat stopped is
queued again by ``luutru tasks --requeue-stalled`` (a timer). This command takes the place of
django-tasks-db's because ``luutru.workers`` comes before it in ``INSTALLED_APPS``.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from luutru.lib.commands import OperatorCommand
from luutru.workers.services import Heartbeat


class Command(OperatorCommand, DBWorkerCommand):
    """OperatorCommand first: a worker starts with the model checks only, like our commands."""

    def handle(self, *args: Any, **options: Any) -> None:
        with Heartbeat(options["worker_id"]):
            super().handle(*args, **options)
