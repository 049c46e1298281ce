"""Background indexing: an ingest's documents, and records whose publication changed, reach the
index after their transaction commits."""

from __future__ import annotations

from django_tasks import task


@task()
def index_documents_task(document_ids: list[int]) -> int:
    """Index (or remove) these documents and their dossiers. Idempotent: safe to run twice."""
    from luutru.search.services import index_documents

    return index_documents(document_ids)


@task()
def index_dossiers_task(dossier_ids: list[int]) -> int:
    """Index (or remove) these dossiers. Idempotent: safe to run twice."""
    from luutru.search.services import index_dossiers

    return index_dossiers(dossier_ids)


@task()
def extract_files_task(file_ids: list[int]) -> int:
    """Extract the text of these born-digital files, then index it. Idempotent."""
    from luutru.search.extraction import extract_files

    return extract_files(file_ids)
