"""Grants: what a reader may do with a restricted record, and until when.

A grant is the outcome of an approved request (phiếu yêu cầu). The policy (``policy.py``) reads
only approved, unexpired, unrevoked grants; nothing else widens a reader's access.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

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
    """A reader's right to one dossier (and its documents) or one document, for some uses; or a
    staff member's need-to-know right to a Mật (03) record (``reason`` filled, no ``request``)."""

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
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    request = models.ForeignKey(
        "AccessRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="grants"
    )
    # Staff grants (need-to-know for Mật records, actions.grant_staff_access) say why.
    reason = models.CharField(_("lý do"), max_length=500, blank=True)

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


class Purpose(models.TextChoices):
    """Mục đích khai thác."""

    PERSONAL = "personal", _("Cá nhân")
    OFFICIAL = "official", _("Công vụ")
    SPECIAL = "special", _("Công vụ đặc biệt")


class FeeCategory(models.TextChoices):
    """Đối tượng thu phí (feeObjectType of the DIP): the basis of reading and copy fees.

    The fee schedule itself is not confirmed (regulations.md §4); these are the categories.
    """

    STANDARD = "standard", _("Thu phí đầy đủ")
    REDUCED = "reduced", _("Được giảm phí")
    EXEMPT = "exempt", _("Được miễn phí")


class DeliveryForm(models.TextChoices):
    """Hình thức khai thác (TT 05/2025 Điều 37-42)."""

    READING = "reading", _("Bản đọc trên Hệ thống")
    COPY = "copy", _("Bản sao")
    CERTIFIED = "certified", _("Bản sao có xác thực")
    DIP = "dip", _("Gói tài liệu giao cho độc giả")


# What a delivery form lets the reader do with the granted records.
FORM_USES: dict[str, list[str]] = {
    DeliveryForm.READING: [Use.READ],
    DeliveryForm.COPY: [Use.READ, Use.COPY],
    DeliveryForm.CERTIFIED: [Use.READ, Use.COPY],
    DeliveryForm.DIP: [Use.READ, Use.COPY],
}


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Đã gửi")
    REVIEW = "review", _("Đang xem xét")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Từ chối")
    DELIVERED = "delivered", _("Đã cung cấp")
    CLOSED = "closed", _("Đã kết thúc")


OPEN_STATUSES = (Status.SUBMITTED, Status.REVIEW)


class AccessRequestQuerySet(models.QuerySet["AccessRequest"]):
    def pending(self) -> AccessRequestQuerySet:
        """Waiting for a decision: these have a review deadline running."""
        return self.filter(status__in=OPEN_STATUSES)

    def of_reader(self, user: Any) -> AccessRequestQuerySet:
        return self.filter(reader=user)


class AccessRequest(models.Model):
    """Phiếu yêu cầu khai thác: what a reader asks to use, why, and in which form.

    States: submitted → review → approved | rejected → delivered → closed. The review deadline
    (``due_on``) is 06 working days after submission (``workdays``).
    """

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_requests",
        verbose_name=_("độc giả"),
    )
    purpose = models.CharField(_("mục đích"), max_length=16, choices=Purpose.choices)
    fee_category = models.CharField(
        _("đối tượng thu phí"),
        max_length=16,
        choices=FeeCategory.choices,
        default=FeeCategory.STANDARD,
    )
    research_topic = models.CharField(_("đề tài, vấn đề nghiên cứu"), max_length=500)
    form = models.CharField(_("hình thức khai thác"), max_length=16, choices=DeliveryForm.choices)
    days = models.PositiveSmallIntegerField(
        _("thời hạn khai thác (ngày)"),
        default=15,
        help_text=_("Tối đa 15 ngày kể từ khi được duyệt (TT 05/2025 Điều 37, 40)."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("thời điểm gửi"))
    due_on = models.DateField(_("hạn trả lời"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xem xét"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    reason = models.CharField(_("lý do từ chối"), max_length=1000, blank=True)
    delivered_at = models.DateTimeField(_("thời điểm cung cấp"), null=True, blank=True)
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    # When the reader was told the period is about to end (``actions.notify_expiring``), so
    # that the daily run tells them once.
    expiry_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiếu yêu cầu khai thác")
        verbose_name_plural = _("phiếu yêu cầu khai thác")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=15), name="request_days_at_most_15"
            )
        ]

    def __str__(self) -> str:
        return f"Phiếu số {self.pk}"

    @property
    def number(self) -> str:
        return f"{self.pk:06d}"


