"""The archive's public facts: name, address, opening hours, contact, reading-room rules and
the fee table (biểu phí) shown to readers and on the portal.

They change rarely and belong to the operator, not to a release: they are read from a TOML
file, ``READING_ROOM_FILE`` (default ``$LUUTRU_DATA_DIR/phong-doc.toml``), which the
administrator edits; the file is re-read when it changes. A missing file or a missing key
falls back to the defaults below; a file that does not parse is an error, not a silent
default. Example::

    name = "Trung tâm Lưu trữ lịch sử tỉnh Thanh Hóa"
    address = "25 Hạc Thành, phường Hạc Thành, Thanh Hóa"
    hours = ["Thứ Hai \u2013 Thứ Sáu: 7 giờ 30 \u2013 11 giờ 30, 13 giờ 30 \u2013 17 giờ"]
    phone = "0237 3850 123"
    email = "phongdoc@example.gov.vn"
    rules = ["Xuất trình thẻ căn cước khi vào phòng đọc.", "…"]
    fee_note = "Theo Thông tư …/BTC; miễn, giảm theo đối tượng."

    [[fees]]
    service = "Sao chụp tài liệu giấy (khổ A4)"
    unit = "trang"
    price = "2.000 đồng"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Fee:
    service: str
    unit: str
    price: str


@dataclass(frozen=True)
class ArchiveInfo:
    name: str
    address: str = ""
    hours: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    rules: list[str] = field(default_factory=list)
    fees: list[Fee] = field(default_factory=list)
    fee_note: str = ""


DEFAULT_HOURS = [
    "Thứ Hai \u2013 Thứ Sáu: 7 giờ 30 \u2013 11 giờ 30, 13 giờ 30 \u2013 17 giờ (trừ ngày lễ, Tết)"
]
DEFAULT_RULES = [
    "Độc giả đăng ký tài khoản và gửi phiếu yêu cầu khai thác trước khi đọc tài liệu.",
    "Tài liệu công khai được đọc và tải về miễn phí trên cổng tra cứu.",
    "Tài liệu sử dụng có điều kiện chỉ được đọc, sao theo phiếu yêu cầu đã được duyệt, "
    "trong thời hạn ghi trên phiếu (tối đa 15 ngày).",
    "Không sao chép, phát tán bản đọc; mọi lượt xem, tải về đều được ghi nhật ký.",
]
DEFAULT_FEES = [
    Fee("Đọc tài liệu công khai trên cổng tra cứu", "lượt", "Miễn phí"),
    Fee("Bản đọc trên Hệ thống (tài liệu có điều kiện)", "hồ sơ", "Theo biểu phí hiện hành"),
    Fee("Bản sao tài liệu", "trang", "Theo biểu phí hiện hành"),
    Fee("Bản sao có xác thực", "trang", "Theo biểu phí hiện hành"),
]
DEFAULT_FEE_NOTE = (
    "Phí khai thác, sử dụng tài liệu lưu trữ thu theo quy định của Bộ Tài chính; đối tượng "
    "được miễn, giảm phí ghi trên phiếu yêu cầu."
)

_cache: dict[str, Any] = {}


def source() -> Path:
    configured = settings.READING_ROOM_FILE
    return Path(configured) if configured else Path(settings.DATA_DIR) / "phong-doc.toml"


def _strings(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ImproperlyConfigured(f"{source()}: “{key}” phải là một danh sách chuỗi.")
    return value


def _parse(data: dict[str, Any]) -> ArchiveInfo:
    fees = DEFAULT_FEES
    if "fees" in data:
        try:
            fees = [
                Fee(str(f["service"]), str(f.get("unit", "")), str(f["price"]))
                for f in data["fees"]
            ]
        except (KeyError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"{source()}: mỗi dòng [[fees]] cần service và price."
            ) from exc
    return ArchiveInfo(
        name=str(data.get("name") or settings.SITE_NAME),
        address=str(data.get("address", "")),
        hours=_strings(data.get("hours", DEFAULT_HOURS), "hours"),
        phone=str(data.get("phone", "")),
        email=str(data.get("email", "")),
        rules=_strings(data.get("rules", DEFAULT_RULES), "rules"),
        fees=fees,
        fee_note=str(data.get("fee_note", DEFAULT_FEE_NOTE)),
    )


def info() -> ArchiveInfo:
    """The archive's facts, from the file (re-read when its modification time changes)."""
    path = source()
    try:
        stamp: float | None = path.stat().st_mtime
    except FileNotFoundError:
        stamp = None
    key = f"{path}:{stamp}"
    if _cache.get("key") != key:
        if stamp is None:
            data: dict[str, Any] = {}
        else:
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ImproperlyConfigured(f"{path}: không đọc được ({exc}).") from exc
        _cache.update(key=key, value=_parse(data))
    value: ArchiveInfo = _cache["value"]
    return value
