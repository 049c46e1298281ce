"""Who is calling the API: a token (``Authorization: Bearer lts_…``), the staff session, or
nobody (public records only, rate-limited).

``TokenMiddleware`` (after Django's authentication middleware) runs for /api/ paths only and
sets ``request.user`` to the token's account, so every endpoint, the throttle and the access
policy see the agency system as that account. A wrong or revoked token is refused (401 in the
API's error shape) rather than served as anonymous, so a misconfigured system notices at once.
It lives outside ninja's auth so that the OpenAPI document keeps every endpoint open to
anonymous callers, which they are.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from luutru.api.models import ApiToken, digest
from luutru.lib.api import error_body

SCHEME = "bearer "
PREFIX = "/api/"


def user_for_token(header: str) -> ApiToken | None:
    if not header.lower().startswith(SCHEME):
        return None
    token = header[len(SCHEME) :].strip()
    if not 0 < len(token) <= 200:
        return None
    return ApiToken.objects.active().select_related("user").filter(key_hash=digest(token)).first()


class TokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header and request.path.startswith(PREFIX):
            row = user_for_token(header)
            if row is None:
                return JsonResponse(
                    error_body(
                        "unauthorized",
                        "Mã truy cập API không đúng hoặc đã bị thu hồi "
                        "(tiêu đề Authorization: Bearer <mã>).",
                    ),
                    status=401,
                    json_dumps_params={"ensure_ascii": False},
                )
            now = timezone.now()
            if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
                ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
            request.user = row.user
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return self.get_response(request)
