"""The PostgreSQL search engine: an index table, a sample table, bounded work (ADR 0005).

Why not ``ORDER BY ts_rank(...) LIMIT 20``: at 1 M records a common Vietnamese syllable matches
hundreds of thousands of rows. Ranking, counting or grouping them reads every one of those
rows, and the GIN bitmap scan that finds them walks posting lists that long: 60-270 ms before
anything else (measured). So a search here never reads a common word's posting list:

- **Analysis in Python, on both sides**, by ``luutru.search.text.parse`` (the queries' own
  parser, so đ → d and every tokenizer detail agree by construction), once per distinct word
  thanks to a cache. Vectors are sets of lexemes, without positions. ``vec`` (GIN): the
  folded words of title, notation and body; chunks with inner punctuation whole
  (``123/qd-ubnd``, ``qd-ubnd``); the code whole (found whole or by prefix, never by its
  parts); and filter lexemes (``~a01`` access regime, ``~g12`` agency, ``~vopen`` what the
  public may find, …), so that access and facet filters are part of the one tsquery.
  ``evec`` (no index): the words as written with their diacritics, and the title's and
  notation's words under ``^``, for ranking.
- **A sample decides.** ``search_searchsample`` holds one entry in ``SAMPLE_RATIO`` (by a hash
  of the key) with both vectors and its own GIN index: it stays in memory. One statement on it
  gives the sample's matches, their split into ranking tiers, their facets and the first keys
  of each tier.
- **Few matches** (≤ ``EXACT_LIMIT`` estimated): the main GIN index finds them all; count,
  facets and ranking are exact, in one statement.
- **Many matches:** count and facets are the sample's, scaled and rounded to two significant
  digits (estimates, and they look it). The first pages rank a fixed pool: the sample's best
  keys tier by tier (all query words in the title as written, in the title folded, as written
  anywhere, anywhere) and the first matches in the main table's first ``SCAN_ROWS`` rows;
  later pages list the other matches in storage order. Sorting by date walks the date index.
- **Rank**, SQL expressions on the rows read only: notation or code exactly, code prefix, words
  found with their diacritics, words in the title (as written, then folded), shorter title;
  ties newest first. A query with diacritics puts exact matches above folded-only ones; one
  without finds the same records.

``rebuild`` fills new tables with ``COPY`` and swaps them in one transaction: searches read the
old ones until the swap, writers wait for it.
"""

from __future__ import annotations

import datetime
import logging
import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper

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
    MAX_QUERY_CHARS,
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

TABLE = "search_searchentry"
SAMPLE = "search_searchsample"
SAMPLE_RATIO = 32  # one entry in 32 is in the sample: 31,000 rows per million
EXACT_LIMIT = 2_000  # up to this many matches (estimated), everything is exact
EXACT_CAP = 4 * EXACT_LIMIT  # rows the exact path reads at most, should the estimate be off
CANDIDATES = 200  # rows ranked for the first pages when matches are many, per source
SCAN_ROWS = 20_000  # rows of the main table's head scanned for candidates (it stays cached)
MAX_OFFSET = 10_000  # deeper pages would rank that many candidates; nobody reads them
COPY_CHUNK = 5_000  # entries per COPY: between two, the entries' iterator may query the database
MAX_BODY_WORDS = 20_000  # distinct words of a long body indexed (a tsvector holds at most 1 MB)
MAX_WHOLE_BYTES = 100  # longer chunks are matched by their words only
FACET_SIZE = 500  # values per facet returned, most frequent first
SCOPE_LEXEMES = 16  # a staff scope of more agencies is checked on the row, not in the tsquery
BUILD_MEMORY = "256MB"  # maintenance_work_mem for the GIN builds of a rebuild

# Filter lexemes: facet → prefix. Values are IndexEntry codes and integers.
_FACET_PREFIX = {
    "agency": "~g",
    "fonds": "~f",
    "year": "~y",
    "doc_type": "~t",
    "retention": "~r",
    "access_regime": "~a",
}
_INT_FACETS = frozenset({"agency", "fonds", "year"})
ALL = "~all"
VISIBLE = "~v"  # + base.OPEN / base.LISTED: what the public may find
HEAD = "^"

_SEPARATORS = re.compile(r"[./-]")
_PLAIN = re.compile(r"(?:[^\W_]|[./-])+")  # letters, digits (str.isalnum) and ./- only

_COLUMNS = (
    "key", "object_id", "agency", "fonds", "year", "date", "head_len", "kind", "doc_type",
    "retention", "access_regime", "code", "code_key", "notation", "notation_key", "title",
    "body", "vec", "evec",
)  # fmt: skip
_SAMPLE_COLUMNS = (
    "key", "agency", "fonds", "year", "doc_type", "retention", "access_regime", "vec", "evec",
)  # fmt: skip


# -- analysis ---------------------------------------------------------------------------


def _quote(lexeme: str) -> str:
    """A lexeme as tsvector/tsquery input: quoted, so any character is data, never syntax."""
    if "'" in lexeme or "\\" in lexeme:
        lexeme = lexeme.replace("\\", "\\\\").replace("'", "''")
    return "'" + lexeme + "'"


