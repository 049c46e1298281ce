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

The package, one module per concern, each depending only on those before it:

- ``analysis``: words to lexemes (folding, wholes, codes, notations, filter lexemes) and an
  entry to its table row;
- ``query``: a search to its ``Plan``, the tsqueries and what the ranking looks for;
- ``tables``: the two tables, their rebuild (DDL copied from the catalog) and their upkeep;
- ``execution``: a plan run against the tables: the estimate, the exact and bounded paths,
  counts, facets and snippets.

The limits below are read through this package at call time (``postgres.EXACT_LIMIT``), so one
value holds for every module, and a test that shrinks one here shrinks it everywhere.
"""

from __future__ import annotations

SAMPLE_RATIO = 32  # one entry in 32 is in the sample: 31,000 rows per million
EXACT_LIMIT = 2_000  # up to this many matches (estimated), everything is exact
EXACT_CAP = 4 * EXACT_LIMIT  # rows the exact path reads at most, should the estimate be off
CANDIDATES = 200  # rows ranked for the first pages when matches are many, per source
SCAN_ROWS = 20_000  # rows of the main table's head scanned for candidates (it stays cached)
SCAN_PAGES = 2_000  # and at most this many pages of it (16 MB), however long the rows
MAX_OFFSET = 10_000  # deeper pages would rank that many candidates; nobody reads them
COPY_CHUNK = 5_000  # entries per COPY: between two, the entries' iterator may query the database
MAX_BODY_WORDS = 20_000  # distinct words of a long body indexed (a tsvector holds at most 1 MB)
MAX_WHOLE_BYTES = 100  # longer chunks are matched by their words only
FACET_SIZE = 500  # values per facet returned, most frequent first
SCOPE_LEXEMES = 16  # a staff scope of more agencies is checked on the row, not in the tsquery
BUILD_MEMORY = "256MB"  # maintenance_work_mem for the GIN builds of a rebuild

# The modules read the limits above from this package: they are imported after them.
from collections.abc import Iterable  # noqa: E402

from django.core.exceptions import ImproperlyConfigured  # noqa: E402
from django.db import connection  # noqa: E402

from luutru.search.backends.postgres import execution, tables  # noqa: E402
from luutru.search.backends.postgres.analysis import (  # noqa: E402
    HEAD,
    _analyse,
    _code_lexemes,
    _notation_word,
    _units,
    analyse,
)
from luutru.search.backends.postgres.analysis import quote as _quote  # noqa: E402
from luutru.search.backends.postgres.analysis import wholes as _wholes  # noqa: E402
from luutru.search.backends.postgres.execution import approximate  # noqa: E402
from luutru.search.backends.postgres.query import Plan, plan  # noqa: E402
from luutru.search.backends.postgres.tables import _COLUMNS, SAMPLE, TABLE, in_sample  # noqa: E402
from luutru.search.base import IndexEntry, SearchQuery, SearchResults  # noqa: E402


class PostgresBackend:
    """The engine behind ``SEARCH_BACKEND=postgres``; stateless, one per process is enough."""

    def __init__(self) -> None:
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(
                "SEARCH_BACKEND=postgres cần cơ sở dữ liệu PostgreSQL (DATABASE_URL=postgres://…)."
            )

    def rebuild(self, entries: Iterable[IndexEntry]) -> int:
        return tables.rebuild(entries)

    def upsert(self, entries: Iterable[IndexEntry]) -> None:
        tables.upsert(entries)

    def delete(self, keys: Iterable[str]) -> None:
        tables.delete(keys)

    def search(self, query: SearchQuery) -> SearchResults:
        return execution.search(query)


# What callers import from ``luutru.search.backends.postgres``; the underscored names are the
# analysis internals the engine's own tests check against the query parser.
__all__ = [
    "BUILD_MEMORY",
    "CANDIDATES",
    "COPY_CHUNK",
    "EXACT_CAP",
    "EXACT_LIMIT",
    "FACET_SIZE",
    "HEAD",
    "MAX_BODY_WORDS",
    "MAX_OFFSET",
    "MAX_WHOLE_BYTES",
    "SAMPLE",
    "SAMPLE_RATIO",
    "SCAN_PAGES",
    "SCAN_ROWS",
    "SCOPE_LEXEMES",
    "TABLE",
    "_COLUMNS",
    "Plan",
    "PostgresBackend",
    "_analyse",
    "_code_lexemes",
    "_notation_word",
    "_quote",
    "_units",
    "_wholes",
    "analyse",
    "approximate",
    "in_sample",
    "plan",
]
