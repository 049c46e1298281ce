"""Background work of the portal: access copies of sound and film (derived, rebuildable)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django_tasks import task

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
