"""The NinjaAPI behind /api/v1: each app's router, one error shape, a limit for anonymous callers.

Every error leaves as ``{"error": {"code", "message"}}`` with its HTTP status (docs/interfaces.md),
the message in Vietnamese: callers' scripts read ``code``, people read ``message``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.renderers import JSONRenderer
from ninja.throttling import BaseThrottle

from luutru.api.records import router as records_router
from luutru.exhibitions.api import router as exhibitions_router
from luutru.ingest.api import router as ingest_router
from luutru.lib import ratelimit
from luutru.lib.api import error_body
from luutru.retention.api import router as retention_router
from luutru.search.api import router as search_router

logger = logging.getLogger(__name__)

DESCRIPTION = """\
API của hệ thống Lưu trữ số. Người gọi không đăng nhập chỉ thấy tài liệu **Công khai** và bị
giới hạn số yêu cầu mỗi phút; cán bộ đã đăng nhập (phiên làm việc của trang quản trị) thấy phạm
vi cơ quan của mình. Hệ thống của cơ quan gọi bằng mã truy cập: tiêu đề
`Authorization: Bearer <mã>` (cấp bằng `luutru api_token`), thấy đúng phạm vi của tài khoản gắn
với mã và không bị giới hạn. Trang web khác nguồn gọi được API (CORS, không kèm cookie).

Mọi lỗi có dạng `{"error": {"code": "…", "message": "…"}}` kèm mã trạng thái HTTP tương ứng.
"""


class AnonymousPerMinute(BaseThrottle):
    """At most ``settings.API_ANON_PER_MINUTE`` anonymous requests a minute from one address
    (``lib.ratelimit``: the address behind trusted proxies only, counted in the cache). Signed-in
    staff are not limited: they are few and accountable.
    """

    def allow_request(self, request: HttpRequest) -> bool:
        if request.user.is_authenticated:
            return True
        return ratelimit.hit("api-anon", ratelimit.client_ip(request), settings.API_ANON_PER_MINUTE)

    def wait(self) -> float:
        return ratelimit.seconds_left()


class Utf8JSONRenderer(JSONRenderer):
    """Vietnamese as UTF-8 rather than \\u escapes: half the bytes, and readable in a terminal."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Lưu trữ số API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:v1",  # reversed as "api:v1:openapi-json"
    throttle=[AnonymousPerMinute()],
    renderer=Utf8JSONRenderer(),
)
api.add_router("", search_router)
api.add_router("", records_router)
api.add_router("", ingest_router)
api.add_router("", exhibitions_router)
api.add_router("", retention_router)


def error_response(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    return api.create_response(request, error_body(code, message), status=status)


# Pydantic's error types, as a person reading Vietnamese would want them explained.
PROBLEMS = {
    "missing": "thiếu tham số bắt buộc",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "string_too_long": "dài tối đa {max_length} ký tự",
    "too_long": "có tối đa {max_length} giá trị",
    "literal_error": "phải là một trong các giá trị {expected}",
    "string_type": "phải là chuỗi ký tự",
}


def explain(errors: list[dict[str, Any]]) -> str:
    """'Tham số không hợp lệ: page phải lớn hơn hoặc bằng 1.' from ninja's error list."""
    parts = []
    for error in errors:
        # ninja's locations vary: ("query", "page") but ("query", "params", "agency", 0) for a
        # list item; the parameter is the last name in it.
        names = [part for part in error.get("loc", ()) if isinstance(part, str)]
        name = names[-1] if len(names) > 1 else "?"
        template = PROBLEMS.get(str(error.get("type")), "không hợp lệ")
        try:
            problem = template.format(**error.get("ctx", {}))
        except (KeyError, IndexError):
            problem = "không hợp lệ"
        parts.append(f"{name} {problem}")
    return "Tham số không hợp lệ: " + "; ".join(dict.fromkeys(parts)) + "."


@api.exception_handler(ValidationError)
def bad_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(request, 422, "bad_request", explain(exc.errors))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", str(exc) or "Không tìm thấy.")


HTTP_ERRORS = {
    401: ("unauthorized", "Cần đăng nhập."),
    403: ("forbidden", "Không có quyền truy cập."),
    405: ("method_not_allowed", "Phương thức HTTP này không được hỗ trợ."),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, Throttled):
        wait = max(1, round(exc.wait or 60))
        response = error_response(
            request,
            429,
            "too_many_requests",
            f"Quá nhiều yêu cầu. Vui lòng thử lại sau {wait} giây.",
        )
        response["Retry-After"] = str(wait)
        return response
    code, message = HTTP_ERRORS.get(exc.status_code, ("error", exc.message))
    return error_response(request, exc.status_code, code, message)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback, answered in the error shape, never a traceback page."""
    logger.exception("Lỗi khi xử lý %s %s", request.method, request.path)
    return error_response(
        request, 500, "server_error", "Lỗi hệ thống. Sự cố đã được ghi lại; vui lòng thử lại sau."
    )


def index(request: HttpRequest) -> HttpResponse:
    """/api/v1/ itself: where the description and the docs are (ninja's own root is a 404)."""
    return JsonResponse(
        {
            "title": api.title,
            "version": api.version,
            "openapi": reverse("api:v1:openapi-json"),
            "docs": reverse("api:v1:openapi-view"),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def unknown_endpoint(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other path under /api/v1/: a JSON 404, not the HTML page meant for people."""
    return JsonResponse(
        error_body("not_found", "Không có địa chỉ API này."),
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
