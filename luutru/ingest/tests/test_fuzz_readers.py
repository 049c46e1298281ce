"""Fuzzing the package readers with hypothesis: whatever an agency sends, a reader either
returns its result or reports the package's defects as problems with a Vietnamese message
(``Problem``, ``UnsafeArchive``, the PDF report's ``problems``) — never another exception, and
never hangs.

The inputs are the repository's samples damaged at random: bytes flipped, cut or inserted,
stretches of XML text replaced, spreadsheet cells and headers rewritten, bag declarations and
manifests garbled. The normal suite runs a few derandomized examples per reader (stable in CI,
a few seconds); ``make fuzz`` runs many more (``FUZZ_EXAMPLES``, random seeds). A crash found
becomes a fixed input in ``CRASHERS`` below, next to the fix in the reader.
"""

from __future__ import annotations

import csv
import functools
import os
import shutil
import signal
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import bagit
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from luutru.ingest.readers.bagit_bag import verify_bag
from luutru.ingest.readers.base import PackageContents, Problem
from luutru.ingest.readers.edxml import EdxmlReader
from luutru.ingest.readers.spreadsheet import SpreadsheetReader
from luutru.ingest.readers.tt05_sip import Tt05SipReader, find_package_dir
from luutru.lib.archives import UnsafeArchive, safe_extract_zip
from luutru.lib.pdf import PdfReport, inspect_pdf
from luutru.test import SAMPLES

LONG_RUN = "FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
SECONDS_PER_EXAMPLE = 30  # far above any honest reading of these small inputs: a hang
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not LONG_RUN,
    deadline=None,  # the machine is shared; hangs are caught by the alarm below instead
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SMALL = SAMPLES / "valid" / "spreadsheet_small"
SIP_ZIP = SAMPLES / "valid" / "sip_tt05.zip"
EDXML = sorted((SAMPLES / "valid" / "edxml").glob("*.edxml"))
PDF = SMALL / "tai_lieu" / "HS11" / "01_510-TTR-STNMT.pdf"
VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int = SECONDS_PER_EXAMPLE) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"the reader ran longer than {seconds} s on one input")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def is_vietnamese(message: str) -> bool:
    folded = unicodedata.normalize("NFC", message.lower())
    return bool(folded.strip()) and any(ch in VIETNAMESE for ch in folded)


def assert_reported(problems: list[Problem]) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert is_vietnamese(problem.message), problem


def assert_contents(contents: PackageContents) -> None:
    assert isinstance(contents, PackageContents)
    assert_reported(contents.problems)
    assert_reported(contents.warnings)


# ---------------------------------------------------------------------------------------------
# Mutations


@st.composite
def byte_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few random flips, cuts, insertions and duplications."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        kind = draw(st.sampled_from(["flip", "cut", "insert", "truncate", "repeat"]))
        if kind == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del out[at : at + draw(st.integers(1, 256))]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif kind == "truncate":
            del out[at:]
        else:
            out[at:at] = out[at : at + draw(st.integers(1, 64))] * draw(st.integers(2, 8))
    return bytes(out)


NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "&amp;",
            "<",
            "]]>",
            "../../etc/passwd",
            "/var/x",
            "C:\\x",
            "file:///etc/hosts",
            "http://example.com/a",
            "%2e%2e/%2e%2e/x",
            "=1+1",
            "-1",
            "9" * 30,
            "0",
            "31/02/2024",
            "00/00/0000",
            "2024-13-45",
            "1e309",
            "NaN",
            "Mật",
            "ZZZZ",
            "sha256",
            "a" * 300,
            "\u0301",
            "Tiêu đề hồ sơ",
        ]
    ),
)


@st.composite
def text_mutations(draw: st.DrawFn, text: str) -> str:
    """``text`` (XML) with a few stretches — often an attribute value or element text —
    replaced by nasty strings, or elements dropped."""
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        kind = draw(st.sampled_from(["quoted", "between-tags", "slice"]))
        at = draw(st.integers(0, len(text) - 1))
        if kind == "quoted":
            start = text.find('"', at)
            end = text.find('"', start + 1) if start >= 0 else -1
        elif kind == "between-tags":
            start = text.find(">", at)
            end = text.find("<", start + 1) if start >= 0 else -1
        else:
            start, end = at, at + draw(st.integers(0, 200))
        if start < 0 or end < 0:
            continue
        text = text[: start + 1] + draw(NASTY_TEXT) + text[end:]
    return text


