"""The PostgreSQL search index as a table (ADR 0005).

``SearchEntry`` is derived data: one row per ``IndexEntry``, written only by
``luutru.search.backends.postgres`` and rebuilt from the records by ``luutru reindex``. The
table exists on SQLite too (migrations are the same everywhere) but stays empty there; on
PostgreSQL the migration adds what the ORM cannot express: the folded ``vec`` and unfolded
``evec`` tsvector columns, the GIN index and the date index.
"""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    """One searchable dossier or document. Plain integers, not foreign keys: the index must
    never hold a lock on, or block the deletion of, the records it is derived from."""

    key = models.CharField(max_length=64, primary_key=True)  # "document:123"
    object_id = models.BigIntegerField()
    agency = models.BigIntegerField()
    fonds = models.BigIntegerField(null=True)
    year = models.IntegerField(null=True)
    date = models.DateField(null=True)
    head_len = models.PositiveSmallIntegerField(
        default=0
    )  # words in the title: shorter ranks first
    kind = models.TextField()
    doc_type = models.TextField()
    retention = models.TextField()
    access_regime = models.TextField()
    code = models.TextField()
    code_key = models.TextField()  # the code folded, for exact and prefix ranking
    notation = models.TextField()
    notation_key = models.TextField()  # "123/qd-ubnd"
    title = models.TextField()
    body = models.TextField()

    class Meta:
        verbose_name = "mục chỉ mục tìm kiếm"
        verbose_name_plural = "chỉ mục tìm kiếm"

    def __str__(self) -> str:
        return self.key


class SearchSample(models.Model):
    """The same entries, one in ``SAMPLE_RATIO`` (chosen by a hash of the key), with only what
    estimates need. Small enough to stay in memory: a search with many matches counts and
    groups its share of this table instead of reading hundreds of thousands of rows."""

    key = models.CharField(max_length=64, primary_key=True)
    agency = models.BigIntegerField()
    fonds = models.BigIntegerField(null=True)
    year = models.IntegerField(null=True)
    doc_type = models.TextField()
    retention = models.TextField()
    access_regime = models.TextField()

    class Meta:
        verbose_name = "mẫu chỉ mục tìm kiếm"
        verbose_name_plural = "mẫu chỉ mục tìm kiếm"

    def __str__(self) -> str:
        return self.key
