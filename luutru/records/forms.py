"""Forms of the collection pages; they only collect input, the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from luutru.organizations.models import Agency, AgencyQuerySet, Fonds
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


DOWNLOAD_CHOICES = [
    ("", "Theo mặc định của phông"),
    ("1", "Cho công chúng tải bản gốc"),
    ("0", "Chỉ đọc từng trang, không cho tải bản gốc"),
]


def download_choice(value: str) -> bool | None:
    """The form's download choice as the actions take it: None means the fonds' default."""
    return None if value == "" else value == "1"


class PublishForm(forms.Form):
    """Công bố: the reason is optional, the download choice defaults to the fonds'."""

    reason = forms.CharField(
        label="Lý do, căn cứ công bố", max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    download = forms.ChoiceField(
        label="Bản gốc", choices=DOWNLOAD_CHOICES, required=False,
        help_text="Trang tài liệu vẫn đọc được trên cổng tra cứu khi không cho tải bản gốc.",
    )  # fmt: skip


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Lý do thu hồi công bố", max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


def regime_choices() -> list[tuple[str, str]]:
    return [("", "— Chọn —")] + [
        (code, f"{code} — {label}")
        for code, (label, _extra) in codes.entries("access_regime").items()
    ]


class RegimeChangeForm(forms.Form):
    new_regime = forms.ChoiceField(label="Chế độ sử dụng mới", choices=regime_choices)
    legal_basis = forms.CharField(
        label="Căn cứ pháp lý", max_length=500,
        help_text="Văn bản, quyết định làm căn cứ: số, ngày, cơ quan ban hành.",
    )  # fmt: skip
    reason = forms.CharField(
        label="Lý do", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublicationPolicyForm(forms.Form):
    publish_on_acceptance = forms.BooleanField(
        label="Công bố tài liệu Công khai khi tiếp nhận vào kho", required=False
    )
    list_conditional = forms.BooleanField(
        label="Giới thiệu tài liệu Sử dụng có điều kiện trong mục lục công khai",
        required=False,
        help_text="Công chúng thấy tiêu đề, thời gian, mã và điều kiện khai thác, không thấy "
        "nội dung; tài liệu Mật không bao giờ được giới thiệu.",
    )
    public_download = forms.BooleanField(
        label="Mặc định cho công chúng tải bản gốc khi công bố", required=False
    )


class AwaitingFilterForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Cơ quan, tổ chức", queryset=Agency.objects.none(), required=False,
        empty_label="Tất cả", to_field_name="code",
    )  # fmt: skip
    fonds = forms.ModelChoiceField(
        label="Phông", queryset=Fonds.objects.none(), required=False, empty_label="Tất cả",
        to_field_name="code",
    )  # fmt: skip

    def __init__(self, *args: Any, agencies: AgencyQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("code")  # type: ignore[attr-defined]
        self.fields["fonds"].queryset = Fonds.objects.filter(  # type: ignore[attr-defined]
            agency__in=agencies
        ).order_by("code")
