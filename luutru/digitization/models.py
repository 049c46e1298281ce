"""Scan batches (lô số hóa): page images of a dossier on their way to two-layer PDF/A.

A ``ScanBatch`` belongs to one dossier (hồ sơ); it holds ``ScanItem``s, each becoming one
document (tài liệu), whose ``ScanPage``s are the scanned pages in order. Each page keeps its
original image (stored, content-addressed), the one-page OCR'd PDF once recognised, and its
quality flags. ``FileText`` is the recognised text of a stored PDF, which the search indexes.
State lives here, so a crashed worker resumes at the first page not yet done.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luutru.organizations.models import Agency
from luutru.records.models import Document, DocumentFile, Dossier
from luutru.storage.models import StoredFile
from luutru.workers.models import WorkerBeat


class BatchState(models.TextChoices):
    QUEUED = "queued", _("Chờ nhận dạng")
    RUNNING = "running", _("Đang nhận dạng")
    REVIEW = "review", _("Chờ duyệt")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    REJECTED = "rejected", _("Đã hủy")
    FAILED = "failed", _("Lỗi hệ thống")


EDITABLE_STATES = frozenset({BatchState.QUEUED, BatchState.REVIEW, BatchState.FAILED})
# States a run may claim: a batch in review has every page recognised (each edit queues it).
CLAIMABLE_STATES = frozenset({BatchState.QUEUED, BatchState.RUNNING, BatchState.FAILED})
WORKER_CLAIM = "worker:"  # ``claimed_by`` of a run in a ``luutru db_worker``, before its id


def _silent_since() -> datetime:
    """A running batch whose last report is older than this has stopped."""
    return timezone.now() - timedelta(seconds=settings.DIGITIZATION_STALL_SECONDS)


class ScanBatchQuerySet(models.QuerySet["ScanBatch"]):
    def of_agencies(self, agencies: models.QuerySet[Agency]) -> ScanBatchQuerySet:
        return self.filter(agency__in=agencies)

    def unfinished(self) -> ScanBatchQuerySet:
        return self.filter(state__in=[BatchState.QUEUED, BatchState.RUNNING])

    def stalled(self) -> ScanBatchQuerySet:
        """Running batches whose worker has not reported for ``DIGITIZATION_STALL_SECONDS``."""
        since = _silent_since()
        return self.filter(state=BatchState.RUNNING).filter(
            models.Q(heartbeat_at__lt=since)
            | models.Q(heartbeat_at__isnull=True, created_at__lt=since)
        )


class ScanBatch(models.Model):
    """One scanning session's pages for a dossier, from upload to acceptance."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="scan_batches"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="scan_batches"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người số hóa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("tên lô"), max_length=255)
    source = models.CharField(_("nguồn"), max_length=16, default="web")  # web | folder
    paper_code = models.CharField(_("mã hồ sơ gốc giấy"), max_length=100, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=BatchState.choices,
        default=BatchState.QUEUED,
        db_index=True,
    )
    page_total = models.PositiveIntegerField(_("số trang"), default=0)
    page_done = models.PositiveIntegerField(_("số trang đã nhận dạng"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    ocr_seconds = models.FloatField(_("thời gian nhận dạng (giây)"), default=0)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    finished_at = models.DateTimeField(_("nhận dạng xong lúc"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("lần cuối tiến trình nhận dạng báo còn chạy"), null=True, blank=True
    )
    # The run that recognises the batch now (``actions.process_batch``): one at a time, so a
    # task queued twice never reads the same pages twice. Empty when no run holds it.
    claimed_by = models.CharField(
        _("tiến trình đang nhận dạng"),
        max_length=100,
        blank=True,
        help_text=_(
            "“worker:<mã>” cho tiến trình nền luutru db_worker, “process:<máy>:<pid>” cho lệnh "
            "chạy trực tiếp; trống khi không tiến trình nào giữ lô."
        ),
    )
    claimed_at = models.DateTimeField(_("nhận lô lúc"), null=True, blank=True)
    decided_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)

    objects = ScanBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("lô số hóa")
        verbose_name_plural = _("lô số hóa")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"

    @property
    def progress(self) -> int:
        return 100 * self.page_done // self.page_total if self.page_total else 0

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def stalled(self) -> bool:
        """Recognition that stopped without finishing: its worker was killed or its machine
        restarted, so it has not reported for ``DIGITIZATION_STALL_SECONDS``."""
        return (
            self.state == BatchState.RUNNING
            and (self.heartbeat_at or self.created_at) < _silent_since()
        )

    def claim_lapsed(self, now: datetime, *, dead_worker_silence: float) -> bool:
        """Whether the run holding the batch (``claimed_by``) may be taken over: none holds it,
        or it has not reported for ``DIGITIZATION_STALL_SECONDS``, or — once the batch has been
        silent ``dead_worker_silence`` seconds — it is a task worker whose own heartbeat
        (``WorkerBeat``) is gone: older than ``TASK_STALL_SECONDS``, removed as dead, or started
        again after the claim. A batch that reported recently is never taken from its run, even
        if its worker's heartbeat is late (a merely slow worker). One query at most."""
        if not self.claimed_by:
            return True
        last = self.heartbeat_at or self.claimed_at or self.created_at
        silent = (now - last).total_seconds()
        if silent >= settings.DIGITIZATION_STALL_SECONDS:
            return True
        worker = self.claimed_by.removeprefix(WORKER_CLAIM)
        if worker == self.claimed_by or silent < dead_worker_silence:
            return False  # a command's own process: only its reports tell
        beat = WorkerBeat.objects.filter(pk=worker).first()
        return (
            beat is None
            or beat.beat_at < now - timedelta(seconds=settings.TASK_STALL_SECONDS)
            or (self.claimed_at is not None and beat.started_at > self.claimed_at)
        )


class ScanItem(models.Model):
    """The pages that become one document: a new one in the dossier, or ``document`` if set."""

    batch = models.ForeignKey(ScanBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("thứ tự"))
    summary = models.CharField(_("trích yếu nội dung"), max_length=500, blank=True)
    # What the operator confirms before acceptance (suggested from the OCR text, never
    # invented): blank stays blank and holds the batch back (``actions.missing_description``).
    doc_type = models.CharField(_("tên loại tài liệu"), max_length=4, blank=True)
    number = models.CharField(_("số của tài liệu"), max_length=11, blank=True)
    notation = models.CharField(_("ký hiệu của tài liệu"), max_length=30, blank=True)
    unnumbered = models.BooleanField(
        _("tài liệu không có số, ký hiệu"), default=False,
        help_text=_("Người số hóa xác nhận bản giấy không ghi số và ký hiệu."),
    )  # fmt: skip
    issued_date = models.DateField(_("ngày, tháng, năm tài liệu"), null=True, blank=True)
    issuer = models.CharField(
        _("tên cơ quan, tổ chức, cá nhân ban hành"), max_length=200, blank=True
    )
    text = models.TextField(
        _("văn bản đã hiệu đính"), blank=True,
        help_text=_("Văn bản nhận dạng đã được người số hóa sửa; trống: dùng văn bản nhận dạng "
                    "của các trang. Đây là văn bản được tìm kiếm."),
    )  # fmt: skip
    # The paper original (bản gốc giấy), TT 05/2025 Điều 8.
    sheet_count = models.PositiveIntegerField(_("số lượng tờ bản giấy"), null=True, blank=True)
    physical_condition = models.CharField(_("tình trạng vật lý bản giấy"), max_length=4, blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="scan_items"
    )
    file_name = models.CharField(_("tên tệp PDF/A"), max_length=255, blank=True)
    pdf = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tài liệu trong lô")
        verbose_name_plural = _("tài liệu trong lô")
        ordering = ["batch", "position"]

    def __str__(self) -> str:
        return self.summary or f"Tài liệu {self.position}"

    def ocr_text(self) -> str:
        """The text search will index: the operator's corrected text, else the pages' OCR."""
        if self.text.strip():
            return self.text
        return "\n\n".join(p.text for p in self.pages.all() if p.text)


class PageState(models.TextChoices):
    PENDING = "pending", _("Chờ nhận dạng")
    DONE = "done", _("Đã nhận dạng")
    FAILED = "failed", _("Không xử lý được")


class ScanPage(models.Model):
    """One scanned page: its original image, what OCR read, and what the checks found."""

    item = models.ForeignKey(ScanItem, on_delete=models.CASCADE, related_name="pages")
    position = models.PositiveIntegerField(_("thứ tự trang"))
    original = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    source_name = models.CharField(_("tệp ảnh"), max_length=255)
    kind = models.CharField(max_length=8)  # jpeg | png | tiff | pdf
    frame = models.PositiveIntegerField(_("trang trong tệp"), default=0)
    state = models.CharField(
        max_length=8, choices=PageState.choices, default=PageState.PENDING, db_index=True
    )
    dpi = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    colour_bits = models.PositiveSmallIntegerField(null=True, blank=True)
    flags = models.JSONField(_("kết quả kiểm tra"), default=list, blank=True)
    confidence = models.FloatField(_("độ tin cậy OCR (%)"), null=True, blank=True)
    words = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    pdf = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    thumbnail = models.CharField(max_length=64, blank=True)  # sha256 of a small JPEG
    seconds = models.FloatField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("trang quét")
        verbose_name_plural = _("trang quét")
        ordering = ["item", "position"]

    def __str__(self) -> str:
        return f"Trang {self.position}: {self.source_name}"

    @property
    def errors(self) -> list[dict[str, str]]:
        return [f for f in self.flags if f.get("level") == "error"]

    @property
    def warnings(self) -> list[dict[str, str]]:
        return [f for f in self.flags if f.get("level") != "error"]


class FileText(models.Model):
    """The text recognised in a stored PDF of a document (OCR), for search and reading."""

    file = models.OneToOneField(DocumentFile, on_delete=models.CASCADE, related_name="ocr_text")
    source = models.ForeignKey(
        DocumentFile,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tệp gốc (ảnh hoặc PDF ảnh) mà bản có lớp chữ này được tạo từ đó."),
    )
    text = models.TextField(blank=True)
    confidence = models.FloatField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản nhận dạng")
        verbose_name_plural = _("văn bản nhận dạng")

    def __str__(self) -> str:
        return f"Văn bản nhận dạng của tệp {self.file_id}"


class AuditAction(StrEnum):
    """The ``AuditEvent.action`` of this app's events. The values are stored in the audit trail
    and searched by name: never change one, add a member instead."""

    BATCH_CREATE = "digitization.batch_create"
    PAGES_ADD = "digitization.pages_add"
    PAGE_REPLACE = "digitization.page_replace"
    PAGE_REMOVE = "digitization.page_remove"
    PAGE_MOVE = "digitization.page_move"
    BATCH_ACCEPT = "digitization.batch_accept"
    BATCH_RESUME = "digitization.batch_resume"
    BATCH_REJECT = "digitization.batch_reject"
    ITEM_DESCRIBE = "digitization.item_describe"
    BATCH_PAPER_CODE = "digitization.batch_paper_code"
