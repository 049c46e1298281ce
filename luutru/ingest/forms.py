"""The upload form of a package (gói nộp lưu); checking the package is the pipeline's job."""

from __future__ import annotations

import zipfile
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from luutru.accounts.models import Role
from luutru.organizations.models import Agency, AgencyQuerySet, Membership


class TransferForm(forms.Form):
    package = forms.FileField(
        label=_("Gói tài liệu (.zip)"),
        help_text=_(
            "Một tệp .zip chứa ho_so và tai_lieu (Excel hoặc CSV) cùng các tệp tài liệu, "
            "gói SIP theo TT 05/2025 hoặc thông điệp edXML."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    agency = forms.ModelChoiceField(label=_("Cơ quan nộp lưu"), queryset=Agency.objects.none())
    dry_run = forms.BooleanField(
        label=_("Chỉ kiểm tra, chưa nộp"),
        required=False,
        help_text=_(
            "Kiểm tra gói theo TT 05/2025 mà không lưu hồ sơ, tài liệu nào; sửa hết lỗi "
            "rồi tải lên lại để nộp."
        ),
    )

    def __init__(
        self, *args: Any, agencies: AgencyQuerySet, user: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("code")  # type: ignore[attr-defined]
        if user is not None and "agency" not in self.initial:
            self.initial["agency"] = own_agency(user, agencies)

    def clean_package(self) -> UploadedFile:
        """Only a real zip is accepted: the name says .zip and the central directory reads."""
        upload: UploadedFile = self.cleaned_data["package"]
        name = upload.name or ""
        if upload.size is not None and upload.size > settings.INGEST_MAX_BYTES:
            raise forms.ValidationError(
                _("Gói “%(name)s” lớn hơn giới hạn %(limit)s.")
                % {"name": name, "limit": filesizeformat(settings.INGEST_MAX_BYTES)}
            )
        if not name.lower().endswith(".zip") or not zipfile.is_zipfile(upload):
            raise forms.ValidationError(
                _(
                    "Tệp “%(name)s” không phải tệp nén .zip. Hãy nén thư mục gói tài liệu thành "
                    "một tệp .zip rồi tải lên."
                )
                % {"name": name}
            )
        upload.seek(0)
        return upload


def own_agency(user: Any, agencies: AgencyQuerySet) -> int | None:
    """The agency a clerk (văn thư) submits for, to preselect: the agency of their clerk role
    when they hold exactly one in scope. None when there is a real choice to make (an
    archivist working for many agencies). One query."""
    roles = Membership.objects.filter(user=user, agency__in=agencies, role=Role.CLERK)
    clerk = set(roles.values_list("agency_id", flat=True)[:2])
    return clerk.pop() if len(clerk) == 1 else None


class ReturnForm(forms.Form):
    """Returning a received transfer to its agency: the reason is what the clerk will read."""

    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Cơ quan nộp lưu đọc lý do này trên trang lần nộp lưu để sửa gói rồi nộp lại."),
        error_messages={
            "required": _("Cần ghi lý do trả lại để cơ quan nộp lưu biết phải sửa gì.")
        },
    )
