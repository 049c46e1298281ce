"""`luutru agency add CODE NAME [--parent CODE]` and `luutru agency list`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from luutru.lib.commands import OperatorCommand
from luutru.organizations import actions
from luutru.organizations.models import Agency, AgencyKind
from luutru.organizations.validators import normalize_code


class Command(OperatorCommand):
    help = "Quản lý danh sách cơ quan, tổ chức."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        add = sub.add_parser("add", help="đăng ký một cơ quan, tổ chức")
        add.add_argument("code", help="mã định danh 13 ký tự, ví dụ 000.00.00.H62")
        add.add_argument("name", help="tên cơ quan, tổ chức")
        add.add_argument("--parent", help="mã định danh của cơ quan cấp trên")
        add.add_argument(
            "--kind",
            default=AgencyKind.OTHER,
            choices=AgencyKind.values,
            help="loại cơ quan (mặc định: other)",
        )
        add.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        sub.add_parser("list", help="liệt kê các cơ quan")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            for agency in Agency.objects.order_by("code"):
                state = "" if agency.valid_until is None else " (đã ngừng hoạt động)"
                self.stdout.write(f"{agency.code}  {agency.name}{state}")
            return
        parent = None
        if options["parent"]:
            parent_code = normalize_code(options["parent"])
            parent = Agency.objects.filter(code=parent_code).first()
            if parent is None:
                raise CommandError(f"Không tìm thấy cơ quan cấp trên có mã {parent_code}.")
        try:
            agency = actions.create_agency(
                actor=None,
                code=options["code"],
                name=options["name"].strip(),
                kind=options["kind"],
                parent=parent,
            )
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps({"code": agency.code, "name": agency.name}))
        else:
            self.stdout.write(self.style.SUCCESS(f"Đã thêm cơ quan {agency}."))


FIELD_LABELS = {"code": "Mã định danh", "name": "Tên", "parent": "Cơ quan cấp trên"}


def _describe(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    return " ".join(
        f"{FIELD_LABELS.get(field, field)}: {' '.join(messages)}"
        for field, messages in exc.message_dict.items()
    )
