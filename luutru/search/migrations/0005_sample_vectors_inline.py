"""The sample table's vectors kept in its rows (compressed), not in its TOAST table.

With files' text indexed, a sample row's vectors outgrew the 2 KB at which PostgreSQL moves
values out of line: every search's estimate then fetched and decompressed each matching row's
``evec`` from the TOAST table, once per ranking tier, 75-115 ms at 150,000 records for a common
word (four times the same statement with the values in line). As on the main table,
``toast_tuple_target`` at its maximum; ``STORAGE MAIN`` compresses them in line first.
``rebuild`` copies both to the tables it builds; existing rows move at the next reindex.
PostgreSQL only; nothing to do on SQLite.
"""

from django.db import migrations

FORWARD = (
    "ALTER TABLE search_searchsample SET (toast_tuple_target = 8160),"
    " ALTER vec SET STORAGE MAIN, ALTER evec SET STORAGE MAIN"
)
BACKWARD = (
    "ALTER TABLE search_searchsample RESET (toast_tuple_target),"
    " ALTER vec SET STORAGE EXTENDED, ALTER evec SET STORAGE EXTENDED"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_index_document_kind")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
