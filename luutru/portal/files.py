"""A document's PDF and its page images (derived, cached, rebuildable).

Page images are rendered by PDFium (``lib.pages``) at a few fixed widths and kept under
``DERIVED_DIR/pages/<sha256 of the PDF>/<page>-<width>.jpg``: named by the content, so a
cached image is never stale, and deleting the folder only costs re-rendering.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

from django.conf import settings

from luutru.lib import pages
from luutru.records.models import Document, DocumentFile, FileRole
from luutru.storage.services import open_stored

WIDTHS = (200, 1200)  # thumbnail, reading size (a viewer zooms the latter)
MAX_PAGES = 5000


def pdf_of(document: Document) -> DocumentFile | None:
    """The PDF a reader sees: an original PDF first, else a derivative; None without one."""
    files = [
        f
        for f in document.files.select_related("stored").order_by("pk")
        if f.role != FileRole.PROCESS_TRAIL
        and (f.stored.mime == "application/pdf" or f.name.lower().endswith(".pdf"))
    ]
    files.sort(key=lambda f: f.role != FileRole.ORIGINAL)
    return files[0] if files else None


def page_total(pdf: DocumentFile) -> int:
    """Pages of the stored PDF (from the ingest's count when it has one)."""
    if pdf.page_count:
        return pdf.page_count
    with open_stored(pdf.stored.sha256) as source:
        return pages.page_count(source)


def page_image(pdf: DocumentFile, number: int, width: int) -> Path:
    """The JPEG of page ``number`` (1-based) at ``width`` pixels, rendered once and cached.

    Raises ``pages.PageError`` for a page the PDF does not have.
    """
    if width not in WIDTHS or not 1 <= number <= MAX_PAGES:
        raise pages.PageError(f"Không có trang {number} cỡ {width}.")
    sha = pdf.stored.sha256
    folder = Path(settings.DERIVED_DIR) / "pages" / sha[:2] / sha
    target = folder / f"{number}-{width}.jpg"
    if target.exists():
        return target
    with open_stored(sha) as source:
        data = source.read()
    image = pages.render_page(data, number - 1, width=width)
    expected = _size(data, number - 1, width)
    if image.size != expected:  # PDFium rounds up, sometimes a pixel past the width asked
        image = image.resize(expected)
    folder.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a reader never gets half a file, two renders race harmlessly.
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(pages.encode(image, "JPEG", quality=80))
    os.replace(temporary, target)
    return target


def page_sizes(pdf: DocumentFile, width: int) -> list[tuple[int, int]]:
    """(width, height) in pixels of each page rendered ``width`` wide, for a IIIF canvas."""
    with open_stored(pdf.stored.sha256) as source:
        data = source.read()
    return [_size(data, index, width) for index in range(min(page_total(pdf), MAX_PAGES))]


def _size(data: bytes, index: int, width: int) -> tuple[int, int]:
    """What page ``index`` measures at ``width``: the manifest and the image agree on it."""
    w_pt, h_pt = pages.page_size(data, index)
    height = max(1, math.ceil(h_pt * width / max(w_pt, 1) - 1e-6))
    # Never past the renderer's bound on the long side.
    scale = min(1.0, pages.MAX_SIDE / max(width, height))
    return max(1, int(width * scale)), max(1, int(height * scale))
