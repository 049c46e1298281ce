"""The second factor in front of every page: a user who needs it and has not passed it this
session sees only the accounts pages (sign in, enrol, verify, sign out) and static files.

Both facts live in the session, so that a page costs no extra query: whether the user needs
the factor (``SESSION_KEY``, decided at sign-in by ``accounts.signals``, or on the first request
of a session older than this rule) and which device passed it (django-otp's
``DEVICE_ID_SESSION_KEY``, written by ``django_otp.login`` only after a correct code).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from luutru.accounts.services import has_second_factor, needs_second_factor
from luutru.lib.api import error_body

SESSION_KEY = "luutru_second_factor"
REQUIRED = "required"
OPTIONAL = "optional"
# The accounts pages themselves, static files and the language switcher stay open.
OPEN_PREFIXES = ("/tai-khoan/", "/static/", "/i18n/")


def remember_need(request: HttpRequest, user: Any) -> str:
    """Decide, once per session, whether ``user`` must pass the second factor."""
    state = REQUIRED if needs_second_factor(user) else OPTIONAL
    request.session[SESSION_KEY] = state
    return state


def is_verified(request: HttpRequest) -> bool:
    """Whether this session passed the second factor."""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


class SecondFactorMiddleware:
    """After ``AuthenticationMiddleware`` and the API's ``TokenMiddleware``: a request with an
    API token is not a browser sign-in and passes (the token is the agency system's own
    credential, issued by an administrator)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        user = request.user
        if (
            not user.is_authenticated
            or path.startswith(OPEN_PREFIXES)
            or (path.startswith("/api/") and request.headers.get("Authorization"))
        ):
            return self.get_response(request)
        state = request.session.get(SESSION_KEY) or remember_need(request, user)
        if state != REQUIRED or is_verified(request):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse(
                error_body("unauthorized", "Cần xác thực hai bước trước khi dùng API."),
                status=401,
                json_dumps_params={"ensure_ascii": False},
            )
        name = "accounts:second_factor" if has_second_factor(user) else "accounts:enrol"
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(name)}?{query}")
