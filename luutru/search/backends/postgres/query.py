"""The query plan: what one search asks of the tables, built once from its ``SearchQuery``.

A ``Plan`` holds the tsquery every statement matches on (the query's words, access and facet
filters), the ranking tiers tried on the sample, and what the relevance score looks for. It
gives its SQL as ``Fragment``s (text and parameters), never as values pasted into SQL.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from luutru.search.backends import postgres
from luutru.search.backends.postgres.analysis import (
    ALL,
    BLOCK,
    DAY,
    FACET_PREFIX,
    HEAD,
    ISSUER,
    SEPARATORS,
    VISIBLE,
    day_number,
    facet_value,
    quote,
    wholes,
)
from luutru.search.base import PUBLIC_VISIBILITY, SearchQuery
from luutru.search.text import Unit, fold_fast, issuer_words, parse


@dataclass(frozen=True)
class Fragment:
    """A piece of SQL and the parameters of its placeholders, in order."""

    sql: str
    params: tuple[Any, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Plan:
    """What one search runs: the match condition and what the ranking looks for."""

    match: str  # tsquery on vec: every unit, access and filters
    tiers: tuple[str | None, ...]  # tsqueries on evec, best first; the last is None (any match)
    title_tiers: int = 0  # how many of the first tiers ask for title words only (hvec has them)
    units: tuple[Unit, ...] = ()
    exact: tuple[str, ...] = ()  # query words with diacritics, looked up in evec
    head: tuple[str, ...] = ()  # one folded lexeme per unit under HEAD: "in the title"
    head_exact: tuple[str, ...] = ()  # the words with diacritics under HEAD
    wholes: tuple[str, ...] = ()  # chunks and single words, for notation and code equality
    scope: tuple[int, ...] | None = None  # a large staff scope, checked on the row

    def where(self) -> Fragment:
        """The condition every statement adds to ``vec @@ match``."""
        if self.scope is None:
            return Fragment("")
        return Fragment(" AND agency = ANY(%s::bigint[])", (list(self.scope),))

    def score(self) -> Fragment:
        """The relevance of a row as one SQL expression, computed only on the rows a search
        reads.

        The bonuses dwarf each other in this order: the notation or code exactly; a code
        prefix; each query word found with its diacritics (anywhere); each found in the title
        with its diacritics; each found in the title folded; then a shorter title.
        """
        if not self.units:
            return Fragment("0.0::float8")
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
        chunks = list(self.wholes)
        # As in the embedded engine: a code prefix is a chunk with a digit or a separator.
        prefixes = [
            _like_prefix(w)
            for w in self.wholes
            if len(w) >= 4 and (SEPARATORS.search(w) or any(c.isdigit() for c in w))
        ]
        notation_or_code = (chunks, chunks, chunks)
        in_evec = (list(self.exact), list(self.head_exact), list(self.head))  # 100, 20, 10
        return Fragment(sql, (*notation_or_code, prefixes, *in_evec))


def plan(query: SearchQuery, *, date_blocks: bool = False) -> Plan | None:
    """The tsqueries of a search; None when the caller may see nothing that could match.

    ``date_blocks``: every row holds its date's block lexemes (``tables.date_blocks``), so a
    date range may ask for those instead of day prefixes.
    """
    filters = _filter_query(query, date_blocks)
    if filters is None:
        return None
    scope = None
    if query.agency_ids is not None and len(query.agency_ids) > postgres.SCOPE_LEXEMES:
        scope = tuple(sorted(int(i) for i in query.agency_ids))
    units = tuple(parse(query.text))
    if not units:
        match = _and(filters) if filters else quote(ALL)
        return Plan(match=match, tiers=(None,), scope=scope)
    tiers: list[str | None] = []
    title_tiers = 0
    for in_head, as_written in ((True, True), (True, False), (False, True)):
        parts = [_unit_query(u, head=in_head, exact=as_written) for u in units]
        tier = _and([t for t in parts if t]) or None
        if tier and tier not in tiers:
            tiers.append(tier)
            title_tiers += in_head
    tiers.append(None)
    exact_words = tuple(dict.fromkeys(e for u in units for e in u.exact))
    return Plan(
        match=_and([cast(str, _unit_query(u)) for u in units] + filters),
        tiers=tuple(tiers),
        title_tiers=title_tiers,
        units=units,
        exact=exact_words,
        head=tuple(dict.fromkeys(HEAD + (wholes(u) or [u.folded[0]])[0] for u in units)),
        head_exact=tuple(HEAD + e for e in exact_words),
        wholes=tuple(dict.fromkeys(u.whole for u in units if u.whole)),
        scope=scope,
    )


def _filter_query(query: SearchQuery, date_blocks: bool) -> list[str] | None:
    """Access and facet filters as tsquery parts; None when nothing can match.

    A staff scope of up to SCOPE_LEXEMES agencies is an OR of lexemes, which the GIN index
    uses; a larger one would cost every scanned row an OR that long, so ``plan`` checks it on
    the row instead.
    """
    parts: list[str] = []
    if query.public_only:
        parts.append("(" + " | ".join(quote(VISIBLE + v) for v in PUBLIC_VISIBILITY) + ")")
    if query.agency_ids is not None:
        ids = sorted(query.agency_ids)
        if not ids:
            return None
        if len(ids) <= postgres.SCOPE_LEXEMES:
            parts.append("(" + " | ".join(quote(f"~g{int(i)}") for i in ids) + ")")
    if query.date_from is not None or query.date_to is not None:
        low = _edge(query.date_from, start=True)
        high = _edge(query.date_to, start=False)
        if low > high:
            return None
        parts.append("(" + " | ".join(date_lexemes(low, high, blocks=date_blocks)) + ")")
    words = issuer_words(query.issuer)
    if words:
        parts.append(_and([quote(ISSUER + w) for w in words]))
    for name, raw_values in query.filters.items():
        prefix = FACET_PREFIX.get(name)
        if prefix is None or not raw_values:
            continue
        values = sorted({v for v in (facet_value(name, r) for r in raw_values) if v})
        if not values:
            return None
        parts.append("(" + " | ".join(quote(prefix + v) for v in values) + ")")
    return parts


def _edge(day: datetime.date | None, *, start: bool) -> str:
    """A range's end as a day number, widened over numbers that are no date ('20230100' for
    1 January, '20231299' for 31 December…), so that whole months and years are one block."""
    if day is None:
        return "00000000" if start else "99999999"
    number = day_number(day)
    if start:
        if day.day == 1:
            number = number[:6] + "00" if day.month > 1 else number[:4] + "0000"
        return number
    last_of_month = day == datetime.date.max or (day + datetime.timedelta(days=1)).day == 1
    if last_of_month:
        number = number[:6] + "99" if day.month < 12 else number[:4] + "9999"
    return number


def date_lexemes(low: str, high: str, *, blocks: bool = True) -> list[str]:
    """The days from ``low`` to ``high`` (``day_number``s) as few tsquery terms.

    Day numbers compare as the dates do, and any run of numbers sharing a prefix of 1 to 7
    digits is one block ('2023' is all of 2023, '20230' January to September), so the range
    is cut into aligned decimal blocks: at most 9 per digit on each side (usually a dozen).
    With ``blocks`` each is one block lexeme ('~e2023'), one GIN entry; without, a day prefix
    ('~d2023':*), which the GIN index expands to every day lexeme in it (1,825 entries for
    five years, 100 ms of a search at 1 M records): the form for rows indexed before block
    lexemes existed.
    """
    terms: list[str] = []
    width = len(low)
    lo, hi = int(low), int(high)
    while lo <= hi:
        # The largest aligned block that starts at lo and ends by hi (a digit at least).
        size = 1
        while lo % (size * 10) == 0 and lo + size * 10 - 1 <= hi and size * 10 < 10**width:
            size *= 10
        digits = width - (len(str(size)) - 1)
        prefix = f"{lo:0{width}d}"[:digits]
        if size == 1:
            terms.append(quote(DAY + prefix))
        else:
            terms.append(quote(BLOCK + prefix) if blocks else quote(DAY + prefix) + ":*")
        lo += size
    return terms


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
    chunks = wholes(unit)
    if chunks:
        if exact and not head:
            return None
        whole = chunks[0]
        prefix = ":*" if len(whole) >= 4 and ("/" in whole or "." in whole) else ""
        return quote(ns + whole) + prefix
    words: list[str] = list(unit.folded)
    if exact:
        if not unit.exact:
            return None if not head else _and([quote(ns + w) for w in words])
        # The words written with diacritics must match as written; the others folded.
        as_written = {fold_fast(e): e for e in unit.exact}
        words = [as_written.get(w, w) for w in words]
        if not head:  # evec holds the words with diacritics only
            words = [w for w in words if w in unit.exact]
    return _and([quote(ns + w) for w in words])


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
