"""ApiToken: how an agency's system calls the API as one of its accounts.

An agency website or e-office system gets a service account (a user with a role in its
agency) and a token for it; the API then sees what that account may see (the access policy)
and does not apply the anonymous rate limit. Only the SHA-256 of the token is kept: it is
shown once when made (``luutru api_token``) and cannot be read back.
"""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX = "lts_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("tên hệ thống dùng mã"), max_length=200)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(
        _("đầu mã"), max_length=12, help_text=_("Để nhận ra mã, không dùng được.")
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now)
    last_used_at = models.DateTimeField(_("lần dùng gần nhất"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"


class AuditAction(StrEnum):
    """The ``AuditEvent.action`` of this app's events. The values are stored in the audit trail
    and searched by name: never change one, add a member instead."""

    TOKEN_ISSUED = "api.token_issued"  # noqa: S105 (an event name)
    TOKEN_REVOKED = "api.token_revoked"  # noqa: S105 (an event name)
