"""Signal receivers of the digitization app, kept apart from the OCR code.

Every process loads them at start-up (``DigitizationConfig.ready``); OCR, PDF and image
libraries are imported only when a file is actually OCR'd, so ``luutru`` commands and web
workers start fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from luutru.digitization.models import FileText
from luutru.records.models import DocumentFile, FileRole

PDF_PUIDS = ["fmt/14", "fmt/15", "fmt/16", "fmt/17", "fmt/18", "fmt/19", "fmt/20", "fmt/276",
             "fmt/95", "fmt/354", "fmt/476", "fmt/477", "fmt/478", "fmt/479", "fmt/480",
             "fmt/481", "fmt/1451"]  # fmt: skip
PDF = Q(stored__mime="application/pdf") | Q(stored__puid__in=PDF_PUIDS)
TIFF = Q(stored__mime="image/tiff") | Q(stored__puid__in=["fmt/353", "fmt/152", "x-fmt/387"])


def candidates(document_ids: Iterable[int]) -> list[int]:
    """Original files of these documents that are image-only PDFs or TIFFs, not yet OCR'd."""
    done = FileText.objects.filter(source__isnull=False).values("source_id")
    files = DocumentFile.objects.filter(
        document_id__in=list(document_ids), role=FileRole.ORIGINAL
    ).filter((PDF & Q(has_text=False)) | TIFF)
    return list(files.exclude(pk__in=done).order_by("pk").values_list("pk", flat=True))


def on_records_ingested(
    sender: Any, transfer_id: Any = None, document_ids: Iterable[int] = (), **kwargs: Any
) -> None:
    """Queue OCR of an ingest's image-only files (our own announcements carry no transfer)."""
    if transfer_id is None:
        return
    ids = candidates(document_ids)
    if ids:
        from luutru.digitization.tasks import ocr_ingested_files

        transaction.on_commit(lambda: ocr_ingested_files.enqueue(ids))
