"""`luutru kpi_snapshot [--day YYYY-MM-DD]`: the day's aggregates the dashboard reads (this
year and the four before, each month of this year). Run daily (cron or a systemd timer);
running it twice replaces the day's snapshot."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import CommandError

from luutru.lib.commands import OperatorCommand
from luutru.reports.actions import take_snapshot


class Command(OperatorCommand):
    help = "Tổng hợp số liệu chỉ tiêu trong ngày cho trang báo cáo."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--day", help="Ngày tổng hợp, dạng YYYY-MM-DD (mặc định: hôm nay).")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["day"]:
            try:
                day = datetime.date.fromisoformat(options["day"])
            except ValueError as exc:
                raise CommandError(f"Ngày không hợp lệ: “{options['day']}”.") from exc
        snap = take_snapshot(day)
        if options["verbosity"]:
            self.stdout.write(f"Đã tổng hợp số liệu ngày {snap.day:%d/%m/%Y}.")
