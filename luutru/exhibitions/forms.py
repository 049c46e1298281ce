"""Forms of the curator's pages; each feeds an action, which makes the decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luutru.exhibitions.models import Exhibition

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ExhibitionForm(forms.ModelForm):
    class Meta:
        model = Exhibition
        fields = [
            "title",
            "title_en",
            "summary",
            "summary_en",
            "publish_from",
            "publish_until",
            "cover_page",
        ]
        widgets = {
            "publish_from": DATETIME,
            "publish_until": DATETIME,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
        }


class NewExhibitionForm(forms.Form):
    title = forms.CharField(label=_("Tên triển lãm"), max_length=200)


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Tên chương"), max_length=200)
    title_en = forms.CharField(label=_("Tên chương tiếng Anh"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Lời dẫn"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    text_en = forms.CharField(
        label=_("Lời dẫn tiếng Anh"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SectionEditForm(SectionForm):
    number = forms.IntegerField(label=_("Thứ tự chương"), min_value=1)


PAGE_HELP = _("Để trống với ảnh, bản ghi âm, phim: chúng được trưng bày nguyên vẹn.")


class ItemEditForm(forms.Form):
    """An item's page and captions. A photo, a recording or a film (``media``) is shown whole:
    its form has no page field, so none is offered and none posted is taken."""

    page = forms.IntegerField(label=_("Trang trưng bày"), min_value=1, required=False)
    caption = forms.CharField(label=_("Chú thích"), max_length=500, required=False)
    caption_en = forms.CharField(label=_("Chú thích tiếng Anh"), max_length=500, required=False)

    def __init__(self, *args: Any, media: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if media:
            del self.fields["page"]


class ItemForm(forms.Form):
    code = forms.CharField(label=_("Mã tài liệu (đã công bố)"), max_length=100)
    page = forms.IntegerField(
        label=_("Trang trưng bày"), min_value=1, required=False, help_text=PAGE_HELP
    )
    caption = forms.CharField(label=_("Chú thích"), max_length=500, required=False)
    caption_en = forms.CharField(label=_("Chú thích tiếng Anh"), max_length=500, required=False)


class AnniversaryForm(forms.Form):
    day = forms.IntegerField(label=pgettext_lazy("day of month", "Ngày"), min_value=1, max_value=31)
    month = forms.IntegerField(label=_("Tháng"), min_value=1, max_value=12)
    name = forms.CharField(label=_("Tên ngày kỷ niệm"), max_length=200)
    since = forms.IntegerField(label=_("Năm bắt đầu"), required=False, min_value=1)
