"""The sample table's rows made narrow: its vectors out of line, the title's lexemes in line.

At 1,000,000 entries with their files' text a sample row was 5.6 KB (its vectors compressed
in line, migration 0005): a common word's estimate visited 17,000 heap pages, 135 MB, more
than the default shared buffers, 120-180 ms a search. Counting and grouping the matches
needs only the GIN index and the facet columns, and the first ranking tiers only the title's
words: ``hvec`` holds those (the lexemes under ``^`` of ``evec``), small and in line. ``vec``
and ``evec`` go to the TOAST table (``toast_tuple_target`` at its minimum), read only for the
few rows whose body words must be checked as written.
Existing rows get their ``hvec`` here; their vectors move out of line at the next reindex.
PostgreSQL only; nothing to do on SQLite.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE search_searchsample ADD COLUMN hvec tsvector NOT NULL DEFAULT '',"
    " ALTER hvec SET STORAGE MAIN, ALTER hvec SET STATISTICS 0,"
    " SET (toast_tuple_target = 128),"
    " ALTER vec SET STORAGE EXTENDED, ALTER evec SET STORAGE EXTENDED",
    "UPDATE search_searchsample SET hvec = array_to_tsvector(ARRAY("
    "SELECT lexeme FROM unnest(tsvector_to_array(evec)) AS lexeme"
    " WHERE left(lexeme, 1) = '^'))",
]
BACKWARD = [
    "ALTER TABLE search_searchsample DROP COLUMN hvec, SET (toast_tuple_target = 8160),"
    " ALTER vec SET STORAGE MAIN, ALTER evec SET STORAGE MAIN",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_sample_vectors_inline")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
