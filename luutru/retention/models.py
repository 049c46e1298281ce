"""Retention (lưu giữ và loại hủy): schedules, holds, appraisal and destruction, the register
of destroyed records, secrecy reviews and transfers into the historical archive.

The end of a record's life, in the order the law walks it:

- ``Schedule`` / ``ScheduleEntry``: bảng thời hạn lưu trữ, general or sectoral, as data; a
  change is a new version, the old one kept.
- ``Hold``: a legal hold (inspection, litigation, request) on a dossier or a whole fonds; while
  in force the dossier is neither destroyed nor transferred.
- ``Appraisal``: one yearly round of xét hủy (TT 06/2025; TT 05/2025 Chương VII): the list
  "xem xét hủy", the council (hội đồng xác định giá trị tài liệu) and its votes, the minutes, the
  list to destroy with its explanatory note, the head's decision, and the destruction.
- ``DestroyedRecord``: the permanent register: what each destroyed dossier was, when and by
  which decision it was destroyed, and the PREMIS-style history of its files.
- ``Secrecy`` / ``SecrecyDecision``: độ mật and its review dates (Luật BVBMNN 2018 Điều 19).
- ``HistoricalTransfer``: nộp lưu into the lưu trữ lịch sử (Luật Lưu trữ 2024 Điều 17).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luutru.organizations.models import Agency, Archive, Fonds
from luutru.records.models import Dossier

# TT 06/2025: the destruction is carried out within 15 days of the decision.
DESTRUCTION_DAYS = 15
# Luật Lưu trữ 2024 Điều 17: permanent records go to the lưu trữ lịch sử at the latest 5 years
# from the year they were submitted to the lưu trữ hiện hành (itself 1 year after the work).
TRANSFER_YEARS = 5
SUBMISSION_YEARS = 1
# TT 05/2025: the historical archive answers a registration within 07 working days.
TRANSFER_REPLY_WORKDAYS = 7


class ScheduleKind(models.TextChoices):
    GENERAL = "general", _("Bảng thời hạn chung")
    SECTORAL = "sectoral", _("Bảng thời hạn chuyên ngành")


class ScheduleQuerySet(models.QuerySet["Schedule"]):
    def current(self) -> ScheduleQuerySet:
        """The version in force of each schedule (the newest of its key)."""
        return self.filter(superseded_at__isnull=True)


class Schedule(models.Model):
    """Bảng thời hạn lưu trữ hồ sơ, tài liệu: one version of a general or sectoral schedule.

    Versions of one schedule share its ``key``; editing makes a new version and stamps the old
    one ``superseded_at``, so what a past appraisal relied on can still be read."""

    key = models.SlugField(_("mã bảng"), max_length=50)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên bảng"), max_length=300)
    kind = models.CharField(_("loại"), max_length=10, choices=ScheduleKind.choices)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    created_at = models.DateTimeField(_("thời điểm lập"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("thay thế lúc"), null=True, blank=True)

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("bảng thời hạn lưu trữ")
        verbose_name_plural = _("bảng thời hạn lưu trữ")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="schedule_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.version})"


class ScheduleEntry(models.Model):
    """One record group (nhóm hồ sơ, tài liệu) of a schedule and its retention code."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="entries")
    number = models.CharField(_("số thứ tự"), max_length=20)
    group = models.CharField(_("nhóm hồ sơ, tài liệu"), max_length=500)
    retention = models.CharField(_("thời hạn lưu trữ"), max_length=4)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("nhóm hồ sơ của bảng thời hạn")
        verbose_name_plural = _("nhóm hồ sơ của bảng thời hạn")
        ordering = ["schedule", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.group}"


class HoldKind(models.TextChoices):
    INSPECTION = "inspection", _("Thanh tra, kiểm tra")
    LITIGATION = "litigation", _("Tố tụng, khiếu nại")
    REQUEST = "request", _("Yêu cầu của cơ quan có thẩm quyền")


class HoldQuerySet(models.QuerySet["Hold"]):
    def in_force(self) -> HoldQuerySet:
        return self.filter(lifted_at__isnull=True)

    def covering(self, dossier: Dossier) -> HoldQuerySet:
        """Holds in force on the dossier itself or on its fonds."""
        q = Q(dossier=dossier)
        if dossier.fonds_id is not None:
            q |= Q(fonds_id=dossier.fonds_id)
        return self.in_force().filter(q)


