"""`luutru audit verify` checks the audit hash chain against its anchor outside the database
and names the first broken link; `luutru audit checkpoint` writes a signed checkpoint."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from luutru.audit.anchor import AnchorError
from luutru.audit.services import checkpoint, verify_chain
from luutru.lib.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Kiểm tra chuỗi mã băm của nhật ký hệ thống và ghi điểm neo ngoài cơ sở dữ liệu."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="kiểm tra toàn bộ chuỗi nhật ký")
        verify.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        verify.add_argument(
            "--checkpoints",
            type=Path,
            action="append",
            default=[],
            metavar="THƯ_MỤC",
            help="đối chiếu thêm các điểm neo trong thư mục này (ví dụ thư mục sao lưu)",
        )
        point = sub.add_parser(
            "checkpoint", help="ký đầu chuỗi hiện tại và ghi điểm neo ra các thư mục neo"
        )
        point.add_argument(
            "--out",
            type=Path,
            action="append",
            default=[],
            metavar="THƯ_MỤC",
            help="ghi thêm vào thư mục này (ví dụ thư mục sao lưu)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "checkpoint":
            try:
                point = checkpoint(options["out"])
            except AnchorError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                f"Đã ghi điểm neo nhật ký: sự kiện số {point.seq}, mã băm {point.head}."
            )
            return
        report = verify_chain(checkpoint_dirs=options["checkpoints"])
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": report.ok,
                        "checked": report.checked,
                        "head": report.head_hash,
                        "broken_seq": report.broken_seq,
                        "message": report.problem,
                        "checkpoints": report.checkpoints,
                    },
                    ensure_ascii=False,
                )
            )
            if not report.ok:
                raise SystemExit(1)
            return
        if not report.ok:
            where = f" tại sự kiện số {report.broken_seq}" if report.broken_seq else ""
            raise CommandError(f"Chuỗi nhật ký BỊ PHÁ VỠ{where}. {report.problem}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Chuỗi nhật ký toàn vẹn: {report.checked} sự kiện, mã băm cuối "
                f"{report.head_hash}, khớp chữ ký khóa neo và {report.checkpoints} điểm neo."
            )
        )
