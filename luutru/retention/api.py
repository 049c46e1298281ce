"""GET /api/v1/retention/due, /retention/holds, /retention/transfers: what the retention pages
show, read-only, for agencies' and the province's systems.

The same permission as the pages (``retention.view_appraisal``: archivists, heads, council
members, administrators) and the same scope (``agencies_in_scope``): a staff API token
(``Authorization: Bearer …``) or a signed-in session. Mounted by ``luutru.api``. Lists stop at
``LIMIT`` rows, earliest first; ``count`` says how many there are in all.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from luutru.lib.api import ErrorOut, error_body
from luutru.organizations.services import agencies_in_scope
from luutru.retention import services
from luutru.retention.models import HistoricalTransfer, Hold

router = Router(tags=["Lưu giữ và loại hủy"])
VIEW = "retention.view_appraisal"
LIMIT = 1000
RESPONSES = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


class RetentionDueOut(Schema):
    code: str = Field(description="Mã hồ sơ.")
    title: str
    agency: str = Field(description="Mã định danh cơ quan lập hồ sơ.")
    retention: str = Field(description="Mã thời hạn lưu trữ (TT 05/2025: 01 đến 07).")
    expires: datetime.date = Field(description="Ngày hết thời hạn lưu trữ.")
    hold: bool = Field(description="Đang có lệnh tạm dừng hủy.")


class RetentionDueListOut(Schema):
    year: int
    count: int
    dossiers: list[RetentionDueOut]


class RetentionHoldOut(Schema):
    id: int
    kind: str = Field(description="inspection, litigation hoặc request.")
    kind_label: str
    dossier: str | None = Field(description="Mã hồ sơ, khi lệnh áp dụng cho một hồ sơ.")
    fonds: str | None = Field(description="Mã phông, khi lệnh áp dụng cho cả phông.")
    reason: str
    placed_at: datetime.datetime
    placed_by: str
    lifted_at: datetime.datetime | None
    lift_reason: str


class RetentionHoldListOut(Schema):
    count: int
    holds: list[RetentionHoldOut]


class HistoricalTransferOut(Schema):
    id: int
    agency: str = Field(description="Mã định danh cơ quan nộp lưu.")
    year: int = Field(description="Năm kế hoạch.")
    state: str = Field(description="planned, submitted, accepted, returned hoặc received.")
    state_label: str
    dossiers: list[str] = Field(description="Mã các hồ sơ của đợt.")
    submitted_at: datetime.datetime | None
    reply_by: datetime.date | None = Field(description="Hạn trả lời (07 ngày làm việc).")
    reply_overdue: bool = Field(description="Đã đăng ký, quá hạn mà lưu trữ lịch sử chưa trả lời.")
    replied_at: datetime.datetime | None
    reply: str
    received_at: datetime.datetime | None


class HistoricalTransferListOut(Schema):
    count: int
    transfers: list[HistoricalTransferOut]


def _refuse(request: HttpRequest) -> Status[dict[str, Any]] | None:
    user = request.user
    if not user.is_authenticated:
        return Status(401, error_body("unauthorized", "Cần đăng nhập hoặc mã truy cập API."))
    if not user.has_perm(VIEW):
        return Status(
            403,
            error_body(
                "forbidden", f"Tài khoản {user.get_username()} không xem được lưu giữ, loại hủy."
            ),
        )
    return None


@router.get(
    "/retention/due",
    response={200: RetentionDueListOut, **RESPONSES},
    summary="Hồ sơ hết thời hạn lưu trữ, chưa xét hủy",
    operation_id="retention_due",
)
def due(
    request: HttpRequest,
    year: int | None = Query(None, ge=1900, le=9999, description="Năm; mặc định: năm nay."),
) -> Status[dict[str, Any]]:
    """Như `luutru retention due`: hồ sơ đã tiếp nhận, hết hạn đến hết năm, chưa vào đợt xét hủy."""
    refused = _refuse(request)
    if refused is not None:
        return refused
    year = year or timezone.localdate().year
    scope = agencies_in_scope(request.user)
    held = services.held_dossier_ids()
    dossiers = list(services.due_dossiers(year, scope))
    rows = []
    for dossier in dossiers:
        expires = services.expiry(dossier.retention, dossier.end_date)
        assert expires is not None
        rows.append(
            {
                "code": dossier.code,
                "title": dossier.title,
                "agency": dossier.agency.code,
                "retention": dossier.retention,
                "expires": expires,
                "hold": dossier.pk in held,
            }
        )
    rows.sort(key=lambda row: (row["expires"], row["code"]))
    return Status(200, {"year": year, "count": len(rows), "dossiers": rows[:LIMIT]})


@router.get(
    "/retention/holds",
    response={200: RetentionHoldListOut, **RESPONSES},
    summary="Lệnh tạm dừng hủy, chuyển giao",
    operation_id="retention_holds",
)
def holds(
    request: HttpRequest,
    lifted: bool = Query(False, description="Kèm cả các lệnh đã gỡ."),
) -> Status[dict[str, Any]]:
    """Lệnh tạm dừng trên hồ sơ hoặc phông của các cơ quan trong phạm vi, mới nhất trước."""
    refused = _refuse(request)
    if refused is not None:
        return refused
    scope = agencies_in_scope(request.user)
    found = (
        Hold.objects.filter(dossier__agency__in=scope)
        | Hold.objects.filter(fonds__agency__in=scope)
    ).select_related("dossier", "fonds", "placed_by")
    if not lifted:
        found = found.in_force()
    rows = [
        {
            "id": hold.pk,
            "kind": hold.kind,
            "kind_label": hold.get_kind_display(),
            "dossier": hold.dossier.code if hold.dossier else None,
            "fonds": hold.fonds.code if hold.fonds else None,
            "reason": hold.reason,
            "placed_at": hold.placed_at,
            "placed_by": hold.placed_by.get_username(),
            "lifted_at": hold.lifted_at,
            "lift_reason": hold.lift_reason,
        }
        for hold in found.order_by("-placed_at", "-pk")[:LIMIT]
    ]
    return Status(200, {"count": found.count(), "holds": rows})


@router.get(
    "/retention/transfers",
    response={200: HistoricalTransferListOut, **RESPONSES},
    summary="Các đợt nộp lưu vào lưu trữ lịch sử",
    operation_id="retention_transfers",
)
def transfers(request: HttpRequest) -> Status[dict[str, Any]]:
    """Đợt nộp lưu của các cơ quan trong phạm vi, với hạn trả lời của lưu trữ lịch sử."""
    refused = _refuse(request)
    if refused is not None:
        return refused
    scope = agencies_in_scope(request.user)
    found = HistoricalTransfer.objects.filter(agency__in=scope)
    today = timezone.localdate()
    rows = [
        {
            "id": t.pk,
            "agency": t.agency.code,
            "year": t.year,
            "state": t.state,
            "state_label": t.get_state_display(),
            "dossiers": sorted(d.code for d in t.dossiers.all()),
            "submitted_at": t.submitted_at,
            "reply_by": t.reply_by,
            "reply_overdue": services.reply_overdue(t, today),
            "replied_at": t.replied_at,
            "reply": t.reply,
            "received_at": t.received_at,
        }
        for t in found.select_related("agency")
        .prefetch_related("dossiers")
        .order_by("-planned_at", "-pk")[:LIMIT]
    ]
    return Status(200, {"count": found.count(), "transfers": rows})
