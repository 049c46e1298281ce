"""Small real files and the cast's records for the access tests."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from luutru.access import signing
from luutru.records.models import Document, DocumentFile, FileRole
from luutru.storage.actions import put_bytes
from luutru.storage.models import StoredFile

SECRET_TEXT = "NỘI DUNG HẠN CHẾ 7731"


def small_pdf(text: str = SECRET_TEXT, pages: int = 2) -> bytes:
    """A real PDF of ``pages`` A5-ish pages with ``text`` drawn on them (Pillow, no fonts
    embedded: the text is pixels, so it never leaks as extractable bytes)."""
    frames = []
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 28)
    for number in range(pages):
        image = Image.new("RGB", (620, 877), "white")
        ImageDraw.Draw(image).text(
            (40, 60), f"{text} — trang {number + 1}", fill="black", font=font
        )
        frames.append(image)
    out = io.BytesIO()
    frames[0].save(out, format="PDF", save_all=True, append_images=frames[1:], resolution=100)
    return out.getvalue()


def attach_pdf(
    document: Document, data: bytes | None = None, name: str = "goc.pdf"
) -> DocumentFile:
    data = data or small_pdf()
    sha256, size = put_bytes(data)  # both copies, as ingest stores files
    stored, _ = StoredFile.objects.get_or_create(
        sha256=sha256, defaults={"size": size, "mime": "application/pdf"}
    )
    return DocumentFile.objects.create(
        document=document, stored=stored, name=name, role=FileRole.ORIGINAL, page_count=2
    )


def demo_signing() -> signing.SigningFiles:
    """The demo signing pair under the test run's scratch directory (conftest sets the paths)."""
    return signing.write_demo_certificate(
        Path(settings.ACCESS_SIGNING_CERT).parent, "Trung tâm Lưu trữ lịch sử tỉnh"
    )
