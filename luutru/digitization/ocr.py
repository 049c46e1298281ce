"""Vietnamese OCR of page images into a two-layer PDF/A (image + invisible text); ADR 0007.

Tesseract (``-l vie``) is run once per page and writes both its text-only PDF layer and a TSV
of words with their confidence — the same cost as a bare ``tesseract … -l vie`` run. While its
process runs, this one decodes, checks and encodes the page for the PDF (a JPEG scan passes
through untouched), so the two overlap. The pages are then stacked with pikepdf and saved as
PDF/A-2B by ``pikepdf.pdfa.save``, which validates the bytes it wrote. OCRmyPDF's default
path measured 1.6 to 1.7 times bare Tesseract here; this one stays near 1.1 times (ADR 0007,
docs/adr/0007-ocr-pipeline.md).

Tesseract's own OpenMP threads are capped (``OMP_THREAD_LIMIT=1``): parallelism comes from
running one page per core, never from threads inside one Tesseract.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from django.conf import settings
from pikepdf import Name
from PIL import Image

__all__ = [
    "OcrError",
    "PageImage",
    "PageOcr",
    "Recognition",
    "assemble_pdfa",
    "encode_for_pdf",
    "ocr_page",
]

TESSERACT_ENV = {"OMP_THREAD_LIMIT": "1"}


class OcrError(RuntimeError):
    """Tesseract failed or produced nothing usable (message in Vietnamese)."""


@dataclass(frozen=True)
class PageImage:
    """One page to recognise: a file Tesseract can read, and its resolution.

    ``jpeg`` holds the original bytes when the page came as a JPEG, so it is embedded as it was
    scanned, without a second lossy encoding.
    """

    path: Path
    dpi: int
    jpeg: bytes | None = None
    png: bytes | None = None  # likewise a PNG scan's own compressed rows


@dataclass(frozen=True)
class PageOcr:
    pdf: bytes  # one page: the scan with Tesseract's invisible text over it
    text: str
    confidence: float | None  # mean word confidence, 0 to 100; None when no word was found
    words: int


@dataclass(frozen=True)
class EncodedImage:
    data: bytes
    width: int
    height: int
    colorspace: str  # "/DeviceRGB" | "/DeviceGray"
    bits: int
    filter: str  # "/DCTDecode" | "/FlateDecode"
    predictor_colors: int = 0  # PNG row predictors (the PNG's own compressed rows), if set


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_passthrough(data: bytes) -> EncodedImage | None:
    """A PNG's compressed rows as a PDF image, untouched (Flate with PNG predictors): lossless
    and free. None for what PDF cannot take that way (interlaced, alpha, palette, 16-bit)."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    position, header, rows = 8, b"", []
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            rows.append(body)
        elif kind == b"IEND":
            break
    if len(header) != 13 or not rows:
        return None
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour, interlace = header[8], header[9], header[12]
    if interlace or (colour, depth) not in {(2, 8), (0, 8), (0, 1)}:
        return None
    colors = 3 if colour == 2 else 1
    space = "/DeviceRGB" if colors == 3 else "/DeviceGray"
    return EncodedImage(b"".join(rows), width, height, space, depth, "/FlateDecode", colors)


def encode_for_pdf(
    image: Image.Image,
    jpeg: bytes | None = None,
    size: tuple[int, int] | None = None,
    png: bytes | None = None,
) -> EncodedImage:
    """The page image as a PDF image stream: a scan's own JPEG or PNG data passes through
    (``size``: its pixel size, when ``image`` was decoded smaller); otherwise bitonal pages are
    kept lossless (Flate, 1 bit), grey and colour pages become JPEG at
    ``DIGITIZATION_JPEG_QUALITY``.
    """
    if png is not None and (passed := png_passthrough(png)) is not None:
        return passed
    width, height = size or image.size
    if jpeg is not None and image.mode in {"RGB", "L"}:
        space = "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray"
        return EncodedImage(jpeg, width, height, space, 8, "/DCTDecode")
    if image.mode == "1":
        return EncodedImage(
            zlib.compress(image.tobytes(), 6), width, height, "/DeviceGray", 1, "/FlateDecode"
        )
    if image.mode in {"I;16", "I;16B", "I", "F"}:
        image = image.point(lambda v: v / 256).convert("L")
    elif image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    elif image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=settings.DIGITIZATION_JPEG_QUALITY)
    space = "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray"
    return EncodedImage(out.getvalue(), width, height, space, 8, "/DCTDecode")


