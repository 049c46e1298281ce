"""IndexEntry rows from the database, in bulk: what the search index is derived from.

Documents and dossiers are streamed with ``.iterator(chunk_size=CHUNK)`` as tuples, their
related rows joined in the same query (a document's fonds is its dossier's), so a reindex of a
million records makes a few hundred queries, not millions. The files' text (extracted text,
OCR) comes through ``file_text``, one ``DocumentFile`` at a time, fetched one query per chunk.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from django.db.models import Case, CharField, F, Q, TextField, Value, When
from django.db.models.functions import Coalesce

from luutru.digitization.models import FileText
from luutru.records import codes
from luutru.records.models import (
    CodeList,
    Document,
    DocumentFile,
    Dossier,
    listed_documents_q,
    listed_dossiers_q,
    open_documents_q,
    open_dossiers_q,
)
from luutru.records.rules import effective_regime
from luutru.search.base import LISTED, OPEN, IndexEntry
from luutru.search.models import FileExtraction

T = TypeVar("T")
CHUNK = 2000
MAX_FILE_TEXT = 1_000_000  # characters of one document's files' text that are indexed


def file_text(document_file: DocumentFile) -> str:
    """The searchable text of one file: its OCR text (``digitization.FileText``) and the text
    extracted from a born-digital file (``search.FileExtraction``).

    ``_files_text`` reads the texts with the files, in the same query (``_ocr_text``); a file
    met on its own costs one query.
    """
    text = getattr(document_file, "_ocr_text", None)
    if text is None:
        found = FileText.objects.filter(file_id=document_file.pk).values_list("text", flat=True)
        text = found.first() or ""
    extracted = getattr(document_file, "_extracted_text", None)
    if extracted is None:
        rows = FileExtraction.objects.filter(file_id=document_file.pk).values_list(
            "text", flat=True
        )
        extracted = rows.first() or ""
    return "\n".join(t for t in (str(text), str(extracted)) if t)


def _nfc(*parts: str) -> str:
    text = " ".join(p for p in parts if p)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _files_text(document_ids: list[int]) -> dict[int, str]:
    """The files' text of these documents, one query; documents without text are absent."""
    texts: dict[int, list[str]] = defaultdict(list)
    files = DocumentFile.objects.filter(document_id__in=document_ids).order_by("document_id", "pk")
    files = files.annotate(
        _ocr_text=Coalesce(F("ocr_text__text"), Value(""), output_field=TextField()),
        _extracted_text=Coalesce(F("extraction__text"), Value(""), output_field=TextField()),
    )
    for f in files.only("pk", "document_id", "stored_id", "role", "name", "has_text"):
        text = file_text(f)
        if text:
            texts[f.document_id].append(text)
    return {pk: "\n".join(parts)[:MAX_FILE_TEXT] for pk, parts in texts.items()}


def _visibility(open_: Q, listed: Q) -> Case:
    """What the public may find of a row, by the access policy's own rules (records.models)."""
    return Case(
        When(open_, then=Value(OPEN)),
        When(listed, then=Value(LISTED)),
        default=Value(""),
        output_field=CharField(),
    )


# Rows are read as tuples, not model instances: building a Document and its selected Dossier
# for every row took most of a reindex's time. The join is the same as select_related's.
_DOCUMENT_COLUMNS = (
    "pk", "agency_id", "dossier__fonds_id", "archival_code", "identifier", "summary", "number",
    "notation", "issuer", "keywords", "description", "info_mark", "autograph", "signer",
    "signer_position", "doc_type", "retention", "access_regime", "issued_date",
    "dossier__access_regime", "visibility", "dossier__title", "kind",
)  # fmt: skip
_DOSSIER_COLUMNS = (
    "pk", "agency_id", "fonds_id", "code", "title", "keywords", "description", "info_mark",
    "creator", "paper_code", "year", "end_date", "retention", "access_regime", "visibility",
    "agency__name",
)  # fmt: skip


