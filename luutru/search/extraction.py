"""The text of born-digital files, for search: the text layer of PDFs, the text of DOCX, ODT
and XML files, extracted once after acceptance and kept in ``FileExtraction``.

An accepted ingest announces its documents (``records.signals.records_ingested``); this module
queues ``extract_files_task`` for their files not yet extracted, and when done has the index
take the text (``services.enqueue_indexing``). Every input is bounded (settings
``SEARCH_EXTRACT_*``): file size, pages read, characters kept, the size of an XML part and the
time spent; lxml refuses entities, the network and nesting deeper than libxml2's limit. A file
whose text cannot be read, or only in part, is reported with a reason in Vietnamese — a PDF
without text layer, glyphs without Unicode mapping, a 5,000-page PDF, a DOCX bomb — and the
ingest never waits for, nor fails with, any of it.
"""

from __future__ import annotations

import logging
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from lxml import etree

from luutru.records.models import DocumentFile, FileRole
from luutru.search.models import ExtractionStatus, FileExtraction
from luutru.storage.services import open_stored

log = logging.getLogger(__name__)

PDF_MIMES = ("application/pdf",)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_MIME = "application/vnd.oasis.opendocument.text"
XML_MIMES = ("application/xml", "text/xml")
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".odt": "odt", ".xml": "xml"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
MIN_READABLE = 0.5  # share of letters and digits among the non-space characters of a PDF text


class ExtractionError(Exception):
    """The file's text cannot be read; the message (Vietnamese) is kept as the reason."""


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: int = 0
    reason: str = ""  # set when only part of the text was kept


def _n(number: int) -> str:
    """12000 → '12.000'."""
    return f"{number:,}".replace(",", ".")


def kind_of(name: str, mime: str) -> str:
    """'pdf' | 'docx' | 'odt' | 'xml' | '' (not a format whose text we extract)."""
    if mime in PDF_MIMES:
        return "pdf"
    if mime == DOCX_MIME:
        return "docx"
    if mime == ODT_MIME:
        return "odt"
    if mime in XML_MIMES:
        return "xml"
    return SUFFIXES.get(Path(name).suffix.lower(), "")


def _clean(text: str) -> str:
    """NFC, without control characters other than line breaks and tabs."""
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")


def _readable(text: str) -> bool:
    """False for the text layer of a PDF whose fonts map glyphs to nothing useful (boxes,
    private-use characters, replacement characters)."""
    shown = [c for c in text if not c.isspace()]
    if not shown:
        return False
    good = sum(1 for c in shown if c.isalnum() or unicodedata.category(c)[0] == "P")
    return good / len(shown) >= MIN_READABLE


def _pdf(path: Path, deadline: float) -> Extracted:
    """The PDF's text layer, holding the process's one PDFium lock (lib.pages.PDFIUM_LOCK)."""
    from luutru.lib.pages import PDFIUM_LOCK  # here: PDFium and Pillow load only when used

    with PDFIUM_LOCK:
        return _pdf_locked(path, deadline)


def _pdf_locked(path: Path, deadline: float) -> Extracted:
    import pypdfium2 as pdfium

    max_pages = settings.SEARCH_EXTRACT_MAX_PAGES
    max_chars = settings.SEARCH_EXTRACT_MAX_CHARS
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ExtractionError(f"Không mở được tệp PDF: {exc}.") from exc
    try:
        total = len(pdf)
        parts: list[str] = []
        size = 0
        read = 0
        reason = ""
        for index in range(min(total, max_pages)):
            if time.monotonic() > deadline:
                reason = f"Hết thời gian trích xuất: chỉ đọc {read} trong {total} trang."
                break
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                parts.append(textpage.get_text_range())
                textpage.close()
            finally:
                page.close()
            read += 1
            size += len(parts[-1])
            if size >= max_chars:
                reason = f"Văn bản dài quá {_n(max_chars)} ký tự: chỉ giữ {read} trang đầu."
                break
        if not reason and total > max_pages:
            reason = f"Tệp có {_n(total)} trang: chỉ trích xuất {_n(max_pages)} trang đầu."
    finally:
        pdf.close()
    text = _clean("\n".join(parts))[:max_chars]
    if not text.strip():
        raise ExtractionError("Tệp PDF không có lớp chữ (bản quét): cần nhận dạng OCR.")
    if not _readable(text):
        raise ExtractionError(
            "Lớp chữ của tệp PDF không đọc được (phông chữ không mã hóa Unicode)."
        )
    return Extracted(text, read, reason)


def _parse_xml(data: bytes) -> Any:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ExtractionError(f"Nội dung XML hỏng hoặc lồng quá sâu: {exc}.") from exc


def _zip_part(path: Path, part: str) -> bytes:
    limit = settings.SEARCH_EXTRACT_MAX_XML
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                info = archive.getinfo(part)
            except KeyError as exc:
                raise ExtractionError(f"Tệp không có phần {part}.") from exc
            if info.file_size > limit:
                raise ExtractionError(
                    f"Phần {part} giải nén ra {_n(info.file_size)} byte, quá giới hạn {_n(limit)}."
                )
            with archive.open(info) as handle:
                data = handle.read(limit + 1)  # the declared size may lie
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExtractionError(f"Tệp nén hỏng: {exc}.") from exc
    if len(data) > limit:
        raise ExtractionError(f"Phần {part} giải nén ra quá {_n(limit)} byte.")
    return data


