"""The search index table; on PostgreSQL also its tsvector columns and indexes (ADR 0005)."""

from django.db import migrations, models

# What the ORM cannot say. ``vec`` (folded words, notation and code wholes, filter lexemes) is
# the only GIN-indexed column; ``evec`` (the words with their diacritics, and the title's words
# under ^) is read for ranking only. fastupdate off: searches never scan a pending list; writes
# are small and few. The sample table has both, and its own GIN index.
# toast_tuple_target at its maximum keeps rows of up to 8 KB inline and uncompressed: ranking
# reads vec and evec of a few hundred rows per query and should not detoast them.
POSTGRES_FORWARD = [
    "ALTER TABLE search_searchentry ADD COLUMN vec tsvector NOT NULL DEFAULT '',"
    " ADD COLUMN evec tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 8160)",
    "CREATE INDEX search_entry_vec ON search_searchentry USING gin (vec)"
    " WITH (fastupdate = off)",
    'CREATE INDEX search_entry_date ON search_searchentry ("date" DESC NULLS LAST, "key")',
    "ALTER TABLE search_searchsample ADD COLUMN vec tsvector NOT NULL DEFAULT '',"
    " ADD COLUMN evec tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_sample_vec ON search_searchsample USING gin (vec)"
    " WITH (fastupdate = off)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_sample_vec",
    "ALTER TABLE search_searchsample DROP COLUMN IF EXISTS evec, DROP COLUMN IF EXISTS vec",
    "DROP INDEX IF EXISTS search_entry_date",
    "DROP INDEX IF EXISTS search_entry_vec",
    "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS evec, DROP COLUMN IF EXISTS vec",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("object_id", models.BigIntegerField()),
                ("agency", models.BigIntegerField()),
                ("fonds", models.BigIntegerField(null=True)),
                ("year", models.IntegerField(null=True)),
                ("date", models.DateField(null=True)),
                ("head_len", models.PositiveSmallIntegerField(default=0)),
                ("kind", models.TextField()),
                ("doc_type", models.TextField()),
                ("retention", models.TextField()),
                ("access_regime", models.TextField()),
                ("code", models.TextField()),
                ("code_key", models.TextField()),
                ("notation", models.TextField()),
                ("notation_key", models.TextField()),
                ("title", models.TextField()),
                ("body", models.TextField()),
            ],
            options={
                "verbose_name": "mục chỉ mục tìm kiếm",
                "verbose_name_plural": "chỉ mục tìm kiếm",
            },
        ),
        migrations.CreateModel(
            name="SearchSample",
            fields=[
                ("key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("agency", models.BigIntegerField()),
                ("fonds", models.BigIntegerField(null=True)),
                ("year", models.IntegerField(null=True)),
                ("doc_type", models.TextField()),
                ("retention", models.TextField()),
                ("access_regime", models.TextField()),
            ],
            options={
                "verbose_name": "mẫu chỉ mục tìm kiếm",
                "verbose_name_plural": "mẫu chỉ mục tìm kiếm",
            },
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
