"""`luutru tasks --requeue-stalled [--json]`: queue again the tasks whose worker died (a timer).

Prints ``{"requeued": [{"task", "task_path", "worker"}], "abandoned": [...]}`` with ``--json``.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from luutru.lib.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Tác vụ nền: đưa lại vào hàng đợi các tác vụ mà tiến trình nền chạy chúng đã ngừng."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--requeue-stalled",
            action="store_true",
            help="đưa lại vào hàng đợi mọi tác vụ đang chạy mà tiến trình nền của nó đã ngừng "
            "báo còn hoạt động (chạy theo lịch)",
        )
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        from luutru.workers.actions import requeue_stalled

        if not options["requeue_stalled"]:
            raise CommandError("Cần chọn việc cần làm, ví dụ --requeue-stalled.")
        recovered = requeue_stalled()
        requeued = [r.as_dict() for r in recovered if r.requeued]
        abandoned = [r.as_dict() for r in recovered if not r.requeued]
        if options["json"]:
            out = {"requeued": requeued, "abandoned": abandoned}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
            return
        for item in requeued:
            self.stdout.write(f"Đưa lại vào hàng đợi tác vụ {item['task_path']} ({item['task']}).")
        for item in abandoned:
            self.stdout.write(f"Dừng hẳn tác vụ {item['task_path']} ({item['task']}).")
        self.stdout.write(
            f"Đã đưa lại vào hàng đợi {len(requeued)} tác vụ; dừng hẳn {len(abandoned)} tác vụ."
        )
