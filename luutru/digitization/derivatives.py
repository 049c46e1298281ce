"""Searchable derivatives of scans that arrive in transfer packages.

An image-only PDF or a TIFF scan in an accepted package is left untouched; beside it the
document gets a two-layer PDF/A (``FileRole.DERIVATIVE``) made by the same OCR as the scan
batches, and its text (``FileText``) is indexed, so its words are found. The ingest announces
its documents with ``records.signals.records_ingested`` on commit; ``receivers`` listens and
queues ``ocr_ingested_files``. Each derivative is signed by the archive (``signing``); without
a configured certificate none is made (a warning is logged). When done it announces the
documents again (without a ``transfer_id``) so the search index picks up the text.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import transaction

from luutru.digitization import ocr, signing, sources
from luutru.digitization.models import FileText
from luutru.digitization.pages import PageJob, recognise
from luutru.digitization.services import copy_out, store_path
from luutru.lib.pdfsign import SigningError
from luutru.records.models import DocumentFile, FileRole
from luutru.records.signals import records_ingested

log = logging.getLogger(__name__)


def make_derivatives(file_ids: Iterable[int]) -> int:
    """OCR each file into a PDF/A derivative; idempotent. The number of derivatives made."""
    made: list[int] = []
    files = DocumentFile.objects.filter(pk__in=list(file_ids)).select_related("stored")
    done = set(FileText.objects.filter(source__in=files).values_list("source_id", flat=True))
    for original in files:
        if original.pk in done:
            continue
        try:
            if _derive(original):
                made.append(original.document_id)
        except (ocr.OcrError, sources.InputError, SigningError) as exc:
            log.warning("no OCR derivative for file %s: %s", original.pk, exc)
    if made:
        ids = sorted(set(made))
        transaction.on_commit(
            lambda: records_ingested.send(sender=FileText, transfer_id=None, document_ids=ids)
        )
    return len(made)


def _derive(original: DocumentFile) -> bool:
    folder = Path(settings.DIGITIZATION_WORK_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        local = copy_out(original.stored.sha256, Path(scratch) / "original")
        info = sources.inspect_file(local, original.name)
        if info.pages > settings.DIGITIZATION_MAX_PAGES:
            log.warning("file %s has %s pages: not OCR'd", original.pk, info.pages)
            return False
        jobs = [
            PageJob(key=i, sha256=original.stored.sha256, kind=info.kind, frame=i)
            for i in range(info.pages)
        ]
        results = sorted(recognise(jobs), key=lambda r: r.key)
        if not all(r.ok for r in results):
            reasons = "; ".join(f["message"] for r in results if not r.ok for f in r.flags)
            raise ocr.OcrError(reasons)
        stem = PurePosixPath(original.name).stem or "tep"
        name = f"{stem}.ocr.pdf"
        target = Path(scratch) / name
        pages = ocr.assemble_pdfa([r.pdf for r in results], target, title=original.document.summary)
        signing.sign_file(target)  # every PDF/A digitization makes carries the archive's signature
        stored = store_path(target, "pdf")
    text = "\n\n".join(r.text for r in results if r.text)
    weighted = [(r.confidence, r.words) for r in results if r.confidence is not None and r.words]
    words = sum(w for _c, w in weighted)
    with transaction.atomic():
        if FileText.objects.filter(source=original).exists():
            return False  # another worker finished it first
        derivative = DocumentFile.objects.create(
            document_id=original.document_id,
            stored=stored,
            role=FileRole.DERIVATIVE,
            name=name[:255],
            page_count=pages,
            pdfa="2B",
            has_text=bool(text.strip()),
        )
        FileText.objects.create(
            file=derivative,
            source=original,
            text=text,
            confidence=sum(c * w for c, w in weighted) / words if words else None,
            pages=pages,
        )
    return True
