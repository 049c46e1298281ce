"""The contract between the search service and its engines.

The database is the truth; an engine holds ``IndexEntry`` rows derived from it and answers
``SearchQuery``. Access is part of the query (``public_only``, ``agency_ids``), so counts and
facets are computed over what the caller may see — never by filtering a page afterwards. The
public sees published public records and the listed descriptions of conditional ones
(``visibility``), which the index must be told again whenever a publication decision, an access
regime or a fonds' policy changes (``records.signals.records_changed``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

Kind = Literal["document", "dossier"]
# "kind": what a document is (records.DocumentKind: text, photo, audio, video), "Loại tài liệu".
FACETS = ("agency", "fonds", "year", "doc_type", "retention", "access_regime", "kind")
DOCUMENT_KINDS = ("text", "photo", "audio", "video")
# What the public may find of an entry (``IndexEntry.visibility``): "open", a published public
# record; "listed", the description of a conditional record its fonds lists in the public
# catalogue; "" nothing. Computed by the same rules as the access policy's (records.models).
OPEN = "open"
LISTED = "listed"
PUBLIC_VISIBILITY = (LISTED, OPEN)


@dataclass(frozen=True)
class IndexEntry:
    key: str  # "document:123" | "dossier:45": unique in the index
    kind: Kind
    pk: int
    code: str  # mã lưu trữ / mã hồ sơ (or mã định danh for an unfiled document)
    title: str  # trích yếu / tiêu đề, NFC
    notation: str  # "123/QĐ-UBND" for documents, "" otherwise
    body: str  # other metadata (issuer, keywords, notes…) and the files' text, NFC
    agency: int
    fonds: int | None
    year: int | None
    doc_type: str  # code "02"; "" for dossiers
    retention: str  # code
    access_regime: str  # code: "01" Công khai, "02" có điều kiện, "03" Mật
    date: datetime.date | None  # issued date (document) or end date (dossier), for sorting
    visibility: str = ""  # OPEN | LISTED | "": what the public may find (never more by default)
    # What the record is, searched as if part of the title: the document type's name and
    # abbreviation ("Quyết định QĐ"), NFC; never shown (the title is).
    heading: str = ""
    # Who issued it (cơ quan ban hành): a document's issuer, a dossier's agency; NFC. Matched
    # word by word (folded) by ``SearchQuery.issuer``.
    issuer: str = ""
    # What a document is (DOCUMENT_KINDS; the "kind" facet); "" for dossiers.
    doc_kind: str = ""


@dataclass(frozen=True)
class SearchQuery:
    text: str
    public_only: bool  # anonymous callers and readers: entries of PUBLIC_VISIBILITY only
    agency_ids: frozenset[int] | None  # staff scope; None = no agency restriction
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet name → values
    page: int = 1
    per_page: int = 20
    sort: Literal["relevance", "date"] = "relevance"
    with_facets: bool = True
    # Advanced search: entries dated within [date_from, date_to] (either end open; entries
    # without a date never match a range), and whose issuer holds every word of ``issuer``
    # (folded, in any order).
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    issuer: str = ""


@dataclass(frozen=True)
class Hit:
    kind: Kind
    pk: int
    code: str
    title: str
    snippet: str  # HTML-escaped text with <mark>…</mark> around matches
    score: float


@dataclass
class SearchResults:
    count: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # value, count
    approximate: bool = False  # the engine estimated count and facets (shown as "khoảng …")


class SearchBackend(Protocol):
    def rebuild(self, entries: Iterable[IndexEntry]) -> int: ...

    def upsert(self, entries: Iterable[IndexEntry]) -> None: ...

    def delete(self, keys: Iterable[str]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResults: ...
