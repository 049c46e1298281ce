"""The TT 05/2025 elements (names, Vietnamese labels, kinds, lengths): data/tt05_elements.csv."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
            )
            for row in csv.DictReader(handle)
            if row["level"] == level
        }
