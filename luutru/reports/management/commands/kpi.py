"""`luutru kpi [--year YYYY] [--agency CODE] [--json]`: the evaluation indicators of a year for
an agency and everything below it (the whole province without ``--agency``), computed live."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from luutru.lib.commands import OperatorCommand
from luutru.organizations.models import Agency
from luutru.reports import services

MIN_YEAR = 1900
MAX_YEAR = 9999


def parse_year(raw: str | int | None) -> int:
    """The year asked for (this year when none), or a CommandError in Vietnamese."""
    if raw is None or raw == "":
        return timezone.localdate().year
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise CommandError(f"Năm không hợp lệ: “{raw}” (cần 4 chữ số, từ {MIN_YEAR}).")
    return int(text)


def _vi(value: Decimal) -> str:
    """A decimal as Vietnamese write it: 66,7."""
    return str(value).replace(".", ",")


class Command(OperatorCommand):
    help = "Các chỉ tiêu đánh giá (QĐ 458/QĐ-TTg …) của một năm, theo cơ quan."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", help="Năm (mặc định: năm nay).")
        parser.add_argument("--agency", help="Mã định danh cơ quan (gồm cả cơ quan cấp dưới).")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        year = parse_year(options["year"])
        code = (options["agency"] or "").strip()
        agency = None
        if code:
            agency = Agency.objects.filter(code=code).first()
            if agency is None:
                raise CommandError(f"Không tìm thấy cơ quan có mã định danh “{code}”.")
        period = services.Period.year(year)
        items = services.indicators(period, agency)
        if options["json"]:
            out = {
                "period": period.label,
                "agency": agency.code if agency else None,
                "indicators": [i.as_json() for i in items],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        scope = agency.name if agency else "Toàn tỉnh"
        self.stdout.write(f"Chỉ tiêu năm {period.label} — {scope}")
        for i in items:
            if i.value is None:
                shown = "không có dữ liệu"
            elif i.is_share:
                shown = f"{_vi(i.value)} % ({i.numerator}/{i.denominator})"
            else:
                shown = f"{_vi(i.value)} {i.unit}"
            target = f"; chỉ tiêu {_vi(i.target)} %" if i.target is not None else ""
            self.stdout.write(f"  {i.label}: {shown}{target}")
