"""`luutru access_remind`: e-mail each handler the requests and reader accounts whose legal
time limit ends within one working day or has passed. Run it each working morning."""

from __future__ import annotations

from typing import Any

from luutru.access.services import send_reminders
from luutru.lib.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Nhắc cán bộ các phiếu yêu cầu, tài khoản độc giả sắp đến hạn hoặc quá hạn."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders()
        if options["verbosity"]:
            self.stdout.write(f"Đã gửi {sent} thư nhắc hạn.")
