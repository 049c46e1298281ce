"""Preservation (bảo quản): AIPs, PREMIS events, fixity audits, incidents and backups.

Only archival information packages (gói lưu trữ, AIP) are preserved (TT 05/2025 Điều 28): one
``Aip`` per accepted dossier (AIP_hoso) or per loose document not yet filed in a dossier
(AIP_tailieu, tài liệu chưa lập hồ sơ), whose METS and PREMIS are built on demand from these rows
and the records (``mets.py``, ``premis.py``). ``PremisEvent`` rows are what actually happened to
the dossier, the document and their files, written by the actions that did it.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luutru.records.models import Document, Dossier
from luutru.storage.models import StoredFile


class EventType(models.TextChoices):
    """PREMIS eventType values, from the Library of Congress vocabulary (id.loc.gov)."""

    INGESTION = "ingestion", _("Tiếp nhận")
    FORMAT_IDENTIFICATION = "format identification", _("Nhận dạng định dạng")
    VALIDATION = "validation", _("Kiểm tra hợp lệ")
    SIGNATURE_VALIDATION = "digital signature validation", _("Xác thực chữ ký số")
    PACKAGE_CREATION = "information package creation", _("Tạo gói lưu trữ")
    FIXITY_CHECK = "fixity check", _("Kiểm tra toàn vẹn")
    REPLICATION = "replication", _("Sửa bản hỏng từ bản còn tốt")
    MIGRATION = "migration", _("Chuyển đổi định dạng")
    TRANSFER = "transfer", _("Chuyển giao quyền quản lý")
    ACCESSION = "accession", _("Nhập gói lưu trữ từ hệ thống khác")
    PACKAGE_MERGING = "information package merging", _("Gộp gói lưu trữ")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("thành công")
    WARNING = "warning", _("cảnh báo")
    FAILURE = "failure", _("thất bại")


class PremisEventQuerySet(models.QuerySet["PremisEvent"]):
    def of_dossier(self, dossier: Dossier) -> PremisEventQuerySet:
        """The dossier's own events, those its documents had while loose (AIP_tailieu) and
        those of the files of its documents."""
        files = StoredFile.objects.filter(
            pk__in=models.Subquery(
                Dossier.objects.filter(pk=dossier.pk).values("documents__files__stored")
            )
        )
        return self.filter(
            models.Q(dossier=dossier)
            | models.Q(document__dossier=dossier)
            | models.Q(stored_file__in=files)
        ).distinct()

    def of_document(self, document: Document) -> PremisEventQuerySet:
        """A loose document's own events and those of its files (its AIP_tailieu)."""
        files = StoredFile.objects.filter(
            pk__in=models.Subquery(Document.objects.filter(pk=document.pk).values("files__stored"))
        )
        return self.filter(models.Q(document=document) | models.Q(stored_file__in=files)).distinct()


