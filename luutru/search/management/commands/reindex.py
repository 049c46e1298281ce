"""`luutru reindex`: rebuild the search index from the database."""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from luutru.search.services import reindex


def _vi(number: float, decimals: int = 0) -> str:
    """1234567.8 → '1.234.567,8': Vietnamese digit grouping."""
    text = f"{number:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


class Command(BaseCommand):
    help = "Lập lại chỉ mục tìm kiếm từ cơ sở dữ liệu (hồ sơ và tài liệu)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
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