def _paragraphs(root: Any, tags: tuple[str, ...]) -> str:
    found = [el for el in root.iter(*tags)]
    return "\n".join("".join(el.itertext()) for el in found)


def _xml_file(path: Path) -> str:
    limit = settings.SEARCH_EXTRACT_MAX_XML
    if path.stat().st_size > limit:
        raise ExtractionError(f"Tệp XML lớn quá {_n(limit)} byte.")
    root = _parse_xml(path.read_bytes())
    return "\n".join(t.strip() for t in root.itertext() if t.strip())


def extract_path(path: Path, kind: str, *, seconds: float | None = None) -> Extracted:
    """The text of the file at ``path`` of this kind; ``ExtractionError`` when none."""
    if path.stat().st_size > settings.SEARCH_EXTRACT_MAX_BYTES:
        raise ExtractionError(
            f"Tệp lớn quá {_n(settings.SEARCH_EXTRACT_MAX_BYTES)} byte: không trích xuất."
        )
    deadline = time.monotonic() + (seconds or settings.SEARCH_EXTRACT_SECONDS)
    if kind == "pdf":
        return _pdf(path, deadline)
    if kind == "docx":
        text = _paragraphs(_parse_xml(_zip_part(path, "word/document.xml")), (f"{W}p",))
    elif kind == "odt":
        root = _parse_xml(_zip_part(path, "content.xml"))
        text = _paragraphs(root, (f"{TEXT_NS}p", f"{TEXT_NS}h"))
    elif kind == "xml":
        text = _xml_file(path)
    else:
        raise ExtractionError("Định dạng tệp không hỗ trợ trích xuất văn bản.")
    max_chars = settings.SEARCH_EXTRACT_MAX_CHARS
    text = _clean(text)
    if not text.strip():
        raise ExtractionError("Tệp không có chữ nào.")
    reason = (
        f"Văn bản dài quá {_n(max_chars)} ký tự: chỉ giữ phần đầu." if len(text) > max_chars else ""
    )
    return Extracted(text[:max_chars], 0, reason)


def candidates(document_ids: Iterable[int] | None = None, *, again: bool = False) -> list[int]:
    """Original files (of these documents) of an extractable format, not yet extracted
    (``again``: also those already extracted)."""
    files = DocumentFile.objects.filter(role=FileRole.ORIGINAL)
    if document_ids is not None:
        files = files.filter(document_id__in=list(document_ids))
    formats = Q(stored__mime__in=(*PDF_MIMES, DOCX_MIME, ODT_MIME, *XML_MIMES))
    for suffix in SUFFIXES:
        formats |= Q(name__iendswith=suffix)
    files = files.filter(formats)
    if not again:
        files = files.filter(extraction__isnull=True)
    return list(files.order_by("pk").values_list("pk", flat=True))


def extract_file(document_file: DocumentFile) -> FileExtraction:
    """Extract one file's text and keep it (or why not); replaces an earlier extraction."""
    kind = kind_of(document_file.name, document_file.stored.mime)
    started = time.monotonic()
    status, reason, text, pages = ExtractionStatus.DONE, "", "", 0
    try:
        with tempfile.TemporaryDirectory() as scratch:
            local = Path(scratch) / "file"
            with open_stored(document_file.stored.sha256) as source, local.open("wb") as out:
                limit = settings.SEARCH_EXTRACT_MAX_BYTES
                copied = 0
                while chunk := source.read(1024 * 1024):
                    copied += len(chunk)
                    if copied > limit:
                        raise ExtractionError(f"Tệp lớn quá {_n(limit)} byte: không trích xuất.")
                    out.write(chunk)
            found = extract_path(local, kind)
        text, pages, reason = found.text, found.pages, found.reason
        if reason:
            status = ExtractionStatus.PARTIAL
    except ExtractionError as exc:
        status, reason = ExtractionStatus.FAILED, str(exc)
    except Exception as exc:
        log.exception("text extraction failed for file %s", document_file.pk)
        status, reason = ExtractionStatus.FAILED, f"Lỗi khi đọc tệp: {type(exc).__name__}."
    extraction, _ = FileExtraction.objects.update_or_create(
        file=document_file,
        defaults={
            "status": status,
            "reason": reason[:500],
            "text": text,
            "pages": pages,
            "seconds": round(time.monotonic() - started, 3),
        },
    )
    return extraction


def extract_files(file_ids: Iterable[int]) -> int:
    """Extract these files' text, then have the index take it; the number of files done."""
    files = DocumentFile.objects.filter(pk__in=list(file_ids)).select_related("stored")
    documents: set[int] = set()
    done = 0
    for document_file in files.order_by("pk"):
        extract_file(document_file)
        documents.add(document_file.document_id)
        done += 1
    if documents:
        from luutru.search.services import enqueue_indexing

        enqueue_indexing(documents)
    return done


def on_records_ingested(sender: Any, document_ids: Iterable[int] = (), **kwargs: Any) -> None:
    """``records.signals.records_ingested`` receiver: queue extraction of the new files."""
    ids = candidates(document_ids)
    if ids:
        from luutru.search.tasks import extract_files_task

        transaction.on_commit(lambda: extract_files_task.enqueue(ids))
