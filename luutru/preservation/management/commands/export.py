"""`luutru export CODE --format aip|bagit --out PATH`: write a dossier's package, or a loose
document's.

CODE is a dossier's code (mã hồ sơ: its AIP_hoso), or a document's archival code or identifier
(mã lưu trữ, mã định danh tài liệu): a loose document's AIP_tailieu, or, for a document filed in a
dossier, that dossier's AIP_hoso. ``aip`` writes the TT 05/2025 AIP folder (or a zip when PATH
ends in .zip); ``bagit`` writes a BagIt bag whose payload is that AIP. Every file is checked
against its SHA-256 as it is copied out of storage.
"""

from __future__ import annotations

import shutil
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db.models import Q

from luutru.lib.commands import OperatorCommand
from luutru.preservation.aip import write_aip, write_bag, zip_folder
from luutru.records.models import Document, Dossier


class Command(OperatorCommand):
    help = (
        "Xuất gói của một hồ sơ hoặc một tài liệu chưa lập hồ sơ: AIP theo TT 05/2025 "
        "hoặc túi BagIt."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "code", help="mã hồ sơ, hoặc mã lưu trữ / mã định danh của tài liệu chưa lập hồ sơ"
        )
        parser.add_argument("--format", choices=["aip", "bagit", "dip"], default="aip")
        parser.add_argument("--out", required=True, help="thư mục đích (hoặc tệp .zip)")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"].strip()
        held: Dossier | Document | None = Dossier.objects.filter(code=code).first()
        if held is None and code:
            document = (
                Document.objects.filter(Q(archival_code=code) | Q(identifier=code))
                .select_related("dossier", "agency")
                .first()
            )
            held = (document.dossier or document) if document is not None else None
        if held is None:
            raise CommandError(f"Không có hồ sơ hay tài liệu mã {options['code']}.")
        if options["format"] == "dip":
            raise CommandError("Gói DIP được lập ở phần khai thác, sử dụng (chưa có ở lệnh này).")
        out = Path(options["out"])
        if options["format"] == "bagit":
            out.mkdir(parents=True, exist_ok=True)
            path = write_bag(held, out)
        elif out.suffix.lower() == ".zip":
            out.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=out.parent) as work:
                folder = write_aip(held, Path(work)).path
                path = zip_folder(folder, out)
                shutil.rmtree(folder)
        else:
            out.mkdir(parents=True, exist_ok=True)
            path = write_aip(held, out).path
        self.stdout.write(str(path))
