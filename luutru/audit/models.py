"""AuditEvent (nhật ký hệ thống): append-only rows chained by SHA-256.

Each row stores the digest of its own content and the digest of the row before it, and
``AuditHead`` remembers the last link, so an edited, deleted or forged row breaks the
chain where ``luutru audit verify`` can point at it. Each digest is also signed with a key
kept outside the database (anchor.py), so that recomputing the digests does not hide an edit.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, object_type: str, object_id: str) -> AuditEventQuerySet:
        return self.filter(object_type=object_type, object_id=object_id)

    def newest_first(self) -> AuditEventQuerySet:
        return self.order_by("-seq")


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(_("số thứ tự"), unique=True, editable=False)
    created_at = models.DateTimeField(_("thời điểm"), editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        # Users are deactivated, never deleted, while events name them.
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=64, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=64, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    message = models.TextField(_("nội dung"))
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    prev_hash = models.CharField(_("mã băm của sự kiện trước"), max_length=64)
    hash = models.CharField(_("mã băm"), max_length=64, unique=True)
    # HMAC-SHA256 of ``hash`` with the key outside the database (anchor.py, AUDIT_KEY_FILE):
    # recomputing every digest after an edit cannot recompute this.
    mac = models.CharField(_("chữ ký khóa neo"), max_length=64, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("AuditEvent is append-only: rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("AuditEvent is append-only: rows are never deleted.")

    def content(self) -> dict[str, Any]:
        """The fields that the digest covers, in a form that survives a database round trip."""
        return {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "message": self.message,
            "data": self.data,
            "ip_address": self.ip_address,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.content(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(f"{self.prev_hash}\n{canonical}".encode()).hexdigest()


class AuditHead(models.Model):
    """The last link of the chain; one row, locked while an event is appended."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"
