"""`luutru retention due`: what has expired by the end of a year, and schedules as data."""

from __future__ import annotations

import datetime
import io
import json

from django.core.exceptions import ValidationError
from django.core.management import call_command

from luutru.records.tests.factory import make_dossier
from luutru.retention import actions, services
from luutru.retention.models import HoldKind, Schedule, ScheduleKind
from luutru.test import BaseTestCase


def due_json(*args: str) -> dict[str, list[dict[str, object]]]:
    out = io.StringIO()
    call_command("retention", "due", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


class DueListTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a = cls.agency_a

        def dossier(number: int, retention: str, ended: int, **extra: object) -> None:
            make_dossier(
                a,
                number,
                code=f"H62.{ended}.{number:02d}",
                retention=retention,
                start_date=datetime.date(ended, 1, 2),
                end_date=datetime.date(ended, 6, 30),
                fonds=cls.fonds_a,
                **extra,
            )

        dossier(1, "06", 2014)  # 10 years: expired 31/12/2024
        dossier(2, "05", 2005)  # 20 years: expires 31/12/2025
        dossier(3, "06", 2016)  # expires 31/12/2026: due next year
        dossier(4, "01", 1990)  # permanent: never
        dossier(5, "07", 2000)  # "Khác": no length, never here
        dossier(6, "06", 2010, custody="received")  # not yet in the holdings
        actions.place_hold(
            kind=HoldKind.REQUEST,
            reason="Yêu cầu của Thanh tra tỉnh",
            dossier=cls.agency_a.dossiers.get(code="H62.2005.02"),
            actor=cls.archivist,
        )

    def test_it_lists_expired_held_dossiers_with_their_holds(self) -> None:
        self.assertEqual(
            due_json("--year", "2025"),
            {
                "dossiers": [
                    {
                        "code": "H62.2014.01",
                        "retention": "06",
                        "expires": "2024-12-31",
                        "hold": False,
                    },
                    {
                        "code": "H62.2005.02",
                        "retention": "05",
                        "expires": "2025-12-31",
                        "hold": True,
                    },
                ]
            },
        )

    def test_a_later_year_adds_what_expires_by_then(self) -> None:
        codes = [row["code"] for row in due_json("--year", "2026")["dossiers"]]
        self.assertEqual(codes, ["H62.2014.01", "H62.2005.02", "H62.2016.03"])

    def test_dossiers_on_a_round_are_no_longer_due(self) -> None:
        actions.open_appraisal(agency=self.agency_a, year=2025, actor=self.archivist)
        self.assertEqual(due_json("--year", "2025"), {"dossiers": []})

    def test_the_plain_text_names_the_retention(self) -> None:
        out = io.StringIO()
        call_command("retention", "due", "--year", "2025", stdout=out)
        self.assertIn(
            "H62.2005.02  20 năm  hết hạn 31/12/2025  [đang tạm dừng hủy]", out.getvalue()
        )

    def test_expiry_counts_from_the_year_the_matter_ended(self) -> None:
        self.assertEqual(
            services.expiry("04", datetime.date(2000, 1, 1)), datetime.date(2030, 12, 31)
        )
        self.assertIsNone(services.expiry("01", datetime.date(2000, 1, 1)))


class ScheduleTests(BaseTestCase):
    def test_a_new_version_supersedes_and_keeps_the_old(self) -> None:
        entries = [{"number": "1", "group": "Hồ sơ thanh tra", "retention": "04"}]
        first = actions.publish_schedule(
            key="chung",
            name="Bảng thời hạn lưu trữ chung",
            kind=ScheduleKind.GENERAL,
            legal_basis="Thông tư 10/2022/TT-BNV",
            entries=entries,
            actor=self.admin,
        )
        entries[0]["retention"] = "03"
        second = actions.publish_schedule(
            key="chung",
            name="Bảng thời hạn lưu trữ chung",
            kind=ScheduleKind.GENERAL,
            legal_basis="Thông tư 10/2022/TT-BNV (sửa đổi)",
            entries=entries,
            actor=self.admin,
        )
        self.assertEqual(second.version, 2)
        first.refresh_from_db()
        self.assertIsNotNone(first.superseded_at)
        self.assertEqual(list(Schedule.objects.current()), [second])
        self.assertEqual(first.entries.get().retention, "04")
        self.assertEqual([e.group for e in services.find_entries("thanh tra")], ["Hồ sơ thanh tra"])

    def test_an_unknown_retention_code_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "mã 01 đến 07"):
            actions.publish_schedule(
                key="y-te",
                name="Bảng chuyên ngành y tế",
                kind=ScheduleKind.SECTORAL,
                legal_basis="Thông tư 33/2025/TT-BYT",
                entries=[{"group": "Bệnh án", "retention": "99"}],
                actor=self.admin,
            )
        self.assertFalse(Schedule.objects.exists())
