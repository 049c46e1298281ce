"""`luutru demo [--port N] [--no-serve]`: migrate, seed the demo province, print logins, serve."""

from __future__ import annotations

import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

from luutru.demo.collection import DemoCollectionError, seed_collection
from luutru.demo.digitization import seed_digitization
from luutru.demo.exhibition import seed_exhibition
from luutru.demo.media import DemoMediaError, seed_media
from luutru.demo.province import DEMO_PASSWORD, USERS, seed
from luutru.demo.publication import publish_demo
from luutru.demo.use import seed_use
from luutru.lib.commands import OperatorCommand
from luutru.portal.publication import sync_register


class Command(OperatorCommand):
    help = "Dựng tỉnh mẫu để dùng thử và tập huấn, rồi chạy máy chủ web."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000)")
        parser.add_argument("--no-serve", action="store_true", help="chỉ nạp dữ liệu mẫu")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        created = seed()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Đã nạp tỉnh mẫu ({created} mục mới)."))
        else:
            self.stdout.write("Tỉnh mẫu đã có sẵn; không thay đổi gì.")
        try:
            loaded = seed_collection()
        except DemoCollectionError as exc:
            raise CommandError(str(exc)) from exc
        if loaded:
            self.stdout.write(
                self.style.SUCCESS(f"Đã tiếp nhận {loaded} lần nộp lưu mẫu qua quy trình nộp lưu.")
            )
        else:
            self.stdout.write("Các lần nộp lưu mẫu đã có trong kho; không nạp lại.")
        try:
            if seed_media():
                self.stdout.write(
                    self.style.SUCCESS("Đã tiếp nhận bộ ảnh và đoạn ghi âm mẫu (tạo tại chỗ).")
                )
        except DemoMediaError as exc:
            raise CommandError(str(exc)) from exc
        if seed_digitization():
            self.stdout.write(self.style.SUCCESS("Đã số hóa một hồ sơ giấy mẫu (OCR tiếng Việt)."))
        published = publish_demo()
        if published:
            self.stdout.write(
                self.style.SUCCESS(f"Đã công bố {published} hồ sơ, tài liệu Công khai mẫu.")
            )
        shown = seed_exhibition()
        if shown:
            self.stdout.write(
                self.style.SUCCESS(f"Đã lập triển lãm trực tuyến 2/9 với {shown} tài liệu.")
            )
        used = seed_use()
        if used:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã tạo chứng thư số thử nghiệm và phiếu yêu cầu khai thác mẫu ({used} mục)."
                )
            )
        # The portal's OAI-PMH register follows ingests by itself; this catches up a demo
        # database seeded before the portal existed (idempotent).
        sync_register()
        self.stdout.write(f"\nTài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        for user in USERS:
            self.stdout.write(f"  {user.username:<12} {user.role.label:<34} {user.full_name}")
        if options["no_serve"]:
            return
        port = options["port"]
        self.stdout.write(
            f"\nMở http://127.0.0.1:{port}/ trong trình duyệt. Nhấn Ctrl+C để dừng.\n"
        )
        # The background worker runs uploaded packages through the pipeline while we serve,
        # and the scheduled fixity audit, which re-enqueues itself (preservation/README.md).
        call_command("fixity", "--schedule", stdout=self.stdout)
        worker = subprocess.Popen(
            [sys.executable, "-m", "luutru.cli", "db_worker", "--no-startup-delay"],
            stdout=subprocess.DEVNULL,
        )
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
