"""`luutru seal_secret_files [--json]`: encrypt at rest every file of a Mật record not yet
sealed (ADR 0011; needs ``MAT_KEY_FILE``). Run daily by ``luutru-seal-secret-files.timer``:
ingest seals at once, this catches records whose access regime became Mật later."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from luutru.ingest.actions import seal_secret_files
from luutru.lib.commands import OperatorCommand
from luutru.storage.backends import StorageError
from luutru.storage.sealing import key_configured


class Command(OperatorCommand):
    help = "Mã hóa các tệp của hồ sơ, tài liệu Mật chưa được mã hóa (cần MAT_KEY_FILE)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if not key_configured():  # an install that does not seal: the timer has nothing to do
            self.stdout.write(
                json.dumps({"sealed": []})
                if options["json"]
                else "Chưa đặt MAT_KEY_FILE: các tệp được lưu không mã hóa, không có gì để làm."
            )
            return
        try:
            sealed = seal_secret_files()
        except StorageError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps({"sealed": sealed}))
        else:
            self.stdout.write(f"Đã mã hóa {len(sealed)} tệp của hồ sơ, tài liệu Mật.")
