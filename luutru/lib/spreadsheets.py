"""Writing Excel workbooks (openpyxl): one look for every table the system hands out.

``table_xlsx`` writes one sheet from columns and rows — the project's bold, boxed header,
frozen, the column widths given, dates as real date cells — streamed (openpyxl's write-only
mode), so memory stays flat however many rows. ``FormSheet`` lays a sheet out like a printed
form (title lines, label/value facts, a boxed table, totals) for the inventory and the
handover record. Reading packages' workbooks is ``luutru.ingest.readers.spreadsheet``'s
business; the one way a cell becomes the text an archivist typed, ``cell_text``, lives here so
that the records' own round trip (``records.spreadsheet``) reads cells the same way.

Every text cell is written as text, never as a formula: a value that begins with ``=``, ``+``,
``-`` or ``@`` (a title, a file name, anything an agency typed) would otherwise run as a
formula when the workbook is opened or its cell edited (CSV/formula injection). Such cells are
stored as strings with Excel's quote prefix, exactly as if the user had typed ``'=…``.

Cells are styled through named styles registered once per workbook: assigning a font, a border
and an alignment to each of 50,000 cells costs openpyxl seconds of style hashing.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from luutru.lib.vietnamese import nfc

__all__ = [
    "Column", "FormSheet", "cell_text", "new_workbook", "put", "table_xlsx", "workbook_bytes",
]  # fmt: skip

FONT = "Times New Roman"

# The named styles (their names show in Excel's style gallery).
TEXT = "lt-text"
CENTER = "lt-center"
DATE = "lt-date"
MONTH = "lt-month"
YEAR = "lt-year"
MOMENT = "lt-moment"
HEAD = "lt-head"
TOTAL = "lt-total"
LABEL = "lt-label"
VALUE = "lt-value"
VALUE_DATE = "lt-value-date"
VALUE_MOMENT = "lt-value-moment"
SIGN = "lt-sign"
SIGN_NOTE = "lt-sign-note"

# What makes Excel (or LibreOffice) read a typed value as a formula; tab and carriage return
# too, which some spreadsheet programs strip before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_DAY = "DD/MM/YYYY"


def _named_styles() -> list[NamedStyle]:
    def style(
        name: str,
        bold: bool = False,
        italic: bool = False,
        size: int = 12,
        horizontal: str | None = None,
        vertical: str = "top",
        box: bool = True,
        number_format: str = "General",
        fill: str | None = None,
    ) -> NamedStyle:
        return NamedStyle(
            name=name,
            font=Font(name=FONT, size=size, bold=bold, italic=italic),
            alignment=Alignment(wrap_text=True, vertical=vertical, horizontal=horizontal),
            border=_BOX if box else Border(),
            number_format=number_format,
            fill=PatternFill("solid", fgColor=fill) if fill else PatternFill(),
        )  # fmt: skip

    return [
        style(TEXT),
        style(CENTER, horizontal="center"),
        style(DATE, horizontal="center", number_format=_DAY),
        style(MONTH, horizontal="center", number_format="MM/YYYY"),
        style(YEAR, horizontal="center", number_format="YYYY"),
        style(MOMENT, horizontal="center", number_format="HH:MM DD/MM/YYYY"),
        style(HEAD, bold=True, horizontal="center", vertical="center", fill="E7E6E6"),
        style(TOTAL, bold=True, horizontal="center"),
        style(LABEL, bold=True, box=False),
        style(VALUE, box=False, horizontal="left"),
        style(VALUE_DATE, box=False, horizontal="left", number_format=_DAY),
        style(VALUE_MOMENT, box=False, horizontal="left", number_format="HH:MM DD/MM/YYYY"),
        style(SIGN, bold=True, box=False, horizontal="center"),
        style(SIGN_NOTE, italic=True, box=False, horizontal="center"),
    ]


def new_workbook(*, write_only: bool = False) -> Workbook:
    """An empty workbook with the project's named styles registered."""
    workbook = Workbook(write_only=write_only)
    for named in _named_styles():
        workbook.add_named_style(named)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _as_text(cell: Cell | WriteOnlyCell, value: Any) -> None:
    """Keep a string a string: openpyxl makes '=…' a formula and '#N/A' an error value."""
    if isinstance(value, str):
        if cell.data_type != "s":
            cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def put(ws: Worksheet, row: int, column: int, value: Any, style: str | None = None) -> Cell:
    """Write one cell (text stays text, see the module docstring), with a named style."""
    cell = ws.cell(row, column, value)
    if style is not None:
        cell.style = style
    _as_text(cell, value)
    return cell


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header, its width in characters, and the named style of its cells."""

    title: str
    width: float = 16
    style: str = TEXT


def table_xlsx(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, title: str = "Sheet1"
) -> bytes:
    """One sheet: the header row (bold, boxed, shaded, frozen), then the rows, boxed.

    Dates become date cells (DD/MM/YYYY; date and time for datetimes, which must be naive);
    other values are written as they are, text as text.
    """
    workbook = new_workbook(write_only=True)
    ws = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, column.title, HEAD) for column in columns])
    for row in rows:
        cells = []
        for column, value in zip(columns, row, strict=True):
            style = column.style
            if isinstance(value, datetime.datetime):
                style = MOMENT
            elif isinstance(value, datetime.date):
                style = DATE
            cells.append(_cell(ws, value, style))
        ws.append(cells)
    return workbook_bytes(workbook)


def _cell(ws: Any, value: Any, style: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.style = style
    _as_text(cell, value)
    return cell


class FormSheet:
    """A worksheet laid out like the printed form: title rows, a boxed table, then totals."""

    def __init__(self, ws: Worksheet, columns: Sequence[Column]) -> None:
        self.ws, self.columns, self.row = ws, columns, 0
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    def put(self, column: int, value: Any, style: str | None = None) -> Cell:
        """One cell of the current row."""
        return put(self.ws, self.row, column, value, style)

    def title(self, text: str, size: int = 14, bold: bool = True, italic: bool = False) -> None:
        """A line across the whole table width, centred (merged cells)."""
        self.row += 1
        cell = self.put(1, text)
        cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.ws.merge_cells(
            start_row=self.row, start_column=1, end_row=self.row, end_column=len(self.columns)
        )

    def fact(self, label: str, value: Any, date: bool = False, moment: bool = False) -> None:
        """'Label: value' with the value in its own cell, so dates and counts stay typed."""
        self.row += 1
        self.put(1, label, LABEL)
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=2)
        self.put(3, value, VALUE_MOMENT if moment else VALUE_DATE if date else VALUE)

    def line(self, text: str, italic: bool = False) -> None:
        """A paragraph of the form across the whole width, left-aligned like the printed one."""
        self.title(text, size=12, bold=False, italic=italic)
        self.ws.cell(self.row, 1).alignment = Alignment(horizontal="left", wrap_text=True)

    def skip(self) -> None:
        self.row += 1

    def header(self) -> None:
        """The bold column titles; frozen, filterable, and repeated on every printed page."""
        self.row += 1
        for index, column in enumerate(self.columns, start=1):
            self.put(index, column.title, HEAD)
        self.ws.freeze_panes = self.ws.cell(self.row + 1, 1)
        self.ws.print_title_rows = f"{self.row}:{self.row}"
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A{self.row}:{last}{self.row}"

    def rows(self, values: Iterable[Sequence[Any]], styles: Sequence[str | None] = ()) -> None:
        """Boxed data rows; ``styles`` overrides a column's style (a month-precise date)."""
        ws = self.ws
        for row in values:
            self.row += 1
            for index, (column, value) in enumerate(zip(self.columns, row, strict=True), 1):
                style = (styles[index - 1] if styles else None) or column.style
                put(ws, self.row, index, value, style)

    def total(self, label: str, values: dict[int, int]) -> None:
        """A bold 'Cộng' row: the label in the second column, the sums under their columns."""
        self.row += 1
        for index in range(1, len(self.columns) + 1):
            self.put(index, values.get(index), TOTAL)
        self.put(2, label).alignment = Alignment(horizontal="left")


# ---------------------------------------------------------------------------------------------
# Reading cells

_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def cell_text(value: object, number_format: str | None = None) -> str:
    """A cell as the text an archivist would have typed: Excel dates → ``DD/MM/YYYY``
    (``MM/YYYY`` or ``YYYY`` when the cell's format shows no day, or no day and month),
    integer-valued numbers → ``12``, TRUE/FALSE → ``1``/``0``, text in NFC."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.date):  # datetime included
        return _date_text(value, number_format or "")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))


def _date_text(value: datetime.date, number_format: str) -> str:
    """DD/MM/YYYY, or MM/YYYY and YYYY when the cell's format hides the day (and month)."""
    shown = _FORMAT_NOISE.sub("", number_format.lower())
    if "y" in shown and "d" not in shown:
        return f"{value.month:02d}/{value.year:04d}" if "m" in shown else f"{value.year:04d}"
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
