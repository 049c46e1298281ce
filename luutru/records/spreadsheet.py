"""Bulk corrections of descriptions through Excel (bảng tính sửa mô tả hàng loạt).

``export_xlsx`` writes the descriptions of a selection, one row per dossier (or document), one
column per TT 05/2025 element under its Vietnamese name (the names the ingest spreadsheet
form uses), after a first column holding the record's code as the key of the row. Every value
is written as the text an archivist would type (dates ``DD/MM/YYYY``, ``MM/YYYY`` or ``YYYY``,
codes ``01``), so that a round trip without edits changes nothing.

A document workbook carries photos (EAD_pic) and recordings (EAD_media) too: after the text
document's columns come the elements only they have (typePic, photoPlace, playTime…); each row
fills the columns of its own element set and leaves the others empty, and a value typed in a
column that is not its record's is reported rather than silently dropped.

``read_rows`` reads such a workbook back (cells through ``lib.spreadsheets.cell_text``, as ingest
reads them); ``check_rows`` finds each row's record in the selection the user may change and
checks it with ``description.check`` (the ingest rules). The report names file, row, column
and problem in Vietnamese, like an ingest report; ``actions.import_descriptions`` applies the
rows only when the report is empty.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

import openpyxl
from django.db.models import Q, QuerySet
from openpyxl.utils.exceptions import InvalidFileException

from luutru.lib.spreadsheets import Column, cell_text, table_xlsx
from luutru.lib.vietnamese import header_key
from luutru.records import description
from luutru.records.elements import Element
from luutru.records.models import Document, DocumentKind, Dossier

KEY = {"dossier": "Mã hồ sơ (khóa, không sửa)", "document": "Mã tài liệu (khóa, không sửa)"}
HEADER_SCAN = 10
MAX_ROWS = 20_000


def document_key(document: Document) -> str:
    """How a document is named in the key column: its archival code, else its identifier,
    else its number in the database (a loose document may have neither code)."""
    return document.archival_code or document.identifier or f"#{document.pk}"


MEDIA_LEVELS = {"photo": "phim, ảnh", "media": "ghi âm, ghi hình"}


def _specs(level: str) -> dict[str, Element]:
    """The workbook's columns after the key: element name → its element, in TT 05 order (a
    document workbook: fileCode, the text document's elements, then photos' and recordings')."""
    specs = dict(description.editable(level))
    if level == "document":
        specs = {"fileCode": description.elements("document")["fileCode"], **specs}
        for media_level in MEDIA_LEVELS:
            for name, spec in description.editable(media_level).items():
                specs.setdefault(name, spec)
    return specs


def _headers(level: str) -> dict[str, str]:
    """Element name → its column header: its Vietnamese name, with the kind of record it is
    for when two kinds name different elements alike (a photo's and a recording's “Tác giả”)."""
    specs = _specs(level)
    labels = [spec.label for spec in specs.values()]
    return {
        name: f"{spec.label} ({MEDIA_LEVELS[spec.level]})"
        if labels.count(spec.label) > 1 and spec.level in MEDIA_LEVELS
        else spec.label
        for name, spec in specs.items()
    }


def _columns(level: str) -> list[str]:
    return list(_specs(level))


def export_xlsx(level: str, records: Iterable[Dossier | Document]) -> bytes:
    """The workbook of a selection's descriptions (see the module docstring)."""
    specs = _specs(level)
    headers = _headers(level)
    names = _columns(level)
    columns = [Column(KEY[level], 28)] + [
        Column(headers[n], 40 if specs[n].kind == "text" else 18) for n in names
    ]
    rows = []
    for item in records:
        values = description.record_values(item)
        key = item.code if isinstance(item, Dossier) else document_key(item)
        rows.append([key, *(values.get(n, "") for n in names)])
    title = "Hồ sơ" if level == "dossier" else "Tài liệu"
    return table_xlsx(columns, rows, title=title)


@dataclass(frozen=True)
class Problem:
    """One problem of an import, as an ingest report shows it."""

    file: str
    row: int | None
    field: str | None
    message: str


@dataclass
class SheetRow:
    number: int
    key: str
    values: dict[str, str]


@dataclass
class Sheet:
    rows: list[SheetRow] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # element -> header as written
    problems: list[Problem] = field(default_factory=list)


def _index(level: str) -> dict[str, str]:
    """header_key → element (or "@key") for the headers a sheet may use."""
    index = {header_key(KEY[level]): "@key"}
    for name, header in _headers(level).items():
        index.setdefault(header_key(header), name)
        index.setdefault(header_key(name), name)
    return index