@dataclass(frozen=True, eq=False)
class _Word:
    """The lexemes of one whitespace-free word, pre-quoted and space-joined."""

    plain: str  # folded words and the chunk whole: vec
    head: str  # plain and exact, each under HEAD: evec, for a word of the title or notation
    exact: str  # the words that have diacritics, as written (lower case): evec


_WORDS: dict[str, _Word] = {}
_WORDS_MAX = 300_000  # distinct words kept; the cache is cleared when full


def _wholes(unit: Unit) -> list[str]:
    """A chunk with inner punctuation, whole: '123/qd-ubnd' and its symbol 'qd-ubnd'."""
    whole = unit.whole
    if not unit.compound or not whole or len(whole.encode()) >= MAX_WHOLE_BYTES:
        return []
    _number, slash, symbol = whole.partition("/")
    return [whole, symbol] if slash and symbol else [whole]


def _units(raw: str) -> list[Unit]:
    """``parse(raw)`` for one whitespace-free word, fast for plain words.

    A word made of letters, digits and ``./-`` only (codes, notations, most words) is cut here
    exactly as ``parse`` would cut it, without its regular expressions: the notation and code
    of every row miss the word cache, and ``parse`` costs ~30 µs. Anything else goes to
    ``parse`` itself. The equivalence is tested on random words.
    """
    if (
        len(raw) > MAX_QUERY_CHARS
        or not _PLAIN.fullmatch(raw)
        or not unicodedata.is_normalized("NFC", raw)
    ):
        return parse(raw)
    whole_exact = raw.lower().strip("./-")
    whole = fold_fast(whole_exact)
    # lower() and folding may add what a token cannot hold ('İ' → 'i' + combining dot).
    if not (_PLAIN.fullmatch(whole_exact) and _PLAIN.fullmatch(whole) and whole == whole.lower()):
        return parse(raw)
    exact_all = [t for t in _SEPARATORS.split(whole_exact) if t and len(t.encode()) < 40]
    folded = [t for t in _SEPARATORS.split(whole) if t and len(t.encode()) < 40]
    if not exact_all or not folded:
        return []
    exact = tuple(t for t in exact_all if not t.isascii())
    return [Unit(tuple(folded), exact, whole, whole_exact)]


def _analyse(raw: str) -> _Word:
    """One word cut as the query parser cuts it, so that the index and the queries agree."""
    plain: list[str] = []
    exact: list[str] = []
    for unit in _units(raw):
        plain += unit.folded
        plain += _wholes(unit)
        exact += unit.exact
    plain = list(dict.fromkeys(plain))
    exact = list(dict.fromkeys(exact))
    return _Word(
        " ".join(map(_quote, plain)),
        " ".join(_quote(HEAD + x) for x in plain + exact),
        " ".join(map(_quote, exact)),
    )


def _code_lexemes(code: str) -> tuple[list[str], list[str]]:
    """(vec, evec) lexemes of a code: found whole or by prefix, never by its parts ('h62' alone
    is not a search for every code of that agency; the embedded engine behaves the same)."""
    if code.isascii() and len(code) <= MAX_QUERY_CHARS and _PLAIN.fullmatch(code):
        # What _units gives for a plain ASCII word, without building it: unique per row.
        whole = code.lower().strip("./-")
        parts = [t for t in _SEPARATORS.split(whole) if t and len(t) < 40]
        if not parts or (len(whole.encode()) >= MAX_WHOLE_BYTES and len(parts) > 1):
            return [], []
        if len(parts) == 1 and not _SEPARATORS.search(whole):
            whole = parts[0]
        return [_quote(whole)], [_quote(HEAD + whole)]
    plain: list[str] = []
    head: list[str] = []
    for raw in code.split():
        for unit in _units(raw):
            whole = (_wholes(unit) or [unit.folded[0]])[0]
            plain.append(_quote(whole))
            head.append(_quote(HEAD + whole))
    return plain, head


_NOTATION = re.compile(r"(\d{1,30})/([^\W_](?:[^\W_]|[./-])*[^\W_]|[^\W_])")


def _notation_word(raw: str) -> _Word:
    """A notation word 'number/SYMBOL': the number and its whole, plus the symbol's analysis,
    which is shared by thousands of rows and cached. The same lexemes as ``_analyse(raw)``
    (tested); anything else goes there."""
    found = _NOTATION.fullmatch(raw)
    if found is None or not unicodedata.is_normalized("NFC", raw) or len(raw) > 200:
        return _analyse(raw)
    number, symbol_text = found.groups()
    if "/" in symbol_text:  # '12/2020/NĐ-CP': its symbol has a symbol of its own
        return _analyse(raw)
    symbol = _words([symbol_text])[0]
    symbol_whole = fold_fast(symbol_text.lower())
    if not symbol.plain:
        return _analyse(raw)
    whole = f"{number}/{symbol_whole}"
    if len(whole.encode()) >= MAX_WHOLE_BYTES or len(symbol_whole.encode()) >= MAX_WHOLE_BYTES:
        return _analyse(raw)
    extra = [_quote(number), _quote(whole), _quote(symbol_whole)]
    return _Word(
        " ".join([*extra, symbol.plain]),
        " ".join([*(_quote(HEAD + x[1:-1]) for x in extra), symbol.head]),
        symbol.exact,
    )


