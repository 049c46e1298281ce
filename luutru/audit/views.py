"""Administrators browse and filter the audit trail (/quan-tri/nhat-ky/)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from luutru.audit.forms import EventFilterForm
from luutru.audit.models import AuditEvent
from luutru.audit.services import verify_chain
from luutru.lib.htmx import HtmxHttpRequest, render_page

PAGE_SIZE = 50


@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def event_list(request: HtmxHttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor").newest_first()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            events = events.filter(
                Q(message__icontains=data["q"]) | Q(object_repr__icontains=data["q"])
            )
        if data["action"]:
            events = events.filter(action__icontains=data["action"])
        if data["actor"]:
            events = events.filter(actor_name__icontains=data["actor"])
        if data["since"]:
            events = events.filter(created_at__gte=_start_of(data["since"]))
        if data["until"]:
            events = events.filter(
                created_at__lt=_start_of(data["until"] + datetime.timedelta(days=1))
            )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render_page(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
        partial="results",
    )


@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def chain_status(request: HttpRequest) -> HttpResponse:
    """Run the same check as `luutru audit verify` and show its verdict."""
    return render(request, "audit/chain_status.html", {"report": verify_chain()})


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
