"""The spreadsheet package reader: the sample packages, and the ways agencies really fill in sheets.

No database: the reader only turns files into ``PackageContents``. Small workbooks and CSV
files are written by the tests themselves in ``tmp_path``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import shutil
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from luutru.ingest.readers.base import (
    DOCUMENT_ELEMENTS,
    DOSSIER_ELEMENTS,
    DocumentRecord,
    DossierRecord,
    PackageContents,
)
from luutru.ingest.readers.spreadsheet import (
    ALIASES,
    CHECKSUM,
    HO_SO,
    PATH,
    TAI_LIEU,
    SpreadsheetReader,
    cell_text,
    sniff_delimiter,
)
from luutru.lib.vietnamese import nfc
from luutru.test import SAMPLES

SMALL = SAMPLES / "valid" / "spreadsheet_small"

HO_SO_HEADER = ["Mã hồ sơ", "Tiêu đề hồ sơ", "Thời hạn lưu trữ", "Thời gian bắt đầu"]
TAI_LIEU_HEADER = ["Mã hồ sơ", "Số thứ tự", "Trích yếu nội dung", "Tệp tin", "SHA-256"]
CODE = "000.00.15.H30.2023.11"
TITLE = "Hồ sơ về việc giao đất, cho thuê đất và quản lý đất đai năm 2023"
SUBJECT = "Tờ trình đề nghị giao đất cho Trường Mầm non xã Phương Bình"
EXCEL_DATETIME = dt.datetime(2023, 5, 15)  # noqa: DTZ001  Excel cells carry no time zone
# tones Windows-1258 writes as combining marks, the others are precomposed in the code page
CP1258_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def read(root: Path) -> PackageContents:
    return SpreadsheetReader().read(root, root / "scratch-unused")


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    text = buffer.getvalue()
    if encoding == "cp1258":
        return cp1258(text)
    return text.encode(encoding)


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: base letters precomposed, tone marks combining.

    Python's encoder has no mapping for NFC letters with tones (ề, ợ), and none for the
    combining circumflex, breve or horn, so compose those back onto their base letter.
    """
    chars: list[str] = []
    base = -1  # index of the last base letter: NFD puts a dot below before a circumflex (ậ)
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and char not in CP1258_TONES and base >= 0:
            chars[base] = unicodedata.normalize("NFC", chars[base] + char)
        else:
            chars.append(char)
            if not unicodedata.combining(char):
                base = len(chars) - 1
    return "".join(chars).encode("cp1258")


def small_package(root: Path, header: list[str] | None = None) -> Path:
    """A one-dossier, one-document xlsx package with its file."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "tai_lieu").mkdir()
    content = b"%PDF-1.7 thu nghiem"
    (root / "tai_lieu" / "01.pdf").write_bytes(content)
    write_xlsx(root / "ho_so.xlsx", [header or HO_SO_HEADER, [CODE, TITLE, "01", "15/05/2023"]])
    digest = hashlib.sha256(content).hexdigest()
    write_xlsx(
        root / "tai_lieu.xlsx",
        [TAI_LIEU_HEADER, [CODE, 1, SUBJECT, "tai_lieu/01.pdf", digest.upper()]],
    )
    return root


def sample_rows(path: Path) -> list[list[str]]:
    """A sample workbook as the strings its cells show, to write it out again as CSV."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [["" if v is None else str(v) for v in row] for row in workbook.active.values]
    finally:
        workbook.close()


def as_tuples(contents: PackageContents) -> list[tuple[str, int | None, dict[str, str]]]:
    records: list[DossierRecord | DocumentRecord] = [*contents.dossiers, *contents.documents]
    return [(r.source.file, r.source.row, r.values) for r in records]


# --- the sample packages -------------------------------------------------------------------


