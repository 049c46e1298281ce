"""htmx requests: the typed request a view receives, and the one way it answers with a partial.

A page that htmx updates in place is one template with named partials
(django-template-partials, ``{% partialdef results inline %}``); its view calls
:func:`render_page`, which renders ``template#partial`` for an htmx request and the whole page
otherwise. A history-restore request is htmx asking for the *whole page* of a URL it pushed
(Back or Forward when the page is not in its localStorage cache, which every signed-in page
refuses, ``hx-history="false"`` in base.html): it gets the page, never the bare fragment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """The request as views see it: ``htmx`` set by django-htmx's middleware (settings.py).

    ``user`` is already typed by django-stubs as ``AUTH_USER_MODEL | AnonymousUser`` (the
    project's ``accounts.User``), which lib could not import without breaking the layer order.
    """

    htmx: HtmxDetails


def render_page(
    request: HtmxHttpRequest,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    partial: str,
    status: int | None = None,
) -> HttpResponse:
    """``template`` whole, or only its ``partial`` for an htmx request (see the module).

    The answer varies on the htmx headers, so that no cache (the browser's included, which
    Back may use without asking) serves the fragment for a normal visit or the reverse.
    """
    wants_partial = bool(request.htmx) and not request.htmx.history_restore_request
    name = f"{template}#{partial}" if wants_partial else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response