class PremisEvent(models.Model):
    """One PREMIS event: what happened, when, by which agent, with what outcome."""

    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("loại sự kiện"), max_length=40, choices=EventType.choices)
    date_time = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    detail = models.CharField(_("mô tả"), max_length=500, blank=True)
    outcome = models.CharField(
        _("kết quả"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    outcome_detail = models.TextField(_("chi tiết kết quả"), blank=True)
    agent = models.CharField(_("tác nhân"), max_length=200)
    agent_type = models.CharField(max_length=20, default="software")
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An event of a loose document's package (AIP_tailieu); it stays the document's when the
    # document is filed, and then travels in its dossier's package.
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stored_file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A migration's outcome: the new file made from ``stored_file``.
    result_file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PremisEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện bảo quản (PREMIS)")
        verbose_name_plural = _("sự kiện bảo quản (PREMIS)")
        ordering = ["date_time", "pk"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.date_time:%Y-%m-%d %H:%M}"


class Aip(models.Model):
    """Gói lưu trữ of one dossier (AIP_hoso) or of one loose document (AIP_tailieu, a document
    that came without a dossier: SIP_tailieu, edXML); its contents are built when exported.

    Exactly one of ``dossier`` and ``document`` is set. A loose document's AIP lives until the
    document is filed into a dossier: then it is kept as an ``AipVersion`` and the document
    travels in its dossier's AIP (``actions.merge_into_dossier_aip``), so a document never has
    two live AIPs.
    """

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="aip", null=True, blank=True
    )
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, related_name="aip", null=True, blank=True
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("thời điểm lập gói"), default=timezone.now)
    # A new version replaces the package when custody moves (``new_aip_version``); the
    # previous ones are ``AipVersion`` rows with their package kept in storage.
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    custodian = models.CharField(
        _("đơn vị bảo quản"),
        max_length=300,
        blank=True,
        help_text=_("Lưu trữ đang quản lý gói; để trống khi là lưu trữ của cơ quan lập hồ sơ."),
    )
    custodian_code = models.CharField(_("mã đơn vị bảo quản"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("gói lưu trữ (AIP)")
        verbose_name_plural = _("gói lưu trữ (AIP)")
        ordering = ["-created_at"]
        permissions = [("view_preservation", _("Xem bảng điều khiển bảo quản"))]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(dossier__isnull=False, document__isnull=True)
                    | models.Q(dossier__isnull=True, document__isnull=False)
                ),
                name="aip_of_dossier_or_document",
            )
        ]

    def __str__(self) -> str:
        return self.objid

    @property
    def form(self) -> str:
        """The TT 05/2025 package form: ``AIP_hoso`` or ``AIP_tailieu``."""
        return "AIP_hoso" if self.dossier_id is not None else "AIP_tailieu"

    @property
    def objid(self) -> str:
        """``urn:{mã phông}:uuid:{UUID}`` (one implementer's AIP form; regulations.md §1.1); a
        loose document has no fonds of its own, so its agency's code stands for it."""
        if self.dossier is not None:
            dossier = self.dossier
            prefix = dossier.fonds.code if dossier.fonds is not None else dossier.agency.code
        else:
            assert self.document is not None
            prefix = self.document.agency.code
        return f"urn:{prefix}:uuid:{str(self.uuid).upper()}"


class AipVersion(models.Model):
    """A superseded version of a dossier's AIP, or a loose document's AIP_tailieu superseded
    when the document was filed: its identity, and the package as it was built at the moment
    it was superseded, zipped and kept in both storages (``package``)."""

    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tài liệu"),
        null=True,
        blank=True,
    )
    uuid = models.UUIDField(unique=True)
    objid = models.CharField(_("mã gói (OBJID)"), max_length=200)
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    created_at = models.DateTimeField(_("thời điểm lập gói"))
    superseded_at = models.DateTimeField(_("thay thế lúc"), default=timezone.now)
    reason = models.CharField(_("lý do lập phiên bản mới"), max_length=500)
    custodian = models.CharField(_("đơn vị bảo quản"), max_length=300, blank=True)
    package = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("gói (zip)")
    )

    class Meta:
        verbose_name = _("phiên bản cũ của gói lưu trữ")
        verbose_name_plural = _("phiên bản cũ của gói lưu trữ")
        ordering = ["dossier", "version"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "version"], name="aip_version_once"),
            models.UniqueConstraint(
                fields=["document", "version"], name="aip_version_of_document_once"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(dossier__isnull=False, document__isnull=True)
                    | models.Q(dossier__isnull=True, document__isnull=False)
                ),
                name="aip_version_of_dossier_or_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objid} (phiên bản {self.version})"


class RunKind(models.TextChoices):
    SCHEDULED = "scheduled", _("theo lịch")
    ALL = "all", _("toàn bộ kho")


class RunState(models.TextChoices):
    RUNNING = "running", _("đang chạy")
    FINISHED = "finished", _("hoàn thành")
    INTERRUPTED = "interrupted", _("tạm dừng: kho dự phòng không truy cập được")