def test_the_small_sample_reads_as_5_dossiers_27_documents_and_27_files() -> None:
    reader = SpreadsheetReader()
    assert reader.form == "spreadsheet"
    assert reader.detect(SMALL)
    contents = read(SMALL)

    assert contents.form == "spreadsheet"
    assert (contents.problems, contents.warnings) == ([], [])
    assert len(contents.dossiers) == 5
    assert len(contents.documents) == 27
    refs = [ref for document in contents.documents for ref in document.files]
    assert len(refs) == 27 and all(len(d.files) == 1 for d in contents.documents)
    assert len(contents.payload) == 27
    assert sorted(ref.path for ref in refs) == sorted(contents.payload)
    assert "ho_so.xlsx" not in contents.payload and "tai_lieu.xlsx" not in contents.payload


def test_the_small_sample_values_are_the_text_an_archivist_typed() -> None:
    contents = read(SMALL)
    dossier = contents.dossiers[0]
    assert dossier.source.file == "ho_so.xlsx" and dossier.source.row == 2
    assert dossier.source.label("title") == "Tiêu đề hồ sơ"
    assert dossier.values["fileCode"] == "000.00.15.H30.2023.11"
    assert dossier.values["title"] == (
        "Hồ sơ về việc giao đất, cho thuê đất và quản lý đất đai năm 2023 trên địa bàn huyện "
        "Châu Thành"
    )
    assert unicodedata.is_normalized("NFC", dossier.values["title"])
    assert dossier.values["startDate"] == "15/05/2023"
    assert dossier.values["totalDoc"] == "6"  # a number cell
    assert dossier.values["numberOfPaper"] == ""  # an empty cell is kept as ""
    assert contents.dossiers[1].values["paperFileCode"] == "000.00.12.H30.01.01.276.012"

    document = contents.documents[6]  # Excel row 8: the first document of HS12
    assert document.source.file == "tai_lieu.xlsx" and document.source.row == 8
    assert document.values["docOrdinal"] == "1"
    assert document.values["codeNotation"] == "QĐ-STNMT"
    assert document.values["issuedDate"] == "01/03/2022"
    assert document.values["autograph"] == "Có chữ ký tươi và dấu đỏ của cơ quan ban hành"
    assert PATH not in document.values and CHECKSUM not in document.values
    (ref,) = document.files
    assert ref.path == "tai_lieu/HS12/01_181-QD-STNMT.pdf"
    assert ref.sha256 == "31c9a76b7d82f06bccfe47a85634a5ad215c5ef67222bcc7e19047557cba1682"
    assert (ref.path_field, ref.checksum_field) == ("Tệp tin", "SHA-256")
    assert ref.source is document.source
    assert ref.on_disk(SMALL).is_file()


def test_missing_required_field_sample_keeps_row_2_with_an_empty_title() -> None:
    contents = read(SAMPLES / "invalid" / "missing_required_field")
    assert contents.problems == []
    first = contents.dossiers[0]
    assert (first.source.file, first.source.row) == ("ho_so.xlsx", 2)
    assert first.values["title"] == ""
    assert first.source.label("title") == "Tiêu đề hồ sơ"


def test_missing_file_sample_keeps_row_4_naming_a_file_that_is_not_there() -> None:
    contents = read(SAMPLES / "invalid" / "missing_file")
    assert contents.problems == []
    (row_4,) = [d for d in contents.documents if d.source.row == 4]
    (ref,) = row_4.files
    assert ref.path == "tai_lieu/HS212/01_481-PA-UBND.pdf"
    assert ref.path_field == "Tệp tin"
    assert ref.path not in contents.payload
    assert len(contents.payload) == 3


def test_checksum_mismatch_sample_keeps_row_3_and_its_declared_digest() -> None:
    root = SAMPLES / "invalid" / "checksum_mismatch_column"
    contents = read(root)
    assert contents.problems == []
    wrong = []
    for document in contents.documents:
        (ref,) = document.files
        actual = hashlib.sha256(ref.on_disk(root).read_bytes()).hexdigest()
        if actual != ref.sha256:
            wrong.append((document.source.file, document.source.row, ref.checksum_field))
    assert wrong == [("tai_lieu.xlsx", 3, "SHA-256")]


