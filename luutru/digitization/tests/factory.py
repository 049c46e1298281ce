"""What an operator confirms for the documents of a batch, for tests that go on to accept it."""

from __future__ import annotations

import datetime
from typing import Any

from luutru.digitization import actions
from luutru.digitization.models import ScanBatch

PAPER_CODE = "H62.K1.G02.H03.07"


def describe_all(batch: ScanBatch, actor: Any = None, **values: Any) -> None:
    """Describe every document of ``batch`` (and its paper code) as an operator would."""
    defaults: dict[str, Any] = {
        "summary": "Quyết định phân bổ dự toán ngân sách",
        "doc_type": "02",
        "number": "12",
        "notation": "QĐ-STC",
        "issued_date": datetime.date(2024, 3, 5),
        "issuer": "Sở Tài chính",
        "sheet_count": 1,
        "physical_condition": "01",
    }
    for item in batch.items.all():
        fields = {**defaults, **values}
        if item.document is not None:
            fields.update(summary="", doc_type="", number="", notation="", issued_date=None,
                          issuer="")  # fmt: skip
        actions.describe_item(item, actions.Description(**fields), actor=actor)
    if not actions.paper_code_of(batch):
        actions.set_paper_code(batch, PAPER_CODE, actor=actor)
