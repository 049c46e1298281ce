"""Language choice: Vietnamese unless the user picked another language with the switcher."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language header.

    Staff computers are often set to English; the interface must still open in Vietnamese.
    Only the cookie written by the language switcher (``/i18n/setlang/``) changes it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the language must not outlive the request in this thread.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class BodyLimitMiddleware:
    """Refuse (413, in Vietnamese) a request body larger than ``PUBLIC_MAX_BODY_BYTES`` unless
    the caller is signed-in staff (pages, or an agency system's token on the transfers API).

    Uploads belong to staff; anonymous visitors and readers only send small forms and OAI-PMH
    queries. nginx caps every body per path already (deploy/nginx); this is the same rule in
    Django, for servers without that nginx and for the difference between staff and the rest,
    which nginx cannot see. "Staff" is who may see the organisation tree (the same test as the
    sign-in redirect). Judged on ``Content-Length``: a body without one (chunked) is not
    accepted by the WSGI server anyway.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit: int = settings.PUBLIC_MAX_BODY_BYTES
        if length > limit and not request.user.has_perm("organizations.view_agency"):
            return HttpResponse(
                f"Dữ liệu gửi lên quá lớn ({length // 1024} KB; tối đa {limit // 1024} KB). "
                "Chỉ cán bộ đã đăng nhập mới được tải tệp lên.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` (feature → allow-list).

    The header is built once; a view that sets its own keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        policy: dict[str, str] = settings.PERMISSIONS_POLICY
        self.header = ", ".join(f"{feature}={allow}" for feature, allow in policy.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
