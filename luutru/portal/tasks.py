"""Background work of the portal: access copies of sound and film (derived, rebuildable)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)


@task()
def make_access_copies(document_ids: list[int]) -> dict[str, int]:
    """MP4/MP3 copies a browser plays, for the audio and video documents given; the originals
    are only read. Safe to run twice: a copy already made is kept."""
    from luutru.portal.media import make_access_copy, recordings_of
    from luutru.records.models import Document, DocumentKind

    made = failed = 0
    documents = Document.objects.filter(
        pk__in=document_ids, kind__in=[DocumentKind.AUDIO, DocumentKind.VIDEO]
    )
    for document in documents:
        for recording in recordings_of(document):
            try:
                make_access_copy(recording)
                made += 1
            except (RuntimeError, OSError):
                log.exception("no access copy for file %s", recording.pk)
                failed += 1
    return {"made": made, "failed": failed}


ACCESS_COPY_TASK_PATH = "luutru.portal.tasks.make_access_copies"
# A copy asked for again after this long is queued again (the worker may have lost it, or
# ffmpeg failed and the file has been put right since); never on every request meanwhile.
ACCESS_COPY_RETRY = timedelta(hours=1)


def queue_access_copy(document_id: int) -> bool:
    """Queue the access copies of one recording unless a task that covers it is waiting,
    running, or was queued within ``ACCESS_COPY_RETRY``. True if queued now.

    The state is the task queue itself (django-tasks-db's rows), shared by every web server;
    the rows of this one task kind are few, so their document IDs are read in Python (JSON
    containment is not available on SQLite)."""
    recent = timezone.now() - ACCESS_COPY_RETRY
    pending = DBTaskResult.objects.filter(task_path=ACCESS_COPY_TASK_PATH).filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ) | DBTaskResult.objects.filter(task_path=ACCESS_COPY_TASK_PATH, enqueued_at__gte=recent)
    for args_kwargs in pending.values_list("args_kwargs", flat=True):
        args = (args_kwargs or {}).get("args") or [[]]
        if document_id in (args[0] or []):
            return False
    make_access_copies.enqueue([document_id])
    return True


def on_records_ingested(sender: Any, document_ids: Iterable[int] = (), **kwargs: Any) -> None:
    """``records.signals.records_ingested`` receiver: queue the access copies of the new
    recordings (the signal is sent on commit; queued on commit again inside a transaction)."""
    from luutru.records.models import Document, DocumentKind

    ids = list(
        Document.objects.filter(
            pk__in=list(document_ids), kind__in=[DocumentKind.AUDIO, DocumentKind.VIDEO]
        ).values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: make_access_copies.enqueue(ids))
