"""POST /api/v1/transfers and GET /api/v1/transfers/{id}: agencies' systems transfer online.

A clerk's system sends a package with the clerk's API token (``Authorization: Bearer …``, made
with ``luutru api_token``). The transfer is registered and queued for the worker at once
(202), exactly as a web upload is, and the system polls it until it is ``received`` (waiting
for the archive), ``accepted`` or ``rejected``; ``report`` then has the shape of
``luutru ingest --json``. A token sees only the transfers of the agencies in its account's scope
(its own agency and those below it): any other id is a 404, like an unknown one.

Mounted by ``luutru.api``.
"""

from __future__ import annotations

import uuid
import zipfile
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.utils import check_csrf
from pydantic import Field

from luutru.ingest.actions import refusal_code, report, submit_package
from luutru.ingest.models import Transfer
from luutru.ingest.services import ADD_TRANSFER, VIEW_TRANSFER, transfers_visible_to
from luutru.lib.api import ErrorOut, error_body
from luutru.organizations.models import Agency
from luutru.organizations.services import agencies_in_scope
from luutru.organizations.validators import normalize_code

router = Router(tags=["Nộp lưu"])

StateName = Literal[
    "queued", "running", "received", "accepted", "returned", "rejected", "checked", "failed"
]  # fmt: skip


class ProblemOut(Schema):
    file: str = Field(description="Tệp trong gói (đường dẫn như trong gói, dấu /); rỗng: cả gói.")
    row: int | None = Field(None, description="Dòng của bảng kê, nếu có.")
    field: str | None = Field(None, description="Trường, như gói ghi tên.")
    code: str = Field(description="Mã lỗi ổn định: missing_field, bad_code, foreign_code, …")
    message: str = Field(description="Giải thích bằng tiếng Việt.")


class ReportOut(Schema):
    accepted: bool = Field(description="Gói qua mọi bước kiểm tra (hợp lệ).")
    state: StateName
    transfer: str = Field(description="Mã lần nộp lưu.")
    dossiers: int
    documents: int
    files: int
    errors: list[ProblemOut]
    warnings: list[ProblemOut]


class TransferCreatedOut(Schema):
    id: str = Field(description="Mã lần nộp lưu.")
    state: StateName
    url: str = Field(description="Địa chỉ để theo dõi lần nộp lưu (GET).")


class TransferOut(Schema):
    id: str
    state: StateName = Field(
        description="queued: chờ xử lý; running: đang kiểm tra; received: hợp lệ, chờ lưu trữ "
        "tiếp nhận; accepted: đã vào kho; returned: lưu trữ trả lại (xem trang lần nộp lưu); "
        "rejected: không hợp lệ; checked: kiểm tra thử; failed: lỗi hệ thống."
    )
    progress: int = Field(ge=0, le=100, description="Tiến độ kiểm tra, phần trăm.")
    report: ReportOut = Field(description="Kết quả, cùng dạng với `luutru ingest --json`.")


PackageParam = File(
    ...,
    description="Tệp .zip của gói (bảng kê, SIP theo TT 05/2025, edXML, BagIt) hoặc một thông "
    "điệp .edxml.",
)
AgencyParam = Form(
    None,
    max_length=13,
    description="Mã định danh cơ quan nộp lưu; mặc định: cơ quan của tài khoản gắn với mã.",
)
NOT_SIGNED_IN = (
    "Cần mã truy cập API của văn thư cơ quan nộp lưu (tiêu đề Authorization: Bearer <mã>)."
)


