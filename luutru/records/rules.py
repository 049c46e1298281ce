"""Validation of TT 05/2025 values, the same for every package form.

``clean_values`` checks one record's values against the element table and returns the model
field values plus the problems found, each naming the element as the package spelt it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from luutru.records import codes
from luutru.records.elements import Element, elements

FILE_CODE_RE = re.compile(
    r"^(?P<prefix>[A-Z0-9][A-Z0-9.\-]*?)\.(?P<year>\d{4})\.(?P<notation>[^\s.][^\s]{0,19})$"
)
ARCHIVAL_ORDINAL_RE = re.compile(r"^(?P<file>.+)\.(?P<ordinal>\d{7})$")
DATE_FORMATS = (
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "day"),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), "month"),
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "iso"),
)
DATE_ELEMENTS = {"start_date": "startDate", "end_date": "endDate", "issued_date": "issuedDate"}
OTHER_DOCUMENT_TYPE = "32"  # Khác
# Elements TT 05 requires that records taken in before they were checked, and edXML messages,
# may lack: their absence warns until someone gives them, rather than blocking other work.
LATER_REQUIRED = frozenset({"docId", "riskRecovery"})
TRUE_VALUES = {"1", "có", "co", "true", "x"}
FALSE_VALUES = {"0", "không", "khong", "false", ""}


@dataclass(frozen=True)
class Issue:
    code: str
    element: str
    message: str


@dataclass
class Cleaned:
    fields: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def add(self, code: str, element: str, message: str) -> None:
        self.issues.append(Issue(code, element, message))


def parse_date(text: str) -> tuple[datetime.date, str] | None:
    """DD/MM/YYYY, MM/YYYY, YYYY (as TT 05 allows) or ISO; the date and its precision."""
    for pattern, precision in DATE_FORMATS:
        match = pattern.match(text.strip())
        if not match:
            continue
        parts = [int(p) for p in match.groups()]
        try:
            if precision == "day":
                return datetime.date(parts[2], parts[1], parts[0]), "day"
            if precision == "month":
                return datetime.date(parts[1], parts[0], 1), "month"
            if precision == "year":
                return datetime.date(parts[0], 1, 1), "year"
            return datetime.date(parts[0], parts[1], parts[2]), "day"
        except ValueError:
            return None
    return None


def clean_values(level: str, values: dict[str, str], label: Callable[[str], str]) -> Cleaned:
    """Check every element of a dossier or document; ``label`` names fields as the package does."""
    result = Cleaned()
    specs = elements(level)
    for name, spec in specs.items():
        raw = (values.get(name) or "").strip()
        if not raw:
            if spec.required:
                result.add("missing_field", name, f"Thiếu “{label(name)}” ({spec.label}).")
            continue
        # A code list value may be given by its label ("Chưa dự phòng" for 02), longer than the
        # code the element's length is meant for; the code stored is what must fit.
        if (
            spec.max_length
            and spec.kind not in {"number", "boolean", "date", "code", "codes"}
            and len(raw) > spec.max_length
        ):
            result.add(
                "too_long",
                name,
                f"“{label(name)}” dài {len(raw)} ký tự, vượt quá {spec.max_length} ký tự cho phép.",
            )
            continue
        _clean_one(spec, raw, label(name), result)
    _check_together(level, result, label)
    return result


def _clean_one(spec: Element, raw: str, shown: str, result: Cleaned) -> None:
    target = spec.field or spec.name
    if spec.kind == "code":
        found = codes.match(spec.code_list or "", raw)
        if found.code is not None:
            result.fields[target] = found.code
        elif spec.code_list == "document_type":
            _unsure_document_type(spec, raw, shown, found, result)
        else:
            result.add("bad_code", spec.name, _bad_code_message(spec, raw, shown, found))
    elif spec.kind == "codes":
        several: list[str] = []
        for part in re.split(r"[,;]\s*", raw):
            match = codes.match(spec.code_list or "", part)
            if match.code is None:
                result.add("bad_code", spec.name, _bad_code_message(spec, part, shown, match))
                return
            several.append(match.code)
        result.fields[target] = ",".join(several)
    elif spec.kind == "date":
        parsed = parse_date(raw)
        if parsed is None:
            result.add(
                "bad_date",
                spec.name,
                f"“{shown}” = “{raw}” không phải ngày hợp lệ (dạng NN/TT/NNNN).",
            )
        else:
            result.fields[target] = parsed[0]
            result.fields[f"{target}__precision"] = parsed[1]
    elif spec.kind == "number":
        if not raw.isdigit():
            result.add("bad_value", spec.name, f"“{shown}” = “{raw}” phải là số nguyên không âm.")
        elif spec.max_length and len(raw) > spec.max_length:
            result.add("too_long", spec.name, f"“{shown}” vượt quá {spec.max_length} chữ số.")
        else:
            result.fields[target] = int(raw)
    elif spec.kind == "boolean":
        folded = raw.lower()
        if folded in TRUE_VALUES:
            result.fields[target] = True
        elif folded in FALSE_VALUES:
            result.fields[target] = False
        else:
            result.add(
                "bad_value", spec.name, f"“{shown}” = “{raw}” phải là 1 (có) hoặc 0 (không)."
            )
    elif spec.kind == "identifier":
        # NĐ 30/2020 ký hiệu keep their Đ ("QĐ-UBND", "TTĐT"), so codes built from them may too.
        if not re.fullmatch(r"[A-Za-z0-9Đđ.\-/_]+", raw):
            result.add(
                "bad_code",
                spec.name,
                f"“{shown}” = “{raw}” chứa ký tự không được phép trong mã "
                "(chỉ chữ không dấu, Đ, số, . - / _).",
            )
        elif spec.level == "dossier" and spec.name == "fileCode" and not FILE_CODE_RE.match(raw):
            result.add(
                "bad_code",
                spec.name,
                f"“{shown}” = “{raw}” không đúng dạng mã hồ sơ: mã định danh cơ quan, năm hình "
                "thành hồ sơ và số, ký hiệu hồ sơ, cách nhau bằng dấu chấm "
                "(ví dụ 000.00.12.H62.2024.01).",
            )
        else:
            result.fields[target] = raw
    else:
        result.fields[target] = raw


def defer_missing(cleaned: Cleaned, keep: Iterable[str] = ()) -> None:
    """Turn the missing-element errors of ``LATER_REQUIRED`` into warnings, except for the
    elements in ``keep`` (the ones an edit has just emptied)."""
    kept = set(keep)
    for issue in list(cleaned.issues):
        if (
            issue.code == "missing_field"
            and issue.element in LATER_REQUIRED
            and issue.element not in kept
        ):
            cleaned.issues.remove(issue)
            cleaned.warnings.append(issue)


def _unsure_document_type(
    spec: Element, raw: str, shown: str, found: codes.Match, result: Cleaned
) -> None:
    """A document type no entry of NĐ 30/2020 Phụ lục III names, or one that could be two, is
    recorded as 32 Khác with a warning on its row for the archivist to correct; guessing would
    file a contract (HĐ) as a guidance (HD)."""
    result.fields[spec.field or spec.name] = OTHER_DOCUMENT_TYPE
    other = codes.label("document_type", OTHER_DOCUMENT_TYPE)
    if found.candidates:
        meant = " hay ".join(f"“{codes.label('document_type', c)}” ({c})" for c in found.candidates)
        message = f"“{shown}” = “{raw}” có thể là {meant}; đã ghi tạm là “{other}”, cần sửa."
        result.warnings.append(Issue("ambiguous_code", spec.name, message))
    else:
        message = (
            f"“{shown}” = “{raw}” không có trong danh mục tên loại văn bản (Phụ lục III "
            f"Nghị định 30/2020/NĐ-CP); đã ghi tạm là “{other}”, cần sửa."
        )
        result.warnings.append(Issue("unknown_code", spec.name, message))


def _bad_code_message(spec: Element, raw: str, shown: str, found: codes.Match) -> str:
    if found.candidates:
        meant = " hay ".join(
            f"{c} {codes.label(spec.code_list or '', c)}" for c in found.candidates
        )
        return f"“{shown}” = “{raw}” không rõ là {meant}; hãy ghi mã."
    allowed = ", ".join(
        f"{c} {lbl}" for c, (lbl, _x) in list(codes.entries(spec.code_list or "").items())[:12]
    )
    return f"“{shown}” = “{raw}” không có trong danh mục {spec.label.lower()} ({allowed})."


def _check_together(level: str, result: Cleaned, label: Callable[[str], str]) -> None:
    f = result.fields
    if level == "dossier":
        start, end = f.get("start_date"), f.get("end_date")
        if start and end and end < start:
            result.add(
                "bad_date",
                "endDate",
                f"“{label('endDate')}” ({end:%d/%m/%Y}) trước "
                f"“{label('startDate')}” ({start:%d/%m/%Y}).",
            )
        if f.get("reliability") == "02" and not f.get("paper_code"):
            result.add(
                "missing_field",
                "paperFileCode",
                f"Hồ sơ số hóa phải có “{label('paperFileCode')}”.",
            )
        if f.get("reliability") == "02" and f.get("sheet_count") is None:
            result.add(
                "missing_field",
                "numberOfPaper",
                f"Hồ sơ số hóa phải có “{label('numberOfPaper')}” của bản giấy.",
            )
    if f.get("backup_regime") and not f.get("backup_status"):
        result.add(
            "missing_field",
            "riskRecoveryStatus",
            f"Có chế độ dự phòng thì phải có “{label('riskRecoveryStatus')}”.",
        )
    if level == "document" and f.get("reliability") in {"01", "03"} and "process" not in f:
        # TT 05 asks for it, but packages made before it rarely carry the element: the
        # archivist is told, the package is not refused for it.
        result.warnings.append(
            Issue(
                "missing_field",
                "process",
                f"Tài liệu gốc điện tử hoặc hỗn hợp phải có “{label('process')}” "
                "(1 nếu kèm tệp quy trình xử lý, 0 nếu không).",
            )
        )
    today = timezone.localdate()
    for name in ("start_date", "end_date", "issued_date"):
        value = f.get(name)
        if value and value > today:
            element = {
                "start_date": "startDate",
                "end_date": "endDate",
                "issued_date": "issuedDate",
            }[name]
            result.add("bad_date", element, f"“{label(element)}” ({value:%d/%m/%Y}) ở tương lai.")


def check_archival_code(file_code: str, fields: dict[str, Any]) -> Issue | None:
    """A filed document's archival code (mã lưu trữ) against its dossier's code and ordinal.

    The code must be the dossier code + "." + 7-digit ordinal. A missing ordinal is read from
    the code, a missing code is made from the ordinal (both set in ``fields``); with neither,
    or when they disagree, the problem is returned. Used by ingest for packages and by the
    description edits for records already held.
    """
    archival = fields.get("archival_code")
    ordinal = fields.get("ordinal")
    if archival:
        match = ARCHIVAL_ORDINAL_RE.match(archival)
        if not match or match["file"] != file_code:
            return Issue(
                "bad_code", "docCode",
                f"Mã lưu trữ “{archival}” phải là mã hồ sơ “{file_code}” thêm dấu chấm và "
                "7 chữ số thứ tự.",
            )  # fmt: skip
        if ordinal is None:
            fields["ordinal"] = int(match["ordinal"])
        elif int(match["ordinal"]) != ordinal:
            return Issue(
                "bad_code", "docCode", f"Mã lưu trữ “{archival}” không khớp số thứ tự {ordinal}."
            )
    elif ordinal is not None:
        fields["archival_code"] = f"{file_code}.{ordinal:07d}"
    else:
        return Issue("missing_field", "docOrdinal", "Thiếu số thứ tự của tài liệu trong hồ sơ.")
    return None


def retention_rank(code: str) -> float:
    """How long a retention code keeps records: permanent is longest, 'Khác' shortest."""
    years = codes.retention_years(code)
    return float("inf") if years is None else float(years)


def longest_retention(retention_codes: list[str]) -> str | None:
    """The longest of several retention codes (a dossier takes its longest document's)."""
    known = [c for c in retention_codes if c]
    return max(known, key=retention_rank) if known else None


def retention_expiry_year(retention: str, end_year: int) -> int | None:
    """The year records may first be appraised for disposal, counted from the year the matter
    ended; None for permanent records."""
    years = codes.retention_years(retention)
    return None if years is None else end_year + years


def effective_regime(own: str, dossier: str | None = None) -> str:
    """The stricter of a document's access regime and its dossier's (codes sort by strictness:
    01 Công khai < 02 Sử dụng có điều kiện < 03 Mật)."""
    return max(own or "01", dossier or "01")
