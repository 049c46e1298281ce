"""Forms of the evaluation pages: the dashboard's filter, targets, tallies kept by hand,
training."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from luutru.accounts.models import User
from luutru.organizations.models import Agency
from luutru.reports.services import PARTS, SPEC

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    """``?nam=2026&co-quan=000.00.03.H62&chi-tieu=born_digital_share``; every part optional."""

    nam = forms.IntegerField(label="Năm", min_value=1900, max_value=9999, required=False)
    co_quan = forms.CharField(label="Cơ quan (mã định danh)", max_length=13, required=False)
    chi_tieu = forms.ChoiceField(
        label="Chỉ tiêu so sánh",
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
            raise forms.ValidationError(f"Không tìm thấy cơ quan có mã định danh “{code}”.")
        return agency

    def year(self) -> int:
        return self.cleaned_data.get("nam") or timezone.localdate().year


class TargetForm(forms.Form):
    value = forms.DecimalField(
        label="Chỉ tiêu (%)", min_value=0, max_value=100, decimal_places=1, required=False
    )
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class PaperHandoverForm(forms.Form):
    agency = forms.ModelChoiceField(label="Cơ quan giao nộp", queryset=Agency.objects.all())
    received_on = forms.DateField(label="Ngày giao nhận", widget=DATE_INPUT)
    dossiers = forms.IntegerField(label="Số hồ sơ (đơn vị bảo quản)", min_value=0)
    boxes = forms.IntegerField(label="Số hộp", min_value=0, initial=0)
    shelf_metres = forms.DecimalField(
        label="Số mét giá", min_value=0, max_digits=8, decimal_places=2
    )
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class ReadingRoomForm(forms.Form):
    agency = forms.ModelChoiceField(label="Cơ quan có tài liệu", queryset=Agency.objects.all())
    day = forms.DateField(label="Ngày", widget=DATE_INPUT)
    requests = forms.IntegerField(label="Số phiếu yêu cầu đã phục vụ", min_value=1)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class CourseForm(forms.Form):
    title = forms.CharField(label="Tên khóa", max_length=300)
    provider = forms.CharField(label="Đơn vị tổ chức", max_length=300, required=False)
    hours = forms.IntegerField(label="Số giờ", min_value=1, max_value=2000, required=False)
    description = forms.CharField(label="Nội dung", widget=forms.Textarea, required=False)


class SessionForm(forms.Form):
    starts_on = forms.DateField(label="Từ ngày", widget=DATE_INPUT)
    ends_on = forms.DateField(label="Đến ngày", widget=DATE_INPUT)
    place = forms.CharField(label="Địa điểm", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "Ngày kết thúc phải từ ngày bắt đầu trở đi.")
        return data


class AttendanceForm(forms.Form):
    username = forms.CharField(label="Học viên (tên đăng nhập)", max_length=150)
    completed = forms.BooleanField(label="Đã hoàn thành", required=False)

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None or not user.memberships.exists():
            raise forms.ValidationError(f"Không có công chức nào có tên đăng nhập “{name}”.")
        return user


PART_LABELS = {
    "numerator": "Tử số",
    "denominator": "Mẫu số",
    "value": "Kết quả",
    "target": "Chỉ tiêu",
}


class ReportFormForm(forms.Form):
    """A report form's layout: one row a line, "label | indicator key"; the columns shown."""

    title = forms.CharField(label="Tên biểu", max_length=300)
    legal_basis = forms.CharField(label="Căn cứ", max_length=300, required=False)
    confirmed = forms.BooleanField(
        label="Đã đối chiếu với mẫu biểu hiện hành", required=False,
        help_text="Để trống khi chưa đối chiếu: bản in ghi rõ điều đó.",
    )  # fmt: skip
    rows = forms.CharField(
        label="Các dòng", widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Mỗi dòng: tên chỉ tiêu | mã chỉ tiêu. Mã: " + ", ".join(SPEC) + ".",
    )  # fmt: skip
    columns = forms.MultipleChoiceField(
        label="Các cột", choices=[(p, PART_LABELS[p]) for p in PARTS],
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)

    def clean_rows(self) -> list[dict[str, str]]:
        out = []
        for number, line in enumerate(self.cleaned_data["rows"].splitlines(), start=1):
            if not line.strip():
                continue
            label, _, key = line.rpartition("|")
            label, key = label.strip(), key.strip()
            if not label or key not in SPEC:
                raise forms.ValidationError(
                    f"Dòng {number}: cần “tên | mã chỉ tiêu” với mã có trong danh sách."
                )
            out.append({"label": label, "key": key})
        if not out:
            raise forms.ValidationError("Biểu cần ít nhất một dòng.")
        return out

    def clean_columns(self) -> list[dict[str, str]]:
        return [{"part": p, "label": PART_LABELS[p]} for p in self.cleaned_data["columns"]]
