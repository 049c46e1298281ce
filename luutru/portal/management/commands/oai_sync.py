"""`luutru oai_sync`: rebuild the OAI-PMH register (published and withdrawn documents)."""

from __future__ import annotations

from typing import Any

from luutru.lib.commands import OperatorCommand
from luutru.portal.publication import sync_register


class Command(OperatorCommand):
    help = "Đối chiếu sổ công bố OAI-PMH với kho tài liệu (tài liệu công khai, đã rút)."

    def handle(self, *args: Any, **options: Any) -> None:
        written = sync_register()
        self.stdout.write(f"Đã cập nhật {written} bản ghi OAI-PMH.")
