"""Grants: what a reader may do with a restricted record, and until when.

A grant is the outcome of an approved request (phiếu yêu cầu). The policy (``policy.py``) reads
only approved, unexpired, unrevoked grants; nothing else widens a reader's access.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luutru.records.models import Document, Dossier


class Use(models.TextChoices):
    """What a caller wants to do with a record, from least to most."""

    LIST = "list", _("Xem trong danh sách")
    READ = "read", _("Đọc")
    DOWNLOAD = "download", _("Tải về")
    COPY = "copy", _("Sao")


class GrantQuerySet(models.QuerySet["Grant"]):
    def in_force(self, at: object = None) -> GrantQuerySet:
        """Grants that count at ``at`` (default now): not revoked, started, not expired."""
        moment = at or timezone.now()
        return self.filter(revoked_at__isnull=True, valid_from__lte=moment, valid_until__gt=moment)


class Grant(models.Model):
    """A reader's right to one dossier (and its documents) or one document, for some uses."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants"
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    uses = models.JSONField(_("quyền"), default=list)  # list of Use values
    valid_from = models.DateTimeField(_("hiệu lực từ"))
    valid_until = models.DateTimeField(_("hiệu lực đến"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("quyền khai thác")
        verbose_name_plural = _("quyền khai thác")
        constraints = [
            models.CheckConstraint(
                condition=Q(dossier__isnull=False, document__isnull=True)
                | Q(dossier__isnull=True, document__isnull=False),
                name="grant_one_record",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")), name="grant_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.document or self.dossier} ({', '.join(self.uses)})"
