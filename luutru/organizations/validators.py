"""Identifier rules for agencies and fonds (regulations.md §1.4)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# QĐ 20/2020/QĐ-TTg, QCVN 102:2016: four groups, the level-1 code (letter + 2 digits) last.
AGENCY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
FONDS_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9.\-_]{0,29}$")


def normalize_code(value: str) -> str:
    return value.strip().upper()


def validate_agency_code(value: str) -> None:
    if not AGENCY_CODE_RE.fullmatch(value):
        raise ValidationError(
            _(
                "Mã định danh “%(value)s” không đúng dạng NNN.NN.NN.XNN "
                "(13 ký tự, ví dụ 000.00.00.H62)."
            ),
            code="bad_code",
            params={"value": value},
        )


def validate_fonds_code(value: str) -> None:
    if not FONDS_CODE_RE.fullmatch(value):
        raise ValidationError(
            _(
                "Mã phông “%(value)s” không hợp lệ: chỉ dùng chữ in hoa không dấu, chữ số, "
                "dấu chấm, gạch ngang; tối đa 30 ký tự."
            ),
            code="bad_code",
            params={"value": value},
        )


def code_level(code: str) -> int:
    """The QĐ 20/2020 level a code's groups say: 1 for ``000.00.00.XNN`` (the level-1 unit
    alone), 2 for ``000.00.NN.XNN``, 3 for ``000.NN.NN.XNN``, 4 when every group is set."""
    groups = code.split(".")
    zeros = 0
    for group in groups[:3]:
        if int(group) != 0:
            break
        zeros += 1
    return 4 - zeros


def validate_code_under_parent(code: str, parent_code: str) -> None:
    """QĐ 20/2020/QĐ-TTg: a unit's code is made within its parent's level-1 unit (the last
    group, e.g. H62) and below its parent's level. Codes not of the QĐ 20 form are left to
    ``validate_agency_code``. Which lower group stands for which level is not settled
    (regulations.md §1.4), so units of one level under one another are allowed."""
    if not (AGENCY_CODE_RE.fullmatch(code) and AGENCY_CODE_RE.fullmatch(parent_code)):
        return
    if code.rsplit(".", 1)[1] != parent_code.rsplit(".", 1)[1]:
        raise ValidationError(
            _(
                "Mã định danh “%(code)s” không thuộc đơn vị cấp 1 %(group)s của cơ quan cấp trên "
                "(%(parent)s): theo QĐ 20/2020/QĐ-TTg, mã của đơn vị trực thuộc mang nhóm cấp 1 "
                "của cơ quan cấp trên."
            ),
            code="bad_code",
            params={"code": code, "parent": parent_code, "group": parent_code.rsplit(".", 1)[1]},
        )
    if code_level(code) < code_level(parent_code):
        raise ValidationError(
            _(
                "Mã định danh “%(code)s” là mã cấp %(level)d, cao hơn cơ quan cấp trên %(parent)s "
                "(cấp %(parent_level)d): theo QĐ 20/2020/QĐ-TTg, đơn vị trực thuộc mang mã cấp "
                "dưới."
            ),
            code="bad_code",
            params={
                "code": code,
                "level": code_level(code),
                "parent": parent_code,
                "parent_level": code_level(parent_code),
            },
        )
