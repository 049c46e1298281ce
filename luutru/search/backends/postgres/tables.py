"""The index tables: the main table, its sample, their rebuild and their upkeep.

``search_searchentry`` holds every entry; ``search_searchsample`` one in ``SAMPLE_RATIO`` of
them (by a hash of the key), with its own GIN index. The sample's rows stay narrow (its
vectors live in its TOAST table, only the title's lexemes, ``hvec``, in the row), so that
counting and grouping its matches reads a few megabytes. Their
schema is the migrations'; a rebuild copies it from the catalog rather than restating it.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any, cast

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from luutru.search.backends import postgres
from luutru.search.backends.postgres.analysis import analyse, title_lexemes
from luutru.search.base import IndexEntry

TABLE = "search_searchentry"
SAMPLE = "search_searchsample"

_COLUMNS = (
    "key", "object_id", "agency", "fonds", "year", "date", "head_len", "kind", "doc_type",
    "retention", "access_regime", "code", "code_key", "notation", "notation_key", "title",
    "body", "vec", "evec", "doc_kind",
)  # fmt: skip
_SAMPLE_COLUMNS = (
    "key", "agency", "fonds", "year", "doc_type", "retention", "access_regime", "vec", "evec",
    "doc_kind", "hvec",
)  # fmt: skip


# The main table's comment once a rebuild wrote every row, each with its date's block lexemes
# (analysis.BLOCK); rows indexed before those existed lack them until `luutru reindex`.
DATE_BLOCKS = "luutru: date block lexemes"
_DATE_BLOCKS_TTL = 60.0  # seconds a process trusts what it read: a rebuild elsewhere shows soon
_date_blocks_read: dict[str, tuple[float, bool]] = {}


def date_blocks() -> bool:
    """Whether date ranges may ask for block lexemes (``query.date_lexemes``): the main
    table's comment says a rebuild wrote them to every row. Read at most once a minute per
    database; until then, and on an index built before, ranges use day prefixes, slower
    and always right."""
    alias = connection.alias
    now = time.monotonic()
    seen = _date_blocks_read.get(alias)
    if seen is None or now - seen[0] > _DATE_BLOCKS_TTL:
        with connection.cursor() as cursor:
            cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [TABLE])
            row = cursor.fetchone()
        seen = (now, bool(row) and row[0] == DATE_BLOCKS)
        _date_blocks_read[alias] = seen
    return seen[1]


def in_sample(key_: str) -> bool:
    """Whether an entry is also in the sample table: one in SAMPLE_RATIO, by a stable hash."""
    return zlib.crc32(key_.encode()) % postgres.SAMPLE_RATIO == 0


def _sample_row(row: Sequence[Any]) -> tuple[Any, ...]:
    """The sample table's row from a main table row (``_COLUMNS`` order)."""
    evec = row[18]
    return (
        *(row[0], row[2], row[3], row[4], row[8], row[9], row[10], row[17], evec, row[19]),
        title_lexemes(evec),
    )


def rebuild(entries: Iterable[IndexEntry]) -> int:
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
            _create_like(cursor, table)
        copy_main = f"COPY {TABLE}_new ({', '.join(_COLUMNS)}) FROM STDIN"
        copy_sample = f"COPY {SAMPLE}_new ({', '.join(_SAMPLE_COLUMNS)}) FROM STDIN"
        # The iterator may query the database, so it is drawn from between two COPYs;
        # rows are analysed during the COPY, while the server parses what was sent.
        while chunk := list(islice(iterator, postgres.COPY_CHUNK)):
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
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{postgres.BUILD_MEMORY}'")
        cursor.execute(f"COMMENT ON TABLE {TABLE}_new IS '{DATE_BLOCKS}'")
        for table in (TABLE, SAMPLE):
            _swap(cursor, table)
    _date_blocks_read.pop(connection.alias, None)
    return count


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
                f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {kind} USING INDEX {temporary}'
            )
            if constraint != name:
                cursor.execute(f'ALTER INDEX "{constraint}" RENAME TO "{name}"')
        else:
            cursor.execute(f'ALTER INDEX {temporary} RENAME TO "{name}"')


def upsert(entries: Iterable[IndexEntry]) -> None:
    """Insert or replace entries in both tables (the sample's only if sampled)."""
    # Sorted: two writers upserting overlapping batches lock rows in the same order.
    rows = sorted((analyse(e) for e in entries), key=lambda r: str(r[0]))
    if not rows:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(TABLE, _COLUMNS, ("vec", "evec")), rows)
        sampled = [_sample_row(r) for r in rows if in_sample(str(r[0]))]
        if sampled:
            cursor.executemany(
                _upsert_sql(SAMPLE, _SAMPLE_COLUMNS, ("vec", "evec", "hvec")), sampled
            )


def delete(keys: Iterable[str]) -> None:
    """Remove entries from both tables; unknown keys are ignored."""
    keys = sorted(set(keys))
    if keys:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in (TABLE, SAMPLE):
                cursor.execute(f"DELETE FROM {table} WHERE key = ANY(%s::text[])", [keys])  # noqa: S608


def _upsert_sql(table: str, columns: Sequence[str], vectors: Sequence[str]) -> str:
    values = ", ".join("%s::tsvector" if c in vectors else "%s" for c in columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != "key")
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"  # noqa: S608
        f" ON CONFLICT (key) DO UPDATE SET {updates}"
    )