# ---------------------------------------------------------------------------------------------
# Spreadsheets (ho_so / tai_lieu as .xlsx and .csv)


@functools.cache
def sheet_rows(name: str) -> list[list[str]]:
    book = openpyxl.load_workbook(SMALL / name, read_only=True, data_only=True)
    rows = [
        ["" if v is None else str(v) for v in row]
        for row in book.active.iter_rows(values_only=True)
    ]
    book.close()
    return rows[:8]


@st.composite
def damaged_rows(draw: st.DrawFn, name: str) -> list[list[Any]]:
    rows: list[list[Any]] = [list(row) for row in sheet_rows(name)]
    for _ in range(draw(st.integers(1, 6))):
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(rows[r])))
        value = draw(st.one_of(NASTY_TEXT, st.integers(-(10**12), 10**12), st.floats()))
        if c == len(rows[r]):
            rows[r].append(value)
        else:
            rows[r][c] = value
    if draw(st.booleans()):
        rows = rows[: draw(st.integers(0, len(rows)))]
    return rows


def write_sheet(path: Path, rows: list[list[Any]], form: str) -> None:
    if form == "csv":
        with open(path.with_suffix(".csv"), "w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(rows)
        return
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        # Cells that openpyxl itself refuses (control characters) are left blank.
        try:
            sheet.append(row)
        except (ValueError, TypeError, IllegalCharacterError):
            sheet.append([])
    book.save(path.with_suffix(".xlsx"))


def fresh(tmp: str) -> Path:
    """An empty folder for one example; the previous example's is removed first."""
    for old in Path(tmp).iterdir():
        shutil.rmtree(old, ignore_errors=True)
    root = Path(tempfile.mkdtemp(dir=tmp))
    (root / "scratch").mkdir()
    return root


@pytest.fixture(scope="module")
def workdir() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        yield folder


@FUZZ
@given(
    ho_so=damaged_rows("ho_so.xlsx"),
    tai_lieu=damaged_rows("tai_lieu.xlsx"),
    form=st.sampled_from(["xlsx", "csv"]),
)
def test_the_spreadsheet_reader_survives_damaged_tables(
    workdir: str, ho_so: list[list[Any]], tai_lieu: list[list[Any]], form: str
) -> None:
    root = fresh(workdir)
    package = root / "goi"
    shutil.copytree(SMALL / "tai_lieu", package / "tai_lieu")
    write_sheet(package / "ho_so", ho_so, form)
    write_sheet(package / "tai_lieu", tai_lieu, form)
    with time_limit():
        assert_contents(SpreadsheetReader().read(package, root / "scratch"))


@FUZZ
@given(data=st.data())
def test_the_spreadsheet_reader_survives_damaged_files(workdir: str, data: st.DataObject) -> None:
    root = fresh(workdir)
    package = root / "goi"
    package.mkdir()
    name = data.draw(st.sampled_from(["ho_so.xlsx", "tai_lieu.xlsx"]))
    other = "tai_lieu.xlsx" if name == "ho_so.xlsx" else "ho_so.xlsx"
    shutil.copy(SMALL / other, package / other)
    original = (SMALL / name).read_bytes()
    if data.draw(st.booleans()):
        (package / name).write_bytes(data.draw(byte_mutations(original)))
    else:  # a well-formed ZIP around damaged sheet XML
        with zipfile.ZipFile(SMALL / name) as source, zipfile.ZipFile(package / name, "w") as out:
            parts = source.namelist()
            victim = data.draw(st.sampled_from([p for p in parts if p.endswith(".xml")]))
            for part in parts:
                content = source.read(part)
                if part == victim:
                    content = data.draw(text_mutations(content.decode("utf-8"))).encode()
                out.writestr(part, content)
    with time_limit():
        assert_contents(SpreadsheetReader().read(package, root / "scratch"))


# ---------------------------------------------------------------------------------------------
# TT 05 SIP (METS + EAD), and the ZIP it arrives in


@functools.cache
def sip_files() -> dict[str, bytes]:
    with zipfile.ZipFile(SIP_ZIP) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}


