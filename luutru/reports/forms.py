"""Forms of the evaluation pages: the dashboard's filter, targets, tallies kept by hand,
training."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from luutru.accounts.models import User
from luutru.organizations.models import Agency
from luutru.reports.services import PARTS, SPEC

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    """``?nam=2026&co-quan=000.00.03.H62&chi-tieu=born_digital_share``; every part optional."""

    nam = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=9999, required=False)
    co_quan = forms.CharField(label=_("Cơ quan (mã định danh)"), max_length=13, required=False)
    chi_tieu = forms.ChoiceField(
        label=_("Chỉ tiêu so sánh"),
        required=False,
        choices=[(s.key, s.label) for s in SPEC.values() if s.is_share],
    )

    def __init__(self, data: Any = None) -> None:
        if data is not None:
            data = {k.replace("-", "_"): v for k, v in data.items()}
        super().__init__(data)

    def clean_co_quan(self) -> Agency | None:
        code = (self.cleaned_data.get("co_quan") or "").strip()
        if not code:
            return None
        agency = Agency.objects.select_related("parent").filter(code=code).first()
        if agency is None:
            raise forms.ValidationError(
                _("Không tìm thấy cơ quan có mã định danh “%(code)s”.") % {"code": code}
            )
        return agency

    def year(self) -> int:
        return self.cleaned_data.get("nam") or timezone.localdate().year


class TargetForm(forms.Form):
    value = forms.DecimalField(
        label=_("Chỉ tiêu (%)"), min_value=0, max_value=100, decimal_places=1, required=False
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class PaperHandoverForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan giao nộp"), queryset=Agency.objects.all())
    received_on = forms.DateField(label=_("Ngày giao nhận"), widget=DATE_INPUT)
    dossiers = forms.IntegerField(label=_("Số hồ sơ (đơn vị bảo quản)"), min_value=0)
    boxes = forms.IntegerField(label=_("Số hộp"), min_value=0, initial=0)
    shelf_metres = forms.DecimalField(
        label=_("Số mét giá"), min_value=0, max_digits=8, decimal_places=2
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class ReadingRoomForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan có tài liệu"), queryset=Agency.objects.all())
    day = forms.DateField(label=_("Ngày"), widget=DATE_INPUT)
    requests = forms.IntegerField(label=_("Số phiếu yêu cầu đã phục vụ"), min_value=1)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Tên khóa"), max_length=300)
    provider = forms.CharField(label=_("Đơn vị tổ chức"), max_length=300, required=False)
    hours = forms.IntegerField(label=_("Số giờ"), min_value=1, max_value=2000, required=False)
    description = forms.CharField(
        label=pgettext_lazy("training course", "Nội dung"), widget=forms.Textarea, required=False
    )


class SessionForm(forms.Form):
    starts_on = forms.DateField(label=_("Từ ngày"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Đến ngày"), widget=DATE_INPUT)
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return data


class AttendanceForm(forms.Form):
    username = forms.CharField(label=_("Học viên (tên đăng nhập)"), max_length=150)
    completed = forms.BooleanField(label=_("Đã hoàn thành"), required=False)

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None or not user.memberships.exists():
            raise forms.ValidationError(
                _("Không có công chức nào có tên đăng nhập “%(name)s”.") % {"name": name}
            )
        return user


# Stored with the report form in Vietnamese (the printed form's words); shown translated.
PART_LABELS = {
    "numerator": gettext_noop("Tử số"),
    "denominator": gettext_noop("Mẫu số"),
    "value": gettext_noop("Kết quả"),
    "target": gettext_noop("Chỉ tiêu"),
}


class ReportFormForm(forms.Form):
    """A report form's layout: one row a line, "label | indicator key"; the columns shown."""

    title = forms.CharField(label=_("Tên biểu"), max_length=300)
    legal_basis = forms.CharField(label=_("Căn cứ"), max_length=300, required=False)
    confirmed = forms.BooleanField(
        label=_("Đã đối chiếu với mẫu biểu hiện hành"), required=False,
        help_text=_("Để trống khi chưa đối chiếu: bản in ghi rõ điều đó."),
    )  # fmt: skip
    rows = forms.CharField(
        label=_("Các dòng"), widget=forms.Textarea(attrs={"rows": 10}),
        help_text=format_lazy(
            _("Mỗi dòng: tên chỉ tiêu | mã chỉ tiêu. Mã: {codes}."), codes=", ".join(SPEC)
        ),
    )  # fmt: skip
    columns = forms.MultipleChoiceField(
        label=_("Các cột"), choices=[(p, _(PART_LABELS[p])) for p in PARTS],
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def clean_rows(self) -> list[dict[str, str]]:
        out = []
        for number, line in enumerate(self.cleaned_data["rows"].splitlines(), start=1):
            if not line.strip():
                continue
            label, _bar, key = line.rpartition("|")
            label, key = label.strip(), key.strip()
            if not label or key not in SPEC:
                raise forms.ValidationError(
                    _("Dòng %(number)s: cần “tên | mã chỉ tiêu” với mã có trong danh sách.")
                    % {"number": number}
                )
            out.append({"label": label, "key": key})
        if not out:
            raise forms.ValidationError(_("Biểu cần ít nhất một dòng."))
        return out

    def clean_columns(self) -> list[dict[str, str]]:
        return [{"part": p, "label": PART_LABELS[p]} for p in self.cleaned_data["columns"]]
