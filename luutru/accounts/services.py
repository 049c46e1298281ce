"""Xác thực hai bước (second factor): who needs it, and the enrolment QR code.

The factor is a TOTP app (django-otp's ``TOTPDevice``: Google Authenticator, FreeOTP, …) with ten
single-use recovery codes (``StaticDevice``, mã khôi phục) for a lost phone. Administrators,
heads and archivists must use it (permission ``accounts.need_second_factor``, granted by their
roles); anyone else who enrolled is asked for it too, since they chose it.
"""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from luutru.accounts.models import User

RECOVERY_CODES = 10
TOTP_NAME = "Ứng dụng xác thực"
RECOVERY_NAME = "Mã khôi phục"


def has_second_factor(user: User) -> bool:
    """Whether ``user`` has a confirmed TOTP device (enrolment finished)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_second_factor(user: Any) -> bool:
    """Whether this signed-in user must pass the second factor before any other page."""
    if not user.is_authenticated:
        return False
    return bool(user.has_perm("accounts.need_second_factor")) or has_second_factor(user)


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (one per user, made on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as an inline SVG QR code."""
    import segno  # here: only the enrolment page needs it, not every process

    return str(segno.make(device.config_url, error="m").svg_inline(scale=4))


def manual_key(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into the app by hand."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user).first()