def read_rows(level: str, data: bytes, file: str) -> Sheet:
    """The rows of the first sheet whose header names the key column."""
    sheet = Sheet()
    index = _index(level)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        sheet.problems.append(
            Problem(file, None, None, f"Không đọc được tệp {file}: không phải tệp .xlsx ({exc}).")
        )
        return sheet
    try:
        for ws in workbook.worksheets:
            ws.reset_dimensions()
            columns: dict[int, str] | None = None
            for number, cells in enumerate(ws.iter_rows(), start=1):
                texts = [cell_text(c.value, getattr(c, "number_format", None)) for c in cells]
                if columns is None:
                    found = {i: index.get(header_key(t)) for i, t in enumerate(texts) if t}
                    if "@key" in found.values():
                        columns = {i: e for i, e in found.items() if e}
                        sheet.labels = {e: texts[i] for i, e in columns.items()}
                    elif number >= HEADER_SCAN:
                        break
                    continue
                if not any(texts):
                    continue
                if len(sheet.rows) >= MAX_ROWS:
                    sheet.problems.append(
                        Problem(file, number, None, f"Tệp có quá {MAX_ROWS} dòng; hãy chia nhỏ.")
                    )
                    return sheet
                values = {e: (texts[i] if i < len(texts) else "") for i, e in columns.items()}
                key = values.pop("@key", "")
                sheet.rows.append(SheetRow(number, key, values))
            if columns is not None:
                return sheet
    finally:
        workbook.close()
    sheet.problems.append(
        Problem(file, 1, KEY[level], f"Tệp {file} không có cột “{KEY[level]}”: hãy dùng tệp "
                "đã xuất từ hệ thống và giữ nguyên dòng tên cột.")
    )  # fmt: skip
    return sheet


@dataclass
class Checked:
    """A checked import: the problems, and each row's record with its new values."""

    problems: list[Problem] = field(default_factory=list)
    planned: list[tuple[Dossier | Document, dict[str, str]]] = field(default_factory=list)


def check_rows(
    level: str,
    sheet: Sheet,
    file: str,
    dossiers: QuerySet[Dossier] | None = None,
    documents: QuerySet[Document] | None = None,
) -> Checked:
    """Every row against its record (among those the user may change) and the ingest rules."""
    result = Checked(problems=list(sheet.problems))
    headers = _headers(level)
    key_label = sheet.labels.get("@key", KEY[level])
    seen: dict[str, int] = {}
    records = _records(level, [r.key for r in sheet.rows], dossiers, documents)
    ordinals: dict[tuple[int, int], int] = {}
    for row in sheet.rows:

        def label(element: str, row: SheetRow = row) -> str:
            return sheet.labels.get(element) or headers.get(element, element)

        if not row.key:
            result.problems.append(
                Problem(file, row.number, key_label, "Dòng không có mã (cột khóa để trống).")
            )
            continue
        if row.key in seen:
            result.problems.append(
                Problem(file, row.number, key_label,
                        f"Mã “{row.key}” đã có ở dòng {seen[row.key]}; mỗi mã chỉ một dòng.")
            )  # fmt: skip
            continue
        seen[row.key] = row.number
        found = records.get(row.key)
        if found is None:
            what = "hồ sơ" if level == "dossier" else "tài liệu"
            result.problems.append(
                Problem(file, row.number, key_label,
                        f"Không tìm thấy {what} mã “{row.key}” trong phạm vi được sửa.")
            )  # fmt: skip
            continue
        values = dict(row.values)
        if isinstance(found, Document) and "fileCode" in values:
            file_code = values.pop("fileCode")
            current = found.dossier.code if found.dossier else ""
            if file_code != current:
                result.problems.append(
                    Problem(file, row.number, label("fileCode"),
                            "Không đổi hồ sơ của tài liệu bằng bảng tính; hãy dùng chức năng "
                            "“Đưa vào hồ sơ”.")
                )  # fmt: skip
                continue
        if isinstance(found, Document):
            own = description.editable(description.level_of(found))
            foreign = [e for e, v in values.items() if v.strip() and e not in own]
            if foreign:
                kind = DocumentKind(found.kind).label
                result.problems.extend(
                    Problem(file, row.number, label(e),
                            f"Cột “{label(e)}” không dùng cho tài liệu loại “{kind}”; hãy để "
                            "trống.")
                    for e in foreign
                )  # fmt: skip
                continue
        cleaned = description.check(found, values, label)
        for issue in cleaned.issues:
            result.problems.append(Problem(file, row.number, label(issue.element), issue.message))
        if isinstance(found, Document) and found.dossier_id and cleaned.fields.get("ordinal"):
            place = (found.dossier_id, cleaned.fields["ordinal"])
            if place in ordinals:
                result.problems.append(
                    Problem(file, row.number, label("docOrdinal"),
                            f"Số thứ tự {place[1]} trùng với dòng {ordinals[place]} trong cùng "
                            "hồ sơ.")
                )  # fmt: skip
            ordinals[place] = row.number
        if not cleaned.issues:
            result.planned.append((found, values))
    return result


def _records(
    level: str,
    keys: list[str],
    dossiers: QuerySet[Dossier] | None,
    documents: QuerySet[Document] | None,
) -> dict[str, Dossier | Document]:
    if level == "dossier":
        assert dossiers is not None
        return {d.code: d for d in dossiers.filter(code__in=keys).select_related("agency")}
    assert documents is not None
    pks = [int(k[1:]) for k in keys if k.startswith("#") and k[1:].isdigit()]
    found = documents.filter(
        Q(archival_code__in=keys) | Q(identifier__in=keys) | Q(pk__in=pks)
    ).select_related("dossier")
    return {document_key(d): d for d in found}
