from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luutru.audit.labels import action_choices


class ActionField(forms.ChoiceField):
    """The named actions as choices; any other well-formed action name (one recorded before it
    had a name, or linked from elsewhere) filters too."""

    def valid_value(self, value: Any) -> bool:
        return super().valid_value(value) or bool(re.fullmatch(r"[a-z_]+\.[a-z_]*", str(value)))


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm trong nội dung"), required=False)
    action = ActionField(label=_("Loại hành động"), required=False)
    actor = forms.CharField(label=_("Người thực hiện"), required=False)
    since = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data
