"""The TT 05 code lists: loading them from data/code_lists.json, and reading them fast.

Values in packages may be the code ("01"), its label ("Vĩnh viễn", "vinh vien") or, for
document types, the NĐ 30/2020 abbreviation ("HĐ"); each maps to the code. Lookups are cached
per process; the table changes only through migrations.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

from luutru.lib.vietnamese import fold

DATA = Path(__file__).parent / "data" / "code_lists.json"


def load_code_lists(code_model: Any) -> int:
    """Insert or update every code from the data file; used by the data migration."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    count = 0
    for list_name, entries in data.items():
        if list_name.startswith("_"):
            continue
        for entry in entries:
            extra = {k: v for k, v in entry.items() if k not in {"code", "label", "label_en"}}
            code_model.objects.update_or_create(
                list=list_name,
                code=entry["code"],
                defaults={"label": entry["label"], "extra": extra},
            )
            count += 1
    return count


def _plain(list_name: str) -> str:
    """The list's name as an exact ``str``: functools.cache keys a str apart from its subclasses
    (CodeList members, the SafeStrings of template literals), which would cache each list twice
    and query it again."""
    return "".join(getattr(list_name, "value", list_name))


def entries(list_name: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """code → (label, extra) for one list."""
    return _entries(_plain(list_name))


@cache
def _entries(list_name: str) -> dict[str, tuple[str, dict[str, Any]]]:
    from luutru.records.models import Code

    return {c.code: (c.label, c.extra) for c in Code.objects.filter(list=list_name)}


@dataclass(frozen=True)
class Match:
    """What a value in a package means in one code list.

    ``code`` is set when the value names exactly one entry; ``candidates`` lists the codes an
    ambiguous value could mean (empty when it names none).
    """

    code: str | None
    candidates: tuple[str, ...] = ()


def _key(text: str) -> str:
    """Case and spacing ignored, diacritics kept: 'HĐ' and 'hđ' agree, 'HĐ' and 'HD' do not."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _names(label: str, extra: dict[str, Any]) -> list[str]:
    return [label, extra.get("abbr") or "", *extra.get("aliases", [])]


@cache
def _exact_index(list_name: str) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for code, (label, extra) in entries(list_name).items():
        for name in _names(label, extra):
            if name:
                index.setdefault(_key(name), set()).add(code)
    return index


@cache
def _folded_index(list_name: str) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for code, (label, extra) in entries(list_name).items():
        for name in _names(label, extra):
            if name:
                index.setdefault(fold(name), set()).add(code)
    return index


def match(list_name: str, value: str) -> Match:
    """The entry a code, a label or an abbreviation names, diacritics first.

    A value spelt with its diacritics is matched as spelt (NĐ 30/2020 Phụ lục III: "HĐ" is Hợp
    đồng, "HD" Hướng dẫn; "ĐA" Đề án, "DA" Dự án). Only a value that matches nothing as spelt
    is compared without diacritics ("Chua du phong"), and then only when that names one entry.
    """
    name = _plain(list_name)
    text = value.strip()
    known = entries(name)
    if text in known:
        return Match(text)
    if text.isdigit() and text.zfill(2) in known:
        return Match(text.zfill(2))
    for index in (_exact_index(name).get(_key(text)), _folded_index(name).get(fold(text))):
        if index:
            found = tuple(sorted(index))
            return Match(found[0]) if len(found) == 1 else Match(None, found)
    return Match(None)


def to_code(list_name: str, value: str) -> str | None:
    """The code for a code, a label or an abbreviation, or None when the value names no entry
    or more than one."""
    return match(list_name, value).code


def label(list_name: str, code: str) -> str:
    return entries(list_name).get(code, (code, {}))[0]


def shown_label(list_name: str, code: str) -> str:
    """The label a page shows: the English one (data file, ``label_en``) when the interface is
    in English, else the Vietnamese one. Records, audit texts and packages keep ``label``."""
    if (get_language() or "").startswith("en"):
        english = _english_labels().get((_plain(list_name), code))
        if english:
            return english
    return label(list_name, code)


@cache
def _english_labels() -> dict[tuple[str, str], str]:
    """(list, code) → English label, read from the data file: the table holds Vietnamese only."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        (list_name, entry["code"]): entry["label_en"]
        for list_name, entries_ in data.items()
        if not list_name.startswith("_")
        for entry in entries_
        if entry.get("label_en")
    }


def retention_years(code: str) -> int | None:
    """Years a retention code keeps records: None for permanent (Vĩnh viễn), 0 for Khác."""
    return entries("retention").get(code, ("", {"years": 0}))[1].get("years", 0)


def clear_cache() -> None:
    _entries.cache_clear()
    _exact_index.cache_clear()
    _folded_index.cache_clear()
