"""`luutru clean_leftovers [--json]`: remove what killed uploads, runs and writes left behind.

Uploaded packages of finished transfers, spooled files of killed uploads, work folders of killed
runs and partial blobs in storage, once older than ``LEFTOVERS_MAX_AGE_HOURS`` (a daily timer,
``deploy/systemd/luutru-clean-leftovers.timer``). Never a file of a transfer still in progress.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.conf import settings

from luutru.ingest.actions import clean_leftovers
from luutru.lib.commands import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Xóa gói đã tải lên của các lần nộp lưu đã xong, tệp tạm của lần tải lên bị ngắt, thư mục "
        "xử lý và tệp ghi dở trong kho, khi đã cũ hơn LEFTOVERS_MAX_AGE_HOURS."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = clean_leftovers(actor=None)
        if options["json"]:
            self.stdout.write(json.dumps(counts, ensure_ascii=False))
            return
        self.stdout.write(
            f"Đã dọn phần bỏ dở quá {settings.LEFTOVERS_MAX_AGE_HOURS} giờ: "
            f"{counts['packages']} gói đã tải lên, {counts['spooled']} tệp tạm, "
            f"{counts['work']} thư mục xử lý, {counts['partial_blobs']} tệp ghi dở trong kho."
        )
