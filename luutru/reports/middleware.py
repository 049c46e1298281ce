"""Counting the public doors' use (lượt sử dụng), cheaply and without personal data.

One ``UPDATE … SET count = count + 1`` a counted response (an ``INSERT`` the first time a door
is used on a day): no address, no user, no path is kept, only the door and the day. Only
successful GETs count, so probes of missing pages and refused requests do not.
"""

from __future__ import annotations

from collections.abc import Callable

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


def count_use(door: str) -> None:
    """Add one use of ``door`` today: an atomic increment, the row made on first use."""
    day = timezone.localdate()
    if DoorCount.objects.filter(day=day, door=door).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            DoorCount.objects.create(day=day, door=door, count=1)
    except IntegrityError:  # another request made the row first
        DoorCount.objects.filter(day=day, door=door).update(count=F("count") + 1)


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
