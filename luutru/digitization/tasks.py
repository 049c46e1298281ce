"""Background digitization: a batch's pages are recognised by a worker, and image-only files
of an ingest get a searchable derivative. Tasks take ids and are safe to run twice."""

from __future__ import annotations

from django_tasks import task


@task()
def digitize_batch(batch_id: str) -> str:
    """Recognise (or resume) a batch's pages."""
    from luutru.digitization.actions import process_batch

    return process_batch(batch_id).state


@task()
def ocr_ingested_files(file_ids: list[int]) -> int:
    """Searchable PDF/A derivatives of image-only files that arrived in a transfer package."""
    from luutru.digitization.derivatives import make_derivatives

    return make_derivatives(file_ids)
