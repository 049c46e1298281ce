"""`luutru ingest PATH --agency CODE [--dry-run] [--json]`: validate and ingest one package.

``--resume ID`` runs one stopped transfer here; ``--resume-stalled`` (for a timer) queues again
every running transfer whose worker has not reported for ``INGEST_STALL_SECONDS``.

A valid package ends ``received`` (waiting for the archive: ``luutru transfer accept ID``) or
``accepted`` when its agency is accepted on receipt; the exit status is 0 for both, 1 when the
package is rejected or the run failed.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from luutru.ingest.models import Transfer, TransferState
from luutru.lib.commands import OperatorCommand
from luutru.organizations.models import Agency
from luutru.organizations.validators import normalize_code


class Command(OperatorCommand):
    help = "Kiểm tra và tiếp nhận một gói nộp lưu (thư mục hoặc tệp .zip)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", help="thư mục hoặc tệp .zip của gói")
        parser.add_argument("--agency", help="mã định danh của cơ quan nộp lưu")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không lưu")
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        parser.add_argument("--resume", metavar="TRANSFER", help="chạy tiếp một lần nộp bị dừng")
        parser.add_argument(
            "--resume-stalled",
            action="store_true",
            help="đưa lại vào hàng đợi mọi lần nộp lưu mà tiến trình xử lý đã ngừng báo tiến độ "
            "(chạy theo lịch)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here, not above: the pipeline loads the spreadsheet, PDF and signature
        # libraries, and `luutru ingest --help` should not wait for them (lib/commands.py).
        from luutru.ingest.actions import ingest, report, resume_stalled

        if options["resume_stalled"]:
            resumed = resume_stalled()
            if options["json"]:
                items = [{"transfer": str(t.pk), "package": t.package_name} for t in resumed]
                self.stdout.write(json.dumps({"resumed": items}, ensure_ascii=False, indent=1))
            else:
                for item in resumed:
                    self.stdout.write(f"Tiếp tục xử lý gói “{item.package_name}” ({item.pk}).")
                self.stdout.write(f"Đã đưa lại vào hàng đợi {len(resumed)} lần nộp lưu.")
            return
        if options["resume"]:
            transfer = Transfer.objects.filter(pk=options["resume"]).first()
            if transfer is None:
                raise CommandError(f"Không có lần nộp lưu {options['resume']}.")
        else:
            transfer = self._receive(options)
        transfer = ingest(transfer, take_over=bool(options["resume"]))
        outcome = report(transfer)
        if options["json"]:
            self.stdout.write(json.dumps(outcome, ensure_ascii=False, indent=1))
        else:
            self._print(transfer, outcome)
        if not transfer.valid:
            raise SystemExit(1)

    def _receive(self, options: dict[str, Any]) -> Transfer:
        if not options["path"] or not options["agency"]:
            raise CommandError("Cần đường dẫn gói và --agency MÃ_CƠ_QUAN.")
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy gói “{path}”.")
        code = normalize_code(options["agency"])
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise CommandError(
                f"Chưa có cơ quan mã {code}. Hãy đăng ký trước: luutru agency add {code} TÊN"
            )
        from luutru.ingest.actions import receive_package

        return receive_package(path, agency=agency, actor=None, dry_run=options["dry_run"])

    def _print(self, transfer: Transfer, outcome: dict[str, Any]) -> None:
        if transfer.valid:
            counts = (
                f"{outcome['dossiers']} hồ sơ, {outcome['documents']} tài liệu, "
                f"{outcome['files']} tệp"
            )
            if transfer.state == TransferState.CHECKED:
                line = f"Gói hợp lệ (kiểm tra thử): {counts}."
            elif transfer.state == TransferState.ACCEPTED:
                line = (
                    f"Đã tiếp nhận gói vào kho: {counts} (cơ quan được tiếp nhận ngay khi nhận "
                    "gói)."
                )
            else:
                line = (
                    f"Gói hợp lệ, chờ lưu trữ tiếp nhận: {counts}. Lần nộp lưu {transfer.pk}: "
                    f"luutru transfer accept {transfer.pk}"
                )
            self.stdout.write(self.style.SUCCESS(line))
        else:
            self.stdout.write(self.style.ERROR(f"Gói bị từ chối: {len(outcome['errors'])} lỗi."))
        for kind, items in (("Lỗi", outcome["errors"]), ("Cảnh báo", outcome["warnings"])):
            for item in items:
                where = ", ".join(
                    str(p)
                    for p in (
                        item.get("file"),
                        item.get("row") and f"dòng {item['row']}",
                        item.get("field"),
                    )
                    if p
                )
                self.stdout.write(f"  {kind} [{item['code']}] {where}: {item['message']}")
