"""Background indexing: an ingest's documents reach the index after its transaction commits."""

from __future__ import annotations

from django_tasks import task


@task()
def index_documents_task(document_ids: list[int]) -> int:
    """Index (or remove) these documents and their dossiers. Idempotent: safe to run twice."""
    from luutru.search.services import index_documents

    return index_documents(document_ids)
