"""Statistical reports (báo cáo thống kê) from report forms defined as data: Excel through
``lib.spreadsheets``, PDF through ``lib.printing`` with the NĐ 30/2020 heading.

A form whose layout is not confirmed against the current legal form (TT 18/2025/TT-BNV) says so
on the output, in both formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from luutru.lib import spreadsheets as xlsx
from luutru.lib.printing import Heading, Signer, render_pdf
from luutru.lib.spreadsheets import Column, FormSheet
from luutru.organizations.models import Agency
from luutru.reports import services
from luutru.reports.models import ReportForm

NO_DATA = "Không có dữ liệu"
NO_TARGET = "—"
UNCONFIRMED = (
    "Biểu mẫu này chưa được đối chiếu với mẫu biểu hiện hành (TT 18/2025/TT-BNV); "
    "bố cục do cơ quan cấu hình."
)
BLANK = "…………………"
SIGNERS = (
    Signer(("NGƯỜI LẬP BIỂU",), hint="(Ký, ghi rõ họ tên)"),
    Signer(("THỦ TRƯỞNG CƠ QUAN",), hint="(Ký, ghi rõ họ tên, đóng dấu)"),
)


@dataclass(frozen=True)
class Report:
    form: ReportForm
    period: services.Period
    agency: Agency | None
    headers: list[str]
    rows: list[list[Any]]  # the label then one cell a column; None: no data

    @property
    def scope(self) -> str:
        return self.agency.name if self.agency else "Toàn tỉnh"


def _cell(item: services.Indicator, part: str) -> Decimal | str | None:
    """The part of the indicator; a target not set is a dash, not "no data"."""
    value: Decimal | None = getattr(item, part)
    if value is None and part == "target":
        return NO_TARGET
    return value


def build(form: ReportForm, period: services.Period, agency: Agency | None) -> Report:
    items = {i.key: i for i in services.indicators(period, agency)}
    columns = [c for c in form.columns if c.get("part") in services.PARTS]
    rows = []
    for number, row in enumerate(form.rows, start=1):
        item = items.get(row.get("key", ""))
        cells = [_cell(item, c["part"]) if item else None for c in columns]
        unit = item.unit if item else ""
        rows.append([number, row.get("label", ""), unit, *cells])
    headers = ["STT", "Chỉ tiêu", "Đơn vị tính", *[c.get("label", c["part"]) for c in columns]]
    return Report(form, period, agency, headers, rows)


def _shown(value: Any) -> Any:
    if value is None:
        return NO_DATA
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def report_xlsx(report: Report) -> bytes:
    workbook = xlsx.new_workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = report.form.code[:31]
    widths = [6, 48, 12] + [14] * (len(report.headers) - 3)
    sheet = FormSheet(ws, [Column(h, w) for h, w in zip(report.headers, widths, strict=True)])
    sheet.title(report.form.title.upper())
    sheet.title(f"Năm {report.period.label} — {report.scope}", size=12)
    sheet.line(f"Biểu số: {report.form.code}. Căn cứ: {report.form.legal_basis}")
    if not report.form.confirmed:
        sheet.line(UNCONFIRMED, italic=True)
    sheet.skip()
    sheet.header()
    sheet.rows([[_shown(v) for v in row] for row in report.rows])
    sheet.skip()
    sheet.line(f"Lập lúc {timezone.localtime():%H:%M ngày %d/%m/%Y} bởi hệ thống Lưu trữ số.")
    return xlsx.workbook_bytes(workbook)


def report_pdf(report: Report) -> bytes:
    agency = report.agency
    name = agency.name if agency else "Ủy ban nhân dân tỉnh"
    parent = agency.parent.name if agency and agency.parent else ""
    heading = Heading((name,), parent, number=f"{BLANK}/BC", place=BLANK, day=timezone.localdate())
    return render_pdf(
        "reports/report_pdf.html",
        {
            "heading": heading,
            "signers": SIGNERS,
            "report": report,
            "rows": [[_shown(v) for v in row] for row in report.rows],
            "unconfirmed": UNCONFIRMED if not report.form.confirmed else "",
            "now": timezone.localtime(),
        },
    )
