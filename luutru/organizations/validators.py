"""Identifier rules for agencies and fonds (regulations.md §1.4)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# QĐ 20/2020/QĐ-TTg, QCVN 102:2016: four groups, the level-1 code (letter + 2 digits) last.
AGENCY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
FONDS_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9.\-_]{0,29}$")


def normalize_code(value: str) -> str:
    return value.strip().upper()


def validate_agency_code(value: str) -> None:
    if not AGENCY_CODE_RE.fullmatch(value):
        raise ValidationError(
            "Mã định danh “%(value)s” không đúng dạng NNN.NN.NN.XNN "
            "(13 ký tự, ví dụ 000.00.00.H62).",
            code="bad_code",
            params={"value": value},
        )


def validate_fonds_code(value: str) -> None:
    if not FONDS_CODE_RE.fullmatch(value):
        raise ValidationError(
            "Mã phông “%(value)s” không hợp lệ: chỉ dùng chữ in hoa không dấu, chữ số, "
            "dấu chấm, gạch ngang; tối đa 30 ký tự.",
            code="bad_code",
            params={"value": value},
        )
