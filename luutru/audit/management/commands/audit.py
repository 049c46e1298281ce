"""`luutru audit verify`: check the audit hash chain and name the first broken link."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from luutru.audit.services import verify_chain
from luutru.lib.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Kiểm tra chuỗi mã băm của nhật ký hệ thống."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="kiểm tra toàn bộ chuỗi nhật ký")
        verify.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": report.ok,
                        "checked": report.checked,
                        "head": report.head_hash,
                        "broken_seq": report.broken_seq,
                        "message": report.problem,
                    },
                    ensure_ascii=False,
                )
            )
            if not report.ok:
                raise SystemExit(1)
            return
        if not report.ok:
            raise CommandError(
                f"Chuỗi nhật ký BỊ PHÁ VỠ tại sự kiện số {report.broken_seq}. {report.problem}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Chuỗi nhật ký toàn vẹn: {report.checked} sự kiện, mã băm cuối {report.head_hash}."
            )
        )