def _words(words: list[str]) -> list[_Word]:
    """The analysis of each word, from the cache (one dictionary lookup each) when it can."""
    try:
        return list(map(_WORDS.__getitem__, words))
    except KeyError:
        if len(_WORDS) > _WORDS_MAX:
            _WORDS.clear()
        out = []
        for w in words:
            found = _WORDS.get(w)
            if found is None:
                found = _WORDS[w] = _analyse(w)
            out.append(found)
        return out


def _code_key(code: str) -> str:
    return code.strip().lower() if code.isascii() else fold_fast(key(code))


def _facet_value(name: str, value: object) -> str | None:
    """A facet value as it is indexed and filtered on; None for a value that is absent."""
    if value is None:
        return None
    text = str(value).strip()
    if name in _INT_FACETS:
        return str(int(text)) if text.isdigit() else None
    return text or None


def _filter_lexemes(entry: IndexEntry) -> list[str]:
    out = [f"'{ALL}'", f"'~g{int(entry.agency)}'"]
    if entry.fonds is not None:
        out.append(f"'~f{int(entry.fonds)}'")
    if entry.year is not None:
        out.append(f"'~y{int(entry.year)}'")
    for prefix, value in (
        ("~t", entry.doc_type),
        ("~r", entry.retention),
        ("~a", entry.access_regime),
        (VISIBLE, entry.visibility),
    ):
        shown = value.strip()
        if shown:
            out.append(_quote(prefix + shown))
    return out


def in_sample(key_: str) -> bool:
    """Whether an entry is also in the sample table: one in SAMPLE_RATIO, by a stable hash."""
    return zlib.crc32(key_.encode()) % SAMPLE_RATIO == 0


def analyse(entry: IndexEntry) -> tuple[Any, ...]:
    """The table row of one entry, in ``_COLUMNS`` order (vectors as tsvector input text).

    A lexeme may still be sent twice (from two different words); PostgreSQL's tsvector input
    sorts and removes duplicates, in the server process, while this one prepares the next row.
    """
    title, notation_text, body_text, code = (
        _clean(entry.title),
        _clean(entry.notation),
        _clean(entry.body),
        _clean(entry.code),
    )
    head = _words(title.split()) + [_notation_word(w) for w in notation_text.split()]
    body_words = body_text.split()
    if len(body_words) > MAX_BODY_WORDS:
        body_words = list(islice(dict.fromkeys(body_words), MAX_BODY_WORDS))
    body = _words(body_words)
    code_plain, code_head = _code_lexemes(code)
    # A repeated word is sent once (its string is shared through the cache): the server's
    # tsvector input parsing is the largest cost of a rebuild.
    words = dict.fromkeys(head + body)
    vec = " ".join([w.plain for w in words] + code_plain + _filter_lexemes(entry))
    evec = " ".join([w.head for w in dict.fromkeys(head)] + [w.exact for w in words] + code_head)
    notation = notation_keys(notation_text)
    return (
        entry.key, entry.pk, entry.agency, entry.fonds, entry.year, entry.date,
        min(len(title.split()), 32_767), entry.kind, entry.doc_type, entry.retention,
        entry.access_regime, code, _code_key(code), notation_text,
        notation[0] if notation else "", title, body_text, vec, evec,
    )  # fmt: skip


def _clean(text: str) -> str:
    """PostgreSQL text cannot hold NUL (SQLite's can); everything else is stored as given."""
    return text.replace("\x00", "") if "\x00" in text else text


def _sample_row(row: Sequence[Any]) -> tuple[Any, ...]:
    """The sample table's row from a main table row (``_COLUMNS`` order)."""
    return (row[0], row[2], row[3], row[4], row[8], row[9], row[10], row[17], row[18])


# -- queries ----------------------------------------------------------------------------


def _and(parts: Sequence[str]) -> str:
    return " & ".join(parts)


def _unit_query(unit: Unit, head: bool = False, exact: bool = False) -> str | None:
    """The tsquery of one unit: its folded words (on vec); in the title or as written (on
    evec) if asked. None when there is nothing to ask (no diacritics to match as written).

    A chunk with inner punctuation must match whole, as written but folded (a notation, a
    code, a date): by prefix when it holds '/' or '.' and is long enough ('000.00.12.H62',
    '123/QĐ').
    """
    ns = HEAD if head else ""
    wholes = _wholes(unit)
    if wholes:
        if exact and not head:
            return None
        whole = wholes[0]
        prefix = ":*" if len(whole) >= 4 and ("/" in whole or "." in whole) else ""
        return _quote(ns + whole) + prefix
    words: list[str] = list(unit.folded)
    if exact:
        if not unit.exact:
            return None if not head else _and([_quote(ns + w) for w in words])
        # The words written with diacritics must match as written; the others folded.
        as_written = {fold_fast(e): e for e in unit.exact}
        words = [as_written.get(w, w) for w in words]
        if not head:  # evec holds the words with diacritics only
            words = [w for w in words if w in unit.exact]
    return _and([_quote(ns + w) for w in words])


