"""Sign-ins, sign-outs and failed sign-ins go into the audit trail; a sign-in also decides
whether the session must pass the second factor (accounts.middleware)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from luutru.accounts.middleware import remember_need
from luutru.accounts.models import AuditAction
from luutru.audit.actions import record


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(
        AuditAction.LOGIN, actor=user, target=user, message="Đăng nhập thành công.", request=request
    )
    if request is not None and hasattr(request, "session"):
        # Whether the second factor is required is decided at each sign-in (the session may
        # have been an anonymous one, whose data login() keeps).
        remember_need(request, user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AuditAction.LOGOUT, actor=user, target=user, message="Đăng xuất.", request=request)


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    record(
        AuditAction.LOGIN_FAILED,
        actor=None,
        message=f"Đăng nhập thất bại với tên đăng nhập “{username}”.",
        data={"username": username},
        request=request,
    )
