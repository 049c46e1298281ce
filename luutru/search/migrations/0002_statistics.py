"""No statistics for columns no plan filters on: ANALYZE, part of every rebuild, then skips them.

It was a second of a 55,000-record reindex, most of it the lexemes of evec. ``rebuild`` copies
these targets to the tables it builds. PostgreSQL only; nothing to do on SQLite.
"""

from django.db import migrations

TARGETS = {
    "search_searchentry": {
        "evec": 0, "title": 0, "body": 0, "code": 0, "notation": 0, "code_key": 0,
        "notation_key": 0, "vec": 10,
    },
    "search_searchsample": {"evec": 0, "vec": 10},
}  # fmt: skip


def _set(schema_editor, default: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in TARGETS.items():
        changes = ", ".join(
            f"ALTER {column} SET STATISTICS {-1 if default else target}"
            for column, target in columns.items()
        )
        schema_editor.execute(f"ALTER TABLE {table} {changes}")


def forward(apps, schema_editor):
    _set(schema_editor, default=False)


def backward(apps, schema_editor):
    _set(schema_editor, default=True)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