@dataclass(frozen=True)
class _Plan:
    """What one search runs: the match condition and what the ranking looks for."""

    match: str  # tsquery on vec: every unit, access and filters
    tiers: tuple[str | None, ...]  # tsqueries on evec, best first; the last is None (any match)
    units: tuple[Unit, ...]
    exact: tuple[str, ...]  # query words with diacritics, looked up in evec
    head: tuple[str, ...]  # one folded lexeme per unit under HEAD: "in the title"
    head_exact: tuple[str, ...]  # the words with diacritics under HEAD
    wholes: tuple[str, ...]  # chunks and single words, for notation and code equality
    scope: tuple[int, ...] | None = None  # a large staff scope, checked on the row

    def where(self) -> tuple[str, list[Any]]:
        """The condition every statement adds to ``vec @@ match``, and its parameters."""
        if self.scope is None:
            return "", []
        return " AND agency = ANY(%s::bigint[])", [list(self.scope)]


def _filter_query(query: SearchQuery) -> list[str] | None:
    """Access and facet filters as tsquery parts; None when nothing can match.

    A staff scope of up to SCOPE_LEXEMES agencies is an OR of lexemes, which the GIN index
    uses; a larger one would cost every scanned row an OR that long, so ``plan`` checks it on
    the row instead.
    """
    parts: list[str] = []
    if query.public_only:
        parts.append("(" + " | ".join(_quote(VISIBLE + v) for v in PUBLIC_VISIBILITY) + ")")
    if query.agency_ids is not None:
        ids = sorted(query.agency_ids)
        if not ids:
            return None
        if len(ids) <= SCOPE_LEXEMES:
            parts.append("(" + " | ".join(_quote(f"~g{int(i)}") for i in ids) + ")")
    for name, raw_values in query.filters.items():
        prefix = _FACET_PREFIX.get(name)
        if prefix is None or not raw_values:
            continue
        values = sorted({v for v in (_facet_value(name, r) for r in raw_values) if v})
        if not values:
            return None
        parts.append("(" + " | ".join(_quote(prefix + v) for v in values) + ")")
    return parts


def plan(query: SearchQuery) -> _Plan | None:
    """The tsqueries of a search; None when the caller may see nothing that could match."""
    filters = _filter_query(query)
    if filters is None:
        return None
    scope = None
    if query.agency_ids is not None and len(query.agency_ids) > SCOPE_LEXEMES:
        scope = tuple(sorted(int(i) for i in query.agency_ids))
    units = tuple(parse(query.text))
    if not units:
        match = _and(filters) if filters else _quote(ALL)
        return _Plan(match, (None,), (), (), (), (), (), scope)
    match = _and([cast(str, _unit_query(u)) for u in units] + filters)
    tiers: list[str | None] = []
    for in_head, as_written in ((True, True), (True, False), (False, True)):
        parts = [_unit_query(u, head=in_head, exact=as_written) for u in units]
        tier = _and([t for t in parts if t]) or None
        if tier and tier not in tiers:
            tiers.append(tier)
    tiers.append(None)
    exact_words = tuple(dict.fromkeys(e for u in units for e in u.exact))
    head = tuple(dict.fromkeys(HEAD + (_wholes(u) or [u.folded[0]])[0] for u in units))
    wholes = tuple(dict.fromkeys(u.whole for u in units if u.whole))
    head_exact = tuple(HEAD + e for e in exact_words)
    return _Plan(match, tuple(tiers), units, exact_words, head, head_exact, wholes, scope)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _score(p: _Plan) -> tuple[str, list[Any]]:
    """The relevance of a row as one SQL expression, computed only on the rows a search reads.

    The bonuses dwarf each other in this order: the notation or code exactly; a code prefix;
    each query word found with its diacritics (anywhere); each found in the title with its
    diacritics; each found in the title folded; then a shorter title.
    """
    if not p.units:
        return "0.0::float8", []
    sql = """(
        10000 * (notation_key = ANY(%s::text[])
                 OR (strpos(notation_key, '/') > 0
                     AND substr(notation_key, strpos(notation_key, '/') + 1) = ANY(%s::text[]))
                 OR code_key = ANY(%s::text[]))::int
        + 2000 * (code_key LIKE ANY(%s::text[]))::int
        + 100 * (length(evec) - length(ts_delete(evec, %s::text[])))
        + 20 * (length(evec) - length(ts_delete(evec, %s::text[])))
        + 10 * (length(evec) - length(ts_delete(evec, %s::text[])))
        + 1.0 / (1 + head_len))::float8"""
    wholes = list(p.wholes)
    # As in the embedded engine: a code prefix is a chunk with a digit or a separator.
    prefixes = [
        _like_prefix(w)
        for w in p.wholes
        if len(w) >= 4 and (_SEPARATORS.search(w) or any(c.isdigit() for c in w))
    ]
    params: list[Any] = [
        wholes, wholes, wholes, prefixes, list(p.exact), list(p.head_exact), list(p.head)
    ]  # fmt: skip
    return sql, params