# --- header spellings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(["MÃ HỒ SƠ", "TIÊU ĐỀ HỒ SƠ", "THỜI HẠN LƯU TRỮ", "THỜI GIAN BẮT ĐẦU"],
                     id="upper case"),
        pytest.param(["Ma ho so", "Tieu de ho so", "Thoi han luu tru", "Thoi gian bat dau"],
                     id="without diacritics"),
        pytest.param(["  Mã   hồ sơ ", "Tiêu đề  hồ sơ", " Thời hạn lưu trữ", "Thời gian bắt đầu "],
                     id="extra spaces"),
        pytest.param(["fileCode", "title", "maintenance", "startDate"], id="TT 05 element names"),
        pytest.param(["arcFileCode", "TITLE", "Maintenance", "start_date"], id="AIP and odd case"),
        pytest.param([unicodedata.normalize("NFD", h) for h in HO_SO_HEADER], id="NFD text"),
        pytest.param(["Mã_hồ_sơ", "Tiêu-đề-hồ-sơ", "Thời hạn bảo quản", "Thời gian bắt đầu"],
                     id="punctuation and the TT 02 name"),
    ],
)  # fmt: skip
def test_headers_match_whatever_their_spelling(tmp_path: Path, header: list[str]) -> None:
    contents = read(small_package(tmp_path / "goi", header))
    assert (contents.problems, contents.warnings) == ([], [])
    (dossier,) = contents.dossiers
    assert dossier.values == {
        "fileCode": CODE,
        "title": TITLE,
        "maintenance": "01",
        "startDate": "15/05/2023",
    }
    # labels keep the header as the agency wrote it (NFC, trimmed), for messages
    assert dossier.source.label("title") == nfc(header[1])


def test_column_order_does_not_matter(tmp_path: Path) -> None:
    root = tmp_path / "goi"
    root.mkdir()
    order = [3, 0, 2, 1]
    row = [CODE, TITLE, "01", "15/05/2023"]
    write_xlsx(root / "ho_so.xlsx", [[HO_SO_HEADER[i] for i in order], [row[i] for i in order]])
    write_xlsx(root / "tai_lieu.xlsx", [list(reversed(TAI_LIEU_HEADER)), ["", "a.pdf", SUBJECT]])
    contents = read(root)
    assert contents.dossiers[0].values["title"] == TITLE
    assert contents.dossiers[0].values["startDate"] == "15/05/2023"
    document = contents.documents[0]
    assert document.values == {"fileCode": "", "docOrdinal": "", "subject": SUBJECT}
    assert document.files[0].path == "a.pdf" and document.files[0].sha256 is None


def test_an_unknown_column_is_a_warning_naming_file_row_and_header(tmp_path: Path) -> None:
    root = small_package(tmp_path / "goi", [*HO_SO_HEADER, "Người nhập liệu"])
    contents = read(root)
    assert contents.problems == []
    (warning,) = contents.warnings
    assert warning.code == "unknown_column"
    assert (warning.file, warning.row, warning.field) == ("ho_so.xlsx", 1, "Người nhập liệu")
    assert "Người nhập liệu" in warning.message
    assert len(contents.dossiers) == 1


def test_two_columns_for_one_field_are_an_error(tmp_path: Path) -> None:
    contents = read(small_package(tmp_path / "goi", [*HO_SO_HEADER[:3], "title"]))
    (problem,) = contents.problems
    assert (problem.code, problem.file, problem.row, problem.field) == (
        "duplicate",
        "ho_so.xlsx",
        1,
        "title",
    )


