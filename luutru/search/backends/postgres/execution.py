"""Execution: a ``Plan`` run against the tables, within a bounded number of rows read.

One statement on the sample estimates the matches and their facets and picks the best
candidates of its title tiers. Few
matches take the exact path (the main GIN index, everything counted and ranked); many take
the bounded one (estimates scaled from the sample, a fixed pool ranked for the first pages,
storage order beyond it, the date index for date order). The page's rows then get their
snippets.
"""

from __future__ import annotations

import datetime
import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper

from luutru.search.backends import postgres
from luutru.search.backends.postgres.analysis import facet_value
from luutru.search.backends.postgres.query import Plan, plan
from luutru.search.backends.postgres.tables import SAMPLE, TABLE, date_blocks
from luutru.search.base import FACETS, Hit, Kind, SearchQuery, SearchResults
from luutru.search.text import SNIPPET_SCAN, query_terms, snippet

log = logging.getLogger(__name__)

_FACET_SQL = "agency, fonds, year, doc_type, retention, access_regime, doc_kind"
# Facet counts of a set in one grouped pass: (facet, value, count) rows, and ('total', _, n).
_GROUPED_FACETS = """
    SELECT CASE WHEN GROUPING(agency) = 0 THEN 'agency' WHEN GROUPING(fonds) = 0 THEN 'fonds'
                WHEN GROUPING(year) = 0 THEN 'year' WHEN GROUPING(doc_type) = 0 THEN 'doc_type'
                WHEN GROUPING(retention) = 0 THEN 'retention'
                WHEN GROUPING(access_regime) = 0 THEN 'access_regime'
                WHEN GROUPING(doc_kind) = 0 THEN 'kind' ELSE 'total' END,
           COALESCE(agency::text, fonds::text, year::text, doc_type, retention, access_regime,
                    doc_kind),
           count(*)
    FROM {source}
    GROUP BY GROUPING SETS ((agency), (fonds), (year), (doc_type), (retention), (access_regime),
                            (doc_kind), ())
"""

