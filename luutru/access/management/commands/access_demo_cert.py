"""`luutru access_demo_cert`: write a demo CA and archive signing certificate where the
settings point (ACCESS_SIGNING_KEY, ACCESS_SIGNING_CERT, ACCESS_SIGNING_CHAIN), unless there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from luutru.access.signing import write_demo_certificate
from luutru.lib.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Tạo chứng thư số thử nghiệm của cơ quan lưu trữ để ký bản sao có xác thực."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", default="Trung tâm Lưu trữ lịch sử tỉnh")

    def handle(self, *args: Any, **options: Any) -> None:
        files = write_demo_certificate(Path(settings.ACCESS_SIGNING_CERT).parent, options["name"])
        self.stdout.write(f"Chứng thư số thử nghiệm: {files.cert} (CA: {files.chain[0]}).")
