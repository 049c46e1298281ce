"""Reading scans: page images (TIFF, JPEG, PNG) and image-only PDFs, page by page.

``inspect_file`` decides, before anything is stored, whether a file is a scan at all and how
many pages it holds; every refusal is an ``InputError`` with a stable code and a Vietnamese
message naming the file. ``load_page`` decodes one page for the checks and the OCR.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image, UnidentifiedImageError

from luutru.lib import pages as pdf_pages

# Pillow refuses more than twice this (a decompression bomb); an A0 map at 300 dpi is ~140 Mpx.
Image.MAX_IMAGE_PIXELS = 200_000_000
RENDER_DPI = 300  # PDF pages whose scan cannot be taken out as it is are rendered at this
KINDS = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "pdf": "PDF"}


class InputError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FileInfo:
    kind: str  # "jpeg" | "png" | "tiff" | "pdf"
    pages: int


@dataclass
class LoadedPage:
    """A decoded page. A JPEG scan that is embedded as it is was decoded at a reduced scale
    (enough for the checks and the thumbnail): ``size`` is always the scan's own."""

    image: Image.Image
    dpi: int | None
    jpeg: bytes | None  # the scan's own JPEG bytes, embedded as they are
    direct: bool  # Tesseract can read the source file itself (one page, a format it knows)
    size: tuple[int, int] = (0, 0)
    png: bytes | None = None  # the scan's own PNG bytes (their rows may pass into the PDF)

    def __post_init__(self) -> None:
        if self.size == (0, 0):
            self.size = self.image.size


def sniff(head: bytes) -> str | None:
    """The scan format from a file's first bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in {b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"}:
        return "tiff"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def inspect_file(path: Path, name: str) -> FileInfo:
    """What kind of scan ``path`` is and how many pages it has; ``InputError`` if it is none."""
    size = path.stat().st_size
    if size == 0:
        raise InputError("empty_file", f"Tệp “{name}” rỗng (0 byte); hãy quét lại.")
    with path.open("rb") as handle:
        kind = sniff(handle.read(1024))
    if kind is None:
        raise InputError(
            "not_an_image",
            f"Tệp “{name}” không phải ảnh quét (TIFF, JPEG, PNG) hay tệp PDF ảnh quét.",
        )
    if kind == "pdf":
        return FileInfo("pdf", _pdf_pages(path, name))
    damaged = InputError("damaged_file", f"Ảnh “{name}” bị hỏng hoặc không đầy đủ, không đọc được.")
    if not _complete(path, kind):
        raise damaged
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                frames = getattr(image, "n_frames", 1)
                image.load()  # decodes the first frame: a truncated file fails here
    except Image.DecompressionBombError as exc:
        raise InputError("too_large", f"Ảnh “{name}” quá lớn để xử lý an toàn.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise damaged from exc
    return FileInfo(kind, frames)


def _complete(path: Path, kind: str) -> bool:
    """A PNG ends with its IEND chunk and a JPEG with its end marker. Checked on the bytes,
    because WeasyPrint, once imported, makes Pillow pad truncated images instead of failing
    (``ImageFile.LOAD_TRUNCATED_IMAGES``)."""
    if kind not in {"png", "jpeg"}:
        return True
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 4096))
        tail = handle.read()
    if kind == "png":
        return b"IEND\xaeB`\x82" in tail
    return b"\xff\xd9" in tail


def _pdf_pages(path: Path, name: str) -> int:
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise InputError(
                    "encrypted",
                    f"Tệp PDF “{name}” được đặt mật khẩu hoặc mã hóa; hãy gỡ mật khẩu rồi tải "
                    "lên lại.",
                )
            return len(pdf.pages)
    except pikepdf.PasswordError as exc:
        raise InputError(
            "encrypted",
            f"Tệp PDF “{name}” được đặt mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.",
        ) from exc
    except pikepdf.PdfError as exc:
        raise InputError("damaged_file", f"Tệp PDF “{name}” bị hỏng, không đọc được.") from exc


def _dpi(image: Image.Image) -> int | None:
    value = image.info.get("dpi")
    try:
        dpi = round(float(value[0])) if value else 0
    except (TypeError, ValueError, IndexError):
        dpi = 0
    return dpi if dpi > 1 else None


def peek(path: Path, kind: str) -> tuple[int | None, bool]:
    """Resolution and whether Tesseract can read the file itself, from its header only."""
    if kind == "pdf":
        return None, False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            return _dpi(image), getattr(image, "n_frames", 1) == 1


def load_page(path: Path, kind: str, frame: int) -> LoadedPage:
    """Decode page ``frame`` (0-based) of a file ``inspect_file`` accepted."""
    if kind == "pdf":
        return _load_pdf_page(path, frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image = Image.open(path)
        frames = getattr(image, "n_frames", 1)
        if frame:
            image.seek(frame)
        size, dpi = image.size, _dpi(image)
        jpeg = None
        if kind == "jpeg" and image.mode in {"RGB", "L"}:
            jpeg = path.read_bytes()
            # Its pixels go to the PDF as they are: decode a quarter scale, cheaply (DCT).
            image.draft(image.mode, (size[0] // 4, size[1] // 4))
        image.load()
    png = path.read_bytes() if kind == "png" else None
    return LoadedPage(image=image, dpi=dpi, jpeg=jpeg, direct=frames == 1, size=size, png=png)


def _load_pdf_page(path: Path, index: int) -> LoadedPage:
    """The page's one full-page scan as it is (its resolution from the page size), or the page
    rendered at ``RENDER_DPI`` when it has several images or none."""
    with pikepdf.open(path) as pdf:
        page = pdf.pages[index]
        images = list(page.get_images(recursive=False).values())
        if len(images) == 1:
            try:
                picture = pikepdf.PdfImage(images[0])  # type: ignore[arg-type]
                width_pt = float(page.mediabox[2]) - float(page.mediabox[0])
                image = picture.as_pil_image()
                dpi = round(picture.width / (width_pt / 72)) if width_pt > 0 else None
                jpeg = None
                if picture.filters == ["/DCTDecode"] and image.mode in {"RGB", "L"}:
                    jpeg = images[0].read_raw_bytes()
                return LoadedPage(image=image, dpi=dpi, jpeg=jpeg, direct=False)
            except (pikepdf.PdfError, NotImplementedError, ValueError, OSError):
                pass  # an image pikepdf cannot hand over: render the page instead
    image = pdf_pages.render_page(path, index, dpi=RENDER_DPI)
    return LoadedPage(image=image, dpi=RENDER_DPI, jpeg=None, direct=False)


def write_for_tesseract(image: Image.Image, target: Path) -> Path:
    """An uncompressed copy Tesseract reads fast (PBM, PGM or PPM)."""
    if image.mode not in {"1", "L", "RGB"}:
        image = image.convert("RGB")
    path = target.with_suffix(".pnm")
    image.save(path, "PPM")
    return path