@FUZZ
@given(data=st.data())
def test_the_sip_reader_survives_damaged_mets_and_ead(workdir: str, data: st.DataObject) -> None:
    files = sip_files()
    xml_names = sorted(n for n in files if n.lower().endswith(".xml"))
    victims = data.draw(st.lists(st.sampled_from(xml_names), min_size=1, max_size=3, unique=True))
    root = fresh(workdir)
    unpacked = root / "goi"
    for name, content in files.items():
        if name in victims:
            if data.draw(st.booleans()):
                content = data.draw(text_mutations(content.decode("utf-8"))).encode()
            else:
                content = data.draw(byte_mutations(content))
        target = unpacked / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    with time_limit():
        package = find_package_dir(unpacked)
        if package is not None:
            assert_contents(Tt05SipReader().read(package, root / "scratch"))


@FUZZ
@given(damaged=byte_mutations(SIP_ZIP.read_bytes()))
def test_unpacking_a_damaged_zip_is_refused_in_vietnamese_or_succeeds(
    workdir: str, damaged: bytes
) -> None:
    root = fresh(workdir)
    (root / "goi.zip").write_bytes(damaged)
    with time_limit():
        try:
            safe_extract_zip(
                root / "goi.zip",
                root / "ra",
                max_total_bytes=50 << 20,
                max_files=1000,
                max_ratio=200,
            )
        except UnsafeArchive as exc:
            assert is_vietnamese(exc.message), exc.message


# ---------------------------------------------------------------------------------------------
# edXML messages


@FUZZ
@given(data=st.data())
def test_the_edxml_reader_survives_damaged_messages(workdir: str, data: st.DataObject) -> None:
    sample = data.draw(st.sampled_from(EDXML))
    content = sample.read_bytes()
    if data.draw(st.booleans()):
        content = data.draw(text_mutations(content.decode("utf-8"))).encode()
    else:
        content = data.draw(byte_mutations(content))
    root = fresh(workdir)
    package = root / "goi"
    package.mkdir()
    (package / sample.name).write_bytes(content)
    with time_limit():
        reader = EdxmlReader()
        reader.detect(package)
        assert_contents(reader.read(package, root / "scratch"))


# ---------------------------------------------------------------------------------------------
# BagIt


@functools.cache
def small_bag() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        bag = Path(folder) / "bag"
        (bag / "tai_lieu").mkdir(parents=True)
        shutil.copy(SMALL / "ho_so.xlsx", bag / "ho_so.xlsx")
        shutil.copy(PDF, bag / "tai_lieu" / PDF.name)
        bagit.make_bag(str(bag), checksums=["sha256"])
        return {
            p.relative_to(bag).as_posix(): p.read_bytes() for p in bag.rglob("*") if p.is_file()
        }


@FUZZ
@given(data=st.data())
def test_the_bag_check_survives_damaged_declarations_and_manifests(
    workdir: str, data: st.DataObject
) -> None:
    files = dict(small_bag())
    tags = sorted(n for n in files if not n.startswith("data/"))
    for name in data.draw(st.lists(st.sampled_from(tags), min_size=1, max_size=3, unique=True)):
        if data.draw(st.booleans()):
            text = files[name].decode("utf-8")
            lines = text.splitlines(keepends=True) or [""]
            at = data.draw(st.integers(0, len(lines) - 1))
            lines[at] = data.draw(NASTY_TEXT) + data.draw(st.sampled_from(["\n", "", "\r\n"]))
            files[name] = "".join(lines).encode("utf-8", "surrogatepass")
        else:
            files[name] = data.draw(byte_mutations(files[name]))
    root = fresh(workdir)
    bag = root / "goi"
    for name, content in files.items():
        (bag / name).parent.mkdir(parents=True, exist_ok=True)
        (bag / name).write_bytes(content)
    with time_limit():
        assert_reported(verify_bag(bag))