class Recognition:
    """One Tesseract process recognising a page, started at once; the caller decodes, checks
    and encodes the page meanwhile, then calls ``finish`` with the encoded scan."""

    def __init__(self, page: PageImage) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="luutru-ocr-")
        self.base = Path(self._scratch.name) / "page"
        command = [
            settings.TESSERACT_BINARY,
            str(page.path),
            str(self.base),
            "-l",
            settings.OCR_LANGUAGE,
            "--dpi",
            str(page.dpi),
            "-c",
            "textonly_pdf=1",
            "pdf",
            "tsv",
        ]
        try:
            self.process = subprocess.Popen(  # noqa: S603 (our own arguments, no shell)
                command,
                env={**os.environ, **TESSERACT_ENV},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            self._scratch.cleanup()
            raise OcrError(f"Không chạy được Tesseract: {exc}") from exc

    def _wait(self) -> None:
        try:
            _out, err = self.process.communicate(timeout=settings.OCR_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            self.process.kill()
            self.process.communicate()
            raise OcrError(
                f"Nhận dạng chữ quá {settings.OCR_TIMEOUT_SECONDS} giây cho một trang; "
                "hãy kiểm tra lại ảnh quét."
            ) from exc
        if self.process.returncode != 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise OcrError(f"Tesseract không nhận dạng được trang: {detail[0]}")

    def finish(self, picture: EncodedImage) -> PageOcr:
        """Wait for Tesseract and lay its invisible text over the scan."""
        try:
            self._wait()
            text, confidence, words = read_tsv(self.base.with_suffix(".tsv"))
            pdf = _compose(self.base.with_suffix(".pdf"), picture)
            return PageOcr(pdf=pdf, text=text, confidence=confidence, words=words)
        finally:
            self.cancel()

    def cancel(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self._scratch.cleanup()


def read_tsv(path: Path) -> tuple[str, float | None, int]:
    """Text (lines and paragraphs as Tesseract found them), mean confidence and word count."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            word = (row.get("text") or "").strip()
            if row.get("level") != "5" or not word:
                continue
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            lines.setdefault(key, []).append(word)
            confidence = float(row.get("conf") or -1)
            if confidence >= 0:
                confidences.append(confidence)
    parts: list[str] = []
    previous: tuple[int, int] | None = None
    for (block, par, _line), words in lines.items():
        if previous is not None and previous != (block, par):
            parts.append("")
        parts.append(" ".join(words))
        previous = (block, par)
    mean = sum(confidences) / len(confidences) if confidences else None
    return "\n".join(parts), mean, len(confidences)


def ocr_page(page: PageImage, image: Image.Image) -> PageOcr:
    """Recognise one page and lay its text over the scan; ``image`` is the page (decoded here
    while Tesseract runs, if it was opened lazily)."""
    recognition = Recognition(page)
    try:
        picture = encode_for_pdf(image, page.jpeg, png=page.png)
    except BaseException:
        recognition.cancel()
        raise
    return recognition.finish(picture)


def _compose(text_layer: Path, picture: EncodedImage) -> bytes:
    """Tesseract's text-only page with the scan drawn beneath its invisible text."""
    try:
        pdf = pikepdf.open(text_layer)
    except (pikepdf.PdfError, FileNotFoundError) as exc:
        raise OcrError("Tesseract không tạo được lớp chữ cho trang.") from exc
    with pdf:
        page = pdf.pages[0]
        box = page.mediabox
        width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
        stream = pikepdf.Stream(
            pdf,
            picture.data,
            Type=Name.XObject,
            Subtype=Name.Image,
            Width=picture.width,
            Height=picture.height,
            ColorSpace=Name(picture.colorspace),
            BitsPerComponent=picture.bits,
            Filter=Name(picture.filter),
        )
        if picture.predictor_colors:
            stream.DecodeParms = pikepdf.Dictionary(
                Predictor=15,
                Colors=picture.predictor_colors,
                BitsPerComponent=picture.bits,
                Columns=picture.width,
            )
        name = page.add_resource(stream, Name.XObject, prefix="Scan")
        drawing = f"q {width:.4f} 0 0 {height:.4f} 0 0 cm {name} Do Q\n".encode()
        page.contents_add(pikepdf.Stream(pdf, drawing), prepend=True)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def assemble_pdfa(
    pages: Sequence[bytes | Path],
    target: Path,
    *,
    title: str = "",
    author: str = "",
    note: str = "",
) -> int:
    """Stack one-page PDFs into ``target`` as PDF/A-2B (validated when written); page count.

    Raises ``OcrError`` when the result does not pass pikepdf's PDF/A check; ``target`` is then
    not written.
    """
    # pikepdf.pdfa takes about a second to import: only where a PDF/A is written.
    from pikepdf.pdfa import Flavour, PdfaError
    from pikepdf.pdfa import save as save_pdfa

    pdf = pikepdf.new()
    sources = [pikepdf.open(p if isinstance(p, Path) else io.BytesIO(p)) for p in pages]
    try:
        for source in sources:
            pdf.pages.extend(source.pages)
        pdf.Root.Lang = pikepdf.String("vi-VN")
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            if title:
                meta["dc:title"] = title
            if author:
                meta["dc:creator"] = [author]
            if note:
                meta["dc:description"] = note
            meta["dc:language"] = ["vi"]
            meta["xmp:CreatorTool"] = "Lưu trữ số (Tesseract vie, pikepdf)"
        try:
            save_pdfa(pdf, target, Flavour("2b"), output_intent="sRGB")
        except PdfaError as exc:
            raise OcrError(f"Tệp kết quả không đạt PDF/A-2B: {exc}") from exc
        return len(pdf.pages)
    finally:
        for source in sources:
            source.close()
        pdf.close()
