"""Forms of the reader's side (registration, request) and the staff decision."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from luutru.access.models import DeliveryForm, FeeCategory, Purpose
from luutru.accounts.models import User
from luutru.lib.vietnamese import nfc

ID_NUMBER = re.compile(r"^\d{12}$")
PHONE = re.compile(r"^\+?[\d .-]{9,15}$")
USERNAME = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")


# Kept in Vietnamese with the reader's consent (the text that binds); shown translated.
CONSENT_TEXT = gettext_noop(
    "Tôi đồng ý để cơ quan lưu trữ xử lý các dữ liệu cá nhân đã khai ở trên (họ và tên, ngày "
    "sinh, số định danh cá nhân, địa chỉ, số điện thoại, thư điện tử, cơ quan công tác) nhằm "
    "cấp và quản lý tài khoản độc giả, giải quyết phiếu yêu cầu khai thác tài liệu và thống kê "
    "khai thác theo quy định, theo Nghị định số 13/2023/NĐ-CP ngày 17/4/2023 của Chính phủ về "
    "bảo vệ dữ liệu cá nhân. Tôi có thể yêu cầu xem, sửa hoặc xóa dữ liệu của mình, hoặc rút "
    "lại sự đồng ý, bằng cách liên hệ phòng đọc."
)


class ReaderRegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Ví dụ 17/05/1990."),
    )
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD)"), max_length=12, help_text=_("12 chữ số.")
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=300)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20)
    email = forms.EmailField(label=_("Thư điện tử"))
    organization = forms.CharField(
        label=_("Cơ quan, đơn vị công tác"), max_length=300, required=False
    )
    purpose = forms.CharField(label=_("Mục đích khai thác"), max_length=500)
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput, strip=False)
    consent = forms.BooleanField(
        label=_("Tôi đồng ý cho xử lý dữ liệu cá nhân như trên"),
        help_text=_(CONSENT_TEXT),  # the msgid is marked by gettext_noop above
        error_messages={"required": _("Cần sự đồng ý của bạn để cấp tài khoản độc giả.")},
    )

    def clean_full_name(self) -> str:
        return nfc(self.cleaned_data["full_name"]).strip()

    def clean_date_of_birth(self) -> datetime.date:
        born: datetime.date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born >= today or born.year < today.year - 120:
            raise forms.ValidationError(_("Ngày sinh không hợp lệ."))
        return born

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        if not ID_NUMBER.match(value):
            raise forms.ValidationError(_("Số CCCD gồm đúng 12 chữ số."))
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if not PHONE.match(value):
            raise forms.ValidationError(_("Số điện thoại không hợp lệ."))
        return value

    def clean_username(self) -> str:
        value = self.cleaned_data["username"].strip()
        if not USERNAME.match(value):
            raise forms.ValidationError(
                _("Tên đăng nhập gồm 3-150 ký tự: chữ không dấu, chữ số và . _ @ + -")
            )
        if User.objects.filter(username__iexact=value).exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã có người dùng."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "password" in data:
            try:
                validate_password(
                    data["password"],
                    User(username=data.get("username", ""), full_name=data.get("full_name", "")),
                )
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        if data.pop("consent", False):
            data["consent_text"] = CONSENT_TEXT
        return data


class RequestForm(forms.Form):
    codes = forms.CharField(
        label=_("Mã hồ sơ, mã tài liệu"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một mã hồ sơ (000.00.12.H62.2023.05) hoặc mã tài liệu."),
    )
    purpose = forms.ChoiceField(label=_("Mục đích"), choices=Purpose.choices)
    fee_category = forms.ChoiceField(label=_("Đối tượng thu phí"), choices=FeeCategory.choices)
    research_topic = forms.CharField(label=_("Đề tài, vấn đề nghiên cứu"), max_length=500)
    form = forms.ChoiceField(label=_("Hình thức khai thác"), choices=DeliveryForm.choices)
    days = forms.IntegerField(
        label=_("Thời hạn khai thác (ngày)"),
        min_value=1,
        max_value=15,
        initial=15,
        help_text=_("Tối đa 15 ngày kể từ khi phiếu được duyệt."),
    )

    def clean_codes(self) -> list[str]:
        raw = nfc(self.cleaned_data["codes"])
        codes = [part.strip() for part in re.split(r"[\n,;]+", raw) if part.strip()]
        if not codes:
            raise forms.ValidationError(_("Hãy ghi ít nhất một mã hồ sơ hoặc mã tài liệu."))
        too_long = [c for c in codes if len(c) > 100]
        if too_long:
            raise forms.ValidationError(
                _("Mã “%(code)s…” dài quá 100 ký tự.") % {"code": too_long[0][:40]}
            )
        return codes


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do từ chối"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Số phiếu"), max_length=12, help_text=_("Ví dụ 000012."))
    email = forms.EmailField(label=_("Thư điện tử đã đăng ký"))
