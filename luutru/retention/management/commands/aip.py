"""`luutru aip import PATH [--agency CODE] [--archive CODE] [--json]`: take an AIP made by
another system to TT 05/2025 form into the historical archive (lưu trữ lịch sử).

PATH is the package folder or a .zip of it. Every check comes first (METS and PREMIS against
their schemas, the size and SHA-256 of every file, no file the METS does not list, the TT 05
values, codes not yet in the holdings); a refused package changes nothing and each error
names its file (and field). Exit status 0 when imported, 1 when refused (docs/interfaces.md,
"our additions").
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from luutru.lib.commands import OperatorCommand
from luutru.organizations.models import Agency
from luutru.organizations.validators import normalize_code
from luutru.retention.actions import import_aip


class Command(OperatorCommand):
    help = "Gói lưu trữ (AIP): nhập gói do hệ thống khác lập theo TT 05/2025 vào lưu trữ lịch sử."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="nhập một gói AIP (thư mục hoặc tệp .zip)")
        imp.add_argument("path", help="thư mục hoặc tệp .zip của gói")
        imp.add_argument("--agency", help="mã cơ quan lập hồ sơ (mặc định: IPOWNER trong METS)")
        imp.add_argument("--archive", help="mã cơ quan quản lý lưu trữ lịch sử nhận gói")
        imp.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy gói “{path}”.")
        agency = self._agency(options.get("agency"))
        archive_agency = self._agency(options.get("archive"))
        result = import_aip(path, actor=None, agency=agency, archive_agency=archive_agency)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        elif result.imported:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã nhập hồ sơ {result.dossier} ({result.documents} tài liệu, "
                    f"{result.files} tệp) vào {result.archive}; gói {result.objid}."
                )
            )
        else:
            self.stdout.write(self.style.ERROR(f"Gói bị từ chối: {len(result.errors)} lỗi."))
            for error in result.errors:
                where = ", ".join(p for p in (error["file"], error.get("field", "")) if p)
                self.stdout.write(f"  {where}: {error['message']}")
        if not result.imported:
            raise SystemExit(1)

    def _agency(self, code: str | None) -> Agency | None:
        if not code:
            return None
        agency = Agency.objects.filter(code=normalize_code(code)).first()
        if agency is None:
            raise CommandError(f"Chưa có cơ quan mã {code}.")
        return agency
