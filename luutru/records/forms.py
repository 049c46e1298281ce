"""Forms of the collection pages; they only collect input, the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    agency = forms.ModelChoiceField(label=_("Cơ quan, tổ chức"), queryset=Agency.objects.none())
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=2200)
    title = forms.CharField(label=_("Tên danh mục"), max_length=300, required=False)
    approved_at = forms.DateField(label=_("Ngày ban hành"), widget=DATE_INPUT, required=False)
    note = forms.CharField(
        label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, agencies: AgencyQuerySet, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("code")  # type: ignore[attr-defined]


class PlanEntryForm(forms.Form):
    notation = forms.CharField(label=_("Số và ký hiệu hồ sơ"), max_length=20)
    title = forms.CharField(
        label=_("Tiêu đề hồ sơ"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    retention = forms.ChoiceField(label=_("Thời hạn lưu trữ"), choices=retention_choices)
    responsible = forms.CharField(label=_("Người lập hồ sơ"), max_length=150, required=False)
    closed_on = forms.DateField(
        label=_("Ngày kết thúc công việc"),
        widget=DATE_INPUT,
        required=False,
        help_text=_(
            "Hồ sơ phải nộp lưu vào lưu trữ cơ quan trong 01 năm kể từ ngày này "
            "(Nghị định 30/2020/NĐ-CP)."
        ),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


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
        label=_("Lý do, căn cứ công bố"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    download = forms.ChoiceField(
        label=_("Bản gốc"), choices=DOWNLOAD_CHOICES, required=False,
        help_text=_("Trang tài liệu vẫn đọc được trên cổng tra cứu khi không cho tải bản gốc."),
    )  # fmt: skip


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi công bố"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


def regime_choices() -> list[tuple[str, str]]:
    return [("", "— Chọn —")] + [
        (code, f"{code} — {label}")
        for code, (label, _extra) in codes.entries("access_regime").items()
    ]


class RegimeChangeForm(forms.Form):
    new_regime = forms.ChoiceField(label=_("Chế độ sử dụng mới"), choices=regime_choices)
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"), max_length=500,
        help_text=_("Văn bản, quyết định làm căn cứ: số, ngày, cơ quan ban hành."),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Lý do"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublicationPolicyForm(forms.Form):
    publish_on_acceptance = forms.BooleanField(
        label=_("Công bố tài liệu Công khai khi tiếp nhận vào kho"), required=False
    )
    list_conditional = forms.BooleanField(
        label=_("Giới thiệu tài liệu Sử dụng có điều kiện trong mục lục công khai"),
        required=False,
        help_text=_(
            "Công chúng thấy tiêu đề, thời gian, mã và điều kiện khai thác, không thấy "
            "nội dung; tài liệu Mật không bao giờ được giới thiệu."
        ),
    )
    public_download = forms.BooleanField(
        label=_("Mặc định cho công chúng tải bản gốc khi công bố"), required=False
    )


class AwaitingFilterForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Cơ quan, tổ chức"), queryset=Agency.objects.none(), required=False,
        empty_label=_("Tất cả"), to_field_name="code",
    )  # fmt: skip
    fonds = forms.ModelChoiceField(
        label=_("Phông"), queryset=Fonds.objects.none(), required=False, empty_label=_("Tất cả"),
        to_field_name="code",
    )  # fmt: skip

    def __init__(self, *args: Any, agencies: AgencyQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("code")  # type: ignore[attr-defined]
        self.fields["fonds"].queryset = Fonds.objects.filter(  # type: ignore[attr-defined]
            agency__in=agencies
        ).order_by("code")


# ---------------------------------------------------------------------------------------------
# Description control: every TT 05 element as typed in the ingest spreadsheet; the action checks.

REASON_HELP = _("Ghi rõ căn cứ sửa (văn bản, biên bản kiểm tra…); lưu trong lịch sử của hồ sơ.")


def _reason_field() -> forms.CharField:
    # Not required here: the action refuses an empty reason with its own message, so that the
    # form, the API and the spreadsheet import say the same thing.
    return forms.CharField(
        label=_("Lý do thay đổi"), required=False, help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


def _hint(spec: Element) -> str:
    hint = _format_hint(spec)
    required = gettext("Bắt buộc.")
    return " ".join(part for part in (required if spec.required else "", hint) if part)


def _format_hint(spec: Element) -> str:
    if spec.kind == "date":
        return gettext("NN/TT/NNNN, TT/NNNN hoặc NNNN.")
    if spec.kind == "boolean":
        return gettext("1 (có) hoặc 0 (không).")
    if spec.code_list:
        listed = ", ".join(f"{c} {lbl}" for c, (lbl, _x) in codes.entries(spec.code_list).items())
        several = gettext("Nhiều mã cách nhau bằng dấu phẩy.") if spec.kind == "codes" else ""
        listing = gettext("Mã hoặc tên: %(codes)s.") % {"codes": listed}
        return f"{listing} {several}".strip()
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
                label=spec.shown_label,
                required=False,
                strip=True,
                widget=widget,
                help_text=_hint(spec),
            )
        self.fields["reason"] = _reason_field()


class FileDocumentForm(forms.Form):
    dossier = forms.CharField(
        label=_("Mã hồ sơ"), max_length=100,
        help_text=_(
            "Tài liệu nhận số thứ tự sau tài liệu cuối của hồ sơ, mã lưu trữ theo mã hồ sơ."
        ),
    )  # fmt: skip
    reason = _reason_field()


class MoveDossierForm(forms.Form):
    fonds = forms.ModelChoiceField(
        label=_("Chuyển sang phông"), queryset=Fonds.objects.none(), required=False
    )
    agency = forms.ModelChoiceField(
        label=_("Chuyển sang cơ quan kế thừa"), queryset=Agency.objects.none(), required=False
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
        label=_("Bảng tính của"), choices=[("dossier", "Hồ sơ"), ("document", "Tài liệu")]
    )
    workbook = forms.FileField(label=_("Tệp Excel (.xlsx) đã sửa"))
    reason = _reason_field()
