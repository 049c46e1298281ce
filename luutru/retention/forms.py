"""Forms of the retention pages; each feeds one action."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luutru.retention.models import (
    HoldKind,
    MemberRole,
    Opinion,
    ScheduleKind,
    SecrecyLevel,
    SecrecyOutcome,
)


class YearForm(forms.Form):
    nam = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=9999, required=False)

    def year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("nam"):
            return int(self.cleaned_data["nam"])
        return timezone.localdate().year


class OpenAppraisalForm(forms.Form):
    agency = forms.CharField(label=_("Mã cơ quan"))
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=9999)


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"))
    role = forms.ChoiceField(label=_("Vai trò"), choices=MemberRole.choices)
    position = forms.CharField(label=_("Chức vụ"), required=False, max_length=200)


class VoteForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    opinion = forms.ChoiceField(label=_("Ý kiến"), choices=Opinion.choices)
    comment = forms.CharField(label=_("Nhận xét"), required=False, max_length=500)


class ConcludeForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Kết luận"), choices=Opinion.choices)
    new_retention = forms.CharField(label=_("Thời hạn mới (mã)"), required=False, max_length=4)
    keep_reason = forms.CharField(label=_("Lý do giữ lại"), required=False, max_length=500)


class CloseCouncilForm(forms.Form):
    met_on = forms.DateField(label=_("Ngày họp"))
    minutes = forms.CharField(label=_("Biên bản họp"), widget=forms.Textarea)
    explanatory_note = forms.CharField(label=_("Bản thuyết minh"), widget=forms.Textarea)


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=50)


class HoldForm(forms.Form):
    kind = forms.ChoiceField(label=_("Lý do pháp lý"), choices=HoldKind.choices)
    dossier = forms.CharField(label=_("Mã hồ sơ"), required=False)
    fonds = forms.CharField(label=_("hoặc mã phông"), required=False)
    reason = forms.CharField(label=pgettext_lazy("legal hold", "Nội dung"), widget=forms.Textarea)


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("Lý do gỡ"), max_length=1000)


class ScheduleForm(forms.Form):
    key = forms.SlugField(label=_("Mã bảng"))
    name = forms.CharField(label=_("Tên bảng"), max_length=300)
    kind = forms.ChoiceField(label=_("Loại"), choices=ScheduleKind.choices)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=300)
    entries = forms.CharField(
        label=_("Các nhóm hồ sơ"),
        widget=forms.Textarea,
        help_text=_("Mỗi dòng: số thứ tự | nhóm hồ sơ, tài liệu | mã thời hạn | căn cứ."),
    )

    def entry_list(self) -> list[dict[str, str]]:
        rows = []
        for line in self.cleaned_data["entries"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", "", "", ""]
            rows.append(
                {
                    "number": parts[0],
                    "group": parts[1],
                    "retention": parts[2],
                    "legal_basis": parts[3],
                }
            )
        return rows


class SecrecyDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Kết luận"), choices=SecrecyOutcome.choices)
    reason = forms.CharField(label=_("Căn cứ, lý do"), max_length=1000)
    new_review_on = forms.DateField(label=_("Hạn rà soát mới"), required=False)
    new_regime = forms.ChoiceField(
        label=_("Chế độ sử dụng sau giải mật"),
        choices=[("01", _("Công khai")), ("02", _("Sử dụng có điều kiện"))],
        initial="02",
    )


class ConfirmForm(forms.Form):
    """A button that only confirms (the destruction)."""


class PlanTransferForm(forms.Form):
    agency = forms.CharField(label=_("Mã cơ quan"))
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=9999)


class ReplyTransferForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Ý kiến của lưu trữ lịch sử"),
        choices=[("1", _("Đồng ý tiếp nhận")), ("0", _("Yêu cầu bổ sung"))],
        coerce=lambda v: v == "1",
    )
    reply = forms.CharField(
        label=pgettext_lazy("reply to a transfer", "Nội dung"), required=False, max_length=2000
    )


class SecrecyForm(forms.Form):
    dossier = forms.CharField(label=_("Mã hồ sơ"))
    level = forms.ChoiceField(label=_("Độ mật"), choices=SecrecyLevel.choices)
    classified_on = forms.DateField(label=_("Ngày xác định độ mật"))
