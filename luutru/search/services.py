"""The search service: who may see what, which engine answers, and keeping the index fresh.

Every caller (CLI, API, staff page) goes through ``search(user, text, ...)``; it turns the
user into an access-aware ``SearchQuery`` (``query_for``) and hands it to the engine chosen by
``SEARCH_BACKEND``. An empty query (or one with no searchable word, e.g. ``"*"``) browses:
everything the caller may see, newest first, with facets.

The index follows the database: an ingest's ``records_ingested`` signal (sent on commit)
enqueues ``index_documents_task``; a publication decision, an access-regime change or a fonds'
publication policy (``records_changed``) enqueues the records it touched, on commit, so the
public's search follows within seconds (as soon as a worker runs the task). ``luutru reindex``
rebuilds everything and is the cure for any drift (a crashed worker, a change made outside the
actions).
"""

from __future__ import annotations

import datetime
import importlib
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Q, When

from luutru.organizations.services import record_scope
from luutru.records import codes
from luutru.records.models import (
    CodeList,
    Document,
    DocumentKind,
    Dossier,
    listed_dossiers_q,
    open_documents_q,
    open_dossiers_q,
)
from luutru.records.rules import effective_regime
from luutru.search.base import FACETS, Hit, SearchBackend, SearchQuery, SearchResults
from luutru.search.entries import CHUNK, all_entries, document_entries, dossier_entries
from luutru.search.text import clean_query

SECRET_REGIME = "03"  # noqa: S105 - the access regime Mật, not a password

MAX_PAGE = 5_000
MAX_FILTER_VALUES = 50
TASK_BATCH = 10_000  # document ids per indexing task

_backends: dict[tuple[str, str], SearchBackend] = {}
_backends_lock = threading.Lock()


def backend(name: str | None = None) -> SearchBackend:
    """The engine for ``name`` (default: ``settings.SEARCH_BACKEND``), one per process.

    ``embedded``: ``TantivyBackend`` on ``SEARCH_INDEX_DIR``; ``postgres``:
    ``luutru.search.backends.postgres.PostgresBackend()``.
    """
    name = name or settings.SEARCH_BACKEND
    cache_key = (name, str(settings.SEARCH_INDEX_DIR))
    with _backends_lock:
        found = _backends.get(cache_key)
        if found is None:
            if name == "postgres":
                module = importlib.import_module("luutru.search.backends.postgres")
                found = module.PostgresBackend()
            elif name == "embedded":
                from luutru.search.backends.tantivy_engine import TantivyBackend

                found = TantivyBackend(settings.SEARCH_INDEX_DIR)
            else:
                raise ValueError(f"SEARCH_BACKEND không hợp lệ: {name!r}")
            _backends[cache_key] = found
    return found


def _scope(user: Any) -> tuple[bool, frozenset[int] | None]:
    """(public_only, agency_ids) for a user: the scope the access policy starts from."""
    caller = record_scope(user)
    return caller.public_only, caller.agency_ids


def _filters(filters: Mapping[str, Any] | None) -> dict[str, tuple[str, ...]]:
    """Facet filters as the engines take them: known facets only, values as short strings."""
    out: dict[str, tuple[str, ...]] = {}
    for name, raw in (filters or {}).items():
        if name not in FACETS or raw is None:
            continue
        values = [raw] if isinstance(raw, str | int) else list(raw)
        cleaned = tuple(dict.fromkeys(str(v).strip()[:20] for v in values if str(v).strip()))
        if cleaned:
            out[name] = cleaned[:MAX_FILTER_VALUES]
    return out


