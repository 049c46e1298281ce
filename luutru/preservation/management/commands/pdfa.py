"""`luutru pdfa [--dossier CODE] [--json]`: migrate original PDFs to PDF/A, keeping originals."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from luutru.lib.commands import OperatorCommand
from luutru.records.models import Dossier


class Command(OperatorCommand):
    help = "Chuyển đổi tệp PDF gốc sang PDF/A để bảo quản (giữ nguyên bản gốc)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dossier", help="chỉ hồ sơ có mã này (mặc định: toàn bộ kho)")
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        from luutru.preservation.migration import migrate_dossier  # here: it loads pikepdf

        dossier = None
        if options["dossier"]:
            dossier = Dossier.objects.filter(code=options["dossier"].strip()).first()
            if dossier is None:
                raise CommandError(f"Không có hồ sơ mã {options['dossier']}.")
        outcomes = migrate_dossier(dossier)
        rows = [
            {
                "document": o.file.document.archival_code or str(o.file.document_id),
                "file": o.file.name,
                "converted": o.ok,
                "message": o.message,
                "sha256": o.derivative.stored.sha256 if o.derivative else None,
            }
            for o in outcomes
        ]
        if options["json"]:
            self.stdout.write(json.dumps({"files": rows}, ensure_ascii=False, indent=1))
        else:
            done = sum(1 for o in outcomes if o.ok)
            self.stdout.write(f"Đã chuyển đổi {done}/{len(outcomes)} tệp sang PDF/A.")
            for row in rows:
                if not row["converted"]:
                    self.stdout.write(f"  lỗi  {row['file']}: {row['message']}")
        if any(not o.ok for o in outcomes):
            raise SystemExit(1)
