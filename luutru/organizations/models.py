"""Agency (cơ quan, tổ chức), Archive (lưu trữ), Succession, Fonds (phông) and Membership."""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luutru.accounts.models import Role
from luutru.organizations.validators import validate_agency_code, validate_fonds_code


class AgencyKind(models.TextChoices):
    PROVINCIAL_COUNCIL = "provincial_council", _("HĐND tỉnh")
    PROVINCIAL_COMMITTEE = "provincial_committee", _("UBND tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("Cấp huyện (trước năm 2025)")
    COMMUNE_COUNCIL = "commune_council", _("HĐND xã, phường")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND xã, phường")
    PUBLIC_SERVICE = "public_service", _("Đơn vị sự nghiệp")
    OTHER = "other", _("Cơ quan, tổ chức khác")


class EndReason(models.TextChoices):
    MERGED = "merged", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia, tách")
    DISSOLVED = "dissolved", _("Giải thể")


class ArchiveKind(models.TextChoices):
    CURRENT = "current", _("Lưu trữ hiện hành")
    HISTORICAL = "historical", _("Lưu trữ lịch sử")


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self, on: datetime.date | None = None) -> AgencyQuerySet:
        """Agencies in operation on a date (today by default)."""
        day = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=day),
        )

    def ended(self) -> AgencyQuerySet:
        return self.filter(valid_until__isnull=False, valid_until__lte=timezone.localdate())


class Agency(models.Model):
    code = models.CharField(
        _("mã định danh"),
        max_length=13,
        unique=True,
        validators=[validate_agency_code],
        error_messages={"unique": _("Mã định danh này đã được dùng cho một cơ quan khác.")},
        help_text=_("13 ký tự dạng NNN.NN.NN.XNN theo QĐ 20/2020/QĐ-TTg, ví dụ 000.00.00.H62."),
    )
    name = models.CharField(_("tên cơ quan, tổ chức"), max_length=300)
    kind = models.CharField(_("loại"), max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hoạt động từ ngày"), null=True, blank=True)
    valid_until = models.DateField(
        _("ngừng hoạt động từ ngày"),
        null=True,
        blank=True,
        help_text=_("Ngày giải thể, hợp nhất hoặc chia tách; để trống khi còn hoạt động."),
    )
    end_reason = models.CharField(
        _("lý do ngừng hoạt động"), max_length=16, choices=EndReason.choices, blank=True
    )
    transfers_to = models.ForeignKey(
        "Archive",
        verbose_name=_("nộp lưu vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_agencies",
        help_text=_("Lưu trữ lịch sử nhận hồ sơ của cơ quan này (nguồn nộp lưu)."),
    )
    accept_on_receipt = models.BooleanField(
        _("tiếp nhận ngay khi nhận gói"),
        default=False,
        help_text=_(
            "Gói hợp lệ của cơ quan này được tiếp nhận vào kho ngay, không chờ lưu trữ viên "
            "kiểm tra và tiếp nhận."
        ),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_active(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_until is None or self.valid_until > day)

    def ancestors(self) -> list[Agency]:
        """From the parent up to the root. One query per level; trees here are shallow."""
        chain: list[Agency] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Archive(models.Model):
    """A current (lưu trữ hiện hành) or historical (lưu trữ lịch sử) archive and who runs it."""

    name = models.CharField(_("tên"), max_length=300)
    kind = models.CharField(_("loại"), max_length=16, choices=ArchiveKind.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan quản lý"),
        on_delete=models.PROTECT,
        related_name="archives",
    )

    class Meta:
        verbose_name = _("lưu trữ")
        verbose_name_plural = _("lưu trữ")
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind"], name="one_archive_of_a_kind")
        ]

    def __str__(self) -> str:
        return self.name


class Succession(models.Model):
    """An agency's functions and records passing to another (2025 reform: merge, split)."""

    predecessor = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="successions", verbose_name=_("cơ quan cũ")
    )
    successor = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="predecessions",
        verbose_name=_("cơ quan kế thừa"),
    )
    effective_on = models.DateField(_("ngày có hiệu lực"))
    legal_basis = models.CharField(_("căn cứ (quyết định)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kế thừa")
        verbose_name_plural = _("kế thừa")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_once"),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="succession_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor.code} → {self.successor.code}"


