"""The TT 05 code lists: loading them from data/code_lists.json, and reading them fast.

Values in packages may be the code ("01") or its label ("Vĩnh viễn", "vinh vien"); both map to
the code. Lookups are cached per process; the table changes only through migrations.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

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
            extra = {k: v for k, v in entry.items() if k not in {"code", "label"}}
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


def _by_folded_label(list_name: str) -> dict[str, str]:
    return _folded_index(_plain(list_name))


@cache
def _folded_index(list_name: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, (label, extra) in entries(list_name).items():
        index[fold(label)] = code
        if extra.get("abbr"):
            index.setdefault(fold(extra["abbr"]), code)
    return index


def to_code(list_name: str, value: str) -> str | None:
    """The code for a code or a label, or None when the value is not in the list."""
    text = value.strip()
    known = entries(list_name)
    if text in known:
        return text
    if text.isdigit() and text.zfill(2) in known:
        return text.zfill(2)
    return _by_folded_label(list_name).get(fold(text))


def label(list_name: str, code: str) -> str:
    return entries(list_name).get(code, (code, {}))[0]


def retention_years(code: str) -> int | None:
    """Years a retention code keeps records: None for permanent (Vĩnh viễn), 0 for Khác."""
    return entries("retention").get(code, ("", {"years": 0}))[1].get("years", 0)


def clear_cache() -> None:
    _entries.cache_clear()
    _folded_index.cache_clear()
