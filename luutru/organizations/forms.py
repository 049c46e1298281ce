"""Forms of the staff pages; they only collect input, the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luutru.accounts.models import Role, User
from luutru.organizations.models import Agency, EndReason, Fonds
from luutru.organizations.validators import normalize_code

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "code", "name", "kind", "parent", "valid_from", "transfers_to", "accept_on_receipt",
            "note",
        ]  # fmt: skip
        widgets = {"valid_from": DATE_INPUT, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Agency.objects.active().order_by("code")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        return normalize_code(self.cleaned_data["code"])


class EndAgencyForm(forms.Form):
    reason = forms.ChoiceField(label=_("Hình thức"), choices=EndReason.choices)
    on = forms.DateField(label=_("Từ ngày"), widget=DATE_INPUT, initial=timezone.localdate)
    successors = forms.ModelMultipleChoiceField(
        label=_("Cơ quan kế thừa"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Cơ quan nhận chức năng, nhiệm vụ và tài liệu; phải đang hoạt động."),
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ (số, ký hiệu quyết định)"), max_length=300, required=False
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successors"].queryset = Agency.objects.exclude(  # type: ignore[attr-defined]
            pk=agency.pk
        ).order_by("code")


class FondsForm(forms.ModelForm):
    class Meta:
        model = Fonds
        fields = [
            "code", "name", "agency", "history", "start_year", "end_year",
            "classification", "languages", "backup_regime", "note",
        ]  # fmt: skip
        widgets = {
            "history": forms.Textarea(attrs={"rows": 4}),
            "classification": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_code(self) -> str:
        return normalize_code(self.cleaned_data["code"])


class CloseFondsForm(forms.Form):
    end_year = forms.IntegerField(
        label=_("Tài liệu đến năm"), min_value=1800, max_value=2200, required=False
    )


STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.READER]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò"), choices=STAFF_ROLE_CHOICES)
    agency = forms.ModelChoiceField(
        label=_("Tại cơ quan"), queryset=Agency.objects.active().order_by("code")
    )


class StaffUserForm(UserCreationForm):
    """A new staff account with its first role; the action does the saving."""

    role = forms.ChoiceField(label=_("Vai trò"), choices=STAFF_ROLE_CHOICES)
    agency = forms.ModelChoiceField(
        label=_("Tại cơ quan"), queryset=Agency.objects.active().order_by("code")
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "email", "position")
