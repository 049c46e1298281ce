"""Forms of the collection pages; they only collect input, the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from luutru.organizations.models import Agency, AgencyQuerySet, Fonds
from luutru.records import codes
from luutru.records.description import editable
from luutru.records.elements import Element

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


# ---------------------------------------------------------------------------------------------
# Description control: every TT 05 element as typed in the ingest spreadsheet; the action checks.

REASON_HELP = "Ghi rõ căn cứ sửa (văn bản, biên bản kiểm tra…); lưu trong lịch sử của hồ sơ."


def _reason_field() -> forms.CharField:
    # Not required here: the action refuses an empty reason with its own message, so that the
    # form, the API and the spreadsheet import say the same thing.
    return forms.CharField(
        label="Lý do thay đổi", required=False, help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


def _hint(spec: Element) -> str:
    return ("Bắt buộc. " if spec.required else "") + _format_hint(spec)


def _format_hint(spec: Element) -> str:
    if spec.kind == "date":
        return "NN/TT/NNNN, TT/NNNN hoặc NNNN."
    if spec.kind == "boolean":
        return "1 (có) hoặc 0 (không)."
    if spec.code_list:
        listed = ", ".join(f"{c} {lbl}" for c, (lbl, _x) in codes.entries(spec.code_list).items())
        several = " Nhiều mã cách nhau bằng dấu phẩy." if spec.kind == "codes" else ""
        return f"Mã hoặc tên: {listed}.{several}"
    return ""


class DescriptionForm(forms.Form):
    """One text field per editable TT 05 element (named by the element), and the reason."""

    def __init__(self, *args: Any, level: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, spec in editable(level).items():
            widget = (
                forms.Textarea(attrs={"rows": 2})
                if spec.kind == "text" and (spec.max_length or 0) > 200
                else forms.TextInput()
            )
            self.fields[name] = forms.CharField(
                label=spec.label, required=False, strip=True, widget=widget, help_text=_hint(spec)
            )
        self.fields["reason"] = _reason_field()


class FileDocumentForm(forms.Form):
    dossier = forms.CharField(
        label="Mã hồ sơ", max_length=100,
        help_text="Tài liệu nhận số thứ tự sau tài liệu cuối của hồ sơ, mã lưu trữ theo mã hồ sơ.",
    )  # fmt: skip
    reason = _reason_field()


class MoveDossierForm(forms.Form):
    fonds = forms.ModelChoiceField(
        label="Chuyển sang phông", queryset=Fonds.objects.none(), required=False
    )
    agency = forms.ModelChoiceField(
        label="Chuyển sang cơ quan kế thừa", queryset=Agency.objects.none(), required=False
    )
    reason = _reason_field()

    def __init__(self, *args: Any, fonds: Any, successors: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fonds"].queryset = fonds  # type: ignore[attr-defined]
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=[a.pk for a in successors]
        ).order_by("code")


class ImportForm(forms.Form):
    level = forms.ChoiceField(
        label="Bảng tính của", choices=[("dossier", "Hồ sơ"), ("document", "Tài liệu")]
    )
    workbook = forms.FileField(label="Tệp Excel (.xlsx) đã sửa")
    reason = _reason_field()
