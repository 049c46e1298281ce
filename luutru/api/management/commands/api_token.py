"""`luutru api_token issue USERNAME NAME` | `revoke HINT` | `list`: agency systems' API tokens."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from luutru.accounts.models import User
from luutru.api import actions
from luutru.api.models import ApiToken
from luutru.lib.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Cấp, thu hồi, liệt kê mã truy cập API cho hệ thống của cơ quan."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        issue = sub.add_parser("issue", help="Cấp mã mới (chỉ hiện một lần).")
        issue.add_argument("username")
        issue.add_argument("name")
        revoke = sub.add_parser("revoke", help="Thu hồi mã theo đầu mã.")
        revoke.add_argument("hint")
        sub.add_parser("list", help="Liệt kê các mã.")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "issue":
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"Không có tài khoản “{options['username']}”.")
            _, token = actions.issue_token(user, options["name"], actor=None)
            self.stdout.write(token)
            self.stderr.write("Lưu mã này ngay: hệ thống chỉ giữ bản băm, không hiện lại được.")
        elif verb == "revoke":
            rows = list(ApiToken.objects.filter(hint__startswith=options["hint"]))
            if len(rows) != 1:
                raise CommandError(f"Cần đúng một mã bắt đầu bằng “{options['hint']}”.")
            actions.revoke_token(rows[0], actor=None)
            self.stdout.write(f"Đã thu hồi {rows[0]}.")
        else:
            for row in ApiToken.objects.select_related("user"):
                state = "đã thu hồi" if row.revoked_at else "đang dùng"
                self.stdout.write(f"{row.hint}…\t{row.user.username}\t{row.name}\t{state}")
