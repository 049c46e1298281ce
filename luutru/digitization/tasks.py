"""Background digitization: a batch's pages are recognised by a worker, and image-only files
of an ingest get a searchable derivative. Tasks take ids and are safe to run twice."""

from __future__ import annotations

from django_tasks import TaskContext, task


@task(takes_context=True)
def digitize_batch(context: TaskContext, batch_id: str) -> str:
    """Recognise (or resume) a batch's pages. The run claims the batch under its worker's id,
    so the same task queued twice (a double click, a requeue of a slow worker's task) leaves
    the batch to the run that holds it."""
    from luutru.digitization.actions import claimant, process_batch

    workers = context.task_result.worker_ids
    return process_batch(batch_id, by=claimant(workers[-1] if workers else None)).state


@task()
def ocr_ingested_files(file_ids: list[int]) -> int:
    """Searchable PDF/A derivatives of image-only files that arrived in a transfer package."""
    from luutru.digitization.derivatives import make_derivatives

    return make_derivatives(file_ids)
