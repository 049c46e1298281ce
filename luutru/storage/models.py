"""StoredFile (tệp tin): one row per distinct content, named by its SHA-256."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FixityStatus(models.TextChoices):
    UNCHECKED = "", _("chưa kiểm tra")
    OK = "ok", _("toàn vẹn")
    REPAIRED = "repaired", _("đã sửa từ bản còn tốt")
    LOST = "lost", _("hỏng cả hai bản")


class StoredFileQuerySet(models.QuerySet["StoredFile"]):
    def lost(self) -> StoredFileQuerySet:
        return self.filter(fixity_status=FixityStatus.LOST)


class StoredFile(models.Model):
    """Bytes in storage, in two copies (primary and replica). Rows reference files; files
    never reference rows. ``checked_at`` is the last time both copies were verified."""

    sha256 = models.CharField(_("mã SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    mime = models.CharField(_("kiểu MIME"), max_length=100, blank=True)
    puid = models.CharField(_("định dạng PRONOM"), max_length=30, blank=True)
    format_name = models.CharField(_("tên định dạng"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("thời điểm lưu"), auto_now_add=True)
    checked_at = models.DateTimeField(
        _("lần kiểm tra toàn vẹn gần nhất"), null=True, blank=True, db_index=True
    )
    fixity_status = models.CharField(
        _("kết quả kiểm tra"),
        max_length=10,
        choices=FixityStatus.choices,
        blank=True,
        default=FixityStatus.UNCHECKED,
    )

    # Sealed (a Mật record's file, MAT_KEY_FILE set): the blob in storage is the ciphertext of
    # ``storage.sealing``, named by its own digest; ``sha256`` stays the plaintext's (ADR 0011).
    sealed_sha256 = models.CharField(_("mã SHA-256 của bản mã hóa"), max_length=64, blank=True)

    objects = StoredFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("tệp tin")
        verbose_name_plural = _("tệp tin")

    def __str__(self) -> str:
        return self.sha256

    @property
    def stored_name(self) -> str:
        """The name of the blob storage holds for this file: the ciphertext's when sealed."""
        return self.sealed_sha256 or self.sha256
