"""Page images of PDFs, for viewers, thumbnails, watermarked reading copies and IIIF.

PDFium (pypdfium2) renders; Pillow encodes. Rendering is bounded: a caller asks for a width in
pixels, and the page is never rendered larger than ``MAX_SIDE`` on its long side, so a huge or
hostile page size cannot exhaust memory.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import BinaryIO

import pypdfium2 as pdfium
from PIL import Image

MAX_SIDE = 4000  # pixels on the long side, whatever is asked
POINTS_PER_INCH = 72

# PDFium is not thread-safe: one call at a time per process, whoever makes it (page images
# here, text extraction in search, migration in preservation). Two threads in PDFium at once
# crash the process.
PDFIUM_LOCK = threading.RLock()
_pdfium_lock = PDFIUM_LOCK

Source = str | Path | bytes | BinaryIO


class PageError(ValueError):
    """The PDF cannot be opened, or has no such page (message in Vietnamese)."""


def _open(source: Source) -> pdfium.PdfDocument:
    if hasattr(source, "read"):
        source = source.read()
    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        raise PageError(f"Không mở được tệp PDF: {exc}") from exc


def page_count(source: Source) -> int:
    """How many pages the PDF has."""
    with _pdfium_lock:
        pdf = _open(source)
        try:
            return len(pdf)
        finally:
            pdf.close()


def page_size(source: Source, index: int) -> tuple[float, float]:
    """Width and height of page ``index`` (0-based) in points."""
    with _pdfium_lock:
        pdf = _open(source)
        try:
            if not 0 <= index < len(pdf):
                raise PageError(f"Tệp PDF không có trang {index + 1}.")
            width, height = pdf[index].get_size()
            return float(width), float(height)
        finally:
            pdf.close()


def render_page(
    source: Source, index: int, *, width: int | None = None, dpi: int = 150
) -> Image.Image:
    """Page ``index`` (0-based) as an RGB image, ``width`` pixels wide if given, else at ``dpi``;
    never more than ``MAX_SIDE`` pixels on its long side."""
    with _pdfium_lock:
        pdf = _open(source)
        try:
            if not 0 <= index < len(pdf):
                raise PageError(f"Tệp PDF không có trang {index + 1}.")
            page = pdf[index]
            w_pt, h_pt = page.get_size()
            scale = (width / w_pt) if width else dpi / POINTS_PER_INCH
            scale = min(scale, MAX_SIDE / max(w_pt, h_pt, 1))
            bitmap = page.render(scale=scale)
            image: Image.Image = bitmap.to_pil().convert("RGB")
            page.close()
            return image
        finally:
            pdf.close()


def encode(image: Image.Image, fmt: str = "JPEG", quality: int = 85) -> bytes:
    """The image as JPEG (default), PNG or WebP bytes."""
    out = io.BytesIO()
    options = {"quality": quality} if fmt.upper() in {"JPEG", "WEBP"} else {}
    image.save(out, format=fmt.upper(), **options)
    return out.getvalue()
