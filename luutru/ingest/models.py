"""Transfer (lần nộp lưu): one package, its progress through the pipeline, and its report."""

from __future__ import annotations

import uuid
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luutru.organizations.models import Agency
from luutru.records.models import Document, Dossier


class TransferState(models.TextChoices):
    RECEIVED = "received", _("Đã nhận")
    RUNNING = "running", _("Đang xử lý")
    REJECTED = "rejected", _("Bị từ chối")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    CHECKED = "checked", _("Đã kiểm tra (thử)")
    FAILED = "failed", _("Lỗi hệ thống")


class TransferQuerySet(models.QuerySet["Transfer"]):
    def unfinished(self) -> TransferQuerySet:
        return self.filter(state__in=[TransferState.RECEIVED, TransferState.RUNNING])


class Transfer(models.Model):
    """A package handed over by an agency. State lives here, never in folder positions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan nộp lưu"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    package_name = models.CharField(_("tên gói"), max_length=255)
    package_path = models.CharField(_("đường dẫn gói"), max_length=1000)
    form = models.CharField(_("dạng gói"), max_length=32, blank=True)
    dry_run = models.BooleanField(_("chỉ kiểm tra"), default=False)
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=TransferState.choices,
        default=TransferState.RECEIVED,
        db_index=True,
    )
    step = models.CharField(_("bước"), max_length=32, blank=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    dossier_count = models.PositiveIntegerField(_("số hồ sơ"), default=0)
    document_count = models.PositiveIntegerField(_("số tài liệu"), default=0)
    file_count = models.PositiveIntegerField(_("số tệp"), default=0)
    # Digests the store step has written, so an abandoned run's blobs can be found and removed.
    stored_digests = models.JSONField(default=list, blank=True)
    dossiers = models.ManyToManyField(Dossier, related_name="transfers", blank=True)
    documents = models.ManyToManyField(Document, related_name="transfers", blank=True)
    created_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần nộp lưu")
        verbose_name_plural = _("các lần nộp lưu")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.package_name} ({self.get_state_display()})"

    @property
    def accepted(self) -> bool:
        return self.state in {TransferState.ACCEPTED, TransferState.CHECKED}


class AuditAction(StrEnum):
    """The ``AuditEvent.action`` of this app's events. The values are stored in the audit trail
    and searched by name: never change one, add a member instead."""

    TRANSFER_RECEIVE = "ingest.transfer_receive"
    TRANSFER_ACCEPT = "ingest.transfer_accept"
    TRANSFER_REJECT = "ingest.transfer_reject"
