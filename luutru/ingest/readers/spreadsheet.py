"""The spreadsheet package (packages.md §2): ``ho_so`` and ``tai_lieu`` as ``.xlsx`` or ``.csv``.

Photos and negatives are listed in ``anh`` (TT 05 EAD_pic elements), audio and video
recordings in ``phim_am_thanh`` (EAD_media elements), each optional, each with the same *Mã hồ
sơ* and *Tệp tin* columns as ``tai_lieu``; a package of photos only may leave ``tai_lieu`` out.

Agencies without an e-office export fill in two sheets by hand, so this reader is lenient
about spelling and strict about nothing else:

- The two metadata files are found by name ignoring case, diacritics, punctuation and Unicode
  form: ``ho_so.xlsx``, ``HO_SO.CSV``, ``Hồ sơ.xlsx`` (NFC or NFD) all name the dossier list.
  Two candidates for one role (``ho_so.xlsx`` and ``ho_so.csv``) are an error (``duplicate``):
  the archive cannot know which one the agency meant.
- Header cells are matched through ``header_key`` against ``ALIASES``: the Vietnamese field
  names of TT 05/2025 (and of TT 02/2019 and NĐ 30/2020 where they differ), the TT 05 element
  names and a few common abbreviations. Column order is free. Unknown columns are warnings.
- The header is the first row that has at least one known column name, searched in the first
  ``HEADER_SCAN`` rows (normally row 1; agencies like to put a title above the table). Rows
  keep their Excel numbers whatever is skipped, and an xlsx file is read from its first sheet
  whose header is recognised (a workbook may start with an instruction sheet).
- Every cell becomes NFC text with surrounding spaces removed, as an archivist would have typed
  it: Excel dates → ``DD/MM/YYYY`` (``MM/YYYY`` or ``YYYY`` when the cell's format shows no day,
  or no day and month), integer-valued numbers → ``12``, TRUE/FALSE → ``1``/``0``.
- ``values`` holds one key per recognised column, **empty cells included as ""**, so that a
  record says which columns its sheet had; validation treats "" as missing. Completely empty
  rows are skipped.
- The ``Tệp tin`` column becomes the document's single ``FileRef`` (also when the cell is
  empty: validation then reports the row and the column by its name); a ``tai_lieu`` sheet
  without that column is reported once, at its header row.

xlsx files are streamed with openpyxl in read-only mode; csv files are small enough to decode
whole (``decode_legacy``: UTF-8, UTF-8 with BOM, Windows-1258) and their delimiter (``,`` ``;``
or tab) is sniffed by ``csv.Sniffer``.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from luutru.ingest.readers.base import (
    DOCUMENT_ELEMENTS,
    DOSSIER_ELEMENTS,
    MEDIA_ELEMENTS,
    PHOTO_ELEMENTS,
    DocumentRecord,
    DossierRecord,
    FileRef,
    PackageContents,
    Problem,
    Source,
)
from luutru.lib.spreadsheets import cell_text
from luutru.lib.vietnamese import decode_legacy, header_key, nfc

# Pseudo-elements of the tai_lieu sheet: they fill the FileRef, not ``values``.
PATH = "@path"
CHECKSUM = "@sha256"

# Column names per element, besides the element name itself: the TT 05/2025 wording first, then
# the TT 02/2019 and NĐ 30/2020 wording ("văn bản" for "tài liệu", "thời hạn bảo quản"), the
# long forms of the Thông tư, short forms seen in agency templates, and the kí/ký, lí/lý
# spellings (different letters, so folding does not merge them; khóa/khoá it does).
ALIASES: dict[str, tuple[str, ...]] = {
    "fileCode": ("Mã hồ sơ", "arcFileCode"),
    "title": ("Tiêu đề hồ sơ", "Tiêu đề"),
    "maintenance": ("Thời hạn lưu trữ", "Thời hạn bảo quản"),
    "mode": ("Chế độ sử dụng", "Mức độ tiếp cận"),
    "language": ("Ngôn ngữ",),
    "startDate": ("Thời gian bắt đầu", "Ngày bắt đầu"),
    "endDate": ("Thời gian kết thúc", "Ngày kết thúc"),
    "keyword": ("Từ khóa", "keywords"),
    "totalDoc": ("Tổng số tài liệu trong hồ sơ", "Tổng số tài liệu", "Số lượng tài liệu"),
    "numberOfPaper": ("Số lượng tờ", "Số tờ"),
    "numberOfPage": ("Số lượng trang", "Số trang", "Số lượng trang của văn bản"),
    "format": ("Tình trạng vật lý", "Tình trạng vật lí"),
    "inforSign": ("Ký hiệu thông tin", "Kí hiệu thông tin", "infoSign"),
    "confidenceLevel": ("Mức độ tin cậy",),
    "paperFileCode": ("Mã hồ sơ gốc giấy",),
    "riskRecovery": ("Chế độ dự phòng", "Chế độ lập tài liệu lưu trữ dự phòng"),
    "riskRecoveryStatus": ("Tình trạng dự phòng", "Tình trạng lập tài liệu lưu trữ dự phòng"),
    "description": ("Ghi chú",),
    "docOrdinal": ("Số thứ tự", "Số thứ tự tài liệu trong hồ sơ", "STT", "Số TT"),
    "docId": ("Mã định danh tài liệu", "Mã định danh văn bản", "Mã định danh"),
    "docCode": ("Mã lưu trữ tài liệu", "Mã lưu trữ của tài liệu", "Mã lưu trữ", "arcDocCode"),
    "typeName": ("Tên loại tài liệu", "Tên loại văn bản", "Loại tài liệu", "Loại văn bản"),
    "codeNumber": ("Số của tài liệu", "Số của văn bản", "Số văn bản"),
    "codeNotation": ("Ký hiệu của tài liệu", "Kí hiệu của tài liệu", "Ký hiệu của văn bản",
                     "Kí hiệu của văn bản", "Ký hiệu văn bản", "Kí hiệu văn bản"),
    "issuedDate": ("Ngày tháng năm tài liệu", "Ngày tháng năm văn bản", "Ngày ban hành"),
    "organName": ("Tên cơ quan, tổ chức ban hành", "Tên cơ quan, tổ chức, cá nhân ban hành",
                  "Tên cơ quan, tổ chức ban hành văn bản", "Cơ quan ban hành"),
    "subject": ("Trích yếu nội dung", "Trích yếu"),
    "autograph": ("Bút tích",),
    "process": ("Quy trình xử lý", "Quy trình xử lí"),
    # EAD_pic (sheet anh) and EAD_media (sheet phim_am_thanh)
    "typePic": ("Loại tài liệu phim ảnh", "Loại phim ảnh", "Phim âm bản hay ảnh"),
    "typeMedia": ("Loại tài liệu ghi âm ghi hình", "Loại ghi âm ghi hình", "Âm thanh hay video"),
    "archivesNumber": ("Số lưu trữ",),
    "eventName": ("Tên sự kiện", "Sự kiện"),
    "imageTitle": ("Tiêu đề phim ảnh", "Tiêu đề ảnh", "Tiêu đề", "Nội dung ảnh"),
    "movieTitle": ("Tiêu đề phim, ghi âm", "Tiêu đề ghi âm ghi hình", "Tiêu đề", "Tên phim"),
    "photographer": ("Tác giả", "Người chụp", "Tác giả ảnh"),
    "recorder": ("Tác giả", "Người ghi", "Người ghi âm ghi hình"),
    "photoPlace": ("Địa điểm chụp", "Địa điểm"),
    "recordPlace": ("Địa điểm ghi", "Địa điểm ghi âm ghi hình", "Địa điểm"),
    "photoTime": ("Thời gian chụp", "Ngày chụp", "Thời gian"),
    "recordDate": ("Thời gian ghi", "Ngày ghi", "Thời gian"),
    "colour": ("Màu sắc", "Màu"),
    "filmSize": ("Cỡ phim ảnh", "Cỡ phim", "Cỡ ảnh"),
    "docAttached": ("Tài liệu kèm theo",),
    "playTime": ("Thời lượng", "Thời gian phát"),
    "quality": ("Chất lượng",),
    PATH: ("Tệp tin", "Tệp", "Tên tệp", "Tên tệp tin", "Đường dẫn", "Đường dẫn tệp",
           "Đường dẫn tệp tin", "path", "file", "filePath", "fileName"),
    CHECKSUM: ("SHA-256", "Mã SHA-256", "Mã băm", "Mã băm SHA-256", "Giá trị băm", "checksum"),
}  # fmt: skip

# header_key of a file stem -> role
ROLES = {"hoso": "ho_so", "tailieu": "tai_lieu", "anh": "anh", "phimanh": "anh",
         "phimamthanh": "phim_am_thanh", "ghiamghihinh": "phim_am_thanh"}  # fmt: skip
READABLE = (".xlsx", ".csv")  # preferred first when a role has several candidates
SPREADSHEET_SUFFIXES = (*READABLE, ".xls", ".xlsm", ".xlsb", ".ods")
HEADER_SCAN = 10  # rows searched for the header: room for a title block, little else
SNIFF_CHARS = 64 * 1024
CSV_DELIMITERS = ",;\t"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, and also what a password-protected .xlsx is

# What a broken upload raises inside openpyxl or csv. Caught only around reading one table,
# so that a damaged file gives a report naming it rather than a traceback.
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    InvalidFileException,
    LookupError,  # KeyError, and IndexError: a cell naming a style the workbook lacks (fuzzing)
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
    csv.Error,
)


def _column_index(elements: Iterable[str]) -> dict[str, str]:
    """header_key -> element for one sheet; two elements must never share a key."""
    index: dict[str, str] = {}
    for element in elements:
        for name in (element, *ALIASES.get(element, ())):
            key = header_key(name)
            if index.setdefault(key, element) != element:
                raise RuntimeError(f"alias {name!r} names both {index[key]} and {element}")
    return index


@dataclass(frozen=True)
class Table:
    """One of the two metadata files: its role, the columns it accepts, a Vietnamese name."""

    role: str
    columns: dict[str, str]
    what: str


HO_SO = Table("ho_so", _column_index(DOSSIER_ELEMENTS), "danh sách hồ sơ")
TAI_LIEU = Table(
    "tai_lieu", _column_index((*DOCUMENT_ELEMENTS, PATH, CHECKSUM)), "danh sách tài liệu"
)
ANH = Table("anh", _column_index((*PHOTO_ELEMENTS, PATH, CHECKSUM)), "danh sách phim, ảnh")
PHIM_AM_THANH = Table(
    "phim_am_thanh",
    _column_index((*MEDIA_ELEMENTS, PATH, CHECKSUM)),
    "danh sách ghi âm, ghi hình",
)
# The lists of items that are not texts, with the element set (level) their rows are read as.
MEDIA_TABLES = ((ANH, "photo"), (PHIM_AM_THANH, "media"))


@dataclass
class Row:
    """A data row read from a table, still keyed by element (pseudo-elements included)."""

    source: Source
    values: dict[str, str]


@dataclass
class TableResult:
    rows: list[Row] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # element -> header as written
    file: str | None = None
    header_row: int | None = None


def metadata_role(name: str) -> str | None:
    """'ho_so' or 'tai_lieu' when a root-level file name is a metadata spreadsheet, else None.

    Office lock files (``~$ho_so.xlsx``) and macOS resource forks (``._ho_so.xlsx``) fold to
    the same key as the real file, hence the prefix test.
    """
    name = unicodedata.normalize("NFC", name)
    if name.startswith((".", "~$")):
        return None
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in SPREADSHEET_SUFFIXES:
        return None
    return ROLES.get(header_key(stem))


class SpreadsheetReader:
    """Reads a spreadsheet package into ``PackageContents``; see the module docstring."""

    form = "spreadsheet"

    def detect(self, root: Path) -> bool:
        """True when the root holds a ho_so or tai_lieu spreadsheet (one is enough: the
        other's absence is then reported by ``read`` rather than as an unknown form)."""
        if not root.is_dir():
            return False
        return any(metadata_role(p.name) and p.is_file() for p in root.iterdir())

    def read(self, root: Path, scratch: Path) -> PackageContents:
        contents = PackageContents(form=self.form)
        candidates: dict[str, list[Path]] = {
            "ho_so": [], "tai_lieu": [], "anh": [], "phim_am_thanh": []
        }  # fmt: skip
        for path in root.iterdir():
            role = metadata_role(path.name)
            if role and path.is_file() and not path.is_symlink():
                candidates[role].append(path)

        dossiers = _read_table(root, HO_SO, candidates["ho_so"], contents)
        lists: list[tuple[TableResult, str]] = []
        has_media = any(candidates[table.role] for table, _level in MEDIA_TABLES)
        if candidates["tai_lieu"] or not has_media:  # photos alone need no tai_lieu
            lists.append(
                (_read_table(root, TAI_LIEU, candidates["tai_lieu"], contents), "document")
            )
        for table, level in MEDIA_TABLES:
            if candidates[table.role]:
                lists.append((_read_table(root, table, candidates[table.role], contents), level))
        on_disk = _payload(root, exclude=set(chain(*candidates.values())))
        contents.payload = sorted(on_disk)

        for row in dossiers.rows:
            contents.dossiers.append(DossierRecord(source=row.source, values=row.values))
        for result, level in lists:
            _add_records(root, result, level, on_disk, contents)
        return contents


def _add_records(
    root: Path, table: TableResult, level: str, on_disk: dict[str, Path], contents: PackageContents
) -> None:
    """One DocumentRecord per row of a list of items (tai_lieu, anh, phim_am_thanh)."""
    if table.file and table.header_row and PATH not in table.labels:
        contents.problems.append(
            Problem(
                code="missing_field",
                message=(
                    f"Tệp {table.file} không có cột Tệp tin: không biết tệp nào là "
                    "của tài liệu nào."
                ),
                file=table.file,
                row=table.header_row,
                field="Tệp tin",
            )
        )
    for row in table.rows:
        path_text = row.values.pop(PATH, None)
        digest = row.values.pop(CHECKSUM, None)
        record = DocumentRecord(source=row.source, values=row.values, level=level)
        if path_text is not None:
            reference = _reference_path(path_text)
            real = on_disk.get(reference)
            record.files.append(
                FileRef(
                    path=reference,
                    sha256="".join((digest or "").split()).lower() or None,
                    source=row.source,
                    path_field=table.labels[PATH],
                    checksum_field=table.labels.get(CHECKSUM, "SHA-256"),
                    # the name on disk may be NFD while the package names it in NFC
                    location=real if real is not None and real != root / reference else None,
                )
            )
        contents.documents.append(record)


def _read_table(
    root: Path, table: Table, candidates: list[Path], contents: PackageContents
) -> TableResult:
    """Read one metadata file, reporting its absence, ambiguity or damage in ``contents``."""
    readable = sorted(
        (p for p in candidates if p.suffix.lower() in READABLE),
        key=lambda p: (READABLE.index(p.suffix.lower()), p.name),
    )
    result = TableResult()
    if not readable:
        others = ", ".join(sorted(_name(root, p) for p in candidates))
        hint = f" (có {others}: hãy lưu lại dưới dạng .xlsx hoặc .csv)" if others else ""
        contents.problems.append(
            Problem(
                code="missing_file",
                message=f"Gói thiếu tệp {table.role}.xlsx hoặc {table.role}.csv "
                f"({table.what}){hint}.",
                file=f"{table.role}.xlsx",
            )
        )
        return result
    path = readable[0]
    result.file = file = _name(root, path)
    if len(candidates) > 1:
        names = ", ".join(sorted(_name(root, p) for p in candidates))
        contents.problems.append(
            Problem(
                code="duplicate",
                message=f"Gói có nhiều tệp {table.what} ({names}); chỉ được có một.",
                file=file,
            )
        )
    try:
        if path.suffix.lower() == ".csv":
            _parse_table(result, file, table, iter([_csv_rows(path, table)]), contents)
        else:
            with closing(_xlsx_sheets(path)) as sheets:
                _parse_table(result, file, table, sheets, contents)
    except _UNREADABLE as exc:
        contents.problems.append(_unreadable(path, file, exc))
    return result


def _parse_table(
    result: TableResult,
    file: str,
    table: Table,
    sheets: Iterator[Iterator[tuple[int, list[str]]]],
    contents: PackageContents,
) -> None:
    """Find the header, map its columns and collect the non-empty data rows into ``result``."""
    found = _find_header(table, sheets)
    if found is None:
        contents.problems.append(
            Problem(
                code="missing_field",
                message=f"Tệp {file} không có dòng tên cột nào ({table.what} trống).",
                file=file,
                row=1,
            )
        )
        return
    header_row, header, rows = found
    result.header_row = header_row

    columns: dict[int, str] = {}  # column index -> element
    for index, text in enumerate(header):
        if not text:
            continue
        element = table.columns.get(header_key(text))
        if element is None:
            contents.warnings.append(
                Problem(
                    code="unknown_column",
                    message=f"Cột “{text}” của tệp {file} không phải trường thông tin nào "
                    "trong danh mục; cột này được bỏ qua.",
                    file=file,
                    row=header_row,
                    field=text,
                )
            )
        elif element in result.labels:
            contents.problems.append(
                Problem(
                    code="duplicate",
                    message=f"Tệp {file} có hai cột cùng một trường: “{result.labels[element]}” "
                    f"và “{text}”.",
                    file=file,
                    row=header_row,
                    field=text,
                )
            )
        else:
            columns[index] = element
            result.labels[element] = text

    # one labels dict shared by every row of the table: rows may number in the hundred thousands
    labels = {e: t for e, t in result.labels.items() if not e.startswith("@")}
    unnamed_reported: set[int] = set()
    for number, cells in rows:
        if not any(cells):
            continue
        values = {element: "" for element in result.labels}
        for index, text in enumerate(cells):
            element = columns.get(index)
            if element is not None:
                values[element] = text
            elif text and not _header_at(header, index) and index not in unnamed_reported:
                unnamed_reported.add(index)
                contents.warnings.append(
                    Problem(
                        code="unknown_column",
                        message=f"Cột {get_column_letter(index + 1)} của tệp {file} có dữ liệu "
                        f"(từ dòng {number}) nhưng không có tên cột; cột này được bỏ qua.",
                        file=file,
                        row=number,
                    )
                )
        result.rows.append(Row(Source(file=file, row=number, labels=labels), values))


def _header_at(header: list[str], index: int) -> str:
    return header[index] if index < len(header) else ""


def _find_header(
    table: Table, sheets: Iterator[Iterator[tuple[int, list[str]]]]
) -> tuple[int, list[str], Iterator[tuple[int, list[str]]]] | None:
    """The first sheet's header row with a known column name, and that sheet's remaining rows.

    With no recognisable header anywhere, the first non-empty row of the first sheet is taken
    as the header, so that its columns are reported as unknown rather than silently ignored.
    """
    fallback: tuple[int, list[str], Iterator[tuple[int, list[str]]]] | None = None
    for rows in sheets:
        seen: list[tuple[int, list[str]]] = []
        for number, cells in rows:
            seen.append((number, cells))
            if any(header_key(c) in table.columns for c in cells if c):
                return number, cells, rows
            if len(seen) >= HEADER_SCAN:
                break
        if fallback is None:
            non_empty = [i for i, (_, cells) in enumerate(seen) if any(cells)]
            if non_empty:
                first = non_empty[0]
                number, cells = seen[first]
                fallback = number, cells, chain(seen[first + 1 :], rows)
    return fallback


def _xlsx_sheets(path: Path) -> Generator[Iterator[tuple[int, list[str]]]]:
    """Each worksheet's rows, streamed; the workbook stays open until the caller is done."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            # some writers record a wrong used range (A1:A1); read what is really there
            sheet.reset_dimensions()
            yield _xlsx_rows(sheet)
    finally:
        workbook.close()


def _xlsx_rows(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    # read-only iter_rows fills missing rows with empty tuples, so counting gives Excel's numbers
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        yield number, [cell_text(c.value, c.number_format) for c in cells]


def _csv_rows(path: Path, table: Table) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV file; a record spanning several lines counts as one row, as in Excel."""
    text = decode_legacy(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text, table))
    for number, cells in enumerate(reader, start=1):
        yield number, [nfc(c) for c in cells]


