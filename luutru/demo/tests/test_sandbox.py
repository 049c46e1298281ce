"""The training sandbox: its own data dir, put back to the starting state by a reset."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase

from luutru.demo import sandbox

LOADS: list[Path] = []


def fake_demo(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """What `luutru demo --no-serve` (then the worker's batch) leaves behind, in miniature."""
    if args[0] == "db_worker":
        (data / "search").mkdir()
        return subprocess.CompletedProcess(args, 0, "", "")
    assert args == ("demo", "--no-serve")
    LOADS.append(data)
    (data / "luutru.sqlite3").write_text("tỉnh mẫu")
    (data / "files").mkdir()
    (data / "files" / "ab.pdf").write_text("tệp")
    (data / "work").mkdir()
    return subprocess.CompletedProcess(args, 0, "", "")


class SandboxTests(SimpleTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        LOADS.clear()
        patched = mock.patch.object(sandbox, "luutru", side_effect=fake_demo)
        patched.start()
        self.addCleanup(patched.stop)

    def reset(self, *args: str) -> dict[str, Any]:
        out = StringIO()
        with self.settings(SANDBOX_DIR=self.tmp / "sandbox", DATA_DIR=self.tmp / "that"):
            call_command("sandbox", "reset", "--json", *args, stdout=out)
        return json.loads(out.getvalue())

    def test_a_reset_puts_back_what_a_class_changed_without_loading_again(self) -> None:
        first = self.reset()
        data = Path(first["data_dir"])
        self.assertTrue(first["rebuilt"])
        self.assertEqual(data, (self.tmp / "sandbox" / "du-lieu").resolve())
        self.assertIn("vanthu", " ".join(first["users"]))
        # A class works in the sandbox: adds files, changes the database.
        (data / "luutru.sqlite3").write_text("sửa trong giờ học")
        (data / "files" / "moi.pdf").write_text("tệp mới")
        second = self.reset()
        self.assertFalse(second["rebuilt"])
        self.assertEqual((data / "luutru.sqlite3").read_text(), "tỉnh mẫu")
        self.assertFalse((data / "files" / "moi.pdf").exists())
        self.assertFalse((data / "work").exists())
        self.assertTrue((data / "search").is_dir())  # the queued indexing was done first
        self.assertEqual(len(LOADS), 1)
        self.assertTrue(self.reset("--rebuild")["rebuilt"])
        self.assertEqual(len(LOADS), 2)

    def test_the_sandbox_never_sees_the_real_archives_locations(self) -> None:
        real = {"DATABASE_URL": "postgres://kho/that", "STORAGE_URL": "s3://kho", "LANG": "vi"}
        with mock.patch.dict("os.environ", real):
            env = sandbox.environment(self.tmp / "du-lieu")
        self.assertNotIn("DATABASE_URL", env)
        self.assertNotIn("STORAGE_URL", env)
        self.assertEqual(env["LANG"], "vi")
        self.assertEqual(env["LUUTRU_DATA_DIR"], str(self.tmp / "du-lieu"))

    def test_a_sandbox_in_the_real_data_dir_is_refused(self) -> None:
        with (
            self.settings(SANDBOX_DIR=self.tmp, DATA_DIR=self.tmp / "du-lieu"),
            self.assertRaisesMessage(CommandError, "trùng thư mục dữ liệu"),
        ):
            call_command("sandbox", "reset", stdout=StringIO())
        with (
            self.settings(SANDBOX_DIR=self.tmp, DATA_DIR=self.tmp),
            self.assertRaisesMessage(CommandError, "trùng thư mục dữ liệu"),
        ):
            call_command("sandbox", "reset", stdout=StringIO())

    def test_a_failed_load_leaves_no_half_built_starting_state(self) -> None:
        failed = subprocess.CompletedProcess(("demo",), 1, "", "Lỗi cấu hình: thiếu quyền ghi")
        with (
            mock.patch.object(sandbox, "luutru", return_value=failed),
            self.assertRaisesMessage(CommandError, "thiếu quyền ghi"),
        ):
            self.reset()
        self.assertFalse((self.tmp / "sandbox" / "ban-goc").exists())
        self.assertFalse((self.tmp / "sandbox" / "ban-goc.moi").exists())
