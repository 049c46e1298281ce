"""The audit trail (nhật ký hệ thống, /quan-tri/nhat-ky/): administrators and the archive's head
browse it, filter it by action, person and day, and export what they filtered as CSV."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from luutru.audit.forms import EventFilterForm
from luutru.audit.labels import action_label
from luutru.audit.models import AuditEvent, AuditEventQuerySet
from luutru.audit.services import verify_chain
from luutru.lib.htmx import HtmxHttpRequest, render_page
from luutru.lib.spreadsheets import FORMULA_STARTS

PAGE_SIZE = 50
VIEW_AUDIT = "audit.view_auditevent"


def filtered_events(form: EventFilterForm) -> AuditEventQuerySet:
    """The events the (bound) filter form asks for, newest first, actors joined."""
    events = AuditEvent.objects.select_related("actor").newest_first()
    if not form.is_valid():
        return events
    data = form.cleaned_data
    if data["q"]:
        events = events.filter(
            Q(message__icontains=data["q"]) | Q(object_repr__icontains=data["q"])
        )
    action = data["action"]
    if action.endswith("."):  # a whole area ("ingest.")
        events = events.filter(action__startswith=action)
    elif action:
        events = events.filter(action=action)
    if data["actor"]:
        events = events.filter(
            Q(actor_name__icontains=data["actor"]) | Q(actor__full_name__icontains=data["actor"])
        )
    if data["since"]:
        events = events.filter(created_at__gte=_start_of(data["since"]))
    if data["until"]:
        events = events.filter(created_at__lt=_start_of(data["until"] + datetime.timedelta(days=1)))
    return events


@login_required
@permission_required(VIEW_AUDIT, raise_exception=True)
def event_list(request: HtmxHttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    events = filtered_events(form)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("trang"))
    for event in page:
        event.label = action_label(event.action)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("trang", None)
    return render_page(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
        partial="results",
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value: Any) -> str:
    """A CSV cell that a spreadsheet program will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@login_required
@permission_required(VIEW_AUDIT, raise_exception=True)
def event_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered events as CSV (UTF-8 with BOM, so Excel reads the diacritics), streamed."""
    events = filtered_events(EventFilterForm(request.GET or None))
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff"
        yield writer.writerow(
            ["STT", "Thời điểm", "Người thực hiện", "Tên đăng nhập", "Hành động", "Đối tượng",
             "Nội dung", "Địa chỉ IP", "Mã băm"]
        )  # fmt: skip
        for e in events.iterator(chunk_size=2000):
            when = timezone.localtime(e.created_at).strftime("%d/%m/%Y %H:%M:%S")
            name = e.actor.get_full_name() if e.actor else ""
            yield writer.writerow(
                [_safe(v) for v in (e.seq, when, name, e.actor_name, action_label(e.action),
                                    e.object_repr, e.message, e.ip_address, e.hash)]
            )  # fmt: skip

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    day = timezone.localdate().strftime("%d-%m-%Y")
    response["Content-Disposition"] = content_disposition_header(True, f"Nhật ký {day}.csv")
    return response


@login_required
@permission_required(VIEW_AUDIT, raise_exception=True)
def chain_status(request: HttpRequest) -> HttpResponse:
    """Run the same check as `luutru audit verify` and show its verdict."""
    return render(request, "audit/chain_status.html", {"report": verify_chain()})


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
