"""Background ingest: the web upload enqueues the transfer's id on commit; a worker runs it."""

from __future__ import annotations

from django_tasks import task

from luutru.ingest.pipeline import run_transfer


@task()
def ingest_transfer(transfer_id: str) -> str:
    """Run (or resume) a transfer's pipeline. Idempotent: a finished transfer is left alone."""
    return run_transfer(transfer_id).state
