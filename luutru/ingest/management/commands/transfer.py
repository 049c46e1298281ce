"""`luutru transfer accept ID [--json]` and `luutru transfer return ID --reason TEXT [--json]`.

The archive's decision on a received transfer, from the console: the same actions as the
transfer's page (``ingest.actions``). The operator decides as themself, or names the archivist
who decided with ``--user`` (whose permission and scope are then checked, and who may not be
the transfer's submitter). A refusal exits 1 with its Vietnamese message, and with ``--json``
also prints ``{"error": {"code", "message"}}``.

``accept --json`` prints ``{"transfer", "state", "agency", "package", "dossiers", "documents",
"files", "decided_at", "decided_by", "handover"}``; ``return --json`` the same with ``reason``
instead of ``handover``.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.urls import reverse

from luutru.accounts.models import User
from luutru.ingest.models import Transfer, TransferState
from luutru.lib.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Tiếp nhận vào kho hoặc trả lại một lần nộp lưu đang chờ tiếp nhận."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        accept = sub.add_parser("accept", help="tiếp nhận lần nộp lưu vào kho")
        give_back = sub.add_parser("return", help="trả lại lần nộp lưu cho cơ quan nộp lưu")
        give_back.add_argument("--reason", default="", help="lý do trả lại (bắt buộc)")
        for command in (accept, give_back):
            command.add_argument("id", help="mã lần nộp lưu (in ra khi nộp gói)")
            command.add_argument(
                "--user",
                help="tên đăng nhập của lưu trữ viên quyết định (mặc định: người vận hành)",
            )
            command.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        # Here, not above: the ingest pipeline's libraries load only when a transfer is decided.
        from luutru.ingest.actions import accept_transfer, refusal_code, return_transfer

        as_json = options["json"]
        try:
            transfer = self._transfer(options["id"])
            actor = self._actor(options["user"])
            if options["subcommand"] == "accept":
                transfer = accept_transfer(transfer, actor)
            else:
                transfer = return_transfer(transfer, actor, options["reason"])
        except ValidationError as exc:
            self._refuse(refusal_code(exc), " ".join(exc.messages), as_json)
        except LookupError as exc:
            self._refuse("not_found", str(exc.args[0]), as_json)
        outcome = outcome_json(transfer)
        if as_json:
            self.stdout.write(json.dumps(outcome, ensure_ascii=False, indent=1))
        elif transfer.state == TransferState.ACCEPTED:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã tiếp nhận vào kho lần nộp lưu “{transfer.package_name}” của "
                    f"{transfer.agency.name}: {transfer.dossier_count} hồ sơ, "
                    f"{transfer.document_count} tài liệu, {transfer.file_count} tệp. Biên bản "
                    f"giao nhận: {outcome['handover']}"
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã trả lại lần nộp lưu “{transfer.package_name}” cho "
                    f"{transfer.agency.name}. Lý do: {transfer.return_reason}"
                )
            )

    def _transfer(self, value: str) -> Transfer:
        try:
            transfer = Transfer.objects.filter(pk=value).first()
        except ValidationError:  # not a UUID
            transfer = None
        if transfer is None:
            raise LookupError(f"Không có lần nộp lưu {value}.")
        return transfer

    def _actor(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise LookupError(f"Không có tài khoản đang hoạt động tên “{username}”.")
        return user

    def _refuse(self, code: str, message: str, as_json: bool) -> NoReturn:
        if as_json:
            body = {"error": {"code": code, "message": message}}
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        raise CommandError(message)


def outcome_json(transfer: Transfer) -> dict[str, Any]:
    """What ``luutru transfer accept|return --json`` prints (pinned by the tests)."""
    decided_by = transfer.decided_by
    out: dict[str, Any] = {
        "transfer": str(transfer.pk),
        "state": transfer.state,
        "agency": transfer.agency.code,
        "package": transfer.package_name,
        "dossiers": transfer.dossier_count,
        "documents": transfer.document_count,
        "files": transfer.file_count,
        "decided_at": transfer.decided_at.isoformat() if transfer.decided_at else None,
        "decided_by": decided_by.get_full_name() if decided_by is not None else None,
    }
    if transfer.state == TransferState.ACCEPTED:
        out["handover"] = reverse("ingest:transfer-handover-pdf", args=[transfer.pk])
    else:
        out["reason"] = transfer.return_reason
    return out
