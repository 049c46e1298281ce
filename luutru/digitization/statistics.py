"""Digitization throughput (năng suất số hóa) by operator, agency and fonds.

Pages per hour of work: pages of accepted batches over the hours from each batch's creation
(upload) to its acceptance, summed; pages per hour of recognition: the same pages over the
machine time the OCR took. Aggregated in the database, one query per table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum

from luutru.digitization.models import BatchState, ScanBatchQuerySet


@dataclass(frozen=True)
class Row:
    label: str
    batches: int
    pages: int
    work_hours: float
    ocr_hours: float

    @property
    def pages_per_hour(self) -> float | None:
        return self.pages / self.work_hours if self.work_hours > 0 else None

    @property
    def ocr_pages_per_hour(self) -> float | None:
        return self.pages / self.ocr_hours if self.ocr_hours > 0 else None


@dataclass(frozen=True)
class Table:
    title: str
    rows: list[Row]


GROUPS = [
    ("Theo người số hóa", "operator__full_name", "operator__username"),
    ("Theo cơ quan", "agency__name", "agency__code"),
    ("Theo phông", "dossier__fonds__name", "dossier__fonds__code"),
]


def tables(batches: ScanBatchQuerySet) -> list[Table]:
    accepted = batches.filter(state=BatchState.ACCEPTED, decided_at__isnull=False)
    work = ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
    out = []
    for title, name, key in GROUPS:
        rows = []
        grouped = (
            accepted.values(name, key)
            .annotate(
                n=Count("pk"), pages=Sum("page_total"), work=Sum(work), ocr=Sum("ocr_seconds")
            )
            .order_by("-pages")
        )
        for g in grouped:
            label = g[name] or g[key] or "(không rõ)"
            seconds = g["work"].total_seconds() if g["work"] else 0.0
            rows.append(Row(label, g["n"], g["pages"] or 0, seconds / 3600, (g["ocr"] or 0) / 3600))
        out.append(Table(title, rows))
    return out
