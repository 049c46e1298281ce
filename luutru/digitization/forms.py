"""Upload and page forms of digitization; checking the files is the actions' job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luutru.records import codes
from luutru.records.models import Dossier, DossierQuerySet

ACCEPT = ".tif,.tiff,.jpg,.jpeg,.png,.pdf,image/tiff,image/jpeg,image/png,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, in the order the browser sends them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("allow_empty_file", True)  # the actions name the empty file
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


def doc_type_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{code} {codes.shown_label('document_type', code)}")
        for code in codes.entries("document_type")
    ]


def condition_choices() -> list[tuple[str, str]]:
    return [
        (code, codes.shown_label("physical_condition", code))
        for code in codes.entries("physical_condition")
    ]


NOT_YET = ("", _("— chưa xác nhận —"))


class BatchForm(forms.Form):
    dossier = forms.CharField(
        label=_("Mã hồ sơ"), max_length=100, help_text=_("Hồ sơ nhận tài liệu số hóa.")
    )
    scans = MultipleFileField(
        label=_("Ảnh quét"),
        help_text=_(
            "Ảnh TIFF, JPEG, PNG hoặc tệp PDF ảnh quét, theo thứ tự trang; tối thiểu "
            "200 dpi (300 dpi cho bản đồ, bản vẽ kỹ thuật), màu 24 bit."
        ),
    )
    document = forms.CharField(
        label=_("Mã lưu trữ tài liệu đã có"),
        max_length=100,
        required=False,
        help_text=_(
            "Để trống để tạo tài liệu mới trong hồ sơ; điền mã để gắn bản số hóa vào "
            "tài liệu đã có."
        ),
    )
    summary = forms.CharField(label=_("Trích yếu nội dung"), max_length=500, required=False)
    doc_type = forms.ChoiceField(
        label=_("Tên loại tài liệu"),
        required=False,
        help_text=_("Có thể để trống và xác nhận sau khi nhận dạng, theo gợi ý đọc từ văn bản."),
    )
    issued_date = forms.DateField(
        label=_("Ngày, tháng, năm tài liệu"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    paper_code = forms.CharField(
        label=_("Mã hồ sơ gốc giấy"),
        max_length=100,
        required=False,
        help_text=_("[Mã cơ quan lưu trữ].[Số kho, giá, hộp].[Số hồ sơ giấy]"),
    )

    def __init__(self, *args: Any, dossiers: DossierQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dossiers = dossiers
        self.fields["doc_type"].choices = [NOT_YET, *doc_type_choices()]  # type: ignore[attr-defined]

    def clean_dossier(self) -> Dossier:
        code = self.cleaned_data["dossier"].strip()
        dossier = self.dossiers.filter(code=code).first()
        if dossier is None:
            raise forms.ValidationError(
                _("Không có hồ sơ mã “%(code)s” trong phạm vi của bạn.") % {"code": code}
            )
        return dossier

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = (data.get("document") or "").strip()
        dossier = data.get("dossier")
        if code and isinstance(dossier, Dossier):
            document = dossier.documents.filter(archival_code=code).first()
            if document is None:
                self.add_error(
                    "document",
                    _("Hồ sơ %(dossier)s không có tài liệu mã “%(code)s”.")
                    % {"dossier": dossier.code, "code": code},
                )
            data["document"] = document
        else:
            data["document"] = None
        return data


class PagesForm(forms.Form):
    scans = MultipleFileField(label=_("Thêm trang"))


class ReplaceForm(forms.Form):
    file = forms.FileField(
        label=_("Ảnh thay thế"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class MoveForm(forms.Form):
    to = forms.IntegerField(label=_("Chuyển đến trang"), min_value=1)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hủy lô"), max_length=500, required=False)


class DescribeForm(forms.Form):
    """What the operator confirms for one document of a batch; blank stays blank."""

    doc_type = forms.ChoiceField(label=_("Tên loại tài liệu"), required=False)
    number = forms.CharField(label=_("Số"), max_length=11, required=False)
    notation = forms.CharField(label=_("Ký hiệu"), max_length=30, required=False)
    unnumbered = forms.BooleanField(label=_("Tài liệu không có số, ký hiệu"), required=False)
    issued_date = forms.DateField(
        label=_("Ngày, tháng, năm tài liệu"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200, required=False)
    summary = forms.CharField(label=_("Trích yếu nội dung"), max_length=500, required=False)
    sheet_count = forms.IntegerField(label=_("Số lượng tờ bản giấy"), min_value=1, required=False)
    physical_condition = forms.ChoiceField(label=_("Tình trạng vật lý bản giấy"), required=False)
    text = forms.CharField(
        label=_("Văn bản nhận dạng (sửa nếu sai; đây là văn bản được tìm kiếm)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = [NOT_YET, *doc_type_choices()]  # type: ignore[attr-defined]
        self.fields["physical_condition"].choices = [  # type: ignore[attr-defined]
            NOT_YET,
            *condition_choices(),
        ]


class PaperForm(forms.Form):
    paper_code = forms.CharField(
        label=_("Mã hồ sơ gốc giấy"),
        max_length=100,
        required=False,
        help_text=_("[Mã cơ quan lưu trữ].[Số kho, giá, hộp].[Số hồ sơ giấy]"),
    )