def document_entry(row: tuple[Any, ...], files_text: str = "") -> IndexEntry:
    """One document's entry from a row of ``_DOCUMENT_COLUMNS``."""
    (
        pk,
        agency_id,
        fonds_id,
        archival_code,
        identifier,
        summary,
        number,
        notation,
        issuer,
        keywords,
        description,
        info_mark,
        autograph,
        signer,
        signer_position,
        doc_type,
        retention,
        access_regime,
        issued_date,
        dossier_regime,
        visibility,
        dossier_title,
        doc_kind,
    ) = row
    full_notation = f"{number}/{notation}" if number and notation else notation or number
    body = _nfc(
        issuer,
        keywords,
        description,
        info_mark,
        autograph,
        signer,
        signer_position,
        identifier if identifier != archival_code else "",
        dossier_title or "",
        files_text,
    )
    return IndexEntry(
        key=f"document:{pk}",
        kind="document",
        pk=pk,
        code=archival_code or identifier,
        title=_nfc(summary),
        notation=_nfc(full_notation),
        body=body,
        agency=agency_id,
        fonds=fonds_id,
        year=issued_date.year,
        doc_type=doc_type,
        retention=retention,
        access_regime=effective_regime(access_regime, dossier_regime),
        date=issued_date,
        visibility=visibility,
        heading=type_words(doc_type),
        issuer=_nfc(issuer),
        doc_kind=doc_kind,
    )


def type_words(doc_type: str) -> str:
    """The document type's name and abbreviation from the code list: "Quyết định QĐ"."""
    label, extra = codes.entries(CodeList.DOCUMENT_TYPE).get(doc_type, ("", {}))
    return _nfc(label, str(extra.get("abbr", "")))


def dossier_entry(row: tuple[Any, ...]) -> IndexEntry:
    """One dossier's entry from a row of ``_DOSSIER_COLUMNS``."""
    (
        pk,
        agency_id,
        fonds_id,
        code,
        title,
        keywords,
        description,
        info_mark,
        creator,
        paper_code,
        year,
        end_date,
        retention,
        access_regime,
        visibility,
        agency_name,
    ) = row
    return IndexEntry(
        key=f"dossier:{pk}",
        kind="dossier",
        pk=pk,
        code=code,
        title=_nfc(title),
        notation="",
        body=_nfc(keywords, description, info_mark, creator, paper_code),
        agency=agency_id,
        fonds=fonds_id,
        year=year or end_date.year,
        doc_type="",
        retention=retention,
        access_regime=access_regime,
        date=end_date,
        visibility=visibility,
        issuer=_nfc(agency_name),  # the agency that made the dossier, shown as its issuer
    )


def document_entries(ids: Iterable[int] | None = None) -> Iterator[IndexEntry]:
    """Entries of all documents, or of those with these ids, in primary-key order."""
    documents = Document.objects.annotate(
        visibility=_visibility(open_documents_q(), listed_documents_q())
    )
    if ids is not None:
        documents = documents.filter(pk__in=list(ids))
    rows = documents.order_by("pk").values_list(*_DOCUMENT_COLUMNS)
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
        texts = _files_text([row[0] for row in chunk])
        for row in chunk:
            yield document_entry(row, texts.get(row[0], ""))


def dossier_entries(ids: Iterable[int] | None = None) -> Iterator[IndexEntry]:
    """Entries of all dossiers, or of those with these ids, in primary-key order."""
    dossiers = Dossier.objects.annotate(
        visibility=_visibility(open_dossiers_q(), listed_dossiers_q())
    )
    if ids is not None:
        dossiers = dossiers.filter(pk__in=list(ids))
    for row in dossiers.order_by("pk").values_list(*_DOSSIER_COLUMNS).iterator(chunk_size=CHUNK):
        yield dossier_entry(row)


def all_entries() -> Iterator[IndexEntry]:
    """Everything the index holds: every dossier, then every document."""
    yield from dossier_entries()
    yield from document_entries()
