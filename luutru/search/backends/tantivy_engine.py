"""The embedded search engine: a tantivy index in ``SEARCH_INDEX_DIR`` (ADR 0004).

Why tantivy: at 1 M records the common Vietnamese syllables ("quyết", "định", "về", "việc")
each match hundreds of thousands of rows, and an engine that scores every match in SQL cannot
answer in 50 ms. tantivy keeps a top-k heap over compressed postings, filters on columnar
"fast fields" and counts facets in the same native pass.

Text is cut and folded in Rust, by the same two analyzers at indexing and at query time
(letter-and-digit runs, lower case; ``vi_fold`` also ASCII-folds, which takes every Vietnamese
letter to its base and đ to d), so index and query cannot disagree. Fields:

- ``all_f``: title (with the document type's words and the notation) and body, folded, with
  positions (phrases). Each plain query word is one *required* term here: the conjunction
  walks the rarest posting list and skips through the others, so common syllables cost
  little. BM25 ranks.
- ``title_f``: the title folded; an optional clause boosts title matches (not for words in
  more than ``COMMON_SHARE`` of the index, whose weight is nil and postings long).
- ``exact``: the NFC text as written, doc ids only. Each query word with diacritics adds an
  optional constant far above any BM25 score where it matches as typed, so exact matches rank
  first and folded-only ones after (skipped when every folded match is also exact: no effect).
- ``notation_k``: the notation whole ("123/qd-ubnd", "qd-ubnd"); ``code_k``: the code whole;
  ``code_p``: each prefix of the code that ends at a separator ("000.00.12.h62",
  "000.00.12.h62.2024"). A chunk of the query with inner punctuation (or digits) is required
  as *either* its words in sequence *or* one of these: a notation or code typed whole ranks
  above everything, a code prefix next. A prefix at a separator is one term lookup; any other
  falls back to a regular-expression walk of the term dictionary.
- facets as fast fields (``agency``, ``fonds``, ``year`` integers; ``doc_type``,
  ``retention``, ``access_regime`` strings), ``date`` (day number, kind and key) for sorting,
  and ``data``: the stored key, code, title and body the hits and snippets are made from.
- ``issuer_f``: the issuer's words folded (the advanced search's cơ quan ban hành filter
  requires each word of its value here).
- ``visibility``: what the public may find (``base.OPEN``, ``base.LISTED``), the one term the
  public's searches require.

Access is a required clause of the query, so counts and facets never see what the caller may
not. Writers (the indexing task, ``luutru reindex``) take an exclusive file lock; a rebuild
writes a new generation directory and switches ``CURRENT`` atomically, so readers in other
processes keep answering from the old one until they notice the switch (one ``stat`` per
search). Readers also reload when the generation's ``meta.json`` changes, i.e. on every commit.
"""

from __future__ import annotations

import datetime
import fcntl
import logging
import os
import re
import shutil
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings

from luutru.search.base import (
    FACETS,
    PUBLIC_VISIBILITY,
    Hit,
    IndexEntry,
    Kind,
    SearchQuery,
    SearchResults,
)
from luutru.search.text import (
    MAX_ISSUER_WORDS,
    SNIPPET_SCAN,
    Unit,
    fold_fast,
    key,
    notation_keys,
    parse,
    query_terms,
    snippet,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = "5"  # bump when the fields change: an older index is then ignored until reindex
TITLE_BOOST = 2.0
EXACT_BONUS = 1_000.0  # per query word matched with its diacritics; BM25 per word stays < 200
NOTATION_BONUS = 10_000.0
CODE_BONUS = 10_000.0
CODE_PREFIX_BONUS = 2_000.0
# A word in more than this share of the index gets no title bonus: its weight is near nothing
# and reading its title postings for every match cost more than the rest of the query.
COMMON_SHARE = 0.2
# A search of plain words whose rarest matches more than this many records is ranked in two
# tiers, title matches first (``_tiered``); fewer are all scored in one pass (about 1 ms).
TIER_MIN_MATCHES = 20_000
TIER_BONUS = 100_000.0  # added to the title tier's scores, so that scores fall down the pages
MAX_OFFSET = 100_000  # deeper pages cost a heap that large; nobody reads them
FACET_SIZE = 500  # values per facet returned, most frequent first
REBUILD_HEAP = 512_000_000
UPSERT_HEAP = 32_000_000  # tantivy needs at least 15 MB per indexing thread
INT_FACETS = frozenset({"agency", "fonds", "year"})
_U64_MAX = 2**64 - 1


def _analyzer(fold: bool) -> tantivy.TextAnalyzer:
    """Letter-and-digit runs under 40 bytes, lower case; folded: ASCII-folded as well, which
    maps every Vietnamese letter to its base letter, đ → d included (tested)."""
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
    )
    return (builder.filter(tantivy.Filter.ascii_fold()) if fold else builder).build()