def test_every_tt05_element_has_a_vietnamese_column_name() -> None:
    for element in {*DOSSIER_ELEMENTS, *DOCUMENT_ELEMENTS}:
        assert any(not name.isascii() for name in ALIASES[element]), element


def test_long_and_legacy_vietnamese_names_reach_their_elements(tmp_path: Path) -> None:
    root = tmp_path / "goi"
    root.mkdir()
    header = ["Mã hồ sơ", "STT", "Mã lưu trữ của tài liệu", "Tên loại văn bản",
              "Ngày, tháng, năm tài liệu", "Tên cơ quan, tổ chức, cá nhân ban hành",
              "Kí hiệu của văn bản", "Quy trình xử lý", "Đường dẫn", "checksum"]  # fmt: skip
    values = [CODE, "1", f"{CODE}.0000001", "22", "02/01/2023", "UBND", "UBND-VP", "0", "a.pdf",
              "ab"]  # fmt: skip
    write_xlsx(root / "tai_lieu.xlsx", [header, values])
    write_xlsx(root / "ho_so.xlsx", [HO_SO_HEADER])
    contents = read(root)
    assert contents.warnings == []
    document = contents.documents[0]
    assert document.values == {
        "fileCode": CODE,
        "docOrdinal": "1",
        "docCode": f"{CODE}.0000001",
        "typeName": "22",
        "issuedDate": "02/01/2023",
        "organName": "UBND",
        "codeNotation": "UBND-VP",
        "process": "0",
    }
    (ref,) = document.files
    assert (ref.path_field, ref.checksum_field, ref.sha256) == ("Đường dẫn", "checksum", "ab")


# --- cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (None, None, ""),
        ("  Hồ sơ  ", None, "Hồ sơ"),
        (unicodedata.normalize("NFD", "Đất đai"), None, "Đất đai"),
        (12, "General", "12"),
        (12.0, "General", "12"),
        (2.5, "General", "2.5"),
        (True, None, "1"),
        (False, None, "0"),
        (EXCEL_DATETIME, "yyyy-mm-dd h:mm:ss", "15/05/2023"),
        (EXCEL_DATETIME.replace(hour=14, minute=30), "dd/mm/yyyy hh:mm", "15/05/2023"),
        (dt.date(2023, 5, 1), "[$-42A]mm/yyyy", "05/2023"),
        (dt.date(2023, 1, 1), "yyyy", "2023"),
    ],
)
def test_cells_become_the_text_an_archivist_would_type(
    value: object, number_format: str | None, text: str
) -> None:
    assert cell_text(value, number_format) == text


def test_excel_date_and_number_cells_are_read_as_text(tmp_path: Path) -> None:
    root = tmp_path / "goi"
    root.mkdir()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*HO_SO_HEADER, "Thời gian kết thúc", "Tổng số tài liệu", "Chế độ dự phòng"])
    sheet.append([CODE, TITLE, 1, EXCEL_DATETIME, dt.date(2023, 10, 9), 6.0, True])
    sheet["E2"].number_format = "mm/yyyy"
    workbook.save(root / "ho_so.xlsx")
    write_xlsx(root / "tai_lieu.xlsx", [TAI_LIEU_HEADER])
    values = read(root).dossiers[0].values
    assert values["maintenance"] == "1"  # a code typed as a number loses its zero: validation
    assert values["startDate"] == "15/05/2023"
    assert values["endDate"] == "10/2023"
    assert values["totalDoc"] == "6"
    assert values["riskRecovery"] == "1"


def test_empty_rows_are_skipped_and_rows_keep_their_excel_numbers(tmp_path: Path) -> None:
    root = tmp_path / "goi"
    root.mkdir()
    write_xlsx(
        root / "ho_so.xlsx",
        [HO_SO_HEADER, [CODE, TITLE], [None, None, "  "], [], [f"{CODE}9", "Hồ sơ khác"]],
    )
    write_xlsx(root / "tai_lieu.xlsx", [TAI_LIEU_HEADER])
    rows = [(d.source.row, d.values["fileCode"]) for d in read(root).dossiers]
    assert rows == [(2, CODE), (5, f"{CODE}9")]


