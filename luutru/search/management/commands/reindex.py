"""`luutru reindex [--text]`: rebuild the search index from the database; ``--text`` first
extracts again the text of every born-digital file held (PDF, DOCX, ODT, XML)."""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings

from luutru.lib.commands import OperatorCommand
from luutru.records.models import DocumentFile
from luutru.search.extraction import candidates, extract_file
from luutru.search.services import reindex


def reextract() -> dict[str, int]:
    """Extract again every born-digital file's text; counts by status."""
    counts: dict[str, int] = {}
    ids = candidates(again=True)
    for start in range(0, len(ids), 500):
        files = DocumentFile.objects.filter(pk__in=ids[start : start + 500]).select_related(
            "stored"
        )
        for document_file in files.order_by("pk"):
            status = extract_file(document_file).status
            counts[status] = counts.get(status, 0) + 1
    return counts


def _vi(number: float, decimals: int = 0) -> str:
    """1234567.8 → '1.234.567,8': Vietnamese digit grouping."""
    text = f"{number:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


class Command(OperatorCommand):
    help = "Lập lại chỉ mục tìm kiếm từ cơ sở dữ liệu (hồ sơ và tài liệu)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        parser.add_argument(
            "--text",
            action="store_true",
            help="trích xuất lại văn bản của mọi tệp PDF, DOCX, ODT, XML đang lưu trước khi lập",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        extracted: dict[str, int] = {}
        if options["text"]:
            extracted = reextract()
            if not options["json"]:
                self.stdout.write(
                    f"Đã trích xuất văn bản {_vi(sum(extracted.values()))} tệp: "
                    f"{_vi(extracted.get('done', 0))} đủ, {_vi(extracted.get('partial', 0))} "
                    f"một phần, {_vi(extracted.get('failed', 0))} không được."
                )
        count = reindex()
        seconds = time.perf_counter() - start
        rate = count / seconds if seconds > 0 else 0.0
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "indexed": count,
                        "seconds": round(seconds, 3),
                        "per_second": round(rate),
                        "backend": settings.SEARCH_BACKEND,
                        **({"extracted": extracted} if options["text"] else {}),
                    }
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã lập lại chỉ mục tìm kiếm: {_vi(count)} hồ sơ, tài liệu trong "
                f"{_vi(seconds, 1)} giây ({_vi(rate)} bản ghi/giây)."
            )
        )
