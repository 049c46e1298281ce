"""Working days: weekends, Vietnam's public holidays (Tết included) and the settings' extras."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase, override_settings

from luutru.access import services, workdays

D = datetime.date


class WorkdayTests(SimpleTestCase):
    def test_weekends_do_not_count(self) -> None:
        # Friday 6 March 2026 + 1 working day is Monday 9 March.
        self.assertEqual(workdays.add_working_days(D(2026, 3, 6), 1), D(2026, 3, 9))

    def test_tet_does_not_count(self) -> None:
        # Tết Bính Ngọ: 16-20 February 2026 are days off; a request of Friday 13 February is
        # answered by the 6th working day after: 23, 24, 25, 26, 27 February, 2 March.
        self.assertFalse(workdays.is_working_day(D(2026, 2, 17)))
        self.assertEqual(workdays.add_working_days(D(2026, 2, 13), 6), D(2026, 3, 2))

    def test_national_day_and_its_bridge(self) -> None:
        for day in (D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2)):
            self.assertFalse(workdays.is_working_day(day), day)

    @override_settings(
        ACCESS_EXTRA_DAYS_OFF=["2026-03-10"], ACCESS_EXTRA_WORKING_DAYS=["2026-03-14"]
    )
    def test_extra_days_off_and_compensatory_working_days_come_from_settings(self) -> None:
        self.assertFalse(workdays.is_working_day(D(2026, 3, 10)))
        self.assertTrue(workdays.is_working_day(D(2026, 3, 14)))  # a Saturday made a working day
        # Monday 9 March + 2: Tuesday 10 is off, Wednesday 11, Thursday 12.
        self.assertEqual(workdays.add_working_days(D(2026, 3, 9), 2), D(2026, 3, 11 + 1))

    def test_deadlines_count_working_days_left_and_overdue(self) -> None:
        due = D(2026, 3, 9)  # a Monday
        self.assertEqual(services.deadline(due, today=D(2026, 3, 6)).left, 1)
        self.assertTrue(services.deadline(due, today=D(2026, 3, 6)).soon)
        late = services.deadline(due, today=D(2026, 3, 11))
        self.assertTrue(late.overdue)
        self.assertEqual(late.label, "Quá hạn 2 ngày làm việc")
