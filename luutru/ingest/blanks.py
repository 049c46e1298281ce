"""Blank forms (mẫu) of the spreadsheet package's two lists, ``ho_so.xlsx`` and ``tai_lieu.xlsx``.

A clerk without an e-office export fills these in by hand (packages.md §2). Each workbook has
three sheets, in this order:

1. the list itself ("Hồ sơ" or "Tài liệu"): one column per TT 05/2025 element under its
   Vietnamese name, a required column marked " *" (the reader ignores punctuation in headers),
   cells formatted as text so that Excel keeps "01" and codes as typed, and drop-downs (data
   validation) on every coded column, fed from the code lists;
2. "Hướng dẫn": how to fill in and hand over the package, and one line per column;
3. "Danh mục": the code lists the drop-downs read.

The list sheet comes first on purpose: the reader takes the first sheet whose header it
recognises, and the instructions name every column.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from luutru.ingest.readers.base import DOCUMENT_ELEMENTS, DOSSIER_ELEMENTS
from luutru.lib.spreadsheets import FONT, HEAD, LABEL, TEXT, new_workbook, put, workbook_bytes
from luutru.records import codes
from luutru.records.elements import Element, elements

# The style of an input cell: boxed, and Text format so that Excel keeps "01" and codes as typed.
INPUT = "lt-input"
_THIN = Side(style="thin", color="BFBFBF")

# Rows made ready (text format, drop-downs) below the header.
ROWS = 500
CODES_SHEET = "Danh mục"
GUIDE_SHEET = "Hướng dẫn"
# Lists whose drop-down only warns: several languages go in one cell ("01; 02"), and a
# document type outside the list is kept with a warning rather than refused.
LENIENT_LISTS = frozenset({"language", "document_type"})
BOOLEAN_VALUES = ("1", "0")

HOW_TO_WRITE = {
    "identifier": "Chữ không dấu, chữ Đ, số và các dấu . - / _",
    "text": "Chữ có dấu, viết như trên văn bản",
    "code": "Chọn trong danh sách thả xuống (hoặc gõ mã số, ví dụ 01)",
    "codes": "Chọn trong danh sách; nhiều giá trị cách nhau bằng dấu chấm phẩy",
    "date": "NN/TT/NNNN, TT/NNNN hoặc NNNN (ví dụ 15/03/2024)",
    "number": "Số nguyên không âm",
    "boolean": "1 (có) hoặc 0 (không)",
}


@dataclass(frozen=True)
class Blank:
    """One blank form: the file it becomes and its list sheet."""

    role: str  # "ho_so" | "tai_lieu"
    level: str  # "dossier" | "document"
    sheet: str
    elements: tuple[str, ...]
    example: dict[str, str]

    @property
    def filename(self) -> str:
        return f"{self.role}.xlsx"


BLANKS = {
    "ho_so": Blank(
        "ho_so",
        "dossier",
        "Hồ sơ",
        DOSSIER_ELEMENTS,
        {"fileCode": "000.00.12.H62.2024.01", "title": "Hồ sơ xây dựng kế hoạch năm 2024"},
    ),
    "tai_lieu": Blank(
        "tai_lieu",
        "document",
        "Tài liệu",
        DOCUMENT_ELEMENTS,
        {"fileCode": "000.00.12.H62.2024.01", "docOrdinal": "1", "subject": "Về việc …"},
    ),
}

# The tai_lieu list's own columns besides the elements: where each file is, and its digest.
FILE_COLUMN = "Tệp tin"
DIGEST_COLUMN = "SHA-256"


@dataclass(frozen=True)
class Column:
    header: str
    element: Element | None
    required: bool
    how: str


def columns(blank: Blank) -> list[Column]:
    """The list sheet's columns, in the order of packages.md §2."""
    specs = elements(blank.level)
    result = [
        Column(
            specs[name].label + (" *" if specs[name].required else ""),
            specs[name],
            specs[name].required,
            HOW_TO_WRITE.get(specs[name].kind, ""),
        )
        for name in blank.elements
    ]
    if blank.level == "document":
        result.append(
            Column(
                FILE_COLUMN + " *",
                None,
                True,
                "Đường dẫn của tệp trong gói, ví dụ tai_lieu/HS01/01_QD.pdf",
            )
        )
        result.append(Column(DIGEST_COLUMN, None, False, "Không bắt buộc: mã băm SHA-256 của tệp"))
    return result


