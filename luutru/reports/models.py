"""Evaluation (đánh giá, báo cáo thống kê): targets, hand-kept tallies, door counts, training,
report forms and the daily snapshot of indicator figures.

The indicators themselves are computed in ``services.py`` from the holdings and the logs; the
rows here are what the system cannot see by itself (paper handovers, reading-room requests,
training) and what administrators set as data (targets, report forms).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luutru.organizations.models import Agency


class Target(models.Model):
    """The target of one indicator (chỉ tiêu), seeded from the national targets by a data
    migration and editable by administrators: a corrected figure needs no code change."""

    key = models.CharField(_("mã chỉ tiêu"), max_length=48, unique=True)
    label = models.CharField(_("tên chỉ tiêu"), max_length=200)
    value = models.DecimalField(
        _("chỉ tiêu (%)"), max_digits=5, decimal_places=1, null=True, blank=True,
        help_text=_("Để trống khi chưa có chỉ tiêu được giao."),
    )  # fmt: skip
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.label


class PaperHandover(models.Model):
    """A handover of paper records (giao nộp tài liệu giấy) the archive records by hand, from
    its biên bản giao nhận (NĐ 30/2020): it counts in ``online_transfer_share``'s denominator
    and in the holdings' shelf-metres (mét giá)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan giao nộp"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("ngày giao nhận"))
    dossiers = models.PositiveIntegerField(_("số hồ sơ (đơn vị bảo quản)"), default=0)
    boxes = models.PositiveIntegerField(_("số hộp"), default=0)
    shelf_metres = models.DecimalField(_("số mét giá"), max_digits=8, decimal_places=2, default=0)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giao nộp tài liệu giấy")
        verbose_name_plural = _("giao nộp tài liệu giấy")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.received_on:%d/%m/%Y}"


class ReadingRoomTally(models.Model):
    """Requests served in the reading room on paper (phiếu yêu cầu giấy), counted by hand for
    a day: they count in ``online_use_share``'s denominator. No reader's name is kept."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan có tài liệu"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    day = models.DateField(_("ngày"))
    requests = models.PositiveIntegerField(_("số phiếu yêu cầu đã phục vụ"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("phục vụ tại phòng đọc")
        verbose_name_plural = _("phục vụ tại phòng đọc")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.day:%d/%m/%Y}: {self.requests}"


class Door(models.TextChoices):
    PORTAL = "portal", _("Trang cổng thông tin")
    DOWNLOAD = "download", _("Tải tài liệu")
    API = "api", _("Gọi API")
    OAI = "oai", _("Gọi OAI-PMH")
    IIIF = "iiif", _("Gọi IIIF")


class DoorCount(models.Model):
    """Uses of a public door on a day, nothing else: no address, no user, no path."""

    day = models.DateField(_("ngày"))
    door = models.CharField(_("cửa"), max_length=16, choices=Door.choices)
    count = models.PositiveBigIntegerField(_("số lượt"), default=0)

    class Meta:
        verbose_name = _("lượt sử dụng cổng công khai")
        verbose_name_plural = _("lượt sử dụng cổng công khai")
        constraints = [models.UniqueConstraint(fields=["day", "door"], name="door_count_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.door}: {self.count}"


class Course(models.Model):
    """A training course (khóa bồi dưỡng nghiệp vụ văn thư, lưu trữ)."""

    title = models.CharField(_("tên khóa"), max_length=300)
    provider = models.CharField(_("đơn vị tổ chức"), max_length=300, blank=True)
    hours = models.PositiveSmallIntegerField(_("số giờ"), null=True, blank=True)
    description = models.TextField(_("nội dung"), blank=True)

    class Meta:
        verbose_name = _("khóa bồi dưỡng")
        verbose_name_plural = _("khóa bồi dưỡng")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("khóa"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lớp bồi dưỡng")
        verbose_name_plural = _("lớp bồi dưỡng")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="training_session_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.starts_on:%d/%m/%Y})"


class Attendance(models.Model):
    """A staff member at a session; ``completed`` when they finished it (đã hoàn thành)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("học viên"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    completed = models.BooleanField(_("đã hoàn thành"), default=False)

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.user} — {self.session}"


class ReportForm(models.Model):
    """A statistical report form (biểu mẫu báo cáo thống kê) as data: its rows map to
    indicators, its columns to parts of an indicator. ``confirmed`` is False while the current
    legal form (TT 18/2025/TT-BNV) is not confirmed; the output says so."""

    code = models.CharField(_("ký hiệu biểu"), max_length=40, unique=True)
    title = models.CharField(_("tên biểu"), max_length=300)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    confirmed = models.BooleanField(_("đã đối chiếu với biểu mẫu hiện hành"), default=False)
    # [{"label": "…", "key": "<indicator key>"}, …]
    rows = models.JSONField(_("các dòng"), default=list)
    # Any of "numerator", "denominator", "value", "target" with their headings.
    columns = models.JSONField(_("các cột"), default=list)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("biểu mẫu báo cáo")
        verbose_name_plural = _("biểu mẫu báo cáo")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Snapshot(models.Model):
    """One run of the daily aggregation (``luutru kpi_snapshot``): per agency (its own
    records, not its subtree), per period and indicator, the numerator and denominator."""

    day = models.DateField(_("ngày tính"), unique=True)
    computed_at = models.DateTimeField(_("tính lúc"))
    # The periods computed ("2026", "2026-03", …), so that a period without a single figure
    # reads as computed (all zero), not as missing.
    periods = models.JSONField(default=list)

    class Meta:
        verbose_name = _("số liệu tổng hợp ngày")
        verbose_name_plural = _("số liệu tổng hợp ngày")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class Figure(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="figures")
    period = models.CharField(max_length=7)  # "2026" or "2026-03"
    # None for what belongs to no agency (the public doors' uses).
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, related_name="+")
    key = models.CharField(max_length=48)
    numerator = models.DecimalField(max_digits=20, decimal_places=2)
    denominator = models.DecimalField(max_digits=20, decimal_places=2, null=True)

    class Meta:
        indexes = [models.Index(fields=["snapshot", "period"])]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "period", "agency", "key"], name="figure_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.key}: {self.numerator}/{self.denominator}"
