"""FilePlan (danh mục hồ sơ), Dossier (hồ sơ), Document (tài liệu) and the TT 05 code lists.

Field names are English (docs/glossary.md); each field's verbose name is the Vietnamese
element name and its max_length the TT 05/2025 length (data/tt05_elements.csv). Coded fields
store the code ("01"); labels come from the ``Code`` table, loaded by a migration.

Publication (công bố) is recorded here too: when and by whom a record was published, whether
the public may download its original, every decision (``PublicationDecision``) and every change
of access regime (``RegimeChange``). What the public may see follows from them by the rules of
``open_documents_q`` and its siblings, which the access policy and the search index both use.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luutru.organizations.models import Agency, Fonds
from luutru.storage.models import StoredFile


class CodeList(models.TextChoices):
    RETENTION = "retention", _("Thời hạn lưu trữ")
    ACCESS_REGIME = "access_regime", _("Chế độ sử dụng")
    LANGUAGE = "language", _("Ngôn ngữ")
    RELIABILITY = "reliability", _("Mức độ tin cậy")
    PHYSICAL_CONDITION = "physical_condition", _("Tình trạng vật lý")
    BACKUP_STATUS = "backup_status", _("Tình trạng dự phòng")
    DOCUMENT_TYPE = "document_type", _("Tên loại tài liệu")
    PHOTO_TYPE = "photo_type", _("Loại tài liệu phim ảnh")
    COLOUR = "colour", _("Màu sắc")
    MEDIA_TYPE = "media_type", _("Loại tài liệu ghi âm ghi hình")


class Code(models.Model):
    """One entry of a TT 05 code list ("01" → "Vĩnh viễn"). Data, not code."""

    list = models.CharField(_("danh mục"), max_length=32, choices=CodeList.choices)
    code = models.CharField(_("mã"), max_length=4)
    label = models.CharField(_("tên"), max_length=100)
    extra = models.JSONField(_("thông tin thêm"), default=dict, blank=True)

    class Meta:
        verbose_name = _("mã danh mục")
        verbose_name_plural = _("mã danh mục")
        ordering = ["list", "code"]
        constraints = [models.UniqueConstraint(fields=["list", "code"], name="code_once_per_list")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class DatePrecision(models.TextChoices):
    DAY = "day", _("ngày")
    MONTH = "month", _("tháng")
    YEAR = "year", _("năm")


class FilePlanQuerySet(models.QuerySet["FilePlan"]):
    def of_agencies(self, agencies: models.QuerySet[Agency]) -> FilePlanQuerySet:
        return self.filter(agency__in=agencies)


class FilePlan(models.Model):
    """Danh mục hồ sơ: the files an agency plans to open in a year (NĐ 30/2020)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="file_plans")
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên danh mục"), max_length=300, blank=True)
    approved_at = models.DateField(_("ngày ban hành"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = FilePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("danh mục hồ sơ")
        verbose_name_plural = _("danh mục hồ sơ")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="one_file_plan_a_year")
        ]

    def __str__(self) -> str:
        return f"Danh mục hồ sơ năm {self.year} — {self.agency.name}"