def blank_xlsx(role: str) -> bytes:
    """The workbook of one blank form (see the module docstring); ``role`` is a BLANKS key."""
    blank = BLANKS[role]
    cols = columns(blank)
    workbook = new_workbook()
    workbook.add_named_style(
        NamedStyle(
            INPUT,
            font=Font(name=FONT, size=12),
            border=Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN),
            alignment=Alignment(wrap_text=True, vertical="top"),
            number_format="@",
        )
    )
    ws = workbook.active
    ws.title = blank.sheet
    ws.freeze_panes = "B2"
    code_ranges = _code_list_sheet(workbook, cols)
    for index, column in enumerate(cols, start=1):
        letter = get_column_letter(index)
        kind = column.element.kind if column.element else "text"
        ws.column_dimensions[letter].width = 40 if kind == "text" else 22
        head = put(ws, 1, index, column.header, HEAD)
        if column.required:
            head.font = Font(name=FONT, size=12, bold=True, color="9C0006")
        for row in range(2, ROWS + 2):
            ws.cell(row, index).style = INPUT
        cells = f"{letter}2:{letter}{ROWS + 1}"
        if column.element is not None and column.element.kind == "boolean":
            _validate(ws, cells, '"' + ",".join(BOOLEAN_VALUES) + '"', strict=True)
        elif column.element is not None and column.element.code_list in code_ranges:
            list_name = column.element.code_list
            _validate(
                ws,
                cells,
                code_ranges[list_name],
                strict=list_name not in LENIENT_LISTS and column.element.kind == "code",
            )
    _guide_sheet(workbook, blank, cols)
    return workbook_bytes(workbook)


def _validate(ws: object, cells: str, formula: str, *, strict: bool) -> None:
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle="Giá trị không có trong danh mục",
        error="Hãy chọn một giá trị trong danh sách thả xuống (xem trang Danh mục).",
    )
    ws.add_data_validation(validation)  # type: ignore[attr-defined]
    validation.add(cells)


def _code_list_sheet(workbook: object, cols: list[Column]) -> dict[str, str]:
    """The "Danh mục" sheet: one column per code list (code, then label); returns list name →
    the range of its labels, which the drop-downs offer (the reader takes a label or a code)."""
    ws = workbook.create_sheet(CODES_SHEET)  # type: ignore[attr-defined]
    ranges: dict[str, str] = {}
    lists = [c.element.code_list for c in cols if c.element and c.element.code_list]
    column = 1
    for list_name in dict.fromkeys(lists):
        assert list_name is not None
        entries = codes.entries(list_name)
        if not entries:
            continue
        title = next(
            c.element.label for c in cols if c.element and c.element.code_list == list_name
        )
        put(ws, 1, column, f"Mã — {title}", HEAD)
        put(ws, 1, column + 1, title, HEAD)
        for row, (code, (label, _extra)) in enumerate(entries.items(), start=2):
            put(ws, row, column, code, TEXT)
            put(ws, row, column + 1, label, TEXT)
        letter = get_column_letter(column + 1)
        ws.column_dimensions[get_column_letter(column)].width = 10
        ws.column_dimensions[letter].width = 30
        ranges[list_name] = (
            f"{quote_sheetname(CODES_SHEET)}!${letter}$2:${letter}${len(entries) + 1}"
        )
        column += 3
    return ranges


def _guide_sheet(workbook: object, blank: Blank, cols: list[Column]) -> None:
    ws = workbook.create_sheet(GUIDE_SHEET, 1)  # type: ignore[attr-defined]
    ws.column_dimensions["A"].width = 38
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 60
    ws.column_dimensions["D"].width = 30
    title = put(ws, 1, 1, f"Hướng dẫn điền {blank.filename}")
    title.font = Font(name=FONT, size=14, bold=True)
    steps = [
        f"1. Điền trang “{blank.sheet}”: mỗi dòng một "
        + ("hồ sơ." if blank.level == "dossier" else "tài liệu."),
        "2. Cột có dấu * là bắt buộc. Cột mã hóa có danh sách thả xuống; danh mục đầy đủ ở "
        f"trang “{CODES_SHEET}”.",
        "3. Không đổi tên cột, không xóa dòng tiêu đề; có thể bỏ trống cột không bắt buộc.",
        "4. Giữ tên tệp là ho_so.xlsx và tai_lieu.xlsx; đặt hai tệp cùng các thư mục tài liệu vào "
        "một thư mục rồi nén thành một tệp .zip.",
        "5. Tải gói lên trang Nộp lưu; chọn “Chỉ kiểm tra” để kiểm tra trước mà chưa lưu gì.",
    ]
    for row, text in enumerate(steps, start=3):
        cell = put(ws, row, 1, text)
        cell.alignment = Alignment(wrap_text=False)
    first = 3 + len(steps) + 1
    for index, text in enumerate(("Cột", "Bắt buộc", "Cách ghi", "Ví dụ"), start=1):
        put(ws, first, index, text, HEAD)
    for row, column in enumerate(cols, start=first + 1):
        name = column.element.name if column.element else ""
        put(ws, row, 1, column.header.removesuffix(" *"), LABEL)
        put(ws, row, 2, "Có" if column.required else "Không", TEXT)
        put(ws, row, 3, column.how, TEXT)
        put(ws, row, 4, blank.example.get(name, ""), TEXT)