class FondsQuerySet(models.QuerySet["Fonds"]):
    def open(self) -> FondsQuerySet:
        return self.filter(is_open=True)


class Fonds(models.Model):
    """Phông lưu trữ: the whole of one agency's records (TT 05/2025 fonds data)."""

    code = models.CharField(
        _("mã phông"),
        max_length=30,
        unique=True,
        validators=[validate_fonds_code],
        error_messages={"unique": _("Mã phông này đã được dùng cho một phông khác.")},
    )
    name = models.CharField(_("tên phông"), max_length=300)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan hình thành phông"),
        on_delete=models.PROTECT,
        related_name="fonds",
    )
    is_open = models.BooleanField(
        _("phông mở"), default=True, help_text=_("Phông đóng khi cơ quan ngừng hoạt động.")
    )
    history = models.TextField(_("lịch sử đơn vị hình thành phông"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("tài liệu từ năm"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("tài liệu đến năm"), null=True, blank=True)
    classification = models.TextField(
        _("phương án phân loại, các nhóm tài liệu chủ yếu"), blank=True
    )
    languages = models.CharField(_("ngôn ngữ"), max_length=100, blank=True, default="Tiếng Việt")
    backup_regime = models.BooleanField(_("có lập tài liệu lưu trữ dự phòng"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    # Publication policy (công bố), changed only through records.actions.set_publication_policy,
    # which brings the portal, OAI-PMH and the search index along.
    publish_on_acceptance = models.BooleanField(
        _("công bố tài liệu Công khai khi tiếp nhận"), default=False,
        help_text=_("Hồ sơ, tài liệu Công khai được công bố ngay khi lưu trữ tiếp nhận vào kho."),
    )  # fmt: skip
    list_conditional = models.BooleanField(
        _("giới thiệu tài liệu sử dụng có điều kiện trong mục lục công khai"), default=False,
        help_text=_(
            "Công chúng thấy tiêu đề, thời gian, mã và điều kiện khai thác (không thấy nội dung) "
            "của hồ sơ, tài liệu Sử dụng có điều kiện; tài liệu Mật không bao giờ được giới thiệu."
        ),
    )  # fmt: skip
    public_download = models.BooleanField(
        _("mặc định cho công chúng tải bản gốc khi công bố"), default=True,
        help_text=_("Bỏ chọn: tài liệu công bố chỉ được đọc từng trang trên cổng tra cứu."),
    )  # fmt: skip

    objects = FondsQuerySet.as_manager()

    class Meta:
        verbose_name = _("phông lưu trữ")
        verbose_name_plural = _("phông lưu trữ")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="fonds_years_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Membership(models.Model):
    """A staff role held in an agency; what the person sees follows from that agency."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò trong cơ quan")
        verbose_name_plural = _("vai trò trong cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency.code}"


class AuditAction(StrEnum):
    """The ``AuditEvent.action`` of this app's events. The values are stored in the audit trail
    and searched by name: never change one, add a member instead."""

    AGENCY_CREATE = "organizations.agency_create"
    AGENCY_UPDATE = "organizations.agency_update"
    AGENCY_END = "organizations.agency_end"
    ARCHIVE_CREATE = "organizations.archive_create"
    FONDS_CREATE = "organizations.fonds_create"
    FONDS_UPDATE = "organizations.fonds_update"
    FONDS_CLOSE = "organizations.fonds_close"
    ROLE_ASSIGN = "organizations.role_assign"
    ROLE_REVOKE = "organizations.role_revoke"
