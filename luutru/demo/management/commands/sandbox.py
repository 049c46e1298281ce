"""`luutru sandbox reset [--rebuild] [--json]` and `luutru sandbox serve [--port N]`: the
training sandbox (môi trường tập huấn), a demo province of its own (see luutru/demo/sandbox.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from luutru.demo import sandbox
from luutru.demo.province import DEMO_PASSWORD, USERS
from luutru.lib.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Môi trường tập huấn: đưa tỉnh mẫu riêng về trạng thái ban đầu, hoặc chạy nó."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        reset = commands.add_parser("reset", help="đưa môi trường tập huấn về trạng thái ban đầu")
        reset.add_argument("--rebuild", action="store_true", help="nạp lại tỉnh mẫu từ đầu")
        reset.add_argument("--json", action="store_true")
        serve = commands.add_parser("serve", help="chạy máy chủ web của môi trường tập huấn")
        serve.add_argument("--port", type=int, default=8001, help="cổng (mặc định 8001)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "serve":
            self.serve(options["port"])
            return
        try:
            done = sandbox.reset(rebuild=options["rebuild"])
        except sandbox.SandboxError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            users = [u.username for u in USERS]
            report = {"data_dir": str(done.data_dir), "rebuilt": done.rebuilt, "users": users}
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        how = "nạp tỉnh mẫu rồi " if done.rebuilt else ""
        self.stdout.write(
            self.style.SUCCESS(f"Đã {how}đưa môi trường tập huấn về trạng thái ban đầu.")
        )
        self.stdout.write(f"Thư mục dữ liệu: {done.data_dir}")
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        for user in USERS:
            self.stdout.write(f"  {user.username:<12} {user.role.label:<34} {user.full_name}")
        self.stdout.write("Chạy: luutru sandbox serve")

    def serve(self, port: int) -> None:
        data = sandbox.data_dir()
        if not (data / "luutru.sqlite3").is_file():
            raise CommandError("Chưa có môi trường tập huấn; chạy luutru sandbox reset trước.")
        self.stdout.write(f"Môi trường tập huấn: http://127.0.0.1:{port}/ (Ctrl+C để dừng).")
        env = sandbox.environment(data)
        worker = subprocess.Popen(
            [sys.executable, "-m", "luutru.cli", "db_worker", "--no-startup-delay"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            subprocess.run(  # noqa: S603 (our own interpreter and command)
                [sys.executable, "-m", "luutru.cli", "runserver", f"127.0.0.1:{port}",
                 "--noreload"],
                env=env,
                check=False,
                cwd=os.getcwd(),
            )  # fmt: skip
        finally:
            worker.terminate()
            worker.wait(timeout=10)