class FilePlanEntry(models.Model):
    """One planned file (hồ sơ dự kiến) of a file plan."""

    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="entries")
    notation = models.CharField(_("số và ký hiệu hồ sơ"), max_length=20)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=1000)
    retention = models.CharField(_("thời hạn lưu trữ"), max_length=4)
    responsible = models.CharField(_("người lập hồ sơ"), max_length=150, blank=True)
    closed_on = models.DateField(
        _("ngày kết thúc công việc"),
        null=True,
        blank=True,
        help_text=_("Hồ sơ phải nộp lưu trong 01 năm kể từ ngày này (NĐ 30/2020)."),
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("hồ sơ dự kiến")
        verbose_name_plural = _("hồ sơ dự kiến")
        ordering = ["plan", "notation"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "notation"], name="entry_once_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.notation} {self.title}"


class Custody(models.TextChoices):
    """Where a record stands in the archive's custody (TT 05/2025 Điều 17-25: a transfer is
    received, checked, then accepted into the holdings; until then the archive only holds it)."""

    RECEIVED = "received", _("Chờ tiếp nhận")
    HELD = "held", _("Đã tiếp nhận vào kho")


class DossierQuerySet(models.QuerySet["Dossier"]):
    def of_agencies(self, agencies: models.QuerySet[Agency]) -> DossierQuerySet:
        return self.filter(agency__in=agencies)

    def held(self) -> DossierQuerySet:
        """Dossiers in the holdings (accepted), not waiting in a received transfer."""
        return self.filter(custody=Custody.HELD)

    def open_to_public(self) -> DossierQuerySet:
        """Dossiers anyone may read: held, Công khai and published (``open_dossiers_q``)."""
        return self.filter(open_dossiers_q())

    def listed_in_catalogue(self) -> DossierQuerySet:
        """Conditional dossiers whose description the public catalogue lists."""
        return self.filter(listed_dossiers_q())


class Dossier(models.Model):
    """Hồ sơ: TT 05/2025 file-level data (18 elements) plus the NĐ 30/TT 02 parts of its code."""

    code = models.CharField(_("mã hồ sơ"), max_length=100, unique=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan lập hồ sơ"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    fonds = models.ForeignKey(
        Fonds,
        verbose_name=_("phông"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        null=True,
        blank=True,
    )
    plan_entry = models.ForeignKey(
        FilePlanEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="dossiers"
    )
    # NĐ 30/2020 parts of the code: OrganId + FileCatalog (year) + FileNotation
    year = models.PositiveSmallIntegerField(_("năm hình thành hồ sơ"), null=True, blank=True)
    notation = models.CharField(_("số và ký hiệu hồ sơ"), max_length=20, blank=True)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=1000)
    retention = models.CharField(_("thời hạn lưu trữ"), max_length=4)
    access_regime = models.CharField(_("chế độ sử dụng"), max_length=4)
    languages = models.CharField(_("ngôn ngữ"), max_length=100)
    start_date = models.DateField(_("thời gian bắt đầu"))
    start_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_date = models.DateField(_("thời gian kết thúc"))
    end_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    keywords = models.CharField(_("từ khóa"), max_length=100, blank=True)
    total_docs = models.PositiveIntegerField(_("tổng số tài liệu trong hồ sơ"))
    sheet_count = models.PositiveIntegerField(_("số lượng tờ"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("số lượng trang"))
    physical_condition = models.CharField(_("tình trạng vật lý"), max_length=4, blank=True)
    info_mark = models.CharField(_("ký hiệu thông tin"), max_length=30, blank=True)
    reliability = models.CharField(_("mức độ tin cậy"), max_length=4, blank=True)
    paper_code = models.CharField(_("mã hồ sơ gốc giấy"), max_length=100, blank=True)
    backup_regime = models.BooleanField(_("chế độ dự phòng"), default=False)
    backup_status = models.CharField(_("tình trạng dự phòng"), max_length=4, blank=True)
    description = models.CharField(_("ghi chú"), max_length=2000, blank=True)
    creator = models.CharField(_("người lập hồ sơ"), max_length=150, blank=True)
    custody = models.CharField(
        _("tình trạng tiếp nhận"),
        max_length=10,
        choices=Custody.choices,
        default=Custody.HELD,
        db_index=True,
    )
    published_at = models.DateTimeField(
        _("thời điểm công bố"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Để trống khi chưa công bố hoặc đã thu hồi công bố."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định công bố"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    public_download = models.BooleanField(
        _("công chúng được tải bản gốc"),
        default=True,
        help_text=_("Khi đã công bố: tải tệp gốc, hay chỉ đọc từng trang trên cổng tra cứu."),
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="dossier_dates_in_order"
            )
        ]
        permissions = [
            ("publish_record", _("Công bố, thu hồi công bố hồ sơ, tài liệu")),
            ("change_access_regime", _("Quyết định thay đổi chế độ sử dụng")),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class DocumentQuerySet(models.QuerySet["Document"]):
    def of_agencies(self, agencies: models.QuerySet[Agency]) -> DocumentQuerySet:
        return self.filter(agency__in=agencies)

    def unfiled(self) -> DocumentQuerySet:
        return self.filter(dossier__isnull=True)

    def held(self) -> DocumentQuerySet:
        """Documents in the holdings (accepted), not waiting in a received transfer."""
        return self.filter(custody=Custody.HELD)

    def open_to_public(self) -> DocumentQuerySet:
        """Documents anyone may read (``open_documents_q``)."""
        return self.filter(open_documents_q())

    def listed_in_catalogue(self) -> DocumentQuerySet:
        """Conditional documents whose description the public catalogue lists."""
        return self.filter(listed_documents_q())


class DocumentKind(models.TextChoices):
    """What a document (tài liệu) is: a text, or a photo or recording described by TT 05's
    EAD_pic / EAD_media element sets instead of EAD_doc."""

    TEXT = "text", _("Văn bản")
    PHOTO = "photo", _("Phim, ảnh")
    AUDIO = "audio", _("Ghi âm")
    VIDEO = "video", _("Ghi hình")

    @property
    def level(self) -> str:
        """The element set (tt05_elements.csv level) that describes this kind."""
        return {"text": "document", "photo": "photo"}.get(self.value, "media")


class Document(models.Model):
    """Tài liệu: TT 05/2025 document-level data (21 elements), filed in a dossier or not yet.

    Photos and negatives (EAD_pic) and audio and video recordings (EAD_media) are documents
    too (``kind``), so that search, access, publication and AIPs treat them alike: their title
    fills ``summary``, their author ``issuer``, their date ``issued_date``; the elements with no
    column of their own (typePic, eventName, photoPlace, playTime…) are kept in ``media``.
    """

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="documents", null=True, blank=True
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan nộp"), on_delete=models.PROTECT, related_name="documents"
    )
    ordinal = models.PositiveIntegerField(_("số thứ tự trong hồ sơ"), null=True, blank=True)
    identifier = models.CharField(_("mã định danh tài liệu"), max_length=100, blank=True)
    archival_code = models.CharField(_("mã lưu trữ tài liệu"), max_length=100, blank=True)
    retention = models.CharField(_("thời hạn lưu trữ"), max_length=4)
    doc_type = models.CharField(_("tên loại tài liệu"), max_length=4)
    number = models.CharField(_("số của tài liệu"), max_length=11, blank=True)
    notation = models.CharField(_("ký hiệu của tài liệu"), max_length=30, blank=True)
    issued_date = models.DateField(_("ngày, tháng, năm tài liệu"))
    issuer = models.CharField(_("tên cơ quan, tổ chức, cá nhân ban hành"), max_length=200)
    summary = models.CharField(_("trích yếu nội dung"), max_length=500)
    languages = models.CharField(_("ngôn ngữ"), max_length=100)
    page_count = models.PositiveIntegerField(_("số lượng trang"))
    info_mark = models.CharField(_("ký hiệu thông tin"), max_length=30, blank=True)
    keywords = models.CharField(_("từ khóa"), max_length=100, blank=True)
    access_regime = models.CharField(_("chế độ sử dụng"), max_length=4)
    reliability = models.CharField(_("mức độ tin cậy"), max_length=4, blank=True)
    autograph = models.CharField(_("bút tích"), max_length=2000, blank=True)
    physical_condition = models.CharField(_("tình trạng vật lý"), max_length=4, blank=True)
    backup_regime = models.BooleanField(_("chế độ dự phòng"), default=False)
    backup_status = models.CharField(_("tình trạng dự phòng"), max_length=4, blank=True)
    process = models.BooleanField(_("có quy trình xử lý"), default=False)
    description = models.CharField(_("ghi chú"), max_length=500, blank=True)
    # From edXML messages: who signed, and the organisations it went between.
    signer = models.CharField(_("người ký"), max_length=100, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    kind = models.CharField(
        _("loại tài liệu lưu trữ"),
        max_length=8,
        choices=DocumentKind.choices,
        default=DocumentKind.TEXT,
        db_index=True,
    )
    media = models.JSONField(
        _("thông tin phim, ảnh, ghi âm, ghi hình"),
        default=dict,
        blank=True,
        help_text=_("Các trường EAD_pic / EAD_media của TT 05/2025 không có cột riêng."),
    )
    custody = models.CharField(
        _("tình trạng tiếp nhận"),
        max_length=10,
        choices=Custody.choices,
        default=Custody.HELD,
        db_index=True,
    )
    published_at = models.DateTimeField(
        _("thời điểm công bố"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Để trống khi chưa công bố hoặc đã thu hồi công bố."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định công bố"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    public_download = models.BooleanField(
        _("công chúng được tải bản gốc"),
        default=True,
        help_text=_("Khi đã công bố: tải tệp gốc, hay chỉ đọc từng trang trên cổng tra cứu."),
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["dossier_id", "ordinal", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["archival_code"],
                condition=~Q(archival_code=""),
                name="archival_code_unique",
            ),
            models.UniqueConstraint(
                fields=["identifier"], condition=~Q(identifier=""), name="identifier_unique"
            ),
            models.UniqueConstraint(fields=["dossier", "ordinal"], name="ordinal_once_per_dossier"),
        ]

    def __str__(self) -> str:
        return self.archival_code or self.identifier or self.summary[:60]

    @property
    def code(self) -> str:
        """The code people use for the document: its archival code, else its identifier."""
        return self.archival_code or self.identifier

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class FileRole(models.TextChoices):
    ORIGINAL = "original", _("Bản gốc")
    DERIVATIVE = "derivative", _("Bản dẫn xuất")
    PROCESS_TRAIL = "process_trail", _("Quy trình xử lý")


class DocumentFile(models.Model):
    """A stored file of a document, with what was found when it was checked."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=FileRole.choices, default=FileRole.ORIGINAL)
    name = models.CharField(_("tên tệp"), max_length=255)
    page_count = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    pdfa = models.CharField(_("PDF/A"), max_length=10, blank=True)
    has_text = models.BooleanField(_("có lớp chữ"), null=True)
    # pyHanko's findings, kept as evidence: signer, time, intact, valid, trusted, summary.
    signatures = models.JSONField(_("chữ ký số"), default=list, blank=True)
    # Photos, audio, video: what Pillow and ffprobe read (width, height, duration, codecs, bit
    # depth, EXIF text), kept as PREMIS object characteristics in the AIP.
    technical = models.JSONField(_("thông tin kỹ thuật"), default=dict, blank=True)

    class Meta:
        verbose_name = _("tệp của tài liệu")
        verbose_name_plural = _("tệp của tài liệu")
        ordering = ["document", "pk"]

    def __str__(self) -> str:
        return self.name


class AuditAction(StrEnum):
    """The ``AuditEvent.action`` of this app's events. The values are stored in the audit trail
    and searched by name: never change one, add a member instead."""

    FILE_PLAN_CREATE = "records.file_plan_create"
    PLAN_ENTRY_ADD = "records.plan_entry_add"
    PLAN_ENTRY_CHANGE = "records.plan_entry_change"
    PUBLISH = "records.publish"
    WITHDRAW = "records.withdraw"
    ACCESS_REGIME_CHANGE = "records.access_regime_change"
    PUBLICATION_POLICY = "records.publication_policy"
    DESCRIPTION_CHANGE = "records.description_change"
    DOCUMENT_FILE = "records.document_file"
    DOSSIER_MOVE = "records.dossier_move"


# ---------------------------------------------------------------------------------------------
# Publication (công bố): what the public may see, and the decisions that made it so
#
# The rules, one place for the access policy and the search index (which sits beside access and
# must not import it):
# - A dossier is open to the public when it is held (accepted into the holdings), Công khai (01)
#   and published.
# - A document is open when it is held, Công khai itself, published, and — when it is filed in a
#   dossier — that dossier is open too. Publishing a dossier publishes its documents with it;
#   withdrawing it hides them all without touching their own publication, so publishing the
#   dossier again brings back exactly those that were public (actions.publish_records).
# - The description of a Sử dụng có điều kiện (02) record is listed in the public catalogue
#   when its fonds says so (``Fonds.list_conditional``); its content never is. A document's
#   regime there is the stricter of its own and its dossier's; Mật (03) is never listed.

OPEN_REGIME = "01"
CONDITIONAL_REGIME = "02"
SECRET_REGIME = "03"  # noqa: S105 - the regime code "Mật", not a password


def open_dossiers_q(prefix: str = "") -> Q:
    """Dossiers the public may read; ``prefix`` ("dossier__") to ask it from documents."""
    return Q(
        **{
            f"{prefix}custody": Custody.HELD,
            f"{prefix}access_regime": OPEN_REGIME,
            f"{prefix}published_at__isnull": False,
        }
    )


def listed_dossiers_q() -> Q:
    """Conditional dossiers whose description the public catalogue lists (by their fonds)."""
    return Q(custody=Custody.HELD, access_regime=CONDITIONAL_REGIME, fonds__list_conditional=True)


def open_documents_q() -> Q:
    """Documents the public may read: published, and in an open dossier when filed in one."""
    own = Q(custody=Custody.HELD, access_regime=OPEN_REGIME, published_at__isnull=False)
    return own & (Q(dossier__isnull=True) | open_dossiers_q("dossier__"))


def listed_documents_q() -> Q:
    """Documents whose description the public catalogue lists: held, in a held dossier of a fonds
    that lists conditional records, and Sử dụng có điều kiện by the stricter regime."""
    return (
        Q(custody=Custody.HELD, dossier__custody=Custody.HELD)
        & Q(dossier__fonds__list_conditional=True)
        & ~Q(access_regime=SECRET_REGIME)
        & ~Q(dossier__access_regime=SECRET_REGIME)
        & (Q(access_regime=CONDITIONAL_REGIME) | Q(dossier__access_regime=CONDITIONAL_REGIME))
    )


class PublicationAction(models.TextChoices):
    PUBLISH = "publish", _("Công bố")
    WITHDRAW = "withdraw", _("Thu hồi công bố")


class PublicationDecisionQuerySet(models.QuerySet["PublicationDecision"]):
    def of(self, record: Dossier | Document) -> PublicationDecisionQuerySet:
        """The decisions taken on this record itself, newest first."""
        if isinstance(record, Dossier):
            return self.filter(dossier=record).order_by("-decided_at", "-pk")
        return self.filter(document=record).order_by("-decided_at", "-pk")


class PublicationDecision(models.Model):
    """One decision to publish a record (công bố) or to withdraw it, kept for good.

    Exactly one of ``dossier`` and ``document`` is set when it is taken; the record's ``code``
    is kept so that the history outlives a record destroyed later. A dossier's decision covers
    its documents (see ``open_documents_q``); a document's own decisions are its exceptions.
    """

    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publication_decisions",
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publication_decisions",
    )
    code = models.CharField(_("mã hồ sơ, tài liệu"), max_length=100)
    action = models.CharField(_("quyết định"), max_length=10, choices=PublicationAction.choices)
    reason = models.CharField(_("lý do"), max_length=1000, blank=True)
    public_download = models.BooleanField(
        _("cho tải bản gốc"),
        null=True,
        blank=True,
        help_text=_("Với quyết định công bố: công chúng được tải tệp gốc hay chỉ đọc trang."),
    )
    documents = models.PositiveIntegerField(
        _("số tài liệu công bố theo"),
        default=0,
        help_text=_("Với hồ sơ: số tài liệu được công bố cùng hồ sơ bởi quyết định này."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by_name = models.CharField(_("tên người quyết định"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("thời điểm quyết định"), default=timezone.now)

    objects = PublicationDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("quyết định công bố")
        verbose_name_plural = _("quyết định công bố")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dossier__isnull=True) | Q(document__isnull=True),
                name="publication_decision_one_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.code}"


class RegimeChange(models.Model):
    """A decision to change a record's access regime (chế độ sử dụng), with its legal basis:
    opening a conditional record, restricting a public one. Kept for good, like
    ``PublicationDecision``."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="regime_changes"
    )
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="regime_changes"
    )
    code = models.CharField(_("mã hồ sơ, tài liệu"), max_length=100)
    old_regime = models.CharField(_("chế độ sử dụng cũ"), max_length=4)
    new_regime = models.CharField(_("chế độ sử dụng mới"), max_length=4)
    legal_basis = models.CharField(
        _("căn cứ pháp lý"),
        max_length=500,
        help_text=_("Văn bản, quyết định làm căn cứ (số, ngày, cơ quan ban hành)."),
    )
    reason = models.CharField(_("lý do"), max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by_name = models.CharField(_("tên người quyết định"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("thời điểm quyết định"), default=timezone.now)

    class Meta:
        verbose_name = _("quyết định thay đổi chế độ sử dụng")
        verbose_name_plural = _("quyết định thay đổi chế độ sử dụng")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dossier__isnull=True) | Q(document__isnull=True),
                name="regime_change_one_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.old_regime} → {self.new_regime}"


class ChangeKind(models.TextChoices):
    """How a description changed (see ``actions.change_description`` and its neighbours)."""

    EDIT = "edit", _("Sửa mô tả")
    FILE = "file", _("Lập hồ sơ (đưa tài liệu vào hồ sơ)")
    MOVE = "move", _("Chuyển hồ sơ")
    IMPORT = "import", _("Sửa hàng loạt bằng bảng tính")


class DescriptionChangeQuerySet(models.QuerySet["DescriptionChange"]):
    def of_dossier(self, dossier: Dossier) -> DescriptionChangeQuerySet:
        """The dossier's own changes and those of the documents now in it."""
        return self.filter(Q(dossier=dossier) | Q(document__dossier=dossier))


class DescriptionChange(models.Model):
    """One field of a dossier or document changed by an archivist: who, when, why, before →
    after (lịch sử mô tả). Rows of one action share ``batch``; they are never edited.

    Preservation reads these rows as PREMIS "metadata modification" events when it builds a
    dossier's AIP (records sits below preservation and does not write its tables).
    """

    batch = models.UUIDField(_("lần sửa"), db_index=True)
    kind = models.CharField(_("loại thay đổi"), max_length=10, choices=ChangeKind.choices)
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    element = models.CharField(_("phần tử"), max_length=40)
    label = models.CharField(_("trường thông tin"), max_length=200)
    before = models.TextField(_("giá trị cũ"), blank=True)
    after = models.TextField(_("giá trị mới"), blank=True)
    reason = models.TextField(_("lý do"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("người sửa"), max_length=150)
    changed_at = models.DateTimeField(_("thời điểm"), db_index=True)

    objects = DescriptionChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thay đổi mô tả")
        verbose_name_plural = _("lịch sử mô tả")
        ordering = ["-changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dossier__isnull=False) | Q(document__isnull=False),
                name="description_change_has_a_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.before} → {self.after}"
