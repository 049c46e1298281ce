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