# The same analyzers cut the text at indexing time (in tantivy's threads) and the query here.
FOLD = _analyzer(fold=True)
EXACT = _analyzer(fold=False)


def _prepare(index: tantivy.Index) -> tantivy.Index:
    """Every Index object needs the analyzers registered before it writes or parses."""
    index.register_tokenizer("vi_fold", FOLD)
    index.register_tokenizer("vi_exact", EXACT)
    return index


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("all_f", tokenizer_name="vi_fold", index_option="position")
    sb.add_text_field("title_f", tokenizer_name="vi_fold", index_option="freq")
    sb.add_text_field("exact", tokenizer_name="vi_exact", index_option="basic")
    sb.add_text_field("title_x", tokenizer_name="vi_exact", index_option="basic")
    sb.add_text_field("notation_k", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("code_k", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("code_p", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("visibility", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("issuer_f", tokenizer_name="vi_fold", index_option="basic")
    for name in ("agency", "fonds", "year"):
        sb.add_unsigned_field(name, indexed=True, fast=True)
    for name in ("doc_type", "retention", "access_regime", "kind"):  # kind: entry.doc_kind
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_integer_field("date", fast=True)
    sb.add_bytes_field("data", stored=True)
    return sb.build()


SCHEMA = _schema()
_TOTAL = "total"  # the aggregation counting the matches (every entry has a date)
_AGGREGATION: dict[str, Any] = {
    **{
        name: {"terms": {"field": name, "size": FACET_SIZE, "segment_size": FACET_SIZE * 10}}
        for name in FACETS
    },
    _TOTAL: {"value_count": {"field": "date"}},
}


def _code_prefixes(code: str) -> list[str]:
    """'000.00.12.h62.2024' → ['000', '000.00', '000.00.12', '000.00.12.h62']."""
    return [code[: m.start()] for m in _SEPARATOR.finditer(code) if m.start()]


def _code_key(code: str) -> str:
    """The code as one term: lower case, folded; cut to 200 characters (tantivy's terms are
    bounded, codes are at most 100)."""
    return (code.strip().lower() if code.isascii() else fold_fast(key(code)))[:200]


_SEPARATOR = re.compile(r"[^\w]+(?=\w)")


def _regex_literal(text: str) -> str:
    """``text`` as a literal in tantivy's regular-expression syntax: every character that is not
    a letter or digit written as ``\\x{…}``, which no syntax version misreads."""
    return "".join(c if c.isalnum() else f"\\x{{{ord(c):x}}}" for c in text)


def _pack(*fields: str) -> bytes:
    """Stored fields as NUL-separated UTF-8 (a NUL inside a field, possible in SQLite text,
    is dropped): five times cheaper than JSON on a reindex."""
    return "\x00".join(f.replace("\x00", "") for f in fields).encode()


def _unpack(data: bytes) -> tuple[Kind, int, str, str, str]:
    key_, code, title, body = data.decode().split("\x00")
    kind, _, pk = key_.partition(":")
    return ("dossier" if kind == "dossier" else "document"), int(pk), code, title, body


def _date_key(entry: IndexEntry) -> int:
    """The date order's sort value, unique per entry: the day number, then kind and primary key
    as tie-break, so records of the same day never swap between pages (tantivy would break
    ties by document address, which a merge or an upsert changes)."""
    day = entry.date.toordinal() if entry.date else 0
    return (day << 33) | ((entry.kind == "dossier") << 32) | (entry.pk & 0xFFFFFFFF)


def _date_range(query: SearchQuery) -> tuple[int, int] | None:
    """The advanced search's date range as bounds of the ``date`` sort key (whose high bits
    are the day number); None without a range. Undated entries (day 0) are outside any."""
    if query.date_from is None and query.date_to is None:
        return None
    low = query.date_from.toordinal() if query.date_from else 1
    high = query.date_to.toordinal() if query.date_to else datetime.date.max.toordinal()
    return low << 33, ((high + 1) << 33) - 1


def _row(entry: IndexEntry) -> dict[str, Any]:
    """The tantivy document of one entry, as the dict ``Document.from_dict`` takes."""
    title = " ".join(p for p in (entry.heading, entry.notation, entry.title) if p)
    body = entry.body
    if not unicodedata.is_normalized("NFC", title + body):
        title, body = unicodedata.normalize("NFC", title), unicodedata.normalize("NFC", body)
    code = _code_key(entry.code)
    row: dict[str, Any] = {
        "key": entry.key,
        "all_f": [title, body],
        "title_f": title,
        "exact": f"{title}\n{body}",
        "title_x": title,
        "notation_k": notation_keys(entry.notation),
        "code_k": code,
        "code_p": _code_prefixes(code),
        "agency": entry.agency,
        "date": _date_key(entry),
        "data": _pack(entry.key, entry.code, entry.title, body[:SNIPPET_SCAN]),
    }
    if entry.visibility:
        row["visibility"] = entry.visibility
    if entry.issuer:
        row["issuer_f"] = entry.issuer
    if entry.fonds is not None:
        row["fonds"] = entry.fonds
    if entry.year is not None:
        row["year"] = entry.year
    for name in ("doc_type", "retention", "access_regime"):
        value = getattr(entry, name)
        if value:
            row[name] = value
    if entry.doc_kind:
        row["kind"] = entry.doc_kind
    return row


class TantivyBackend:
    """The embedded engine; one instance per index directory and process is enough."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory if directory is not None else settings.SEARCH_INDEX_DIR)
        self._mutex = threading.RLock()
        self._index: tantivy.Index | None = None
        self._generation = ""
        self._stamp: tuple[int, int] | None = None  # meta.json (inode, mtime) last loaded

    # -- layout -------------------------------------------------------------------------

    @property
    def _current_file(self) -> Path:
        return self.directory / "CURRENT"

    def _current(self) -> str:
        """The generation directory in use, or '' when there is none of this schema."""
        try:
            version, _, generation = self._current_file.read_text("utf-8").strip().partition(" ")
        except OSError:
            return ""
        if version != SCHEMA_VERSION:
            log.warning("Chỉ mục tìm kiếm cũ (phiên bản %s): hãy chạy `luutru reindex`.", version)
            return ""
        return generation if (self.directory / generation / "meta.json").exists() else ""

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """One writer at a time across processes (the task worker, ``luutru reindex``)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._mutex, open(self.directory / "write.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _new_generation(self) -> tuple[str, tantivy.Index]:
        name = f"gen-{time.time_ns()}-{os.getpid()}"
        path = self.directory / name
        path.mkdir(parents=True)
        return name, _prepare(tantivy.Index(SCHEMA, path=str(path), reuse=False))

    def _switch(self, generation: str) -> None:
        """Point CURRENT at ``generation`` atomically, then remove the other generations.

        Readers in other processes may still have the old files mapped; on Linux those stay
        readable until unmapped, and the next search sees CURRENT changed and reopens.
        """
        tmp = self._current_file.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(f"{SCHEMA_VERSION} {generation}\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self._current_file)
        for old in self.directory.glob("gen-*"):
            if old.name != generation:
                shutil.rmtree(old, ignore_errors=True)

    def _open(self) -> tantivy.Index | None:
        """The index to search, reloaded if a writer committed since; None when none exists."""
        with self._mutex:
            generation = self._current()
            if not generation:
                self._index, self._generation, self._stamp = None, "", None
                return None
            try:
                meta = os.stat(self.directory / generation / "meta.json")
            except OSError:
                return None
            stamp = (meta.st_ino, meta.st_mtime_ns)
            if self._index is None or generation != self._generation:
                try:
                    index = _prepare(tantivy.Index.open(str(self.directory / generation)))
                except (OSError, ValueError):  # a rebuild removed it in between: next time
                    log.warning("Chỉ mục tìm kiếm %s vừa được thay, thử lại sau.", generation)
                    return self._index
                index.config_reader(reload_policy="manual")
                self._index, self._generation, self._stamp = index, generation, stamp
            elif stamp != self._stamp:
                try:
                    self._index.reload()
                except (OSError, ValueError):  # caught mid-commit: the old view still answers
                    return self._index
                self._stamp = stamp
            return self._index

    def _writable(self) -> tantivy.Index:
        """The current index for a writer (under the write lock), created empty if missing."""
        generation = self._current()
        if generation:
            return _prepare(tantivy.Index.open(str(self.directory / generation)))
        generation, index = self._new_generation()
        writer = index.writer(heap_size=UPSERT_HEAP, num_threads=1)
        writer.commit()
        writer.wait_merging_threads()
        self._switch(generation)
        return index

    # -- the contract -------------------------------------------------------------------

    def rebuild(self, entries: Iterable[IndexEntry]) -> int:
        """A fresh index from ``entries`` in a new generation, switched to when complete."""
        with self._write_lock():
            generation, index = self._new_generation()
            try:
                writer = index.writer(
                    heap_size=REBUILD_HEAP, num_threads=min(2, os.cpu_count() or 1)
                )
                count = 0
                for entry in entries:
                    writer.add_document(tantivy.Document.from_dict(_row(entry), SCHEMA))
                    count += 1
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                shutil.rmtree(self.directory / generation, ignore_errors=True)
                raise
            self._switch(generation)
        return count

    def upsert(self, entries: Iterable[IndexEntry]) -> None:
        rows = [_row(e) for e in entries]
        if not rows:
            return
        with self._write_lock():
            writer = self._writable().writer(heap_size=UPSERT_HEAP, num_threads=1)
            for row in rows:
                writer.delete_documents_by_term("key", row["key"])
                writer.add_document(tantivy.Document.from_dict(row, SCHEMA))
            writer.commit()
            writer.wait_merging_threads()

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        with self._write_lock():
            writer = self._writable().writer(heap_size=UPSERT_HEAP, num_threads=1)
            for k in keys:
                writer.delete_documents_by_term("key", k)
            writer.commit()
            writer.wait_merging_threads()

    def search(self, query: SearchQuery) -> SearchResults:
        empty = SearchResults(0, [], {name: [] for name in FACETS} if query.with_facets else {})
        index = self._open()
        clauses = self._filters(query)
        if index is None or clauses is None:
            return empty
        Q, Occur = tantivy.Query, tantivy.Occur
        units = parse(query.text)
        searcher = index.searcher()
        filters = [(Occur.Must, c) for c in clauses]
        parts = self._text_query(units, searcher) if units else []
        full = Q.boolean_query(parts + filters) if parts or filters else Q.all_query()
        # What decides a match, unscored: the count and the facets need no more.
        required = [c for c in parts + filters if c[0] == Occur.Must]
        matches = Q.boolean_query(required) if required else Q.all_query()
        per_page = max(1, min(query.per_page, 100))
        offset = min(max(query.page, 1) - 1, MAX_OFFSET // per_page) * per_page
        # Facet, date and issuer filters leave few matches to score: one pass then.
        narrowed = any(query.filters.values()) or query.issuer or _date_range(query)
        tier = None if query.sort == "date" or narrowed else self._title_tier(units, searcher)
        count: int | None
        if tier is not None:
            page, count = self._tiered(searcher, parts, filters, tier, offset, per_page)
        elif query.sort == "date" or not units:
            found = searcher.search(
                full, per_page, count=True, order_by_field="date", offset=offset
            )
            page, count = found.hits, _count(found)
        else:
            found = searcher.search(full, per_page, count=True, offset=offset)
            page, count = found.hits, _count(found)
        terms = query_terms(units)
        hits = [self._hit(searcher, address, score, terms, units) for score, address in page]
        facets: dict[str, list[tuple[str, int]]] = {}
        if query.with_facets:
            facets, total = self._facets(searcher, matches)
            count = total if count is None else count
        elif count is None:
            count = _count(searcher.search(Q.const_score_query(matches, 0.0), 1))
        return SearchResults(count, hits, facets)

    # -- two tiers for common words -----------------------------------------------------

    def _title_tier(
        self, units: list[Unit], searcher: tantivy.Searcher
    ) -> tuple[tantivy.Query, tantivy.Query] | None:
        """The first tier of a search of plain words that each match more than
        TIER_MIN_MATCHES records: those with every word in their title (the tier's query,
        scored, and the bare conjunction). None for a notation, a code, a number, or a word
        rarer than that: then one pass scores every match cheaply.

        Within the tier, each word in the title as written adds EXACT_BONUS and the title's
        BM25 ranks the rest (shorter titles first), as the PostgreSQL engine's first tiers do.
        """
        if not units or any(u.compound or any(c.isdigit() for c in u.whole) for u in units):
            return None
        # Cut by the index's own analyzers, as the rest of the query is.
        cuts = [(FOLD.analyze(u.whole_exact), EXACT.analyze(u.whole_exact)) for u in units]
        if any(len(folded) != 1 or len(exact) != 1 for folded, exact in cuts):
            return None
        words = [folded[0] for folded, _ in cuts]
        if min(searcher.doc_freq("all_f", w) for w in words) <= TIER_MIN_MATCHES:
            return None
        Q, Occur = tantivy.Query, tantivy.Occur
        in_title = [
            (Occur.Must, Q.boost_query(Q.term_query(SCHEMA, "title_f", w), TITLE_BOOST))
            for w in words
        ]
        as_written = [
            (Occur.Should, Q.const_score_query(Q.term_query(SCHEMA, "title_x", e[0]), EXACT_BONUS))
            for folded, e in cuts
            if e[0] != folded[0]
        ]
        return Q.boolean_query(in_title + as_written), Q.boolean_query(in_title)

    @staticmethod
    def _tiered(
        searcher: tantivy.Searcher,
        parts: list[tuple[tantivy.Occur, tantivy.Query]],
        filters: list[tuple[tantivy.Occur, tantivy.Query]],
        tier: tuple[tantivy.Query, tantivy.Query],
        offset: int,
        per_page: int,
    ) -> tuple[list[tuple[Any, tantivy.DocAddress]], int | None]:
        """A page ranked in two tiers: the title tier (``_title_tier``), then every other
        match ranked as one pass would (``parts``).

        Why: scoring every match of common words (hundreds of thousands at 1 M) is what costs,
        60-150 ms; the title tier holds a few thousand and fills the first pages. A page is
        cut from the title tier, then from the rest at the offset left, so pages never
        overlap or skip. Returns the page and the count when the rest had to be counted
        anyway, else None (the caller counts unscored).
        """
        Q, Occur = tantivy.Query, tantivy.Occur
        ranked, in_title = tier
        found = searcher.search(
            Q.boolean_query([(Occur.Must, ranked), *filters]), per_page, offset=offset
        )
        page = [(score + TIER_BONUS, address) for score, address in found.hits]
        if len(page) == per_page:
            return page, None
        first = _count(found)
        rest = Q.boolean_query([*parts, *filters, (Occur.MustNot, in_title)])
        more = searcher.search(rest, per_page - len(page), offset=max(0, offset - first))
        return page + list(more.hits), first + _count(more)

    # -- query building -----------------------------------------------------------------

    def _filters(self, query: SearchQuery) -> list[tantivy.Query] | None:
        """Access and facet filters as required clauses; None when nothing can match."""
        clauses: list[tantivy.Query] = []
        if query.public_only:
            clauses.append(
                tantivy.Query.term_set_query(SCHEMA, "visibility", list(PUBLIC_VISIBILITY))
            )
        if query.agency_ids is not None:
            ids = sorted(i for i in query.agency_ids if 0 <= i <= _U64_MAX)
            if not ids:
                return None
            clauses.append(
                tantivy.Query.term_query(SCHEMA, "agency", ids[0])
                if len(ids) == 1
                else tantivy.Query.term_set_query(SCHEMA, "agency", ids)
            )
        for name, raw_values in query.filters.items():
            if name not in FACETS or not raw_values:
                continue
            values: list[Any]
            if name in INT_FACETS:
                numbers = {int(v) for v in map(str, raw_values) if v.strip().isdigit()}
                values = sorted(v for v in numbers if v <= _U64_MAX)
            else:
                values = sorted({str(v).strip() for v in raw_values} - {""})
            if not values:
                return None
            clauses.append(
                tantivy.Query.term_query(SCHEMA, name, values[0])
                if len(values) == 1
                else tantivy.Query.term_set_query(SCHEMA, name, values)
            )
        dates = _date_range(query)
        if dates is not None:
            if dates[0] > dates[1]:
                return None
            clauses.append(
                tantivy.Query.range_query(
                    SCHEMA, "date", tantivy.FieldType.Integer, dates[0], dates[1]
                )
            )
        if query.issuer:
            words = FOLD.analyze(query.issuer)[:MAX_ISSUER_WORDS]
            if words:
                clauses.append(
                    tantivy.Query.boolean_query(
                        [
                            (tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, "issuer_f", w))
                            for w in dict.fromkeys(words)
                        ]
                    )
                )
        # Filters decide what matches, never the order: their score is zero.
        return [tantivy.Query.const_score_query(c, 0.0) for c in clauses]

    def _text_query(
        self, units: list[Unit], searcher: tantivy.Searcher
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """Every unit must match; how well decides the score (see the module docstring).

        A plain word is one required term of ``all_f``: the conjunction then walks the rarest
        posting list and skips through the others. Its title and exact-diacritics matches are
        optional clauses, scored only for documents the required ones found. A unit that may
        be a notation or a code is required as a disjunction of those readings instead.
        """
        Q, Occur = tantivy.Query, tantivy.Occur
        common = searcher.num_docs * COMMON_SHARE
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for unit in units:
            words = FOLD.analyze(unit.whole_exact)
            if not words:
                continue
            for word, folded in zip(EXACT.analyze(unit.whole_exact), words, strict=False):
                # The bonus only reorders when some folded matches lack the diacritics; when
                # none has them it never applies. Either way its postings need not be read.
                exact_df = searcher.doc_freq("exact", word) if word != folded else 0
                if 0 < exact_df < searcher.doc_freq("all_f", folded):
                    bonus = Q.const_score_query(Q.term_query(SCHEMA, "exact", word), EXACT_BONUS)
                    clauses.append((Occur.Should, bonus))
            if len(words) == 1:
                text = Q.term_query(SCHEMA, "all_f", words[0])
                if searcher.doc_freq("all_f", words[0]) <= common:
                    title = Q.term_query(SCHEMA, "title_f", words[0])
                    clauses.append((Occur.Should, Q.boost_query(title, TITLE_BOOST)))
            else:
                phrase: list[str | tuple[int, str]] = list(words)
                text = Q.phrase_query(SCHEMA, "all_f", phrase)
            readings = self._whole_clauses(unit, searcher)
            if readings:
                text = Q.boolean_query([(Occur.Should, q) for q in [text, *readings]])
            clauses.append((Occur.Must, text))
        if not any(occur == Occur.Must for occur, _ in clauses):
            return [(Occur.Must, Q.empty_query())]
        return clauses

    def _whole_clauses(self, unit: Unit, searcher: tantivy.Searcher) -> list[tantivy.Query]:
        """A chunk such as '123/QĐ-UBND' or '000.00.12.H62' read as a notation or a code."""
        Q = tantivy.Query
        whole = unit.whole
        out: list[tantivy.Query] = []
        if unit.compound:
            notation = Q.term_query(SCHEMA, "notation_k", whole)
            out.append(Q.const_score_query(notation, NOTATION_BONUS))
        if not (unit.compound or any(c.isdigit() for c in whole)) or len(whole) > 100:
            return out
        out.append(Q.const_score_query(Q.term_query(SCHEMA, "code_k", whole), CODE_BONUS))
        if searcher.doc_freq("code_p", whole):
            prefix = Q.term_query(SCHEMA, "code_p", whole)
        elif len(whole) >= 4:
            prefix = Q.regex_query(SCHEMA, "code_k", _regex_literal(whole) + ".+")
        else:
            return out
        out.append(Q.const_score_query(prefix, CODE_PREFIX_BONUS))
        return out

    # -- results --------------------------------------------------------------------------

    @staticmethod
    def _hit(
        searcher: tantivy.Searcher,
        address: tantivy.DocAddress,
        score: Any,
        terms: frozenset[str],
        units: list[Unit],
    ) -> Hit:
        kind, pk, code, title, body = _unpack(searcher.doc(address)["data"][0])
        # The body around its matches; else the title if that is where the match was; else
        # the opening of the body.
        shown = snippet(body, terms)
        if "<mark>" not in shown:
            in_title = snippet(title, terms)
            shown = in_title if "<mark>" in in_title or not shown else shown
        return Hit(kind, pk, code, title, shown, float(score) if units else 0.0)

    @staticmethod
    def _facets(
        searcher: tantivy.Searcher, query: tantivy.Query
    ) -> tuple[dict[str, list[tuple[str, int]]], int]:
        """The facets of every match, and their number (every entry has a ``date``), in one
        unscored pass."""
        result = searcher.aggregate(query, _AGGREGATION)
        facets: dict[str, list[tuple[str, int]]] = {}
        for name in FACETS:
            buckets = result.get(name, {}).get("buckets", [])
            values = [(_facet_value(b["key"]), int(b["doc_count"])) for b in buckets]
            facets[name] = sorted(values, key=lambda v: (-v[1], v[0]))
        return facets, int(result.get(_TOTAL, {}).get("value") or 0)


def _facet_value(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _count(found: tantivy.SearchResult) -> int:
    """A search's count (asked for with ``count=True``, the default); the stubs omit it."""
    return int(getattr(found, "count", 0) or 0)