class FixityRun(models.Model):
    """One fixity audit (đợt kiểm tra): which files, how far it got, what it found.

    It walks its files in id order and keeps a cursor, so an interrupted run (a crash, a
    replica that went away) resumes where it stopped.
    """

    kind = models.CharField(max_length=10, choices=RunKind.choices)
    state = models.CharField(max_length=12, choices=RunState.choices, default=RunState.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_ids = models.JSONField(null=True, blank=True)  # scheduled runs: their share of files
    cursor = models.BigIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    ok = models.PositiveIntegerField(default=0)
    repaired = models.PositiveIntegerField(default=0)
    lost = models.PositiveIntegerField(default=0)
    bytes_checked = models.PositiveBigIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("đợt kiểm tra toàn vẹn")
        verbose_name_plural = _("đợt kiểm tra toàn vẹn")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Kiểm tra {self.get_kind_display()} {self.started_at:%d/%m/%Y %H:%M}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, 100 * self.checked // self.total)


class IncidentKind(models.TextChoices):
    COPY_REPAIRED = "copy_repaired", _("Một bản bị hỏng, đã sửa từ bản còn tốt")
    FILE_LOST = "file_lost", _("Cả hai bản đều hỏng")
    REPAIR_FAILED = "repair_failed", _("Không sửa được bản hỏng")
    REPLICA_UNAVAILABLE = "replica_unavailable", _("Kho dự phòng không truy cập được")
    BACKUP_FAILED = "backup_failed", _("Sao lưu thất bại")
    RESTORED = "restored", _("Phục hồi từ bản sao lưu")


class IncidentQuerySet(models.QuerySet["Incident"]):
    def open(self) -> IncidentQuerySet:
        return self.filter(resolved_at__isnull=True)


class Incident(models.Model):
    """Sự cố: what went wrong, what was done (NĐ 113/2025 Điều 22: notify, log, remedy)."""

    kind = models.CharField(_("loại sự cố"), max_length=24, choices=IncidentKind.choices)
    opened_at = models.DateTimeField(_("phát hiện lúc"), default=timezone.now, db_index=True)
    message = models.TextField(_("mô tả"))
    cause = models.TextField(_("nguyên nhân"), blank=True)
    resolution = models.TextField(_("biện pháp xử lý"), blank=True)
    resolved_at = models.DateTimeField(_("xử lý xong lúc"), null=True, blank=True)
    stored_file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    run = models.ForeignKey(
        FixityRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents"
    )
    data = models.JSONField(default=dict, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự cố")
        verbose_name_plural = _("sự cố")
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.opened_at:%d/%m/%Y %H:%M})"


class BackupRecord(models.Model):
    """One backup (sao lưu) or restore (phục hồi), written once it has finished or failed."""

    kind = models.CharField(max_length=10, default="backup")  # backup | restore
    path = models.CharField(_("nơi lưu"), max_length=500)
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"))
    succeeded = models.BooleanField(_("thành công"), default=True)
    database = models.CharField(_("cơ sở dữ liệu"), max_length=20)
    files = models.PositiveIntegerField(_("số tệp"), default=0)
    bytes = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True)
    actor_name = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("lần sao lưu")
        verbose_name_plural = _("lần sao lưu")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%d/%m/%Y %H:%M} {self.path}"


class AuditAction(StrEnum):
    """The ``AuditEvent.action`` of this app's events. The values are stored in the audit trail
    and searched by name: never change one, add a member instead."""

    AIP_CREATE = "preservation.aip_create"
    COPY_REPAIRED = "preservation.copy_repaired"
    FILE_LOST = "preservation.file_lost"
    REPAIR_FAILED = "preservation.repair_failed"
    REPLICA_UNAVAILABLE = "preservation.replica_unavailable"
    INCIDENT_RESOLVE = "preservation.incident_resolve"
    MIGRATE = "preservation.migrate"
    MIGRATE_FAILED = "preservation.migrate_failed"
    FIXITY_RUN = "preservation.fixity_run"
    FIXITY_REQUEST = "preservation.fixity_request"
    AIP_EXPORT = "preservation.aip_export"
    BACKUP = "preservation.backup"
    BACKUP_FAILED = "preservation.backup_failed"
    BACKUP_REQUEST = "preservation.backup_request"
    RESTORE = "preservation.restore"
    AIP_VERSION = "preservation.aip_version"
    AIP_MERGE = "preservation.aip_merge"
