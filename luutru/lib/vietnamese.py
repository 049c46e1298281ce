"""Vietnamese text: Unicode normalisation, diacritic folding, legacy encodings, dates, numbers.

Vietnamese arrives as NFC, as NFD (macOS file names, some Excel exports) and as Windows-1258,
whose tone marks are combining characters. Everything stored is NFC; comparisons that should
ignore diacritics fold them, including đ/Đ → d, which Unicode decomposition alone does not do.

Dates are written as NĐ 30/2020 (Nghị định 30/2020/NĐ-CP về công tác văn thư) prints them —
"Hà Nội, ngày 05 tháng 3 năm 2026" — and counts in words as a clerk writes the "Viết bằng
chữ" line of a form ("Hai mươi mốt"). Every printed form and generated document calls these.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str) -> str:
    """The NFC form, with surrounding whitespace removed."""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """Lower case without diacritics: 'Đất Đai' → 'dat dai'. For matching, never for storing."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip().casefold()


def header_key(text: str) -> str:
    """A spreadsheet header reduced for matching: folded, and only letters and digits kept.

    'Mã hồ sơ', 'MA HO SO', ' mã  hồ sơ ', 'Mã_hồ_sơ' and 'fileCode'/'FILECODE' each give one key.
    """
    return re.sub(r"[^a-z0-9]", "", fold(text))


def decode_legacy(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), else Windows-1258; result in NFC."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1258")
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------------------------
# Dates


def long_date(day: datetime.date) -> str:
    """'ngày 05 tháng 3 năm 2026', 'ngày 04 tháng 12 năm 2026': NĐ 30/2020 pads days below 10
    and the months 1 and 2 with a zero, and no other month."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def dateline(place: str, day: datetime.date) -> str:
    """The place and date line of a document (địa danh, ngày tháng): 'Hà Nội, ngày 05 tháng 3
    năm 2026'."""
    return f"{place}, {long_date(day)}"


def short_date(day: datetime.date, precision: str = "day") -> str:
    """05/03/2024, 03/2024 or 2024: a record's date no more precise than the record says it is.

    ``precision`` is ``"day"``, ``"month"`` or ``"year"`` (``records.models.DatePrecision``).
    """
    if precision == "year":
        return f"{day.year}"
    if precision == "month":
        return f"{day.month:02d}/{day.year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


# ---------------------------------------------------------------------------------------------
# Numbers in words

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", "nghìn", "triệu", "tỷ")


def number_in_words(number: int) -> str:
    """A count read out in Vietnamese, capitalised for the 'Viết bằng chữ' line: 21 → 'Hai
    mươi mốt', 105 → 'Một trăm linh năm', 1005 → 'Một nghìn không trăm linh năm'.

    Below a trillion; larger or negative numbers come back as digits with dot separators.
    """
    if number == 0:
        return "Không"
    if not 0 < number < 10**12:
        return f"{number:,}".replace(",", ".")  # no archive holds a trillion files
    groups: list[int] = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        if groups[index]:
            words += _group_words(groups[index], leading=index == len(groups) - 1)
            words += [_SCALES[index]] if _SCALES[index] else []
    text = " ".join(words)
    return text[0].upper() + text[1:]


def _group_words(group: int, leading: bool) -> list[str]:
    hundreds, rest = divmod(group, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
        if units:
            words.append(_DIGITS[units])
        return words
    words += ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
    if units == 1:
        words.append("một" if tens == 1 else "mốt")
    elif units == 4:
        words.append("bốn" if tens == 1 else "tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words
