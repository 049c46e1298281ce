"""Issuing and revoking API tokens (each audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from luutru.accounts.models import User
from luutru.api.models import ApiToken, AuditAction, digest, new_token
from luutru.audit.actions import Actor, record


@transaction.atomic
def issue_token(user: User, name: str, *, actor: Actor) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token, which is never shown again."""
    token = new_token()
    row = ApiToken.objects.create(user=user, name=name, key_hash=digest(token), hint=token[:10])
    record(
        AuditAction.TOKEN_ISSUED,
        actor=actor,
        message=f"Cấp mã truy cập API “{name}” cho tài khoản {user.username}.",
        target=row,
        data={"user": user.username, "name": name},
    )
    return row, token


@transaction.atomic
def revoke_token(row: ApiToken, *, actor: Actor) -> ApiToken:
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        record(
            AuditAction.TOKEN_REVOKED,
            actor=actor,
            message=f"Thu hồi mã truy cập API “{row.name}”.",
            target=row,
            data={"name": row.name},
        )
    return row
