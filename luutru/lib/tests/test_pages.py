"""Page images of PDFs: size, bounds and clear errors."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from weasyprint import HTML

from luutru.lib.pages import MAX_SIDE, PageError, encode, page_count, page_size, render_page


@pytest.fixture(scope="module")
def two_pages() -> bytes:
    html = "<p>Trang một</p><p style='page-break-before: always'>Trang hai</p>"
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def test_counts_and_measures_pages(two_pages: bytes) -> None:
    assert page_count(two_pages) == 2
    width, height = page_size(two_pages, 0)
    assert round(width) == 595 and round(height) == 842  # A4 in points


def test_renders_at_the_asked_width_within_bounds(two_pages: bytes) -> None:
    image = render_page(two_pages, 1, width=400)
    assert image.size[0] == 400 and image.mode == "RGB"
    huge = render_page(two_pages, 0, width=100_000)
    assert max(huge.size) <= MAX_SIDE
    decoded = Image.open(io.BytesIO(encode(image)))
    assert decoded.format == "JPEG"


def test_missing_pages_and_garbage_give_vietnamese_errors(two_pages: bytes) -> None:
    with pytest.raises(PageError, match="không có trang 3"):
        render_page(two_pages, 2)
    with pytest.raises(PageError, match="Không mở được"):
        page_count(b"not a pdf")
