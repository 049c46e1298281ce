"""The JSON API's one error shape: ``{"error": {"code": "…", "message": "…"}}``
(docs/interfaces.md).

It lives in lib so that every app's ``api.py`` can declare it among its OpenAPI responses
without importing the ``api`` app, which sits above them all.
"""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class ErrorDetail(Schema):
    code: str = Field(
        description="Mã lỗi ổn định cho máy đọc: bad_request, not_found, too_many_requests, …"
    )
    message: str = Field(description="Giải thích bằng tiếng Việt cho người đọc.")


class ErrorOut(Schema):
    error: ErrorDetail


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}
