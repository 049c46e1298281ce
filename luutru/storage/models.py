"""StoredFile (tệp tin): one row per distinct content, named by its SHA-256."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """Bytes in storage. Rows reference files; files never reference rows."""

    sha256 = models.CharField(_("mã SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    mime = models.CharField(_("kiểu MIME"), max_length=100, blank=True)
    puid = models.CharField(_("định dạng PRONOM"), max_length=30, blank=True)
    format_name = models.CharField(_("tên định dạng"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("thời điểm lưu"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp tin")
        verbose_name_plural = _("tệp tin")

    def __str__(self) -> str:
        return self.sha256
