"""Vietnamese text: Unicode normalisation, diacritic folding and legacy encodings.

Vietnamese arrives as NFC, as NFD (macOS file names, some Excel exports) and as Windows-1258,
whose tone marks are combining characters. Everything stored is NFC; comparisons that should
ignore diacritics fold them, including đ/Đ → d, which Unicode decomposition alone does not do.
"""

from __future__ import annotations

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