def _page(page: Any) -> int:
    try:
        return min(max(int(page), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def query_for(
    user: Any,
    text: str,
    *,
    filters: Mapping[str, Any] | None = None,
    page: Any = 1,
    sort: str = "relevance",
    per_page: int = 20,
    with_facets: bool = True,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    issuer: str = "",
) -> SearchQuery:
    """The access-aware query for ``user``; any input gives a valid query, never an error.

    ``text`` (and ``issuer``) is normalised to NFC, control characters and lone combining
    marks removed, and cut at a word boundary after 256 characters. ``date_from`` and
    ``date_to`` bound the records' dates, both included (a range given backwards matches
    nothing: the forms refuse it with a message first).
    """
    public_only, agency_ids = _scope(user)
    chosen: Literal["relevance", "date"] = "date" if sort == "date" else "relevance"
    return SearchQuery(
        text=clean_query(text if isinstance(text, str) else ""),
        public_only=public_only,
        agency_ids=agency_ids,
        filters=_filters(filters),
        page=_page(page),
        per_page=max(1, min(int(per_page), 100)),
        sort=chosen,
        with_facets=with_facets,
        date_from=date_from if isinstance(date_from, datetime.date) else None,
        date_to=date_to if isinstance(date_to, datetime.date) else None,
        issuer=clean_query(issuer if isinstance(issuer, str) else ""),
    )


def search(user: Any, text: str, **kwargs: Any) -> SearchResults:
    """Search as ``user`` may: keyword arguments as ``query_for`` (filters, page, sort…).

    Staff find the Mật (03) records of their scope by code and title, but never read a snippet
    of their text here: the content is need-to-know (access.policy). Up to two queries more
    for staff.
    """
    return run(query_for(user, text, **kwargs))


def run(query: SearchQuery) -> SearchResults:
    """Run a prepared query (``query_for``): the engine's results, Mật snippets removed."""
    results = backend().search(query)
    if not query.public_only and results.hits:
        results.hits = _without_secret_snippets(results.hits)
    return results


def _without_secret_snippets(hits: list[Hit]) -> list[Hit]:
    documents = {h.pk for h in hits if h.kind == "document"}
    dossiers = {h.pk for h in hits if h.kind == "dossier"}
    secret = Q(access_regime=SECRET_REGIME)
    secret_documents: set[int] = set()
    secret_dossiers: set[int] = set()
    if documents:
        secret_documents = set(
            Document.objects.filter(pk__in=documents)
            .filter(secret | Q(dossier__access_regime=SECRET_REGIME))
            .values_list("pk", flat=True)
        )
    if dossiers:
        secret_dossiers = set(
            Dossier.objects.filter(pk__in=dossiers, access_regime=SECRET_REGIME).values_list(
                "pk", flat=True
            )
        )
    return [
        replace(h, snippet="")
        if (h.kind == "document" and h.pk in secret_documents)
        or (h.kind == "dossier" and h.pk in secret_dossiers)
        else h
        for h in hits
    ]


def reindex() -> int:
    """Rebuild the index from the database; the number of entries (dossiers + documents)."""
    return backend().rebuild(all_entries())


def index_documents(document_ids: Iterable[int]) -> int:
    """Bring these documents and their dossiers up to date in the index; documents no longer
    in the database leave it. Idempotent; returns the number of entries written."""
    ids = sorted({int(i) for i in document_ids})
    engine = backend()
    written = 0
    for start in range(0, len(ids), CHUNK):
        batch = ids[start : start + CHUNK]
        entries = list(document_entries(batch))
        found = {e.pk for e in entries}
        dossier_ids = set(
            Document.objects.filter(pk__in=batch, dossier__isnull=False).values_list(
                "dossier_id", flat=True
            )
        )
        entries += dossier_entries(sorted(dossier_ids))
        engine.upsert(entries)
        gone = [f"document:{pk}" for pk in batch if pk not in found]
        if gone:
            engine.delete(gone)
        written += len(entries)
    return written


def index_dossiers(dossier_ids: Iterable[int]) -> int:
    """Bring these dossiers up to date in the index (their documents are not touched);
    dossiers no longer in the database leave it. Idempotent; the number of entries written."""
    ids = sorted({int(i) for i in dossier_ids})
    engine = backend()
    written = 0
    for start in range(0, len(ids), CHUNK):
        batch = ids[start : start + CHUNK]
        entries = list(dossier_entries(batch))
        engine.upsert(entries)
        found = {e.pk for e in entries}
        gone = [f"dossier:{pk}" for pk in batch if pk not in found]
        if gone:
            engine.delete(gone)
        written += len(entries)
    return written


def enqueue_indexing(document_ids: Iterable[int], dossier_ids: Iterable[int] = ()) -> None:
    """Queue ``index_documents_task`` for these documents (and ``index_dossiers_task`` for these
    dossiers) once the transaction commits."""
    from luutru.search.tasks import index_documents_task, index_dossiers_task

    ids = sorted({int(i) for i in document_ids})
    dossiers = sorted({int(i) for i in dossier_ids})

    def enqueue() -> None:
        for start in range(0, len(ids), TASK_BATCH):
            index_documents_task.enqueue(ids[start : start + TASK_BATCH])
        for start in range(0, len(dossiers), TASK_BATCH):
            index_dossiers_task.enqueue(dossiers[start : start + TASK_BATCH])

    if ids or dossiers:
        transaction.on_commit(enqueue)


def on_records_ingested(sender: Any, document_ids: Iterable[int] = (), **kwargs: Any) -> None:
    """``records.signals.records_ingested`` receiver (connected in ``SearchConfig.ready``)."""
    enqueue_indexing(document_ids)


def on_records_changed(
    sender: Any, document_ids: Iterable[int] = (), dossier_ids: Iterable[int] = (), **kwargs: Any
) -> None:
    """``records.signals.records_changed`` receiver (connected in ``SearchConfig.ready``)."""
    enqueue_indexing(document_ids, dossier_ids)


def on_descriptions_changed(
    sender: Any, document_ids: Iterable[int] = (), dossier_ids: Iterable[int] = (), **kwargs: Any
) -> None:
    """``records.signals.descriptions_changed`` receiver: an archivist corrected descriptions
    (the documents given include those of every dossier changed, whose entries follow)."""
    enqueue_indexing(document_ids, dossier_ids)


def on_records_destroyed(
    sender: Any, document_ids: Iterable[int] = (), dossier_ids: Iterable[int] = (), **kwargs: Any
) -> None:
    """``records.signals.records_destroyed`` receiver: their entries leave the index."""
    keys = [f"document:{pk}" for pk in document_ids] + [f"dossier:{pk}" for pk in dossier_ids]
    if keys:
        backend().delete(keys)


# -- what each result is ------------------------------------------------------------------


@dataclass(frozen=True)
class Described:
    """What a result row says about its record besides the code and title: its type,
    number and notation, date and issuer; the dossier a document belongs to; and, for a record
    not open to all, its access conditions."""

    type: str  # "Quyết định", "Hồ sơ"
    notation: str  # "123/QĐ-UBND", "" for a dossier
    date: datetime.date | None  # issued (document) or end date (dossier)
    agency: str  # the issuer (document) or the agency that made the dossier
    dossier_code: str = ""
    dossier_title: str = ""
    access: str = ""  # "" when Công khai; else the regime and what using the record takes
    kind: str = ""  # a document's records.DocumentKind (text, photo, audio, video)
    # A photo the public may see: the code its thumbnail is served under (portal IIIF), else "".
    photo_code: str = ""


ACCESS_CONDITIONS = {
    "02": "Sử dụng có điều kiện: cần phiếu yêu cầu khai thác được phê duyệt.",
    "03": "Mật: chỉ khai thác khi được cấp có thẩm quyền cho phép.",
}


def _access(regime: str) -> str:
    if not regime or regime == "01":
        return ""
    if regime in ACCESS_CONDITIONS:
        return ACCESS_CONDITIONS[regime]
    return codes.entries(CodeList.ACCESS_REGIME).get(regime, (regime, {}))[0]


def describe(hits: Iterable[Hit], *, public: bool = False) -> dict[str, Described]:
    """Each hit's description by key ("document:1"), in two queries whatever the page size.
    ``public``: a document's dossier is named only if the public may find the dossier."""
    hits = list(hits)
    doc_ids = [h.pk for h in hits if h.kind == "document"]
    dossier_ids = [h.pk for h in hits if h.kind == "dossier"]
    types = codes.entries(CodeList.DOCUMENT_TYPE)
    out: dict[str, Described] = {}
    rows = list(
        Document.objects.filter(pk__in=doc_ids)
        .annotate(is_open=Case(When(open_documents_q(), then=True), default=False))
        .order_by()
        .values_list(
            "pk", "doc_type", "number", "notation", "issued_date", "issuer", "dossier_id",
            "dossier__code", "dossier__title", "access_regime", "dossier__access_regime",
            "kind", "is_open", "archival_code", "identifier",
        )
    )  # fmt: skip
    shown_dossiers: set[int] | None = None
    if public:
        ids = [row[6] for row in rows if row[6]]
        visible = Dossier.objects.filter(pk__in=ids).filter(open_dossiers_q() | listed_dossiers_q())
        shown_dossiers = set(visible.values_list("pk", flat=True))
    for (
        pk,
        doc_type,
        number,
        notation,
        issued,
        issuer,
        dossier_id,
        d_code,
        d_title,
        own,
        of_d,
        kind,
        is_open,
        archival_code,
        identifier,
    ) in rows:
        named = dossier_id and (shown_dossiers is None or dossier_id in shown_dossiers)
        out[f"document:{pk}"] = Described(
            type=types.get(doc_type, (doc_type, {}))[0],
            notation=f"{number}/{notation}" if number and notation else notation or number,
            date=issued,
            agency=issuer,
            dossier_code=d_code if named else "",
            dossier_title=d_title if named else "",
            access=_access(effective_regime(own, of_d)),
            kind=kind,
            photo_code=(archival_code or identifier)
            if kind == DocumentKind.PHOTO and is_open
            else "",
        )
    dossiers = Dossier.objects.filter(pk__in=dossier_ids).values_list(
        "pk", "end_date", "agency__name", "access_regime"
    )
    for pk, end_date, agency_name, regime in dossiers:
        out[f"dossier:{pk}"] = Described(
            type="Hồ sơ", notation="", date=end_date, agency=agency_name, access=_access(regime)
        )
    return out
