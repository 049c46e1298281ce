"""`luutru retention due [--year YYYY] [--json]`: dossiers whose retention has ended.

Prints the held dossiers whose retention period ends by 31/12 of the year (default: this year)
and that are on no appraisal list yet, with whether a legal hold covers them
(docs/interfaces.md: ``{"dossiers": [{"code", "retention", "expires", "hold"}]}``).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from luutru.lib.commands import OperatorCommand
from luutru.retention import services


class Command(OperatorCommand):
    help = "Lưu giữ và loại hủy: danh sách hồ sơ hết thời hạn lưu trữ (xem xét hủy)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        due = sub.add_parser("due", help="hồ sơ hết thời hạn lưu trữ đến hết năm")
        due.add_argument("--year", type=int, help="năm (mặc định: năm nay)")
        due.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options.get("year") or timezone.localdate().year
        if not 1900 <= year <= 9999:
            raise CommandError(f"Năm không hợp lệ: {year}.")
        rows = services.due_rows(year)
        if options["json"]:
            payload = {"dossiers": [row.as_dict() for row in rows]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        if not rows:
            self.stdout.write(f"Không có hồ sơ hết thời hạn lưu trữ đến hết năm {year}.")
            return
        for row in rows:
            hold = "  [đang tạm dừng hủy]" if row.hold else ""
            label = services.retention_label(row.retention)
            self.stdout.write(f"{row.code}  {label}  hết hạn {row.expires:%d/%m/%Y}{hold}")
        self.stdout.write(f"{len(rows)} hồ sơ hết thời hạn lưu trữ đến hết năm {year}.")
