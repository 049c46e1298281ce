"""`luutru backup PATH [--since EARLIER] [--json]`: a consistent backup of the database and the
stored files; with ``--since``, only the files added after the earlier backup (incremental)."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from luutru.lib.commands import OperatorCommand
from luutru.preservation.backup import BackupError, backup


class Command(OperatorCommand):
    help = "Sao lưu cơ sở dữ liệu và toàn bộ tệp tin vào một thư mục mới."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="thư mục mới để chứa bản sao lưu")
        parser.add_argument(
            "--since",
            help="bản sao lưu trước đó: chỉ chép các tệp mới có sau bản đó (sao lưu gia tăng); "
            "cơ sở dữ liệu vẫn được sao lưu đầy đủ",
        )
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = None if options["json"] or not sys.stderr.isatty() else self._progress
        try:
            since = Path(options["since"]) if options["since"] else None
            result = backup(
                Path(options["path"]), since=since, actor_name="luutru backup",
                on_progress=progress,
            )  # fmt: skip
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        else:
            self.stdout.write(
                f"Đã sao lưu vào {result.path}: cơ sở dữ liệu ({result.database}) và "
                f"{result.files} tệp ({result.bytes} byte)."
            )
        if result.missing:
            self.stderr.write(
                f"Thiếu {len(result.missing)} tệp không còn bản tốt: {', '.join(result.missing)}"
            )
            raise SystemExit(1)

    def _progress(self, done: int, total: int) -> None:
        sys.stderr.write(f"\r{done}/{total} tệp")
        sys.stderr.flush()
