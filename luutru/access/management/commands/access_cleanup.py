"""`luutru access_cleanup`: tell readers whose period ends within two days; delete reading
copies and copies 5 days after their period ended (TT 05/2025 Điều 37), close those requests,
remove delivery files no row names. Run it daily (cron or a systemd timer); it is idempotent."""

from __future__ import annotations

from typing import Any

from luutru.access.actions import notify_expiring, purge_expired
from luutru.lib.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Xóa bản đọc, bản sao đã hết hạn quá 5 ngày và kết thúc phiếu yêu cầu tương ứng."

    def handle(self, *args: Any, **options: Any) -> None:
        told = notify_expiring()
        purged = purge_expired()
        if options["verbosity"]:
            self.stdout.write(f"Đã báo {told} độc giả sắp hết hạn khai thác.")
            self.stdout.write(f"Đã xóa {purged} bản cung cấp hết hạn.")