class ItemDecision(models.TextChoices):
    APPROVED = "approved", _("Được cung cấp")
    REFUSED = "refused", _("Không cung cấp")


class RequestItem(models.Model):
    """One code a reader asked for, the dossier or document it named (if any), and its regime
    when asked (for the approver)."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("mã do độc giả ghi"), max_length=100)
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    regime = models.CharField(_("chế độ sử dụng"), max_length=4)
    # The decision on this item: empty while the request is open; "refused" items get no grant
    # and carry the reason the reader is told.
    decision = models.CharField(
        _("quyết định"), max_length=16, choices=ItemDecision.choices, blank=True
    )
    reason = models.CharField(_("lý do không cung cấp"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("tài liệu yêu cầu")
        verbose_name_plural = _("tài liệu yêu cầu")
        ordering = ["request", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dossier__isnull=True) | Q(document__isnull=True),
                name="item_at_most_one_record",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def record(self) -> Document | Dossier | None:
        """The record the code named, or ``None`` when it named nothing (kept as typed)."""
        return self.document or self.dossier


class Delivery(models.Model):
    """What the reader receives for an approved request: a reading copy to view online, or a
    copy file to download, reached only through its unguessable ``token``.

    ``expires_at``: the end of the granted period (≤ 15 days). A reading copy is deleted
    5 days after that (``purge_at``, TT 05/2025 Điều 37), by ``luutru access_cleanup``.
    """

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="deliveries")
    form = models.CharField(_("hình thức"), max_length=16, choices=DeliveryForm.choices)
    token = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(_("tên tệp"), max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    purge_at = models.DateTimeField(_("xóa lúc"))
    purged_at = models.DateTimeField(_("đã xóa lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bản cung cấp")
        verbose_name_plural = _("bản cung cấp")
        ordering = ["request", "pk"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} — {self.request}"


class LogAction(models.TextChoices):
    VIEW = "view", _("Xem")
    PAGE = "page", _("Xem trang bản đọc")
    DOWNLOAD = "download", _("Tải về")
    COPY = "copy", _("Nhận bản sao")
    REFUSED = "refused", _("Bị từ chối")


class UseLog(models.Model):
    """Nhật ký khai thác: every view, download and copy, for the reading-room statistics.

    Kept apart from the audit chain, which records state changes: a page view is not one, and
    the chain's single head would serialise every viewer.
    """

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("thao tác"), max_length=16, choices=LogAction.choices)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agency_id_at = models.BigIntegerField(null=True, blank=True)  # the record's agency then
    request = models.ForeignKey(
        AccessRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("nhật ký khai thác")
        verbose_name_plural = _("nhật ký khai thác")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class AuditAction(StrEnum):
    """The ``AuditEvent.action`` of this app's events. The values are stored in the audit trail
    and searched by name: never change one, add a member instead."""

    READER_APPROVE = "access.reader_approve"
    READER_REFUSE = "access.reader_refuse"
    REQUEST_SUBMIT = "access.request_submit"
    REQUEST_REVIEW = "access.request_review"
    REQUEST_APPROVE = "access.request_approve"
    REQUEST_REJECT = "access.request_reject"
    REQUEST_DELIVER = "access.request_deliver"
    REQUEST_CLOSE = "access.request_close"
    DELIVERY_PURGE = "access.delivery_purge"
    STAFF_GRANT = "access.staff_grant"
    STAFF_GRANT_REVOKE = "access.staff_grant_revoke"
