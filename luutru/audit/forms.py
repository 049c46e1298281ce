from __future__ import annotations

from django import forms


class EventFilterForm(forms.Form):
    q = forms.CharField(label="Tìm trong nội dung", required=False)
    action = forms.CharField(label="Hành động", required=False)
    actor = forms.CharField(label="Người thực hiện", required=False)
    since = forms.DateField(
        label="Từ ngày", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="Đến ngày", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
