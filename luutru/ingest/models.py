"""Transfer (lần nộp lưu): one package, its progress through the pipeline, its report, and the
archive's decision on it (tiếp nhận or trả lại, TT 05/2025 Điều 17-25)."""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luutru.organizations.models import Agency
from luutru.records.models import Document, Dossier


class TransferState(models.TextChoices):
    """Where a transfer stands (interfaces.md, "Acceptance and publication").

    ``queued → running → received → accepted | returned``, or ``rejected`` (invalid),
    ``checked`` (a dry run that passed) and ``failed`` (a crash; running again resumes).
    """

    QUEUED = "queued", _("Chờ xử lý")
    RUNNING = "running", _("Đang xử lý")
    RECEIVED = "received", _("Chờ tiếp nhận")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    RETURNED = "returned", _("Đã trả lại")
    REJECTED = "rejected", _("Bị từ chối")
    CHECKED = "checked", _("Đã kiểm tra (thử)")
    FAILED = "failed", _("Lỗi hệ thống")


# States whose package passed every check (the ``accepted`` key of ``luutru ingest --json``).
VALID_STATES = frozenset(
    {TransferState.RECEIVED, TransferState.ACCEPTED, TransferState.RETURNED, TransferState.CHECKED}
)
# States whose records are in the system: another transfer of the same records is refused.
HOLDING_STATES = frozenset({TransferState.RECEIVED, TransferState.ACCEPTED})


class TransferQuerySet(models.QuerySet["Transfer"]):
    def unfinished(self) -> TransferQuerySet:
        """Waiting for the worker or being worked on."""
        return self.filter(state__in=[TransferState.QUEUED, TransferState.RUNNING])

    def stalled(self) -> TransferQuerySet:
        """Running transfers whose worker has not reported for ``INGEST_STALL_SECONDS``: it was
        killed, or its machine restarted (``actions.resume_stalled`` queues them again)."""
        since = _silent_since()
        return self.filter(state=TransferState.RUNNING).filter(
            models.Q(heartbeat_at__lt=since)
            | models.Q(heartbeat_at__isnull=True, created_at__lt=since)
        )

    def awaiting_acceptance(self) -> TransferQuerySet:
        """Valid packages whose records wait for the archive's decision (hàng chờ tiếp nhận)."""
        return self.filter(state=TransferState.RECEIVED)


def _silent_since() -> datetime.datetime:
    """A running transfer whose last report is older than this has stopped."""
    return timezone.now() - datetime.timedelta(seconds=settings.INGEST_STALL_SECONDS)


def review_days() -> int:
    """Days the archive has to check and accept a received transfer (``TRANSFER_REVIEW_DAYS``)."""
    return int(settings.TRANSFER_REVIEW_DAYS)


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
    # A package uploaded while the primary storage is an object store waits there, under
    # ``incoming/<package_object>`` (``S3Backend.put_staged``), for whichever worker runs the
    # transfer; that worker fetches it and checks its SHA-256. Empty for a package on this
    # machine's disk (``package_path``).
    package_object = models.CharField(_("gói lưu tạm trong kho"), max_length=255, blank=True)
    package_sha256 = models.CharField(_("mã SHA-256 của gói"), max_length=64, blank=True)
    form = models.CharField(_("dạng gói"), max_length=32, blank=True)
    dry_run = models.BooleanField(_("chỉ kiểm tra"), default=False)
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=TransferState.choices,
        default=TransferState.QUEUED,
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
    # SHA-256 over the package's file digests and record codes: the same package sent again is
    # recognised even when it carries no code (edXML messages).
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    # The worker's claim and its reports: each run of the pipeline takes the next ``attempt`` and
    # beats ``heartbeat_at`` while it works; a run whose attempt is no longer the transfer's has
    # been superseded (the transfer was resumed after it went silent) and must stop.
    attempt = models.PositiveIntegerField(_("lần chạy"), default=0)
    heartbeat_at = models.DateTimeField(
        _("lần cuối tiến trình xử lý báo còn chạy"), null=True, blank=True
    )
    resume_count = models.PositiveSmallIntegerField(_("số lần tự tiếp tục"), default=0)
    resumed_at = models.DateTimeField(_("tự tiếp tục lúc"), null=True, blank=True)
    # A package of loose documents (SIP_tailieu, TT 05/2025 Phụ lục IV): its header as read,
    # fileCode (mã gói tin), title, source (0 văn bản đi, 1 văn bản đến), totalDoc,
    # description. Each document's AIP_tailieu carries it. Empty for other packages.
    header = models.JSONField(_("tiêu đề gói tài liệu"), default=dict, blank=True)
    dossiers = models.ManyToManyField(Dossier, related_name="transfers", blank=True)
    documents = models.ManyToManyField(Document, related_name="transfers", blank=True)
    created_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)
    # The archive's decision: who accepted or returned the transfer, when, and why it went back.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tiếp nhận hoặc trả lại"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("thời điểm tiếp nhận hoặc trả lại"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần nộp lưu")
        verbose_name_plural = _("các lần nộp lưu")
        ordering = ["-created_at"]
        permissions = [("accept_transfer", _("Tiếp nhận hoặc trả lại lần nộp lưu"))]

    def __str__(self) -> str:
        return f"{self.package_name} ({self.get_state_display()})"

    @property
    def valid(self) -> bool:
        """The package passed every check (whatever the archive then decided)."""
        return self.state in VALID_STATES

    @property
    def stalled(self) -> bool:
        """Processing that stopped without finishing: its worker has not reported for
        ``INGEST_STALL_SECONDS`` (killed, or its machine restarted)."""
        return (
            self.state == TransferState.RUNNING
            and (self.heartbeat_at or self.created_at) < _silent_since()
        )

    @property
    def due_on(self) -> datetime.date:
        """The last day for the archive to check and accept it: ``TRANSFER_REVIEW_DAYS`` after
        the package was handed over (TT 05/2025 Chương IV; see the setting)."""
        handed_over = self.created_at or timezone.now()
        return timezone.localdate(handed_over) + datetime.timedelta(days=review_days())

    @property
    def overdue(self) -> bool:
        """Still waiting for the archive's decision after its due date."""
        return self.state == TransferState.RECEIVED and timezone.localdate() > self.due_on


class AuditAction(StrEnum):
    """The ``AuditEvent.action`` of this app's events. The values are stored in the audit trail
    and searched by name: never change one, add a member instead."""

    TRANSFER_RECEIVE = "ingest.transfer_receive"
    TRANSFER_ACCEPT = "ingest.transfer_accept"
    TRANSFER_REJECT = "ingest.transfer_reject"
    TRANSFER_VALID = "ingest.transfer_valid"
    TRANSFER_RETURN = "ingest.transfer_return"
    TRANSFER_RESUME = "ingest.transfer_resume"
    LEFTOVERS_CLEANUP = "ingest.leftovers_cleanup"
    FILES_SEAL = "ingest.files_seal"