def test_a_title_block_above_the_header_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "goi"
    root.mkdir()
    write_xlsx(
        root / "ho_so.xlsx",
        [["DANH MỤC HỒ SƠ NỘP LƯU"], [], HO_SO_HEADER, [CODE, TITLE, "01", "15/05/2023"]],
    )
    write_xlsx(root / "tai_lieu.xlsx", [TAI_LIEU_HEADER])
    contents = read(root)
    assert contents.warnings == []
    assert [(d.source.row, d.values["title"]) for d in contents.dossiers] == [(4, TITLE)]


def test_the_first_sheet_with_a_known_header_is_read(tmp_path: Path) -> None:
    root = small_package(tmp_path / "goi")
    workbook = openpyxl.Workbook()
    workbook.active.title = "Hướng dẫn"
    workbook.active.append(["Điền mỗi hồ sơ một dòng ở trang sau."])
    workbook.create_sheet("Hồ sơ").append(HO_SO_HEADER)
    workbook["Hồ sơ"].append([CODE, TITLE])
    workbook.save(root / "ho_so.xlsx")
    contents = read(root)
    assert [d.values["title"] for d in contents.dossiers] == [TITLE]
    assert contents.warnings == []


def test_data_under_a_column_without_a_name_is_reported(tmp_path: Path) -> None:
    root = small_package(tmp_path / "goi")
    write_xlsx(root / "ho_so.xlsx", [HO_SO_HEADER, [CODE, TITLE, "01", "15/05/2023", "lạc"]])
    (warning,) = read(root).warnings
    assert (warning.code, warning.file, warning.row) == ("unknown_column", "ho_so.xlsx", 2)
    assert "Cột E" in warning.message


# --- CSV -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_reads_like_the_workbook_it_was_saved_from(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    root = tmp_path / "goi"
    root.mkdir()
    for name in ("ho_so", "tai_lieu"):
        rows = sample_rows(SMALL / f"{name}.xlsx")
        (root / f"{name}.csv").write_bytes(csv_bytes(rows, encoding, delimiter))
    contents = read(root)
    assert (contents.problems, contents.warnings) == ([], [])
    expected = read(SMALL)
    records: list[DossierRecord | DocumentRecord] = [*expected.dossiers, *expected.documents]
    for record in records:
        record.source.file = record.source.file.replace(".xlsx", ".csv")
    assert as_tuples(contents) == as_tuples(expected)
    assert [d.files[0].path for d in contents.documents] == [
        d.files[0].path for d in expected.documents
    ]


def test_windows_1258_bytes_are_decoded_to_nfc(tmp_path: Path) -> None:
    data = cp1258("Tiêu đề hồ sơ;Mã hồ sơ\r\nHồ sơ tổ chức Đại hội lần thứ IV;X\r\n")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "ê".encode("cp1258") == b"\xea"  # precomposed in the code page
    assert cp1258("ề") == b"\xea\xcc"  # ê + combining grave
    root = tmp_path / "goi"
    root.mkdir()
    (root / "ho_so.csv").write_bytes(data)
    (root / "tai_lieu.csv").write_bytes(b"")
    contents = read(root)
    (dossier,) = contents.dossiers
    assert dossier.values == {"title": "Hồ sơ tổ chức Đại hội lần thứ IV", "fileCode": "X"}
    assert unicodedata.is_normalized("NFC", dossier.values["title"])
    assert dossier.source.label("title") == "Tiêu đề hồ sơ"