class Hold(models.Model):
    """Tạm dừng hủy, chuyển giao: a legal hold on a dossier or a fonds, until lifted."""

    kind = models.CharField(_("lý do pháp lý"), max_length=12, choices=HoldKind.choices)
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, null=True, blank=True, related_name="holds"
    )
    fonds = models.ForeignKey(
        Fonds, on_delete=models.CASCADE, null=True, blank=True, related_name="holds"
    )
    reason = models.TextField(_("nội dung"))
    placed_at = models.DateTimeField(_("áp dụng lúc"), default=timezone.now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(_("gỡ lúc"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lift_reason = models.TextField(_("lý do gỡ"), blank=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("lệnh tạm dừng hủy")
        verbose_name_plural = _("lệnh tạm dừng hủy")
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dossier__isnull=False, fonds__isnull=True)
                | Q(dossier__isnull=True, fonds__isnull=False),
                name="hold_one_target",
            )
        ]
        permissions = [("place_hold", _("Áp dụng và gỡ lệnh tạm dừng hủy"))]

    def __str__(self) -> str:
        target = self.dossier.code if self.dossier else self.fonds.code if self.fonds else ""
        return f"{self.get_kind_display()} — {target}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


class AppraisalState(models.TextChoices):
    """The round's steps (TT 06/2025): list → council → decision → destruction."""

    REVIEW = "review", _("Xem xét hủy: hội đồng đang xét")
    PROPOSED = "proposed", _("Đã họp hội đồng: trình quyết định hủy")
    DECIDED = "decided", _("Đã có quyết định hủy")
    DESTROYED = "destroyed", _("Đã hủy")
    CLOSED = "closed", _("Kết thúc: không hủy hồ sơ nào")


class AppraisalQuerySet(models.QuerySet["Appraisal"]):
    def in_progress(self) -> AppraisalQuerySet:
        return self.filter(
            state__in=[AppraisalState.REVIEW, AppraisalState.PROPOSED, AppraisalState.DECIDED]
        )


class Appraisal(models.Model):
    """Một đợt xét hủy: the list of dossiers due, the council, its minutes, the decision and
    the destruction, with the numbers of the papers the law asks for."""

    year = models.PositiveSmallIntegerField(_("năm"))
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("tên đợt"), max_length=300)
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=AppraisalState.choices,
        default=AppraisalState.REVIEW,
        db_index=True,
    )
    created_at = models.DateTimeField(_("lập lúc"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Biên bản họp Hội đồng
    met_on = models.DateField(_("ngày họp hội đồng"), null=True, blank=True)
    minutes = models.TextField(_("biên bản họp hội đồng"), blank=True)
    # Bản thuyết minh tài liệu hết giá trị (TT 06/2025 Phụ lục III)
    explanatory_note = models.TextField(_("bản thuyết minh"), blank=True)
    proposed_at = models.DateTimeField(_("trình lúc"), null=True, blank=True)
    # Quyết định hủy
    decision_number = models.CharField(_("số quyết định hủy"), max_length=50, blank=True)
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    destroy_by = models.DateField(_("hạn thực hiện hủy"), null=True, blank=True)
    # Biên bản hủy
    destroyed_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AppraisalQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt xét hủy")
        verbose_name_plural = _("đợt xét hủy")
        ordering = ["-created_at"]
        permissions = [
            ("decide_disposal", _("Quyết định hủy tài liệu hết giá trị")),
            ("carry_out_disposal", _("Lập danh mục, tổ chức hội đồng và thực hiện hủy")),
        ]

    def __str__(self) -> str:
        return self.title

    def overdue(self, today: datetime.date | None = None) -> bool:
        """The decision was made and its 15 days ran out before the destruction."""
        day = today or timezone.localdate()
        return (
            self.state == AppraisalState.DECIDED
            and self.destroy_by is not None
            and day > self.destroy_by
        )


class Opinion(models.TextChoices):
    DESTROY = "destroy", _("Đồng ý hủy")
    KEEP = "keep", _("Giữ lại")


class AppraisalItem(models.Model):
    """One dossier on the round's list, with what it was when listed (the dossier itself may be
    destroyed later; the item, like the register, keeps its description)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="items")
    dossier = models.ForeignKey(
        Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    code = models.CharField(_("mã hồ sơ"), max_length=100)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=1000)
    retention = models.CharField(_("thời hạn lưu trữ"), max_length=4)
    end_date = models.DateField(_("thời gian kết thúc"))
    expires = models.DateField(_("hết hạn lưu trữ"))
    outcome = models.CharField(_("kết luận"), max_length=8, choices=Opinion.choices, blank=True)
    new_retention = models.CharField(_("thời hạn lưu trữ mới"), max_length=4, blank=True)
    keep_reason = models.CharField(_("lý do giữ lại"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("hồ sơ trong danh mục xét hủy")
        verbose_name_plural = _("hồ sơ trong danh mục xét hủy")
        ordering = ["appraisal", "code"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "code"], name="item_once_per_appraisal")
        ]

    def __str__(self) -> str:
        return self.code


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch Hội đồng")
    SECRETARY = "secretary", _("Thư ký Hội đồng")
    MEMBER = "member", _("Ủy viên")


class CouncilMember(models.Model):
    """Thành viên hội đồng xác định giá trị tài liệu of one round."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("vai trò"), max_length=10, choices=MemberRole.choices)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")
        ordering = ["appraisal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "user"], name="member_once_per_council")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Vote(models.Model):
    """One member's opinion on one item; a member votes once per item."""

    item = models.ForeignKey(AppraisalItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="votes")
    opinion = models.CharField(_("ý kiến"), max_length=8, choices=Opinion.choices)
    comment = models.CharField(_("nhận xét"), max_length=500, blank=True)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ý kiến thành viên")
        verbose_name_plural = _("ý kiến thành viên")
        ordering = ["item", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_opinion_display()}"


class DestroyedRecord(models.Model):
    """Sổ đăng ký tài liệu đã hủy: the permanent register of destroyed dossiers.

    The dossier's rows and files are gone; what it was stays here: its description, its
    documents' metadata, its files' names and digests, and the PREMIS-style events of its life
    and its deletion (``events``). Rows are never changed or deleted."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="destroyed")
    # Not unique alone: a code freed by a destruction may be given to a new dossier years
    # later, which may be destroyed in its turn. Once per round (decision) is the rule.
    code = models.CharField(_("mã hồ sơ"), max_length=100, db_index=True)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=1000)
    agency_code = models.CharField(_("mã cơ quan"), max_length=60)
    agency_name = models.CharField(_("tên cơ quan"), max_length=300)
    fonds_code = models.CharField(_("mã phông"), max_length=60, blank=True)
    retention = models.CharField(_("thời hạn lưu trữ"), max_length=4)
    start_date = models.DateField(_("thời gian bắt đầu"))
    end_date = models.DateField(_("thời gian kết thúc"))
    metadata = models.JSONField(_("siêu dữ liệu hồ sơ"), default=dict)
    documents = models.JSONField(_("siêu dữ liệu tài liệu"), default=list)
    files = models.JSONField(_("tệp tin"), default=list)
    events = models.JSONField(_("sự kiện bảo quản (PREMIS)"), default=list)
    deletion_event = models.UUIDField(_("mã sự kiện hủy"), default=uuid.uuid4, unique=True)
    decision_number = models.CharField(_("số quyết định hủy"), max_length=50)
    destroyed_at = models.DateTimeField(_("hủy lúc"))
    destroyed_by = models.CharField(_("người thực hiện"), max_length=150)

    class Meta:
        verbose_name = _("hồ sơ đã hủy")
        verbose_name_plural = _("sổ đăng ký hồ sơ đã hủy")
        ordering = ["-destroyed_at", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "code"], name="destroyed_once_per_appraisal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class SecrecyLevel(models.TextChoices):
    """Độ mật and its protection period (Luật Bảo vệ bí mật nhà nước 2018 Điều 19)."""

    MAT = "mat", _("Mật")
    TOI_MAT = "toi_mat", _("Tối mật")
    TUYET_MAT = "tuyet_mat", _("Tuyệt mật")


SECRECY_YEARS = {SecrecyLevel.MAT: 10, SecrecyLevel.TOI_MAT: 20, SecrecyLevel.TUYET_MAT: 30}


class SecrecyQuerySet(models.QuerySet["Secrecy"]):
    def classified(self) -> SecrecyQuerySet:
        return self.filter(declassified_at__isnull=True)

    def review_due(self, by: datetime.date) -> SecrecyQuerySet:
        return self.classified().filter(review_on__lte=by)


class Secrecy(models.Model):
    """The secrecy of one dossier: its level, when it was classified and when it is reviewed."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="secrecy")
    level = models.CharField(_("độ mật"), max_length=10, choices=SecrecyLevel.choices)
    classified_on = models.DateField(_("ngày xác định độ mật"))
    review_on = models.DateField(
        _("hạn rà soát"),
        help_text=_("Hết thời hạn bảo vệ: Mật 10 năm, Tối mật 20 năm, Tuyệt mật 30 năm."),
    )
    declassified_at = models.DateTimeField(_("giải mật lúc"), null=True, blank=True)

    objects = SecrecyQuerySet.as_manager()

    class Meta:
        verbose_name = _("độ mật")
        verbose_name_plural = _("độ mật")
        ordering = ["review_on"]
        permissions = [("review_secrecy", _("Quyết định giải mật, gia hạn độ mật"))]

    def __str__(self) -> str:
        return f"{self.dossier.code}: {self.get_level_display()}"


class SecrecyOutcome(models.TextChoices):
    DECLASSIFY = "declassify", _("Giải mật")
    EXTEND = "extend", _("Gia hạn thời hạn bảo vệ")


class SecrecyDecision(models.Model):
    """A recorded decision on a secrecy review: declassify, or extend to a new review date."""

    secrecy = models.ForeignKey(Secrecy, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(_("kết luận"), max_length=12, choices=SecrecyOutcome.choices)
    reason = models.TextField(_("căn cứ, lý do"))
    new_review_on = models.DateField(_("hạn rà soát mới"), null=True, blank=True)
    new_regime = models.CharField(_("chế độ sử dụng mới"), max_length=4, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("quyết định về độ mật")
        verbose_name_plural = _("quyết định về độ mật")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.secrecy}: {self.get_outcome_display()}"


class TransferState(models.TextChoices):
    PLANNED = "planned", _("Kế hoạch nộp lưu")
    SUBMITTED = "submitted", _("Đã đăng ký với lưu trữ lịch sử")
    ACCEPTED = "accepted", _("Lưu trữ lịch sử đồng ý tiếp nhận")
    RETURNED = "returned", _("Lưu trữ lịch sử yêu cầu bổ sung")
    RECEIVED = "received", _("Đã giao nhận")


class HistoricalTransferQuerySet(models.QuerySet["HistoricalTransfer"]):
    def open(self) -> HistoricalTransferQuerySet:
        return self.exclude(state=TransferState.RECEIVED)


class HistoricalTransfer(models.Model):
    """Nộp lưu hồ sơ vào lưu trữ lịch sử: the plan, the registration, the archive's reply
    (within 07 working days) and the handover."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan nộp lưu"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm kế hoạch"))
    dossiers = models.ManyToManyField(Dossier, related_name="historical_transfers")
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=TransferState.choices,
        default=TransferState.PLANNED,
        db_index=True,
    )
    planned_at = models.DateTimeField(default=timezone.now)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("đăng ký lúc"), null=True, blank=True)
    reply_by = models.DateField(_("hạn trả lời"), null=True, blank=True)
    replied_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reply = models.TextField(_("ý kiến của lưu trữ lịch sử"), blank=True)
    received_at = models.DateTimeField(_("giao nhận lúc"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = HistoricalTransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt nộp lưu vào lưu trữ lịch sử")
        verbose_name_plural = _("đợt nộp lưu vào lưu trữ lịch sử")
        ordering = ["-planned_at"]
        permissions = [
            (
                "review_transfer",
                _("Lưu trữ lịch sử: trả lời đăng ký nộp lưu, giao nhận, nhập gói lưu trữ"),
            )
        ]

    def __str__(self) -> str:
        return f"Nộp lưu năm {self.year} — {self.agency.name}"


class HoldingSource(models.TextChoices):
    TRANSFER = "transfer", _("Nộp lưu từ lưu trữ hiện hành")
    IMPORT = "import", _("Nhập gói lưu trữ từ hệ thống khác")


class HistoricalHolding(models.Model):
    """Which historical archive (lưu trữ lịch sử) holds a dossier, since when and how it came.

    A dossier without one is kept by its agency's current archive (lưu trữ hiện hành). Made
    by the handover of a transfer (``receive_transfer``) or by importing an AIP made by another
    system (``import_aip``); never changed afterwards."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="holding")
    archive = models.ForeignKey(
        Archive, verbose_name=_("lưu trữ lịch sử"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=HoldingSource.choices)
    since = models.DateTimeField(_("quản lý từ"), default=timezone.now)
    transfer = models.ForeignKey(
        HistoricalTransfer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holdings",
    )
    package = models.CharField(
        _("gói nhập"), max_length=200, blank=True, help_text=_("OBJID của gói đã nhập.")
    )

    class Meta:
        verbose_name = _("hồ sơ do lưu trữ lịch sử quản lý")
        verbose_name_plural = _("hồ sơ do lưu trữ lịch sử quản lý")
        ordering = ["-since"]

    def __str__(self) -> str:
        return f"{self.dossier.code} — {self.archive.name}"
