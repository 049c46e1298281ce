"""`luutru restore PATH [--check] [--force]`: put a backup back into an empty install.

``--check`` only re-hashes the backup (database file and every stored file) and reports.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from luutru.lib.commands import OperatorCommand
from luutru.preservation.backup import BackupError, restore, verify_backup


class Command(OperatorCommand):
    help = "Khôi phục cơ sở dữ liệu và tệp tin từ một bản sao lưu vào hệ thống trống."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="thư mục bản sao lưu")
        parser.add_argument("--check", action="store_true", help="chỉ kiểm tra bản sao lưu")
        parser.add_argument(
            "--force", action="store_true", help="khôi phục đè lên hệ thống đã có dữ liệu"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            if options["check"]:
                problems = verify_backup(path)
                for problem in problems:
                    self.stderr.write(problem)
                if problems:
                    raise SystemExit(1)
                self.stdout.write(f"Bản sao lưu {path} toàn vẹn.")
                return
            result = restore(path, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã khôi phục từ {result.path}: cơ sở dữ liệu ({result.database}) và "
            f"{result.files} tệp ({result.bytes} byte). Hãy chạy luutru fixity --all và "
            "luutru audit verify để kiểm tra."
        )
