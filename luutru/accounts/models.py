"""User (người dùng), the roles they can hold, and the reader profile (độc giả)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from luutru.audit.actions import Actor


class Role(models.TextChoices):
    """Roles of docs/glossary.md. Staff roles are held in an agency (organizations.Membership)."""

    CLERK = "clerk", _("Văn thư")
    ARCHIVIST = "archivist", _("Lưu trữ viên")
    HEAD = "head", _("Lãnh đạo")
    COUNCIL = "council", _("Thành viên hội đồng")
    READER = "reader", _("Độc giả")
    KPI_VIEWER = "kpi_viewer", _("Theo dõi chỉ tiêu (Sở Nội vụ)")
    ADMIN = "admin", _("Quản trị hệ thống")


STAFF_ROLES = frozenset(Role) - {Role.READER}


class User(AbstractUser):
    """A person who signs in. Vietnamese names are one field (họ và tên), not first/last."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else self.username

    @property
    def is_reader(self) -> bool:
        return hasattr(self, "reader")


def signed_in_user(actor: Actor) -> User | None:
    """The user behind an audit actor, for a "done by" column: ``None`` for the system and for
    an anonymous visitor (``AUTH_USER_MODEL`` is ``User``, so any signed-in actor is one)."""
    return actor if isinstance(actor, User) else None


class Reader(models.Model):
    """Độc giả: a member of the public or an official who reads archives through the system."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="reader")
    id_number = models.CharField(_("số định danh cá nhân / CCCD"), max_length=20, blank=True)
    organization = models.CharField(_("cơ quan, đơn vị công tác"), max_length=300, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    purpose = models.CharField(_("mục đích khai thác"), max_length=500, blank=True)
    registered_at = models.DateTimeField(_("thời điểm đăng ký"), null=True, blank=True)
    approved_at = models.DateTimeField(_("thời điểm duyệt tài khoản"), null=True, blank=True)
    approved_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người duyệt"),
    )
    refused_at = models.DateTimeField(_("thời điểm từ chối tài khoản"), null=True, blank=True)
    refusal_reason = models.CharField(_("lý do từ chối tài khoản"), max_length=1000, blank=True)
    # NĐ 13/2023/NĐ-CP: the reader's consent to the processing of their personal data, with
    # the text they agreed to (it may change later) and when.
    consent_at = models.DateTimeField(
        _("thời điểm đồng ý xử lý dữ liệu cá nhân"), null=True, blank=True
    )
    consent_text = models.TextField(_("nội dung đã đồng ý"), blank=True)

    class Meta:
        verbose_name = _("độc giả")
        verbose_name_plural = _("độc giả")

    def __str__(self) -> str:
        return str(self.user)


class AuditAction(StrEnum):
    """The ``AuditEvent.action`` of this app's events. The values are stored in the audit trail
    and searched by name: never change one, add a member instead."""

    USER_CREATE = "accounts.user_create"
    READER_CREATE = "accounts.reader_create"
    PASSWORD_CHANGE = "accounts.password_change"  # noqa: S105 (an event name)
    USER_ACTIVATE = "accounts.user_activate"
    USER_DEACTIVATE = "accounts.user_deactivate"
    LOGIN = "accounts.login"
    LOGOUT = "accounts.logout"
    LOGIN_FAILED = "accounts.login_failed"
    SECOND_FACTOR_ENROL = "accounts.second_factor_enrol"
    SECOND_FACTOR_FAILED = "accounts.second_factor_failed"
    SECOND_FACTOR_RECOVERY = "accounts.second_factor_recovery"
    SECOND_FACTOR_RESET = "accounts.second_factor_reset"