_FACET_SQL = "agency, fonds, year, doc_type, retention, access_regime"
# Facet counts of a set in one grouped pass: (facet, value, count) rows, and ('total', _, n).
_GROUPED_FACETS = """
    SELECT CASE WHEN GROUPING(agency) = 0 THEN 'agency' WHEN GROUPING(fonds) = 0 THEN 'fonds'
                WHEN GROUPING(year) = 0 THEN 'year' WHEN GROUPING(doc_type) = 0 THEN 'doc_type'
                WHEN GROUPING(retention) = 0 THEN 'retention'
                WHEN GROUPING(access_regime) = 0 THEN 'access_regime' ELSE 'total' END,
           COALESCE(agency::text, fonds::text, year::text, doc_type, retention, access_regime),
           count(*)
    FROM {source}
    GROUP BY GROUPING SETS ((agency), (fonds), (year), (doc_type), (retention), (access_regime), ())
"""


@dataclass(frozen=True)
class _Ranked:
    key: str
    score: float
    date: datetime.date | None

    @property
    def by_relevance(self) -> tuple[float, int, str]:
        return (-self.score, -self.date.toordinal() if self.date else 1, self.key)


@dataclass
class _Estimate:
    """What the sample says about a search, and the main table's size (from statistics)."""

    size: int = 0  # rows in the sample table
    rows_per_page: float = 0.0  # of the main table
    matches: int = 0  # sample rows that match
    tiers: list[int] = field(default_factory=list)  # sample rows matching each tier
    candidates: list[list[str]] = field(default_factory=list)  # their first keys, per tier
    facets: dict[str, Counter[str]] = field(default_factory=dict)


def approximate(n: float) -> int:
    """An estimate rounded to two significant digits: 1,234 → 1,200; 98 → 98."""
    if n < 100:
        return round(n)
    digits = 10 ** (int(math.log10(n)) - 1)
    return int(round(n / digits) * digits)