# ---------------------------------------------------------------------------------------------
# PDF inspection


@FUZZ
@given(damaged=byte_mutations(PDF.read_bytes()), deep=st.booleans())
def test_pdf_inspection_reports_damage_instead_of_raising(
    workdir: str, damaged: bytes, deep: bool
) -> None:
    root = fresh(workdir)
    (root / "tep.pdf").write_bytes(damaged)
    with time_limit():
        report = inspect_pdf(root / "tep.pdf", deep=deep)
    assert isinstance(report, PdfReport)
    assert report.ok == (not report.problems)
    for message in report.problems:
        assert is_vietnamese(message), message


# ---------------------------------------------------------------------------------------------
# Inputs that once crashed a reader (found by the tests above), kept as regression tests.


def test_a_zip_entry_that_points_before_the_start_of_the_file_is_reported_as_damaged(
    tmp_path: Path,
) -> None:
    # The end record claims the central directory starts 100 bytes later than it does, so
    # zipfile places the first local header at offset -100: the seek raised OSError (EINVAL).
    with zipfile.ZipFile(tmp_path / "goi.zip", "w") as archive:
        archive.writestr("goi/ho_so.csv", "Mã hồ sơ\n" * 10)
    data = bytearray((tmp_path / "goi.zip").read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<I", data, end + 16, struct.unpack_from("<I", data, end + 16)[0] + 100)
    (tmp_path / "goi.zip").write_bytes(bytes(data))
    with pytest.raises(UnsafeArchive) as refused:
        safe_extract_zip(
            tmp_path / "goi.zip",
            tmp_path / "ra",
            max_total_bytes=1 << 20,
            max_files=10,
            max_ratio=200,
        )
    assert refused.value.code == "damaged_file"
    assert "Không giải nén được mục «goi/ho_so.csv»" in refused.value.message


@pytest.mark.parametrize(
    ("file", "damage", "reason"),
    [
        ("bagit.txt", b"BagIt-Version: 1.0\n", "trùng lặp hoặc sai"),
        ("bagit.txt", b"Tag-File-Character-Encoding: UTF-8\n", "trùng lặp hoặc sai"),
        ("bagit.txt", b"\xc2", "UTF-8"),
        ("bag-info.txt", b"\xc2", "UTF-8"),
        ("manifest-sha256.txt", b"\xc2", "UTF-8"),
    ],
)
def test_bag_declarations_given_twice_or_not_in_utf8_are_reported(
    tmp_path: Path, file: str, damage: bytes, reason: str
) -> None:
    # The bagit library raised TypeError, AttributeError or UnicodeDecodeError on these.
    for name, content in small_bag().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    declared = (tmp_path / file).read_bytes()
    (tmp_path / file).write_bytes(damage + declared if damage == b"\xc2" else declared + damage)
    (problem,) = verify_bag(tmp_path)
    assert problem.code == "damaged_file"
    assert reason in problem.message


def test_a_workbook_whose_cells_name_a_missing_style_is_reported_as_damaged(
    tmp_path: Path,
) -> None:
    # openpyxl raised IndexError looking up the cell style that the damaged styles.xml lacks.
    package = tmp_path / "goi"
    package.mkdir()
    shutil.copy(SMALL / "tai_lieu.xlsx", package / "tai_lieu.xlsx")
    with (
        zipfile.ZipFile(SMALL / "ho_so.xlsx") as source,
        zipfile.ZipFile(package / "ho_so.xlsx", "w") as out,
    ):
        for part in source.namelist():
            content = source.read(part)
            if part == "xl/styles.xml":
                assert b'<cellStyleXfs count="1"><xf ' in content
                content = content.replace(
                    b'<cellStyleXfs count="1"><xf ', b'<cellStyleXfs count="1"><xxf '
                )
            out.writestr(part, content)
    contents = SpreadsheetReader().read(package, tmp_path / "scratch")
    (problem,) = [p for p in contents.problems if p.file == "ho_so.xlsx"]
    assert problem.code == "damaged_file"
    assert problem.message.startswith("Không đọc được tệp ho_so.xlsx")
