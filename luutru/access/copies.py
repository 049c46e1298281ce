"""The forms a reader receives (TT 05/2025 Điều 37-41), made from an original file's bytes.

- Reading copy (bản đọc): page images with the agency's name at the bottom centre, and the
  reader and the time, drawn into the pixels; the viewer shows only these.
- Plain copy (bản sao): the original PDF with "BẢN SAO" at the top right of page 1.
- Certified copy (bản sao có xác thực): the plain copy signed with the archive's key (PAdES),
  with a visible signature at the top right: the signer's name and the ISO time in a serif face at
  10 pt (Noto Serif: Times New Roman is not in Debian), no seal image.

Images (TIFF, JPEG, PNG) become one-page-per-image PDFs first. Fonts come from Debian
(fonts-dejavu, fonts-liberation); nothing is fetched.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageSequence

from luutru.lib.pages import encode, page_count, page_size, render_page
from luutru.lib.pdfsign import SigningError, sign_pdf, stamp_style

# pyHanko's signing and font modules cost about 2 s to import; they are imported where copies are
# made, not when the project starts (every command and worker would pay for them).

SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SANS_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
SERIF = Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf")
STAMP_BOLD = Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf")
COPY_MARK = "BẢN SAO"
MARGIN = 28  # points from the page edge
VIETNAM = datetime.timezone(datetime.timedelta(hours=7), "ICT")


class CopyError(ValueError):
    """The original cannot be made into this form (message in Vietnamese)."""


def as_pdf(data: bytes) -> bytes:
    """The original as PDF: PDFs as they are, raster images one page per frame."""
    if data[:5] == b"%PDF-":
        return data
    try:
        image = Image.open(io.BytesIO(data))
        frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(image)]
    except (OSError, ValueError) as exc:
        raise CopyError("Tệp gốc không phải PDF hay ảnh đọc được, không tạo được bản sao.") from exc
    out = io.BytesIO()
    frames[0].save(out, format="PDF", save_all=True, append_images=frames[1:], resolution=200)
    return out.getvalue()


def pages_of(data: bytes) -> int:
    return page_count(as_pdf(data))


# ---------------------------------------------------------------------------------------------
# Reading copy


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default()


def reading_page(
    data: bytes, index: int, *, agency: str, reader: str, at: datetime.datetime, width: int = 1100
) -> bytes:
    """Page ``index`` (0-based) as a watermarked JPEG: the agency's name at the bottom centre
    (Điều 37), and below it who reads and when, so a photographed screen names its source."""
    image = render_page(as_pdf(data), index, width=width)
    draw = ImageDraw.Draw(image, "RGBA")
    w, h = image.size
    big = _font(SANS_BOLD, max(14, w // 45))
    small = _font(SANS, max(11, w // 70))
    stamp = at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
    lines = [(agency, big), (f"Bản đọc cấp cho {reader} — {stamp}", small)]
    heights = [draw.textbbox((0, 0), text, font=font)[3] for text, font in lines]
    band = sum(heights) + 24
    draw.rectangle((0, h - band, w, h), fill=(255, 255, 255, 200))
    y = h - band + 8
    for (text, font), height in zip(lines, heights, strict=True):
        left, _top, right, _bottom = draw.textbbox((0, 0), text, font=font)
        draw.text(((w - (right - left)) / 2, y), text, font=font, fill=(150, 0, 0, 255))
        y += height + 6
    # A faint diagonal repeat of the agency's name, so cropping the band does not remove it.
    mark = Image.new("RGBA", image.size, (0, 0, 0, 0))
    mark_draw = ImageDraw.Draw(mark)
    for row in range(1, 4):
        mark_draw.text((w * 0.1, h * row / 4 - 40), agency, font=big, fill=(150, 0, 0, 40))
    image = Image.alpha_composite(image.convert("RGBA"), mark.rotate(20)).convert("RGB")
    return encode(image, "JPEG", quality=80)


# ---------------------------------------------------------------------------------------------
# Plain and certified copies


def plain_copy(data: bytes) -> bytes:
    """The original PDF with "BẢN SAO" at the top right of page 1 (Điều 40), appended as an
    incremental update so that the original's own bytes (and signatures) stay untouched."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.stamp import TextStamp

    pdf = as_pdf(data)
    width, height = page_size(pdf, 0)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    box = BoxConstraints(width=110, height=30)
    stamp = TextStamp(writer, stamp_style(COPY_MARK, STAMP_BOLD, 14), box=box)
    stamp.apply(0, int(width - MARGIN - box.width), int(height - MARGIN - box.height))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def certified_copy(
    data: bytes,
    *,
    signer_name: str,
    key_file: Path,
    cert_file: Path,
    chain_files: list[Path],
) -> bytes:
    """The plain copy signed by the archive (Điều 41): PAdES baseline, visible signature at the
    top right of page 1 under the "BẢN SAO" mark, showing the signer and the ISO time."""
    copy = plain_copy(data)
    width, height = page_size(copy, 0)
    # pyHanko fills %(signer)s from the certificate and %(ts)s with the signing time.
    text = "Ký bởi: %(signer)s\nThời gian ký: %(ts)s"
    top = height - MARGIN - 30 - 6
    box = (int(width - MARGIN - 230), int(top - 42), int(width - MARGIN), int(top))
    try:
        return sign_pdf(
            copy,
            key_file=key_file,
            cert_file=cert_file,
            chain_files=chain_files,
            field_name="ChuKyCoQuanLuuTru",
            reason="Bản sao có xác thực của cơ quan lưu trữ",
            signer_name=signer_name,
            stamp_style=stamp_style(text, SERIF, 10),
            box=box,
        )
    except SigningError as exc:
        raise CopyError(
            "Không đọc được khóa hoặc chứng thư số của cơ quan lưu trữ "
            "(ACCESS_SIGNING_KEY, ACCESS_SIGNING_CERT)."
        ) from exc
