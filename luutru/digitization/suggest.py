"""Suggestions for describing a digitized document, read from its OCR text (NĐ 30/2020 Phụ lục I).

A Vietnamese administrative document (văn bản hành chính) lays out, in its first lines: the
issuing agency at the top left (tên cơ quan ban hành, under its parent body), the national
motto at the top right, the number and notation (“Số: 123/QĐ-UBND”), the place and date
(“Hậu Giang, ngày 05 tháng 3 năm 2024”), then the type of document as the title (“QUYẾT
ĐỊNH”) and under it the summary (trích yếu, “Về việc …”). ``suggest`` finds each of these in
the recognised text; what it cannot find it leaves empty. These are suggestions only: the
operator confirms every value before acceptance.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from luutru.lib.vietnamese import fold, nfc

HEAD_LINES = 25  # the header of a document is within its first lines

# “Số: 123/QĐ-UBND”, “Số 12/2024/NQ-HĐND”, OCR's “Số :123 / QĐ-STC”. A capital S and the colon
# (or a number right after) keep “Nghị định số 163/2016/NĐ-CP” of the body text out.
_NUMBER = re.compile(
    r"(?:^|\s)S[ốôóoé]\s*[:.]?\s*(\d{1,11})\s*/\s*([0-9A-Za-zĐđÀ-ỹ][0-9A-Za-zĐđÀ-ỹ./\-\u2013]*)"
)
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_MOTTO = re.compile(
    r"C[ỘO]NG\s+H[ÒOÓ]A\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM"
    r"|Độc\s+lập\s*[-\u2013]\s*Tự\s+do\s*[-\u2013]\s*Hạnh\s+phúc",
    re.IGNORECASE,
)


_PLACES = ("tinh ", "thanh pho ", "huyen ", "quan ", "thi xa ", "xa ", "phuong ", "thi tran ")


@dataclass(frozen=True)
class Suggestion:
    number: str = ""
    notation: str = ""
    issued_date: datetime.date | None = None
    issuer: str = ""
    doc_type: str = ""  # a code of the document type list (tên loại tài liệu)
    summary: str = ""  # trích yếu: the line under the title, or a công văn's “V/v …”

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def suggest(text: str, types: Mapping[str, str]) -> Suggestion:
    """What the first lines of ``text`` say; ``types``: document type code → label."""
    lines = [" ".join(line.split()) for line in nfc(text).splitlines()]
    lines = [line for line in lines if line][:HEAD_LINES]
    head = "\n".join(lines)
    number, notation = _number(head)
    title_at, doc_type = _title(lines, types)
    summary = lines[title_at + 1] if title_at is not None and title_at + 1 < len(lines) else ""
    if not summary.startswith("Về "):
        summary = ""  # only the conventional “Về việc …” line under the title
    if v_v := re.search(r"\bV/v\s*:?\s*(.+)", head):
        summary = summary or v_v.group(1).strip()
        if not doc_type:
            doc_type = _code_of("Công văn", types)  # a công văn has no title, only “V/v …”
    return Suggestion(
        number=number,
        notation=notation,
        issued_date=_date(head),
        issuer=_issuer(lines[:title_at] if title_at is not None else lines[:6]),
        doc_type=doc_type,
        summary=summary[:500],
    )


def _number(head: str) -> tuple[str, str]:
    found = _NUMBER.search(head)
    if found is None:
        return "", ""
    return found.group(1), found.group(2).rstrip(".-\u2013/").replace("\u2013", "-")[:30]


def _date(head: str) -> datetime.date | None:
    for found in _DATE.finditer(head):
        day, month, year = (int(g) for g in found.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return None


def _code_of(label: str, types: Mapping[str, str]) -> str:
    wanted = fold(label)
    return next((code for code, name in types.items() if fold(name) == wanted), "")


def _title(lines: list[str], types: Mapping[str, str]) -> tuple[int | None, str]:
    """The first line in capitals that is a document type's name (“QUYẾT ĐỊNH”), and its code."""
    names = sorted(((fold(name), code) for code, name in types.items()), key=lambda n: -len(n[0]))
    for at, line in enumerate(lines):
        if not _capitals(line):
            continue
        folded = fold(_MOTTO.sub(" ", line)).strip()
        for name, code in names:
            if folded == name or folded.startswith(name + " "):
                return at, code
    return None, ""


def _capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _issuer(lines: list[str]) -> str:
    """The issuing agency: the last line in capitals of the top-left block, below its parent
    body (“ỦY BAN NHÂN DÂN TỈNH” then “SỞ TÀI CHÍNH”), without the motto beside it."""
    found: list[str] = []
    for line in lines:
        part = re.split(r"(?:^|\s)S[ốôóoé]\s*[:.]?\s*\d", line)[0]  # the number shares its line
        part = _MOTTO.sub(" ", part)
        part = " ".join(part.strip(" -\u2013_\u2014.:").split())
        if _capitals(part) and len(part) >= 3:
            found.append(part)
    if not found:
        return ""
    # “HỘI ĐỒNG NHÂN DÂN” / “TỈNH HẬU GIANG” is one name on two lines, where “ỦY BAN NHÂN DÂN
    # TỈNH” / “SỞ TÀI CHÍNH” is a parent body and the agency under it.
    if len(found) >= 2 and fold(found[-1]).startswith(_PLACES):
        return f"{found[-2]} {found[-1]}"[:200]
    return found[-1][:200]
