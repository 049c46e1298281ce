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
    doc_kind = models.TextField(default="")  # records.DocumentKind of a document, "" otherwise
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
    doc_kind = models.TextField(default="")

    class Meta:
        verbose_name = "mẫu chỉ mục tìm kiếm"
        verbose_name_plural = "mẫu chỉ mục tìm kiếm"

    def __str__(self) -> str:
        return self.key


class ExtractionStatus(models.TextChoices):
    DONE = "done", "Đã trích xuất"
    PARTIAL = "partial", "Trích xuất một phần"
    FAILED = "failed", "Không trích xuất được"


class FileExtraction(models.Model):
    """The text of a born-digital file (PDF text layer, DOCX, ODT, XML), extracted once after
    acceptance (``luutru.search.extraction``), or why it could not be: a file without text is
    reported here with a reason in Vietnamese, never silently skipped. Scans get their text
    from OCR instead (``digitization.FileText``)."""

    file = models.OneToOneField(
        "records.DocumentFile", on_delete=models.CASCADE, related_name="extraction"
    )
    status = models.CharField(max_length=10, choices=ExtractionStatus.choices)
    reason = models.CharField(max_length=500, blank=True)  # why failed or partial, Vietnamese
    text = models.TextField(blank=True)
    pages = models.PositiveIntegerField(default=0)  # pages read (PDF)
    seconds = models.FloatField(default=0.0)
    extracted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "văn bản trích xuất từ tệp"
        verbose_name_plural = "văn bản trích xuất từ tệp"

    def __str__(self) -> str:
        return f"Văn bản trích xuất của tệp {self.file_id}"
