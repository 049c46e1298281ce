"""`luutru publish CODE… [--reason TEXT] [--json]` and `luutru publish --withdraw CODE… --reason
TEXT [--json]`: publish records (công bố) on the portal, API, OAI-PMH, IIIF and search, or take
them off again (OAI-PMH then reports them deleted).

Codes are dossier codes, or documents' archival codes or identifiers. The operator acts as the
system (``actor=None``): the refusals left are the records' own (Mật, Sử dụng có điều kiện, not
yet accepted, a document of an unpublished dossier, not published, unknown). ``--json`` prints
``{"published": [codes], "refused": [{"code", "reason"}]}`` (``"withdrawn"`` with
``--withdraw``); the exit code is 1 when anything was refused.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.db.models import Q

from luutru.lib.commands import OperatorCommand
from luutru.records.models import Document, Dossier


def find(code: str) -> Dossier | Document | None:
    """The dossier with this code, else the document with this archival code or identifier."""
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is not None:
        return dossier
    return (
        Document.objects.filter(Q(archival_code=code) | Q(identifier=code)).order_by("pk").first()
    )


class Command(OperatorCommand):
    help = "Công bố hồ sơ, tài liệu trên cổng tra cứu, API, OAI-PMH, IIIF; hoặc thu hồi công bố."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("codes", nargs="+", metavar="MÃ", help="mã hồ sơ, mã lưu trữ tài liệu")
        parser.add_argument(
            "--withdraw", action="store_true", help="thu hồi công bố (cần --reason)"
        )
        parser.add_argument("--reason", default="", help="lý do, căn cứ của quyết định")
        download = parser.add_mutually_exclusive_group()
        download.add_argument(
            "--download", dest="download", action="store_true", default=None,
            help="cho công chúng tải bản gốc (mặc định: theo chính sách của phông)",
        )  # fmt: skip
        download.add_argument(
            "--pages-only", dest="download", action="store_false",
            help="chỉ cho đọc từng trang, không tải bản gốc",
        )  # fmt: skip
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        from luutru.records import actions  # here: it loads the spreadsheet reader (openpyxl)

        withdraw = options["withdraw"]
        if withdraw and not options["reason"].strip():
            raise CommandError('Thu hồi công bố cần nêu lý do: --reason "…".')
        codes = list(dict.fromkeys(c.strip() for c in options["codes"] if c.strip()))
        found: list[Dossier | Document] = []
        refused: list[dict[str, str]] = []
        for code in codes:
            record = find(code)
            if record is None:
                reason = f"Không có hồ sơ, tài liệu mang mã “{code}”."
                refused.append({"code": code, "reason": reason})
            else:
                found.append(record)
        if withdraw:
            outcome = actions.withdraw_records(found, None, options["reason"])
        else:
            outcome = actions.publish_records(
                found, None, options["reason"], allow_download=options["download"]
            )
        refused += [{"code": r.code, "reason": r.reason} for r in outcome.refused]
        key = "withdrawn" if withdraw else "published"
        if options["json"]:
            self.stdout.write(
                json.dumps({key: outcome.codes, "refused": refused}, ensure_ascii=False)
            )
        else:
            verb = "Đã thu hồi công bố" if withdraw else "Đã công bố"
            for code in outcome.codes:
                self.stdout.write(self.style.SUCCESS(f"{verb}: {code}"))
            for refusal in refused:
                self.stderr.write(f"Không thực hiện với {refusal['code']}: {refusal['reason']}")
        if refused:
            raise SystemExit(1)
