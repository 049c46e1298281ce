from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm trong nội dung"), required=False)
    action = forms.CharField(label=_("Hành động"), required=False)
    actor = forms.CharField(label=_("Người thực hiện"), required=False)
    since = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