_PLANNER = ("enable_seqscan", "enable_indexscan", "enable_bitmapscan")
_RESET = (*_PLANNER, "synchronize_seqscans", "max_parallel_workers_per_gather", "jit")


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
    candidates: list[list[str]] = field(default_factory=list)  # their first keys, per tier
    facets: dict[str, Counter[str]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class _Exact:
    """All the matches of a search with few: their count, the page asked for, their facets."""

    total: int
    page: list[_Ranked]
    facets: dict[str, list[tuple[str, int]]]


def search(query: SearchQuery) -> SearchResults:
    """The results of one search; none (logged) should the database fail."""
    empty = SearchResults(0, [], {name: [] for name in FACETS} if query.with_facets else {})
    p = plan(query, date_blocks=date_blocks())
    if p is None:
        return empty
    nested = connection.in_atomic_block
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            found = _search(cursor, query, p)
            if nested:  # SET LOCAL would outlive this search in the caller's transaction
                cursor.execute("".join(f"SET LOCAL {n} TO DEFAULT; " for n in _RESET))
            return found or empty
    except DatabaseError:
        # Every value reaches PostgreSQL quoted or as a parameter, so this is a bug or a
        # broken database, not the user's input: logged, and the user gets no results.
        log.exception("Tìm kiếm PostgreSQL thất bại: %r", query.text[:200])
        return empty


def _search(cursor: CursorWrapper, query: SearchQuery, p: Plan) -> SearchResults | None:
    per_page = max(1, min(query.per_page, 100))
    offset = min(max(query.page, 1) - 1, postgres.MAX_OFFSET // per_page) * per_page
    by_date = query.sort == "date" or not p.units
    estimate = _estimate(cursor, p, query.with_facets)
    total = 0
    # Few matches, or a table so small that all of it is few (or not analysed yet): exact.
    if (
        estimate.matches * postgres.SAMPLE_RATIO <= postgres.EXACT_LIMIT
        or estimate.size * postgres.SAMPLE_RATIO <= postgres.EXACT_CAP
    ):
        exact = _exact(cursor, p, by_date, offset, per_page, query.with_facets)
        if exact is None:
            return None
        total = exact.total
        if total < postgres.EXACT_CAP:
            return SearchResults(total, _hits(cursor, p, exact.page), exact.facets)
    # Many matches: estimates, and a bounded look at the best of them.
    scale = postgres.SAMPLE_RATIO
    total = max(total, approximate(estimate.matches * scale))
    if by_date:
        page = _by_date(cursor, p, offset, per_page)
    else:
        pool = _pool(cursor, p, estimate)
        page = pool[offset : offset + per_page]
        if len(page) < per_page and offset + per_page > len(pool) and offset < total * 2:
            page += _beyond(cursor, p, pool, max(0, offset - len(pool)), per_page - len(page))
    facets = _facet_lists(estimate.facets, scale) if query.with_facets else {}
    return SearchResults(total, _hits(cursor, p, page), facets, approximate=True)


def _estimate(cursor: CursorWrapper, p: Plan, facets: bool) -> _Estimate:
    """One statement on the sample: its matches, their facets, the first CANDIDATES keys of
    each title tier and of any match; and the tables' sizes from their statistics.

    It reads the sample's GIN index and its narrow rows (facets and ``hvec``), never its
    vectors: those are out of line, and detoasting them for every match of a common word was
    most of a search (migration 0006). A tier that checks body words as written is asked
    only when the title tiers leave the pool short (``_body_candidates``).
    """
    tiers = [t for t in p.tiers if t is not None]
    titled = tiers[: p.title_tiers]
    where = p.where()
    flags = "".join(f", hvec @@ %s::tsquery AS t{i}" for i in range(len(titled)))
    grouped = _GROUPED_FACETS.format(source="s") if facets else "SELECT 'x', NULL, 0 LIMIT 0"
    # Candidates are numbered by tier; the last number is "any match".
    conditions = [(i, f"t{i}") for i in range(len(titled))] + [(len(tiers), "true")]
    picks = " UNION ALL ".join(
        f"(SELECT 'c{i}', key, 0 FROM s WHERE {condition} LIMIT %s)"  # noqa: S608
        for i, condition in conditions
    )
    candidates = [postgres.CANDIDATES] * len(conditions)
    _execute(
        cursor,
        f"""
            WITH s AS MATERIALIZED (
                SELECT "key", {_FACET_SQL}{flags} FROM {SAMPLE} WHERE vec @@ %s::tsquery{where.sql}
            )
            SELECT 'size', NULL, GREATEST(reltuples, 0)::bigint FROM pg_class
            WHERE oid = %s::regclass
            UNION ALL
            SELECT 'rows/page', NULL, (GREATEST(reltuples, 0) / GREATEST(relpages, 1))::bigint
            FROM pg_class WHERE oid = %s::regclass
            UNION ALL
            SELECT 'matches', NULL, count(*) FROM s
            UNION ALL
            SELECT * FROM ({grouped}) AS g
            UNION ALL
            {picks}
            """,  # noqa: S608
        [*titled, p.match, *where.params, SAMPLE, TABLE, *candidates],
        # The GIN bitmap answers ``vec @@`` without reading vec: a sequential scan, which
        # the planner takes for a common word, would detoast every row's.
        seqscan=False,
    )
    estimate = _Estimate(candidates=[[] for _ in range(len(tiers) + 1)])
    grouped_rows = []
    for part, value, n in cursor.fetchall():
        if part == "size":
            estimate.size = int(n)
        elif part == "rows/page":
            estimate.rows_per_page = float(n)
        elif part == "matches":
            estimate.matches = int(n)
        elif part.startswith("c") and part[1:].isdigit():
            estimate.candidates[int(part[1:])].append(str(value))
        else:
            grouped_rows.append((part, value, n))
    if facets:
        _total, estimate.facets = _counts(grouped_rows)
    titled_keys = {k for keys in estimate.candidates[: len(titled)] for k in keys}
    for i in range(len(titled), len(tiers)):
        if len(titled_keys) >= postgres.CANDIDATES:
            break
        estimate.candidates[i] = _body_candidates(cursor, p, tiers[i])
    return estimate


def _body_candidates(cursor: CursorWrapper, p: Plan, tier: str) -> list[str]:
    """The first CANDIDATES sample keys of a tier that checks body words as written: the GIN
    bitmap finds the matches, and ``evec`` is read only until enough are found."""
    where = p.where()
    _execute(
        cursor,
        f"SELECT key FROM {SAMPLE} WHERE vec @@ %s::tsquery{where.sql}"  # noqa: S608
        " AND evec @@ %s::tsquery LIMIT %s",
        [p.match, *where.params, tier, postgres.CANDIDATES],
        seqscan=False,
    )
    return [str(k) for (k,) in cursor.fetchall()]


def _exact(
    cursor: CursorWrapper, p: Plan, by_date: bool, offset: int, limit: int, facets: bool
) -> _Exact | None:
    """Few matches: all of them (up to EXACT_CAP) ranked, counted and grouped, through the
    GIN index, in one statement."""
    score = p.score()
    where = p.where()
    order = "score DESC, " if not by_date else ""
    grouped = _GROUPED_FACETS.format(source="m") if facets else "SELECT 'x', NULL, 0 LIMIT 0"
    _execute(
        cursor,
        f"""
            WITH m AS MATERIALIZED (
                SELECT "key", "date", {score.sql} AS score, {_FACET_SQL}
                FROM {TABLE} WHERE vec @@ %s::tsquery{where.sql} LIMIT %s
            )
            (SELECT 'hit', "key", score, "date", 0::bigint FROM m
             ORDER BY {order}"date" DESC NULLS LAST, "key" LIMIT %s OFFSET %s)
            UNION ALL
            SELECT 'count', NULL, 0, NULL, count(*) FROM m
            UNION ALL
            SELECT f.facet, f.value, 0, NULL, f.n FROM ({grouped}) AS f(facet, value, n)
            """,  # noqa: S608
        [*score.params, p.match, *where.params, postgres.EXACT_CAP, limit, offset],
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
    return _Exact(
        total=total,
        page=page,
        facets=_facet_lists(_counts(grouped_rows)[1], 1) if facets else {},
    )


def _pool(cursor: CursorWrapper, p: Plan, estimate: _Estimate) -> list[_Ranked]:
    """The ranked first pages: the best of two bounded sources, of a fixed size so that
    every page is cut from the same ranking.

    - The sample's best: up to CANDIDATES keys taken tier by tier (all words in the title
      as written, then folded, then as written anywhere, then any match). The sample is a
      uniform draw, so a tier with many rows is well represented in it.
    - The main table's head: its first CANDIDATES matches within its first SCAN_ROWS rows
      (SCAN_PAGES pages at most), in storage order (those pages stay cached).

    Neither reads a GIN posting list of a common word, which alone costs more than the
    whole budget at 1 M rows.
    """
    keys: dict[str, None] = {}
    for tier_keys in estimate.candidates:
        keys.update(dict.fromkeys(tier_keys))
        if len(keys) >= postgres.CANDIDATES:
            break
    rows_per_page = estimate.rows_per_page
    # With files' text a row may fill a page: the head is bounded in pages too, so that it
    # stays in shared buffers (the first SCAN_ROWS rows were 20,000 pages, 150 ms a search).
    pages = (
        min(math.ceil(postgres.SCAN_ROWS / rows_per_page), postgres.SCAN_PAGES)
        if rows_per_page
        else 0
    )
    score = p.score()
    where = p.where()
    sql = f'SELECT "key", "date", {score.sql} FROM {TABLE} WHERE "key" = ANY(%s::text[])'  # noqa: S608
    values: list[Any] = [*score.params, list(keys)]
    if pages:
        head = (
            f'SELECT "key", "date", {score.sql} FROM {TABLE}'  # noqa: S608
            f" WHERE ctid < %s::tid AND vec @@ %s::tsquery{where.sql} LIMIT %s"
        )
        sql = f"({sql}) UNION ({head})"
        values += [*score.params, f"({pages},0)", p.match, *where.params, postgres.CANDIDATES]
    _execute(cursor, sql, values, bitmapscan=False)
    found = {k: _Ranked(k, float(sc), d) for k, d, sc in cursor.fetchall()}
    return sorted(found.values(), key=lambda r: r.by_relevance)


def _beyond(
    cursor: CursorWrapper, p: Plan, pool: list[_Ranked], skip: int, limit: int
) -> list[_Ranked]:
    """Pages past the ranked pool: the other matches, in storage order."""
    score = p.score()
    where = p.where()
    _execute(
        cursor,
        f'SELECT "key", "date", {score.sql} FROM {TABLE}'  # noqa: S608
        f' WHERE vec @@ %s::tsquery{where.sql} AND NOT "key" = ANY(%s::text[])'
        " LIMIT %s OFFSET %s",
        [*score.params, p.match, *where.params, [r.key for r in pool], limit, skip],
        bitmapscan=False,
        indexscan=False,
    )
    return [_Ranked(k, float(sc), d) for k, d, sc in cursor.fetchall()]


def _by_date(cursor: CursorWrapper, p: Plan, offset: int, limit: int) -> list[_Ranked]:
    """Newest first by walking the date index: with many matches, a page is found within
    (offset + limit) / share rows of the walk."""
    score = p.score()
    where = p.where()
    _execute(
        cursor,
        f'SELECT "key", "date", {score.sql} FROM {TABLE} WHERE vec @@ %s::tsquery{where.sql}'  # noqa: S608
        ' ORDER BY "date" DESC NULLS LAST, "key" LIMIT %s OFFSET %s',
        [*score.params, p.match, *where.params, limit, offset],
        seqscan=False,
        bitmapscan=False,
    )
    return [_Ranked(k, float(s), d) for k, d, s in cursor.fetchall()]


def _hits(cursor: CursorWrapper, p: Plan, page: list[_Ranked]) -> list[Hit]:
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
        value = facet_value(name, raw)
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
        out[name] = values[: postgres.FACET_SIZE]
    return out


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
