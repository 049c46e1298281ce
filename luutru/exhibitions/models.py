"""Online exhibitions (triển lãm trực tuyến): a story told with published public documents.

An exhibition has sections (chương), each with its text and its items: a public document shown
at one page with a caption. It is drafted, reviewed and published; a published exhibition is on
show between ``publish_from`` and ``publish_until``, decided at request time (no cron).
What each item shows is asked of ``access.policy`` on every request: a document withdrawn or
restricted after it was added disappears from the exhibition at once.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luutru.records.models import Document


class State(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    REVIEW = "review", _("Chờ duyệt")
    PUBLISHED = "published", _("Đã công bố")


class Bilingual:
    """Vietnamese first; the ``<field>_en`` text when the visitor reads English and it exists."""

    def in_language(self, field: str, language: str) -> str:
        if language.startswith("en"):
            english = getattr(self, f"{field}_en", "")
            if english:
                return str(english)
        return str(getattr(self, field))

    def language_of(self, field: str, language: str) -> str:
        """The language ``in_language`` answers in: "en" or "vi" (for the ``lang`` attribute
        of a Vietnamese text shown on an English page)."""
        english = language.startswith("en") and bool(getattr(self, f"{field}_en", ""))
        return "en" if english else "vi"


class ExhibitionQuerySet(models.QuerySet["Exhibition"]):
    def on_show(self, now: datetime.datetime | None = None) -> ExhibitionQuerySet:
        """Published and inside its window now."""
        now = now or timezone.now()
        return self.filter(
            Q(publish_from__isnull=True) | Q(publish_from__lte=now),
            Q(publish_until__isnull=True) | Q(publish_until__gt=now),
            state=State.PUBLISHED,
        )

    def past(self, now: datetime.datetime | None = None) -> ExhibitionQuerySet:
        """Published exhibitions whose window has closed: still readable, listed as past."""
        now = now or timezone.now()
        return self.filter(state=State.PUBLISHED, publish_until__lte=now)

    def public(self, now: datetime.datetime | None = None) -> ExhibitionQuerySet:
        """What a visitor may open: on show or past (not yet begun ones stay hidden)."""
        now = now or timezone.now()
        return self.filter(
            Q(publish_from__isnull=True) | Q(publish_from__lte=now), state=State.PUBLISHED
        )


class Exhibition(Bilingual, models.Model):
    slug = models.SlugField(_("địa chỉ"), max_length=80, unique=True)
    title = models.CharField(_("tên triển lãm"), max_length=200)
    title_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    summary = models.TextField(_("giới thiệu"), blank=True)
    summary_en = models.TextField(_("giới thiệu tiếng Anh"), blank=True)
    cover = models.ForeignKey(
        Document, verbose_name=_("ảnh bìa (tài liệu)"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    cover_page = models.PositiveIntegerField(_("trang làm ảnh bìa"), default=1)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    publish_from = models.DateTimeField(
        _("trưng bày từ"), null=True, blank=True,
        help_text=_("Để trống: trưng bày ngay khi công bố."),
    )  # fmt: skip
    publish_until = models.DateTimeField(
        _("trưng bày đến"), null=True, blank=True,
        help_text=_("Sau thời điểm này triển lãm chuyển sang mục đã qua."),
    )  # fmt: skip
    views = models.PositiveIntegerField(_("lượt xem"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ExhibitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("triển lãm")
        ordering = ["-publish_from", "-created_at"]
        permissions = [("publish_exhibition", "Công bố triển lãm")]

    def __str__(self) -> str:
        return self.title

    def is_on_show(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.state == State.PUBLISHED
            and (self.publish_from is None or self.publish_from <= now)
            and (self.publish_until is None or self.publish_until > now)
        )


class Section(Bilingual, models.Model):
    """Chương: a part of the story, with its text and its items."""

    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveIntegerField(_("thứ tự"))
    title = models.CharField(_("tên chương"), max_length=200)
    title_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    text = models.TextField(_("lời dẫn"), blank=True)
    text_en = models.TextField(_("lời dẫn tiếng Anh"), blank=True)

    class Meta:
        ordering = ["number", "pk"]

    def __str__(self) -> str:
        return self.title


class Item(Bilingual, models.Model):
    """One document shown at one page with its caption. The document is kept by its row, and
    asked of the access policy on every request (withdrawn or restricted: hidden)."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField(_("thứ tự"))
    # CASCADE: a document lawfully destroyed (retention) leaves the exhibition with it.
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    page = models.PositiveIntegerField(_("trang trưng bày"), default=1)
    caption = models.CharField(_("chú thích"), max_length=500, blank=True)
    caption_en = models.CharField(_("chú thích tiếng Anh"), max_length=500, blank=True)

    class Meta:
        ordering = ["number", "pk"]

    def __str__(self) -> str:
        return self.caption or self.document.summary


class Anniversary(models.Model):
    """A day the province remembers (ngày kỷ niệm): the curator sees those coming soon."""

    day = models.PositiveSmallIntegerField(_("ngày"))
    month = models.PositiveSmallIntegerField(_("tháng"))
    name = models.CharField(_("tên ngày kỷ niệm"), max_length=200)
    since = models.PositiveIntegerField(_("năm bắt đầu"), null=True, blank=True)

    class Meta:
        ordering = ["month", "day"]
        verbose_name = _("ngày kỷ niệm")

    def __str__(self) -> str:
        return f"{self.day}/{self.month} — {self.name}"


class AuditAction(StrEnum):
    """The ``AuditEvent.action`` of this app's events; never change a value, add one."""

    CREATE = "exhibitions.create"
    CHANGE = "exhibitions.change"
    ITEM_ADD = "exhibitions.item_add"
    ITEM_REMOVE = "exhibitions.item_remove"
    SUBMIT = "exhibitions.submit"
    PUBLISH = "exhibitions.publish"
    UNPUBLISH = "exhibitions.unpublish"
    LOAD = "exhibitions.load"
    ANNIVERSARY = "exhibitions.anniversary"