def _counts(rows: Iterable[Sequence[Any]]) -> tuple[int, dict[str, Counter[str]]]:
    """(total, facet → value → count) from ``_GROUPED_FACETS`` rows."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    total = 0
    for name, raw, n in rows:
        if name == "total":
            total = int(n)
            continue
        value = _facet_value(name, raw)
        if name in counts and value is not None:
            counts[name][value] += int(n)
    return total, counts


def _facet_lists(counts: dict[str, Counter[str]], scale: float) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for name in FACETS:
        if scale == 1:
            values = list(counts[name].items())
        else:
            values = [(v, max(1, approximate(c * scale))) for v, c in counts[name].items()]
        values.sort(key=lambda v: (-v[1], v[0]))
        out[name] = values[:FACET_SIZE]
    return out


# -- the engine -------------------------------------------------------------------------


def _execute(
    cursor: CursorWrapper,
    sql: str,
    params: Sequence[Any],
    *,
    seqscan: bool = True,
    indexscan: bool = True,
    bitmapscan: bool = True,
) -> None:
    """``sql`` with the planner's scan choices for this transaction, in one round trip.

    All three are set every time, so that one statement's choice never carries over to the
    next; ``search`` puts them back when it runs inside a caller's transaction.
    """
    choices = zip(_PLANNER, (seqscan, indexscan, bitmapscan), strict=True)
    prefix = "".join(f"SET LOCAL {name} = {'on' if on else 'off'}; " for name, on in choices)
    # Storage order must be the same on every page: no scan joining another one mid-table,
    # no workers interleaving their rows. No JIT: a disabled scan type makes the estimated
    # cost huge, and compiling then takes 10-150 ms for a statement that runs in one.
    prefix += (
        "SET LOCAL synchronize_seqscans = off; SET LOCAL max_parallel_workers_per_gather = 0; "
        "SET LOCAL jit = off; "
    )
    cursor.execute(prefix + sql, params)
    while cursor.description is None and cursor.nextset():
        pass


_PLANNER = ("enable_seqscan", "enable_indexscan", "enable_bitmapscan")
_RESET = (*_PLANNER, "synchronize_seqscans", "max_parallel_workers_per_gather", "jit")


class PostgresBackend:
    """The engine behind ``SEARCH_BACKEND=postgres``; stateless, one per process is enough."""

    def __init__(self) -> None:
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(
                "SEARCH_BACKEND=postgres cần cơ sở dữ liệu PostgreSQL (DATABASE_URL=postgres://…)."
            )

    # -- writing ------------------------------------------------------------------------

    def rebuild(self, entries: Iterable[IndexEntry]) -> int:
        """New tables filled with COPY, indexed, analysed and swapped in, in one transaction.

        Searches read the old tables until the swap; upserts and deletes wait for it. The new
        tables copy the old ones' columns, constraints and indexes from the catalog, so the
        migrations stay the one description of the schema.
        """
        count = 0
        iterator = iter(entries)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TABLE}, {SAMPLE} IN SHARE ROW EXCLUSIVE MODE")
            for table in (TABLE, SAMPLE):
                self._create_like(cursor, table)
            copy_main = f"COPY {TABLE}_new ({', '.join(_COLUMNS)}) FROM STDIN"
            copy_sample = f"COPY {SAMPLE}_new ({', '.join(_SAMPLE_COLUMNS)}) FROM STDIN"
            # The iterator may query the database, so it is drawn from between two COPYs;
            # rows are analysed during the COPY, while the server parses what was sent.
            while chunk := list(islice(iterator, COPY_CHUNK)):
                sampled = []
                with cursor.copy(copy_main) as copy:
                    for entry in chunk:
                        row = analyse(entry)
                        copy.write_row(row)
                        if in_sample(entry.key):
                            sampled.append(_sample_row(row))
                with cursor.copy(copy_sample) as copy:
                    for row in sampled:
                        copy.write_row(row)
                count += len(chunk)
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
            for table in (TABLE, SAMPLE):
                self._swap(cursor, table)
        return count

    @staticmethod
    def _create_like(cursor: CursorWrapper, table: str) -> None:
        """``{table}_new``: the columns, defaults, constraints and storage of ``table``."""
        new = f"{table}_new"
        cursor.execute(f"DROP TABLE IF EXISTS {new}")
        cursor.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING ALL EXCLUDING INDEXES)")
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
        for option in (row[0] if row else None) or []:
            name, _, value = str(option).partition("=")
            if name in {"toast_tuple_target", "fillfactor"} and value.isdigit():
                cursor.execute(f"ALTER TABLE {new} SET ({name} = {int(value)})")
        # Per-column statistics targets (LIKE does not copy them).
        cursor.execute(
            "SELECT quote_ident(attname), attstattarget FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
            " AND attstattarget >= 0",
            [table],
        )
        for column, target in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {new} ALTER {column} SET STATISTICS {int(target)}")

    @staticmethod
    def _swap(cursor: CursorWrapper, table: str) -> None:
        """Index ``{table}_new`` like ``table``, analyse it, and put it in ``table``'s place."""
        new = f"{table}_new"
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid), c.conname, c.contype
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
            WHERE x.indrelid = %s::regclass
            ORDER BY i.relname
            """,
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT format('%%I.%%I', n.nspname, c.relname), format('%%I.%%I', n.nspname, %s)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.oid = %s::regclass",
            [new, table],
        )
        qualified_old, qualified_new = cast(tuple[str, str], cursor.fetchone())
        renames: list[tuple[str, str, str | None, str | None]] = []
        for n, (name, definition, constraint, contype) in enumerate(indexes):
            temporary = f"{new}_idx{n}"
            cursor.execute("SELECT quote_ident(%s)", [name])
            quoted = cast(tuple[str], cursor.fetchone())[0]
            head = f"INDEX {quoted} ON {qualified_old} "
            if head not in definition:
                raise RuntimeError(f"không dựng lại được chỉ mục {name}: {definition}")
            cursor.execute(definition.replace(head, f"INDEX {temporary} ON {qualified_new} ", 1))
            renames.append((temporary, name, constraint, contype))
        cursor.execute(f"ANALYZE {new}")
        cursor.execute(f"DROP TABLE {table}")
        cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
        for temporary, name, constraint, contype in renames:
            if constraint and contype in ("p", "u"):
                kind = "PRIMARY KEY" if contype == "p" else "UNIQUE"
                cursor.execute(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {kind}'
                    f" USING INDEX {temporary}"
                )
                if constraint != name:
                    cursor.execute(f'ALTER INDEX "{constraint}" RENAME TO "{name}"')
            else:
                cursor.execute(f'ALTER INDEX {temporary} RENAME TO "{name}"')

    def upsert(self, entries: Iterable[IndexEntry]) -> None:
        # Sorted: two writers upserting overlapping batches lock rows in the same order.
        rows = sorted((analyse(e) for e in entries), key=lambda r: str(r[0]))
        if not rows:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(_upsert_sql(TABLE, _COLUMNS, ("vec", "evec")), rows)
            sampled = [_sample_row(r) for r in rows if in_sample(str(r[0]))]
            if sampled:
                cursor.executemany(_upsert_sql(SAMPLE, _SAMPLE_COLUMNS, ("vec", "evec")), sampled)

    def delete(self, keys: Iterable[str]) -> None:
        keys = sorted(set(keys))
        if keys:
            with transaction.atomic(), connection.cursor() as cursor:
                for table in (TABLE, SAMPLE):
                    cursor.execute(f"DELETE FROM {table} WHERE key = ANY(%s::text[])", [keys])  # noqa: S608

    # -- searching ----------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        empty = SearchResults(0, [], {name: [] for name in FACETS} if query.with_facets else {})
        p = plan(query)
        if p is None:
            return empty
        nested = connection.in_atomic_block
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                found = self._search(cursor, query, p)
                if nested:  # SET LOCAL would outlive this search in the caller's transaction
                    cursor.execute("".join(f"SET LOCAL {n} TO DEFAULT; " for n in _RESET))
                return found or empty
        except DatabaseError:
            # Every value reaches PostgreSQL quoted or as a parameter, so this is a bug or a
            # broken database, not the user's input: logged, and the user gets no results.
            log.exception("Tìm kiếm PostgreSQL thất bại: %r", query.text[:200])
            return empty

    def _search(self, cursor: CursorWrapper, query: SearchQuery, p: _Plan) -> SearchResults | None:
        per_page = max(1, min(query.per_page, 100))
        offset = min(max(query.page, 1) - 1, MAX_OFFSET // per_page) * per_page
        by_date = query.sort == "date" or not p.units
        estimate = self._estimate(cursor, p, query.with_facets)
        total = 0
        # Few matches, or a table so small that all of it is few (or not analysed yet): exact.
        if (
            estimate.matches * SAMPLE_RATIO <= EXACT_LIMIT
            or estimate.size * SAMPLE_RATIO <= EXACT_CAP
        ):
            exact = self._exact(cursor, p, by_date, offset, per_page, query.with_facets)
            if exact is None:
                return None
            total, page, facets = exact
            if total < EXACT_CAP:
                return SearchResults(total, self._hits(cursor, p, page), facets)
        # Many matches: estimates, and a bounded look at the best of them.
        scale = SAMPLE_RATIO
        total = max(total, approximate(estimate.matches * scale))
        if by_date:
            page = self._by_date(cursor, p, offset, per_page)
        else:
            pool = self._pool(cursor, p, estimate)
            page = pool[offset : offset + per_page]
            if len(page) < per_page and offset + per_page > len(pool) and offset < total * 2:
                page += self._beyond(
                    cursor, p, pool, max(0, offset - len(pool)), per_page - len(page)
                )
        facets = _facet_lists(estimate.facets, scale) if query.with_facets else {}
        return SearchResults(total, self._hits(cursor, p, page), facets)

    @staticmethod
    def _estimate(cursor: CursorWrapper, p: _Plan, facets: bool) -> _Estimate:
        """One statement on the sample (in memory): its matches, per tier, their facets, and
        the first CANDIDATES keys of each tier; and the tables' sizes from their statistics."""
        tiers = [t for t in p.tiers if t is not None]
        where, where_params = p.where()
        flags = "".join(f", evec @@ %s::tsquery AS t{i}" for i in range(len(tiers)))
        counts = ", ".join(f"count(*) FILTER (WHERE t{i})" for i in range(len(tiers)))
        grouped = _GROUPED_FACETS.format(source="s") if facets else "SELECT 'x', NULL, 0 LIMIT 0"
        conditions = [f"t{i}" for i in range(len(tiers))] + ["true"]
        picks = " UNION ALL ".join(
            f"(SELECT 'c{i}', key, 0 FROM s WHERE {condition} LIMIT %s)"  # noqa: S608
            for i, condition in enumerate(conditions)
        )
        _execute(
            cursor,
            f"""
            WITH s AS MATERIALIZED (
                SELECT "key", {_FACET_SQL}{flags} FROM {SAMPLE} WHERE vec @@ %s::tsquery{where}
            )
            SELECT 'size', NULL, GREATEST(reltuples, 0)::bigint FROM pg_class
            WHERE oid = %s::regclass
            UNION ALL
            SELECT 'rows/page', NULL, (GREATEST(reltuples, 0) / GREATEST(relpages, 1))::bigint
            FROM pg_class WHERE oid = %s::regclass
            UNION ALL
            SELECT 'tiers', array_to_string(ARRAY[{counts}]::bigint[], ','), count(*) FROM s
            UNION ALL
            SELECT * FROM ({grouped}) AS g
            UNION ALL
            {picks}
            """,  # noqa: S608
            [*tiers, p.match, *where_params, SAMPLE, TABLE, *[CANDIDATES] * (len(tiers) + 1)],
        )
        estimate = _Estimate(candidates=[[] for _ in range(len(tiers) + 1)])
        grouped_rows = []
        for part, value, n in cursor.fetchall():
            if part == "size":
                estimate.size = int(n)
            elif part == "rows/page":
                estimate.rows_per_page = float(n)
            elif part == "tiers":
                estimate.matches = int(n)
                estimate.tiers = [int(x) for x in str(value or "").split(",") if x]
                estimate.tiers.append(estimate.matches)
            elif part.startswith("c") and part[1:].isdigit():
                estimate.candidates[int(part[1:])].append(str(value))
            else:
                grouped_rows.append((part, value, n))
        if facets:
            _total, estimate.facets = _counts(grouped_rows)
        return estimate

    @staticmethod
    def _exact(
        cursor: CursorWrapper, p: _Plan, by_date: bool, offset: int, limit: int, facets: bool
    ) -> tuple[int, list[_Ranked], dict[str, list[tuple[str, int]]]] | None:
        """Few matches: all of them (up to EXACT_CAP) ranked, counted and grouped, through the
        GIN index, in one statement."""
        score, params = _score(p)
        where, where_params = p.where()
        order = "score DESC, " if not by_date else ""
        grouped = _GROUPED_FACETS.format(source="m") if facets else "SELECT 'x', NULL, 0 LIMIT 0"
        _execute(
            cursor,
            f"""
            WITH m AS MATERIALIZED (
                SELECT "key", "date", {score} AS score, {_FACET_SQL}
                FROM {TABLE} WHERE vec @@ %s::tsquery{where} LIMIT %s
            )
            (SELECT 'hit', "key", score, "date", 0::bigint FROM m
             ORDER BY {order}"date" DESC NULLS LAST, "key" LIMIT %s OFFSET %s)
            UNION ALL
            SELECT 'count', NULL, 0, NULL, count(*) FROM m
            UNION ALL
            SELECT f.facet, f.value, 0, NULL, f.n FROM ({grouped}) AS f(facet, value, n)
            """,  # noqa: S608
            [*params, p.match, *where_params, EXACT_CAP, limit, offset],
            seqscan=False,
            indexscan=False,
        )
        page: list[_Ranked] = []
        total = 0
        grouped_rows = []
        for part, key_, row_score, date, n in cursor.fetchall():
            if part == "hit":
                page.append(_Ranked(key_, float(row_score), date))
            elif part == "count":
                total = int(n)
            else:
                grouped_rows.append((part, key_, n))
        if not total:
            return None
        return total, page, _facet_lists(_counts(grouped_rows)[1], 1) if facets else {}

    @staticmethod
    def _pool(cursor: CursorWrapper, p: _Plan, estimate: _Estimate) -> list[_Ranked]:
        """The ranked first pages: the best of two bounded sources, of a fixed size so that
        every page is cut from the same ranking.

        - The sample's best: up to CANDIDATES keys taken tier by tier (all words in the title
          as written, then folded, then as written anywhere, then any match). The sample is a
          uniform draw, so a tier with many rows is well represented in it.
        - The main table's head: its first CANDIDATES matches within its first SCAN_ROWS rows,
          in storage order (those pages stay cached).

        Neither reads a GIN posting list of a common word, which alone costs more than the
        whole budget at 1 M rows.
        """
        keys: dict[str, None] = {}
        for tier_keys in estimate.candidates:
            keys.update(dict.fromkeys(tier_keys))
            if len(keys) >= CANDIDATES:
                break
        pages = math.ceil(SCAN_ROWS / estimate.rows_per_page) if estimate.rows_per_page else 0
        score, params = _score(p)
        where, where_params = p.where()
        sql = f'SELECT "key", "date", {score} FROM {TABLE} WHERE "key" = ANY(%s::text[])'  # noqa: S608
        values: list[Any] = [*params, list(keys)]
        if pages:
            head = (
                f'SELECT "key", "date", {score} FROM {TABLE}'  # noqa: S608
                f" WHERE ctid < %s::tid AND vec @@ %s::tsquery{where} LIMIT %s"
            )
            sql = f"({sql}) UNION ({head})"
            values += [*params, f"({pages},0)", p.match, *where_params, CANDIDATES]
        _execute(cursor, sql, values, bitmapscan=False)
        found = {k: _Ranked(k, float(sc), d) for k, d, sc in cursor.fetchall()}
        return sorted(found.values(), key=lambda r: r.by_relevance)

    @staticmethod
    def _beyond(
        cursor: CursorWrapper, p: _Plan, pool: list[_Ranked], skip: int, limit: int
    ) -> list[_Ranked]:
        """Pages past the ranked pool: the other matches, in storage order."""
        score, params = _score(p)
        where, where_params = p.where()
        _execute(
            cursor,
            f'SELECT "key", "date", {score} FROM {TABLE}'  # noqa: S608
            f' WHERE vec @@ %s::tsquery{where} AND NOT "key" = ANY(%s::text[])'
            " LIMIT %s OFFSET %s",
            [*params, p.match, *where_params, [r.key for r in pool], limit, skip],
            bitmapscan=False,
            indexscan=False,
        )
        return [_Ranked(k, float(sc), d) for k, d, sc in cursor.fetchall()]

    @staticmethod
    def _by_date(cursor: CursorWrapper, p: _Plan, offset: int, limit: int) -> list[_Ranked]:
        """Newest first by walking the date index: with many matches, a page is found within
        (offset + limit) / share rows of the walk."""
        score, params = _score(p)
        where, where_params = p.where()
        _execute(
            cursor,
            f'SELECT "key", "date", {score} FROM {TABLE} WHERE vec @@ %s::tsquery{where}'  # noqa: S608
            ' ORDER BY "date" DESC NULLS LAST, "key" LIMIT %s OFFSET %s',
            [*params, p.match, *where_params, limit, offset],
            seqscan=False,
            bitmapscan=False,
        )
        return [_Ranked(k, float(s), d) for k, d, s in cursor.fetchall()]

    @staticmethod
    def _hits(cursor: CursorWrapper, p: _Plan, page: list[_Ranked]) -> list[Hit]:
        """The page's hits, in order, with their snippets."""
        if not page:
            return []
        _execute(
            cursor,
            f'SELECT "key", kind, object_id, code, title, left(body, %s)'  # noqa: S608
            f" FROM {TABLE} WHERE key = ANY(%s::text[])",
            [SNIPPET_SCAN, [r.key for r in page]],
        )
        rows = {str(r[0]): r for r in cursor.fetchall()}
        terms = query_terms(list(p.units))
        hits = []
        for ranked in page:
            row = rows.get(ranked.key)
            if row is None:  # deleted between the two statements
                continue
            _key, kind, pk, code, title, body = row
            shown = snippet(body, terms)
            if "<mark>" not in shown:
                in_title = snippet(title, terms)
                shown = in_title if "<mark>" in in_title or not shown else shown
            hits.append(Hit(cast(Kind, kind), int(pk), str(code), str(title), shown, ranked.score))
        return hits


def _upsert_sql(table: str, columns: Sequence[str], vectors: Sequence[str]) -> str:
    values = ", ".join("%s::tsvector" if c in vectors else "%s" for c in columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != "key")
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"  # noqa: S608
        f" ON CONFLICT (key) DO UPDATE SET {updates}"
    )