def test_a_quoted_csv_field_over_two_lines_is_one_row(tmp_path: Path) -> None:
    root = tmp_path / "goi"
    root.mkdir()
    text = 'Mã hồ sơ;Ghi chú\nA;"dòng một\ndòng hai"\nB;\n'
    (root / "ho_so.csv").write_text(text, encoding="utf-8")
    (root / "tai_lieu.csv").write_text(";".join(TAI_LIEU_HEADER), encoding="utf-8")
    dossiers = read(root).dossiers
    assert [(d.source.row, d.values["fileCode"]) for d in dossiers] == [(2, "A"), (3, "B")]
    assert dossiers[0].values["description"] == "dòng một\ndòng hai"


def test_the_delimiter_is_the_one_that_finds_the_known_columns() -> None:
    # a comma on every line ties with the semicolon for csv.Sniffer, which then picks the comma
    text = "Tên cơ quan, tổ chức ban hành;Mã hồ sơ\nUBND, tỉnh;A\n"
    assert csv.Sniffer().sniff(text, delimiters=",;\t").delimiter == ","
    assert sniff_delimiter(text, TAI_LIEU) == ";"
    assert (
        sniff_delimiter("Mã hồ sơ\tTên cơ quan, tổ chức ban hành\nA\tUBND, tỉnh\n", TAI_LIEU)
        == "\t"
    )
    assert sniff_delimiter("Mã hồ sơ\nA\nB\n", HO_SO) == ","  # one column
    assert sniff_delimiter("a;b\n1;2\n", HO_SO) == ";"  # nothing known: the sniffer decides


# --- file names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ho_so", "tai_lieu"),
    [
        ("HO_SO.XLSX", "Tai_Lieu.xlsx"),
        ("Hồ sơ.xlsx", "Tài liệu.xlsx"),
        (unicodedata.normalize("NFD", "Hồ sơ.xlsx"), unicodedata.normalize("NFD", "Tài liệu.xlsx")),
    ],
)
def test_metadata_files_are_found_by_name_ignoring_case_and_diacritics(
    tmp_path: Path, ho_so: str, tai_lieu: str
) -> None:
    root = small_package(tmp_path / "goi")
    (root / "ho_so.xlsx").rename(root / ho_so)
    (root / "tai_lieu.xlsx").rename(root / tai_lieu)
    assert SpreadsheetReader().detect(root)
    contents = read(root)
    assert contents.problems == []
    assert contents.dossiers[0].source.file == unicodedata.normalize("NFC", ho_so)
    assert contents.documents[0].source.file == unicodedata.normalize("NFC", tai_lieu)
    assert contents.payload == ["tai_lieu/01.pdf"]


def test_a_missing_metadata_file_is_an_error(tmp_path: Path) -> None:
    root = small_package(tmp_path / "goi")
    (root / "tai_lieu.xlsx").unlink()
    assert SpreadsheetReader().detect(root)
    contents = read(root)
    (problem,) = contents.problems
    assert (problem.code, problem.file) == ("missing_file", "tai_lieu.xlsx")
    assert len(contents.dossiers) == 1 and contents.documents == []


def test_an_old_xls_is_named_in_the_missing_file_message(tmp_path: Path) -> None:
    root = small_package(tmp_path / "goi")
    (root / "ho_so.xlsx").rename(root / "ho_so.xls")
    (problem,) = read(root).problems
    assert problem.code == "missing_file" and "ho_so.xls" in problem.message
    assert "ho_so.xls" not in read(root).payload


def test_two_files_for_one_list_are_an_error(tmp_path: Path) -> None:
    root = small_package(tmp_path / "goi")
    (root / "ho_so.csv").write_text(",".join(HO_SO_HEADER), encoding="utf-8")
    contents = read(root)
    (problem,) = contents.problems
    assert problem.code == "duplicate" and "ho_so.csv" in problem.message
    assert contents.dossiers[0].source.file == "ho_so.xlsx"  # xlsx is read, csv kept out
    assert contents.payload == ["tai_lieu/01.pdf"]


