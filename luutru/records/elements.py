"""The TT 05/2025 elements (names, Vietnamese and English labels, kinds, lengths):
data/tt05_elements.csv."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "tt05_elements.csv"


@dataclass(frozen=True)
class Element:
    level: str  # "dossier" | "document"
    name: str  # TT 05 element name, e.g. "fileCode"
    label: str  # Vietnamese name, e.g. "Mã hồ sơ"
    kind: str  # identifier | text | code | codes | date | number | boolean
    max_length: int | None
    required: bool
    code_list: str | None
    field: str | None  # the model field it fills
    label_en: str = ""  # English name, shown when the interface is in English

    @property
    def shown_label(self) -> str:
        """The name a page shows: English when the interface is in English, else Vietnamese."""
        if self.label_en and (get_language() or "").startswith("en"):
            return self.label_en
        return self.label


@cache
def elements(level: str) -> dict[str, Element]:
    with DATA.open(encoding="utf-8") as handle:
        return {
            row["element"]: Element(
                level=row["level"],
                name=row["element"],
                label=row["label"],
                kind=row["kind"],
                max_length=int(row["max_length"]) if row["max_length"] else None,
                required=row["required"] == "yes",
                code_list=row["code_list"] or None,
                field=row["field"] or None,
                label_en=row.get("label_en") or "",
            )
            for row in csv.DictReader(handle)
            if row["level"] == level
        }
