"""The page work of digitization: each scanned page checked and recognised, a pool at a time.

``work_page`` takes one page (a ``PageJob``: which stored scan, which frame) through the whole
pipeline — copy out of storage, start Tesseract (``ocr.Recognition``), decode the scan
(``sources``), run the quality checks (``quality``), make the thumbnail, then compose the
one-page PDF — and returns a ``PageResult``; a bad page comes back not ``ok``, it never raises.
``recognise`` runs pages on a thread pool of ``DIGITIZATION_WORKERS`` threads; each thread
starts one Tesseract process capped to one thread, and a machine-wide file-lock slot
(``core_slot``) keeps several worker processes from running more Tesseracts than cores
(ADR 0007). The threads touch no database: they return results and the caller
(``actions.process_batch``, ``derivatives``) writes them.
"""

from __future__ import annotations

import fcntl
import io
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from PIL import Image

from luutru.digitization import ocr, quality, sources
from luutru.digitization.services import copy_out

THUMBNAIL_WIDTH = 240
SUFFIXES = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "pdf": ".pdf"}


@dataclass(frozen=True)
class PageJob:
    key: Any  # the caller's id for the page
    sha256: str
    kind: str
    frame: int
    doc_type: str = ""


@dataclass
class PageResult:
    key: Any
    ok: bool
    dpi: int | None = None
    width: int | None = None
    height: int | None = None
    colour_bits: int | None = None
    flags: list[dict[str, str]] = field(default_factory=list)
    confidence: float | None = None
    words: int = 0
    text: str = ""
    pdf: bytes = b""
    thumbnail: bytes = b""
    seconds: float = 0.0


def thumbnail(image: Image.Image) -> bytes:
    """A small JPEG of the page (best made from its ``quality.preview``, already small)."""
    small = image.convert("RGB") if image.mode not in {"RGB", "L"} else image.copy()
    small.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 2))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=75)
    return out.getvalue()


@contextmanager
def core_slot() -> Iterator[None]:
    """One of ``DIGITIZATION_WORKERS`` slots for the whole machine (file locks in the work
    folder), so several worker processes together never run more Tesseracts than cores."""
    folder = Path(settings.DIGITIZATION_WORK_DIR) / "slots"
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        for number in range(settings.DIGITIZATION_WORKERS):
            handle = (folder / f"{number}.lock").open("a+b")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        time.sleep(0.05)


def work_page(job: PageJob) -> PageResult:
    """Check and recognise one page; never raises for a bad page (it comes back not ``ok``)."""
    with core_slot():
        return _work_page(job)


def _work_page(job: PageJob) -> PageResult:
    start = time.perf_counter()
    folder = Path(settings.DIGITIZATION_WORK_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        try:
            source = copy_out(job.sha256, Path(scratch) / f"scan{SUFFIXES[job.kind]}")
            # Tesseract starts first; the page is decoded, checked and encoded meanwhile.
            dpi, direct = sources.peek(source, job.kind)
            recognition = None
            if direct:
                recognition = ocr.Recognition(ocr.PageImage(source, dpi or sources.RENDER_DPI))
            try:
                page = sources.load_page(source, job.kind, job.frame)
                image = page.image
                if recognition is None:
                    path = sources.write_for_tesseract(image, source)
                    recognition = ocr.Recognition(
                        ocr.PageImage(path, page.dpi or sources.RENDER_DPI)
                    )
                preview = quality.preview(image)
                flags = quality.check_image(image, page.dpi, doc_type=job.doc_type, small=preview)
                blank = any(f.code == "blank_page" for f in flags)
                picture = ocr.encode_for_pdf(image, page.jpeg, page.size, page.png)
                small = thumbnail(preview)
            except BaseException:
                if recognition is not None:
                    recognition.cancel()
                raise
            recognised = recognition.finish(picture)
            flags += quality.check_ocr(recognised.confidence, recognised.words, blank=blank)
            return PageResult(
                key=job.key,
                ok=True,
                dpi=page.dpi,
                width=page.size[0],
                height=page.size[1],
                colour_bits=quality.colour_bits(image),
                flags=[f.as_dict() for f in flags],
                confidence=recognised.confidence,
                words=recognised.words,
                text=recognised.text,
                pdf=recognised.pdf,
                thumbnail=small,
                seconds=time.perf_counter() - start,
            )
        except ocr.OcrError as exc:
            message = str(exc)
        except (OSError, ValueError, sources.InputError) as exc:
            message = f"Không đọc được ảnh của trang: {exc}"
    failed = quality.Flag("ocr_failed", "error", message)
    return PageResult(
        key=job.key, ok=False, flags=[failed.as_dict()], seconds=time.perf_counter() - start
    )


BEAT_SECONDS = 15.0  # a running batch reports at least this often (``ScanBatch.stalled``)


def recognise(
    jobs: Iterable[PageJob],
    workers: int | None = None,
    *,
    beat: Callable[[], object] | None = None,
) -> Iterator[PageResult]:
    """Results as pages finish, ``workers`` (default ``DIGITIZATION_WORKERS``) at a time.

    ``beat`` is called on the caller's thread at least every ``BEAT_SECONDS`` while pages are
    being recognised, so a long page still shows that its worker is alive.
    """
    jobs = list(jobs)
    workers = max(1, min(workers or settings.DIGITIZATION_WORKERS, len(jobs) or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = {pool.submit(work_page, job) for job in jobs}
        try:
            while pending:
                done, pending = wait(pending, BEAT_SECONDS, FIRST_COMPLETED)
                if beat is not None:
                    beat()
                for future in done:
                    yield future.result()
        finally:
            for future in pending:  # the caller stopped early: start no more pages
                future.cancel()
