"""State changes of accounts, each audited in its own transaction."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from luutru.accounts.models import AuditAction, Reader, User
from luutru.audit.actions import Actor, record


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str | None,
    full_name: str = "",
    email: str = "",
    position: str = "",
    actor: Actor,
) -> User:
    user = User(username=username, full_name=full_name, email=email, position=position)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    record(
        AuditAction.USER_CREATE,
        actor=actor,
        target=user,
        message=f"Tạo tài khoản “{username}” ({full_name}).",
        data={"username": username, "full_name": full_name, "email": email},
    )
    return user


@transaction.atomic
def make_reader(
    user: User,
    *,
    id_number: str = "",
    organization: str = "",
    address: str = "",
    actor: Actor,
) -> Reader:
    reader = Reader.objects.create(
        user=user, id_number=id_number, organization=organization, address=address
    )
    record(
        AuditAction.READER_CREATE,
        actor=actor,
        target=user,
        message=f"Đăng ký độc giả cho tài khoản “{user.username}”.",
        data={"organization": organization},
    )
    return reader


@transaction.atomic
def record_password_change(user: User, *, actor: Actor, request: HttpRequest | None) -> None:
    """Audit a password change or reset done by Django's own forms (the hash is never logged)."""
    record(
        AuditAction.PASSWORD_CHANGE,
        actor=actor,
        target=user,
        message=f"Đổi mật khẩu của tài khoản “{user.username}”.",
        request=request,
    )


@transaction.atomic
def set_active(user: User, *, active: bool, actor: Actor) -> User:
    """Khóa / mở khóa a user. Users are never deleted: the audit trail names them."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(
        AuditAction.USER_ACTIVATE if active else AuditAction.USER_DEACTIVATE,
        actor=actor,
        target=user,
        message=(
            f"Mở khóa tài khoản “{user.username}”."
            if active
            else f"Khóa tài khoản “{user.username}”."
        ),
    )
    return user


@transaction.atomic
def confirm_second_factor(
    user: User, device: TOTPDevice, *, request: HttpRequest | None
) -> list[str]:
    """Finish enrolment: the TOTP device is confirmed (others removed) and ten new recovery
    codes replace any old ones. Returns the codes, shown once and never stored in clear."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="Mã khôi phục")
    codes = [StaticToken.random_token() for _ in range(10)]
    for code in codes:
        recovery.token_set.create(token=code)
    record(
        AuditAction.SECOND_FACTOR_ENROL,
        actor=user,
        target=user,
        message=f"Đăng ký xác thực hai bước cho tài khoản “{user.username}”.",
        request=request,
    )
    return codes


@transaction.atomic
def record_second_factor_failure(user: User, *, request: HttpRequest | None) -> None:
    record(
        AuditAction.SECOND_FACTOR_FAILED,
        actor=user,
        target=user,
        message=f"Mã xác thực hai bước sai cho tài khoản “{user.username}”.",
        request=request,
    )


@transaction.atomic
def record_recovery_code_use(user: User, *, request: HttpRequest | None) -> None:
    """A recovery code was used (the phone is lost or absent): the user should enrol again."""
    record(
        AuditAction.SECOND_FACTOR_RECOVERY,
        actor=user,
        target=user,
        message=f"Dùng mã khôi phục để đăng nhập tài khoản “{user.username}”.",
        request=request,
    )


@transaction.atomic
def reset_second_factor(user: User, *, actor: Actor, request: HttpRequest | None) -> None:
    """An administrator removes the user's devices (lost phone and lost codes): at the next
    sign-in the user enrols again, if their role requires it."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(
        AuditAction.SECOND_FACTOR_RESET,
        actor=actor,
        target=user,
        message=f"Đặt lại xác thực hai bước của tài khoản “{user.username}”.",
        request=request,
    )
