"""Counting the public doors' use (lượt sử dụng), cheaply and without personal data.

One ``UPDATE … SET count = count + n`` per door and day (an ``INSERT`` the first time a door is
used on a day): no address, no user, no path is kept, only the door and the day. Only
successful GETs count, so probes of missing pages and refused requests do not.

Each process adds up its uses in memory and writes them every ``DOOR_COUNT_FLUSH_SECONDS``
(and when it exits): a write per page view would cost more than a cached page itself, and
serialise every visitor on SQLite's one writer. A process killed outright loses at most those
seconds of counts.
"""

from __future__ import annotations

import atexit
import datetime
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from luutru.reports.models import Door, DoorCount

# The first prefix that matches names the door; paths under none are not public doors.
PREFIXES: tuple[tuple[str, str], ...] = (
    ("/quan-tri/", ""),
    ("/tai-khoan/", ""),
    ("/doc-gia/", ""),
    ("/static/", ""),
    ("/i18n/", ""),
    ("/api/", Door.API),
    ("/oai", Door.OAI),
    ("/iiif/", Door.IIIF),
    ("/", Door.PORTAL),
)
DOWNLOAD_SUFFIX = "/tai-ve/"


def door_of(path: str) -> str:
    if path.endswith(DOWNLOAD_SUFFIX) and path.startswith("/tai-lieu/"):
        return Door.DOWNLOAD
    for prefix, door in PREFIXES:
        if path.startswith(prefix):
            return door
    return ""


def add_uses(day: datetime.date, door: str, uses: int) -> None:
    """Add ``uses`` to ``door`` on ``day``: an atomic increment, the row made on first use."""
    if DoorCount.objects.filter(day=day, door=door).update(count=F("count") + uses):
        return
    try:
        with transaction.atomic():
            DoorCount.objects.create(day=day, door=door, count=uses)
    except IntegrityError:  # another process made the row first
        DoorCount.objects.filter(day=day, door=door).update(count=F("count") + uses)


class _Tally:
    """This process's uses not yet written, by (day, door)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: Counter[tuple[datetime.date, str]] = Counter()
        self.written_at = time.monotonic()

    def add(self, door: str) -> None:
        with self.lock:
            self.pending[(timezone.localdate(), door)] += 1
            due = time.monotonic() - self.written_at >= settings.DOOR_COUNT_FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        with self.lock:
            pending, self.pending = self.pending, Counter()
            self.written_at = time.monotonic()
        for (day, door), uses in pending.items():
            add_uses(day, door, uses)


TALLY = _Tally()
log = logging.getLogger(__name__)


def count_use(door: str) -> None:
    """One use of ``door`` today (written with the next flush)."""
    TALLY.add(door)


@atexit.register
def _flush_at_exit() -> None:
    try:
        TALLY.flush()
    except Exception:  # at exit, the database may already be gone
        log.warning("Không ghi được số lượt sử dụng còn lại khi dừng tiến trình.", exc_info=True)


class DoorCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "GET" and 200 <= response.status_code < 300:
            door = door_of(request.path)
            if door:
                count_use(door)
        return response
