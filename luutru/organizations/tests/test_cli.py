"""`luutru agency add CODE NAME [--parent CODE]`: an operator's typo ends in a Vietnamese line.

Each refusal is checked to create nothing: no agency and no audit event.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from luutru.audit.models import AuditEvent
from luutru.organizations.actions import end_agency
from luutru.organizations.models import Agency, EndReason
from luutru.test import BaseTestCase, make_agency


class AgencyAddCommandTests(BaseTestCase):
    def add(self, *args: str) -> str:
        out = StringIO()
        call_command("agency", "add", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    def assert_refused(self, message: str, *args: str) -> None:
        agencies, events = Agency.objects.count(), AuditEvent.objects.count()
        with self.assertRaisesMessage(CommandError, message):
            self.add(*args)
        self.assertEqual(Agency.objects.count(), agencies)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_it_adds_an_agency_under_its_parent_and_audits_it(self) -> None:
        events = AuditEvent.objects.count()
        output = self.add("000.00.12.h62", "Sở Khoa học và Công nghệ", "--parent", "000.00.00.h62")
        agency = Agency.objects.get(code="000.00.12.H62")
        self.assertEqual(agency.name, "Sở Khoa học và Công nghệ")
        self.assertEqual(agency.parent, self.province)
        self.assertIn("Đã thêm cơ quan Sở Khoa học và Công nghệ (000.00.12.H62).", output)
        self.assertEqual(AuditEvent.objects.count(), events + 1)
        event = AuditEvent.objects.order_by("-seq").first()
        assert event is not None
        self.assertEqual(event.action, "organizations.agency_create")
        self.assertEqual(event.object_id, str(agency.pk))
        self.assertEqual(event.actor_name, "")

    def test_it_adds_a_top_level_agency_without_a_parent(self) -> None:
        self.add("000.00.00.K62", "Hội đồng nhân dân tỉnh")
        self.assertIsNone(Agency.objects.get(code="000.00.00.K62").parent)

    def test_it_refuses_a_malformed_code(self) -> None:
        self.assert_refused(
            "Mã định danh: Mã định danh “12.34” không đúng dạng NNN.NN.NN.XNN",
            "12.34",
            "Sở Khoa học và Công nghệ",
        )

    def test_it_refuses_a_code_already_in_use(self) -> None:
        self.assert_refused(
            "Mã định danh: Mã định danh này đã được dùng cho một cơ quan khác.",
            self.agency_a.code,
            "Sở Tài chính (bản trùng)",
        )

    def test_it_refuses_an_unknown_parent(self) -> None:
        self.assert_refused(
            "Không tìm thấy cơ quan cấp trên có mã 000.00.99.H62.",
            "000.00.12.H62",
            "Sở Khoa học và Công nghệ",
            "--parent",
            "000.00.99.h62",
        )

    def test_it_refuses_a_parent_that_has_ended(self) -> None:
        district = make_agency("000.30.01.H62", "Ủy ban nhân dân huyện Gia Viễn", self.province)
        end_agency(district, on=datetime.date(2025, 7, 1), reason=EndReason.DISSOLVED, actor=None)
        self.assert_refused(
            "Cơ quan cấp trên: Cơ quan cấp trên “Ủy ban nhân dân huyện Gia Viễn” "
            "đã ngừng hoạt động từ ngày 01/07/2025.",
            "000.30.01.H63",
            "Phòng Nội vụ huyện",
            "--parent",
            district.code,
        )


def test_the_console_script_exits_non_zero_with_the_message_and_no_traceback(
    tmp_path: Path,
) -> None:
    luutru = Path(sys.executable).with_name("luutru")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LUUTRU_DATA_DIR"] = str(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
            [str(luutru), *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    migrated = run("migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    result = run("agency", "add", "12.34", "Sở Khoa học và Công nghệ")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "Mã định danh “12.34” không đúng dạng NNN.NN.NN.XNN" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""