def sniff_delimiter(text: str, table: Table) -> str:
    """``,``, ``;`` or tab: the one that splits the header into the most known column names.

    ``csv.Sniffer`` alone is not enough: Excel set to Vietnamese writes ``;`` (the decimal
    separator being ``,``), and "Tên cơ quan, tổ chức ban hành" then puts a comma on every line,
    a tie the sniffer settles for the comma. Its guess still wins ties here (a sheet whose
    header names no known column).
    """
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample.rsplit("\n", 1)[0]
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        guess = ","  # a single column, or too little text to tell

    def known_columns(delimiter: str) -> int:
        rows = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        counts = (sum(header_key(c) in table.columns for c in row) for row in rows)
        return max(islice(counts, HEADER_SCAN), default=0)

    return max((guess, *CSV_DELIMITERS.replace(guess, "")), key=known_columns)


def _reference_path(text: str) -> str:
    """A Tệp tin cell as a posix path: Windows separators turned, a leading ``./`` dropped.

    ``..`` and absolute paths are kept as written: validation must see and reject them.
    """
    path = unicodedata.normalize("NFC", text.strip()).replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def _payload(root: Path, exclude: set[Path]) -> dict[str, Path]:
    """Every regular file under root but the metadata files: NFC posix name -> real path.

    Symbolic links are left out (they are no content; the archive check reports them).
    """
    found: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if path in exclude or path.is_symlink() or not path.is_file():
                continue
            found[unicodedata.normalize("NFC", path.relative_to(root).as_posix())] = path
    return found


def _name(root: Path, path: Path) -> str:
    return unicodedata.normalize("NFC", path.relative_to(root).as_posix())


def _unreadable(path: Path, file: str, exc: BaseException) -> Problem:
    """A damaged metadata file, with the likely cause when the bytes tell it."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError:
        magic = b""
    if magic == OLE_MAGIC:
        cause = "đây là tệp Excel cũ (.xls) hoặc tệp đã đặt mật khẩu; hãy lưu lại thành .xlsx"
    else:
        cause = f"tệp hỏng hoặc không đúng định dạng ({type(exc).__name__}: {exc})"
    return Problem(code="damaged_file", message=f"Không đọc được tệp {file}: {cause}.", file=file)