@router.post(
    "/transfers",
    response={
        202: TransferCreatedOut,
        401: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
    },
    summary="Nộp một gói tài liệu",
    operation_id="transfer_create",
)
def create_transfer(
    request: HttpRequest,
    package: UploadedFile = PackageParam,
    agency: str | None = AgencyParam,
) -> Status[dict[str, Any]]:
    """Nhận gói và xếp hàng kiểm tra ngay (202); theo dõi kết quả ở địa chỉ ``url``."""
    user = request.user
    if not user.is_authenticated:
        return _refuse(401, "unauthorized", NOT_SIGNED_IN)
    # Token calls carry no cookie and skip this (TokenMiddleware); a browser's session must
    # prove the request came from our own page, as for any form.
    if check_csrf(request) is not None:
        return _refuse(403, "forbidden", "Yêu cầu từ phiên đăng nhập thiếu mã CSRF.")
    if not user.has_perm(ADD_TRANSFER):
        return _refuse(403, "forbidden", f"Tài khoản {user.get_username()} không có quyền nộp lưu.")
    target = _agency(user, agency)
    if isinstance(target, Status):
        return target
    problem = _package_problem(package)
    if problem is not None:
        return problem
    try:
        transfer = submit_package(package, agency=target, actor=user)
    except ValidationError as exc:  # the object store did not take the package: try later
        return _refuse(503, refusal_code(exc), " ".join(exc.messages))
    url = request.build_absolute_uri(reverse("api:v1:transfer", args=[transfer.pk]))
    return Status(202, {"id": str(transfer.pk), "state": transfer.state, "url": url})


@router.get(
    "/transfers/{id}",
    response={200: TransferOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Trạng thái và kết quả một lần nộp lưu",
    operation_id="transfer",
    url_name="transfer",
)
def transfer_status(request: HttpRequest, id: uuid.UUID) -> Status[dict[str, Any]]:
    """Lần nộp lưu của cơ quan mình: trạng thái, tiến độ và báo cáo kiểm tra."""
    user = request.user
    if not user.is_authenticated:
        return _refuse(401, "unauthorized", NOT_SIGNED_IN)
    if not user.has_perm(VIEW_TRANSFER):
        return _refuse(
            403, "forbidden", f"Tài khoản {user.get_username()} không xem được các lần nộp lưu."
        )
    found: Transfer | None = transfers_visible_to(user).filter(pk=id).first()
    if found is None:
        return _refuse(404, "not_found", "Không tìm thấy lần nộp lưu.")
    body = {"id": str(found.pk), "state": found.state, "progress": found.progress}
    return Status(200, {**body, "report": report(found)})


def _refuse(status: int, code: str, message: str) -> Status[dict[str, Any]]:
    return Status(status, error_body(code, message))


def _agency(user: Any, code: str | None) -> Agency | Status[dict[str, Any]]:
    """The agency the package comes from: the one named, if in the user's scope; otherwise the
    one agency the account belongs to."""
    scope = agencies_in_scope(user)
    if code:
        code = normalize_code(code)
        found = scope.filter(code=code).first()
        if found is None:
            return _refuse(
                403,
                "forbidden",
                f"Tài khoản {user.get_username()} không được nộp lưu cho cơ quan mã {code}.",
            )
        return found
    own = list(scope.filter(memberships__user=user).distinct()[:2])
    if len(own) != 1:
        return _refuse(
            422,
            "agency_required",
            "Tài khoản thuộc nhiều cơ quan (hoặc không thuộc cơ quan nào): ghi mã định danh cơ "
            "quan nộp lưu vào trường agency.",
        )
    return own[0]


def _package_problem(package: UploadedFile) -> Status[dict[str, Any]] | None:
    """A package must be a zip (any form the CLI takes, zipped) or one edXML message."""
    name = package.name or ""
    if package.size is not None and package.size > settings.INGEST_MAX_BYTES:
        limit = filesizeformat(settings.INGEST_MAX_BYTES)
        return _refuse(413, "too_large", f"Gói “{name}” lớn hơn giới hạn {limit}.")
    if name.lower().endswith(".edxml"):
        return None
    if name.lower().endswith(".zip") and zipfile.is_zipfile(package):
        package.seek(0)
        return None
    return _refuse(
        422,
        "bad_package",
        f"Tệp “{name}” không phải tệp nén .zip hay thông điệp .edxml. Hãy nén thư mục gói tài "
        "liệu thành một tệp .zip rồi gửi lại.",
    )
