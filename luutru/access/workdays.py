"""Working days (ngày làm việc) for the legal time limits of use (TT 05/2025 Điều 35, 36).

A reader's account is issued within 01 working day and a request reviewed within 06. Working
days are Monday to Friday except Vietnam's public holidays (the ``holidays`` package: Tết
Dương lịch, Tết Nguyên đán, Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh, with the observed days
it knows), plus what the government decides each year and the package cannot know:
``ACCESS_EXTRA_DAYS_OFF`` (extra days off, e.g. a Tết bridge) and ``ACCESS_EXTRA_WORKING_DAYS``
(compensatory Saturdays, làm bù). Both are lists of ISO dates in settings.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    import holidays  # here: its country tables take a while to load, and few processes need them

    return frozenset(holidays.country_holidays("VN", years=year))


def _dates(name: str) -> frozenset[datetime.date]:
    return frozenset(datetime.date.fromisoformat(str(d)) for d in getattr(settings, name, ()))


def is_working_day(day: datetime.date) -> bool:
    """Whether offices work on ``day``."""
    if day in _dates("ACCESS_EXTRA_WORKING_DAYS"):
        return True
    if day.weekday() >= 5 or day in _dates("ACCESS_EXTRA_DAYS_OFF"):
        return False
    return day not in _public_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count, as a time
    limit runs from the day after receipt); ``days`` = 0 gives ``start``."""
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is
    before ``start``): how many of a limit have been used, or are left."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