def test_lock_files_and_folders_are_not_metadata(tmp_path: Path) -> None:
    root = tmp_path / "goi"
    (root / "tai_lieu").mkdir(parents=True)
    (root / "~$ho_so.xlsx").write_bytes(b"lock")
    assert not SpreadsheetReader().detect(root)
    assert not SpreadsheetReader().detect(root / "missing")


def test_a_damaged_workbook_is_reported_not_raised(tmp_path: Path) -> None:
    root = small_package(tmp_path / "goi")
    (root / "ho_so.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (root / "tai_lieu.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 60)
    problems = {p.file: p for p in read(root).problems}
    assert problems["ho_so.xlsx"].code == "damaged_file"
    assert problems["tai_lieu.xlsx"].code == "damaged_file"
    assert ".xls" in problems["tai_lieu.xlsx"].message


def test_a_document_list_without_a_file_column_is_reported_once(tmp_path: Path) -> None:
    root = small_package(tmp_path / "goi")
    write_xlsx(root / "tai_lieu.xlsx", [TAI_LIEU_HEADER[:3], [CODE, 1, SUBJECT], [CODE, 2, "x"]])
    contents = read(root)
    (problem,) = contents.problems
    assert (problem.code, problem.file, problem.row, problem.field) == (
        "missing_field",
        "tai_lieu.xlsx",
        1,
        "Tệp tin",
    )
    assert [d.files for d in contents.documents] == [[], []]


def test_file_references_are_posix_nfc_with_lower_case_digests(tmp_path: Path) -> None:
    root = small_package(tmp_path / "goi")
    write_xlsx(
        root / "tai_lieu.xlsx",
        [TAI_LIEU_HEADER, [CODE, 1, SUBJECT, ".\\tai_lieu\\01.pdf", " AB CD "], [CODE, 2, "x"]],
    )
    first, second = read(root).documents
    assert (first.files[0].path, first.files[0].sha256) == ("tai_lieu/01.pdf", "abcd")
    # an empty Tệp tin cell still gives a reference, so validation can name row and column
    assert (second.files[0].path, second.files[0].sha256) == ("", None)
    assert second.files[0].source is not None and second.files[0].source.row == 3


def test_an_nfd_file_name_on_disk_matches_its_nfc_reference(tmp_path: Path) -> None:
    root = tmp_path / "goi"
    nfc_name = "Tờ trình số 510.pdf"
    folder = root / unicodedata.normalize("NFD", "tài_liệu")
    folder.mkdir(parents=True)
    (folder / unicodedata.normalize("NFD", nfc_name)).write_bytes(b"%PDF")
    write_xlsx(root / "ho_so.xlsx", [HO_SO_HEADER, [CODE, TITLE]])
    reference = unicodedata.normalize("NFD", f"tài_liệu/{nfc_name}")  # NFD in the sheet too
    write_xlsx(root / "tai_lieu.xlsx", [TAI_LIEU_HEADER, [CODE, 1, SUBJECT, reference]])
    contents = read(root)
    assert contents.payload == [f"tài_liệu/{nfc_name}"]
    (ref,) = contents.documents[0].files
    assert ref.path == f"tài_liệu/{nfc_name}"
    assert ref.location is not None and ref.on_disk(root).read_bytes() == b"%PDF"


def test_payload_leaves_out_links_and_lists_nested_files(tmp_path: Path) -> None:
    root = small_package(tmp_path / "goi")
    (root / "tai_lieu" / "a" / "b").mkdir(parents=True)
    (root / "tai_lieu" / "a" / "b" / "c.tif").write_bytes(b"II*\0")
    (root / "link.pdf").symlink_to(root / "tai_lieu" / "01.pdf")
    shutil.copy(root / "ho_so.xlsx", root / "tai_lieu" / "ho_so.xlsx")  # not at the root
    assert read(root).payload == [
        "tai_lieu/01.pdf",
        "tai_lieu/a/b/c.tif",
        "tai_lieu/ho_so.xlsx",
    ]
