"""Forms of the collection pages; they only collect input, the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from luutru.organizations.models import Agency, AgencyQuerySet
from luutru.records import codes

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def retention_choices() -> list[tuple[str, str]]:
    """The TT 05/2025 retention codes, read from the Code table when the form is built."""
    return [("", "— Chọn —")] + [
        (code, f"{code} — {label}") for code, (label, _extra) in codes.entries("retention").items()
    ]


class FilePlanForm(forms.Form):
    agency = forms.ModelChoiceField(label="Cơ quan, tổ chức", queryset=Agency.objects.none())
    year = forms.IntegerField(label="Năm", min_value=1900, max_value=2200)
    title = forms.CharField(label="Tên danh mục", max_length=300, required=False)
    approved_at = forms.DateField(label="Ngày ban hành", widget=DATE_INPUT, required=False)
    note = forms.CharField(
        label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, agencies: AgencyQuerySet, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("code")  # type: ignore[attr-defined]


class PlanEntryForm(forms.Form):
    notation = forms.CharField(label="Số và ký hiệu hồ sơ", max_length=20)
    title = forms.CharField(
        label="Tiêu đề hồ sơ", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    retention = forms.ChoiceField(label="Thời hạn lưu trữ", choices=retention_choices)
    responsible = forms.CharField(label="Người lập hồ sơ", max_length=150, required=False)
    closed_on = forms.DateField(
        label="Ngày kết thúc công việc",
        widget=DATE_INPUT,
        required=False,
        help_text="Hồ sơ phải nộp lưu vào lưu trữ cơ quan trong 01 năm kể từ ngày này "
        "(Nghị định 30/2020/NĐ-CP).",
    )
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)
