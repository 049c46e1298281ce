"""Reads of the use (khai thác) workflow: who handles and decides requests, deadlines, lookups.

Who does what (TT 05/2025 Điều 35-36; the approver for conditional records under NĐ 113/2025 is
not confirmed, regulations.md §4, so the archive's head decides them, as the 2011 law had it):

- Archivists, heads and administrators handle reader accounts and requests (``can_handle``),
  for requests that ask for records in their scope.
- A request for public records only may be approved by any of them; a request with a record
  under conditional use (02) or secret (03) needs a head (``Role.HEAD``) whose scope covers
  every record. Secret records are given only as a reading copy, and only for official or
  special official purposes.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from luutru.access import policy, workdays
from luutru.access.models import (
    AccessRequest,
    AccessRequestQuerySet,
    Delivery,
    DeliveryForm,
    ItemDecision,
    Purpose,
    RequestItem,
    Status,
)
from luutru.accounts.models import Reader, Role
from luutru.organizations.models import Membership
from luutru.records.models import Document, Dossier, FileRole
from luutru.storage.services import open_stored

REVIEW_WORKING_DAYS = 6  # Điều 36: a request is answered within 06 working days
ACCOUNT_WORKING_DAYS = 1  # Điều 35: an account is issued within 01 working day
MAX_DAYS = 15  # reading copy and plain copy periods (Điều 37, 40)
PURGE_AFTER_DAYS = 5  # a reading copy is deleted 5 days after its period (Điều 37)
# The roles holding "access.view_accessrequest" in organizations/roles.py, for the reminder query.
HANDLER_ROLES = frozenset({Role.ARCHIVIST, Role.HEAD, Role.ADMIN})

NOT_FOUND = "Không tìm thấy phiếu yêu cầu, hoặc bạn không có quyền xem phiếu này."
DELIVERY_GONE = "Bản cung cấp không tồn tại, đã hết hạn hoặc không dành cho bạn."


def roles_of(user: Any) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def can_handle(user: Any) -> bool:
    """Whether ``user`` works on readers' accounts and requests (the staff pages)."""
    return bool(user.is_authenticated and user.has_perm("access.view_accessrequest"))


def is_head(user: Any) -> bool:
    return bool(user.is_superuser or Role.HEAD in roles_of(user))


def review_due(submitted: datetime.datetime) -> datetime.date:
    return workdays.add_working_days(timezone.localdate(submitted), REVIEW_WORKING_DAYS)


def account_due(registered: datetime.datetime) -> datetime.date:
    return workdays.add_working_days(timezone.localdate(registered), ACCOUNT_WORKING_DAYS)


@dataclass(frozen=True)
class Deadline:
    due: datetime.date
    left: int  # working days left; negative: overdue by that many

    @property
    def overdue(self) -> bool:
        return self.left < 0

    @property
    def soon(self) -> bool:
        """The reminder: one working day or less left."""
        return 0 <= self.left <= 1

    @property
    def label(self) -> str:
        if self.overdue:
            return f"Quá hạn {-self.left} ngày làm việc"
        if self.left == 0:
            return "Hết hạn hôm nay"
        return f"Còn {self.left} ngày làm việc"


def deadline(due: datetime.date, today: datetime.date | None = None) -> Deadline:
    today = today or timezone.localdate()
    return Deadline(due, workdays.working_days_between(today, due))


# ---------------------------------------------------------------------------------------------
# Items


def resolve(code: str) -> Document | Dossier | None:
    """The document (by archival code or identifier) or dossier (by code) a reader names."""
    code = code.strip()
    if not code:
        return None
    document = (
        Document.objects.filter(Q(archival_code=code) | Q(identifier=code))
        .select_related("dossier")
        .first()
    )
    if document is not None:
        return document
    return Dossier.objects.filter(code=code).first()


def regime_of(record: Document | Dossier) -> str:
    if isinstance(record, Document):
        return policy.effective_regime(
            record.access_regime, record.dossier.access_regime if record.dossier else None
        )
    return policy.effective_regime(record.access_regime)


def serving_agency_name(record: Document | Dossier) -> str:
    """The agency whose archive serves the record: the archive it was transferred to, else the
    agency itself. Its name is the reading copy's watermark (Điều 37)."""
    agency = record.agency
    archive = agency.transfers_to
    return archive.agency.name if archive is not None else agency.name


def documents_of(request: AccessRequest) -> list[Document]:
    """Every document the request covers: the documents asked for and those of the dossiers,
    but not the items the decision refused."""
    items = list(request.items.exclude(decision=ItemDecision.REFUSED))
    doc_ids = [i.document_id for i in items if i.document_id]
    dossier_ids = [i.dossier_id for i in items if i.dossier_id]
    return list(
        Document.objects.filter(Q(pk__in=doc_ids) | Q(dossier_id__in=dossier_ids))
        .select_related("dossier", "agency__transfers_to__agency")
        .order_by("dossier_id", "ordinal", "pk")
    )


def original_bytes(document: Document) -> bytes | None:
    """The document's first original file, or ``None`` when it has no stored file."""
    file = document.files.filter(role=FileRole.ORIGINAL).select_related("stored").first()
    if file is None:
        return None
    with open_stored(file.stored.sha256) as handle:
        return handle.read()


# ---------------------------------------------------------------------------------------------
# Who may decide


def decision_problems(
    user: Any, request: AccessRequest, *, refused: Collection[int] = ()
) -> list[str]:
    """Why ``user`` may not approve ``request`` (empty: they may), in Vietnamese; the items in
    ``refused`` (ids) are not given and raise no problem."""
    problems = []
    if not can_handle(user):
        return ["Bạn không có quyền xử lý phiếu yêu cầu khai thác."]
    items = list(request.items.select_related("document__dossier", "dossier"))
    restricted = False
    for item in items:
        if item.pk in refused:
            continue
        record = item.record
        if record is None:
            problems.append(
                f"Mã “{item.code}” không khớp hồ sơ, tài liệu nào: đánh dấu không cung cấp "
                "mục này, ghi lý do."
            )
            continue
        if not policy.can(user, policy.Use.READ, record):
            problems.append(f"“{item.code}” không thuộc phạm vi cơ quan của bạn.")
        regime = regime_of(record)
        restricted |= regime != policy.PUBLIC
        if regime == policy.SECRET:
            if request.form != DeliveryForm.READING:
                problems.append(
                    f"“{item.code}” là tài liệu Mật: chỉ được cung cấp bản đọc trên Hệ thống."
                )
            if request.purpose == Purpose.PERSONAL:
                problems.append(
                    f"“{item.code}” là tài liệu Mật: chỉ khai thác cho mục đích công vụ."
                )
    if restricted and not is_head(user):
        problems.append(
            "Phiếu có tài liệu sử dụng có điều kiện hoặc Mật: cần lãnh đạo cơ quan lưu trữ duyệt."
        )
    return problems


# ---------------------------------------------------------------------------------------------
# Lookups that refuse as "not found"


def requests_for_staff(user: Any) -> AccessRequestQuerySet:
    """Requests with a record in the user's scope, or with codes that matched nothing."""
    if not can_handle(user):
        return AccessRequest.objects.none()
    caller = policy.scope(user)
    qs = AccessRequest.objects.all()
    if caller.agency_ids is None:
        return qs
    ids = caller.agency_ids
    in_scope = RequestItem.objects.filter(
        Q(document__agency_id__in=ids)
        | Q(dossier__agency_id__in=ids)
        | Q(document__isnull=True, dossier__isnull=True)
    ).values("request_id")
    return qs.filter(pk__in=in_scope)


def get_request_for_reader(user: Any, pk: int) -> AccessRequest:
    found = AccessRequest.objects.filter(pk=pk, reader_id=getattr(user, "pk", None)).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def get_request_for_staff(user: Any, pk: int) -> AccessRequest:
    found = requests_for_staff(user).filter(pk=pk).select_related("reader").first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def get_delivery(user: Any, token: str, *, now: datetime.datetime | None = None) -> Delivery:
    """The reader's own delivery in force, by its token; anything else is the same 404."""
    now = now or timezone.now()
    found = (
        Delivery.objects.filter(
            token=token,
            request__reader_id=getattr(user, "pk", None),
            request__status__in=(Status.DELIVERED, Status.APPROVED),
            expires_at__gt=now,
            purged_at__isnull=True,
        )
        .select_related("request")
        .first()
        if isinstance(token, str) and 20 <= len(token) <= 64
        else None
    )
    if found is None:
        raise Http404(DELIVERY_GONE)
    return found


def reading_copy_for(user: Any, document: Document) -> Delivery | None:
    """The user's reading copy in force that shows ``document`` (asked for by itself or with
    its dossier, and not refused), for the portal's "Đọc bản đọc" link; else ``None``."""
    if not getattr(user, "is_authenticated", False):
        return None
    covering = RequestItem.objects.filter(
        Q(document=document) | Q(dossier_id=document.dossier_id, dossier__isnull=False)
    ).exclude(decision=ItemDecision.REFUSED)
    found = (
        Delivery.objects.filter(
            request__reader_id=user.pk,
            form=DeliveryForm.READING,
            request__status__in=(Status.DELIVERED, Status.APPROVED),
            expires_at__gt=timezone.now(),
            purged_at__isnull=True,
            request__items__in=covering,
        )
        .order_by("-expires_at")
        .first()
    )
    if found is None or not policy.can(user, policy.Use.READ, document):
        return None
    return found


def track(number: str, email: str) -> AccessRequest | None:
    """The request with this number whose reader's e-mail is ``email`` (case-insensitive);
    ``None`` for any mismatch, so that a caller learns nothing about other numbers."""
    digits = number.strip().lstrip("#")
    if not digits.isdigit() or len(digits) > 12 or not email.strip():
        return None
    return (
        AccessRequest.objects.filter(pk=int(digits), reader__email__iexact=email.strip())
        .exclude(reader__email="")
        .prefetch_related("items")
        .first()
    )


def pending_readers() -> QuerySet[Reader]:
    """Accounts waiting for staff: neither approved nor refused."""
    return Reader.objects.filter(approved_at__isnull=True, refused_at__isnull=True).select_related(
        "user"
    )


def why_cannot_submit(profile: Reader | None) -> str:
    """Why this reader may not send a request yet, in words for them ("" when they may)."""
    if profile is None:
        return "Trang này dành cho độc giả: hãy đăng ký tài khoản độc giả."
    if profile.approved_at is not None:
        return ""
    if profile.refused_at is not None:
        return (
            "Cơ quan lưu trữ chưa duyệt tài khoản của bạn, nên chưa gửi được phiếu yêu cầu. "
            f"Lý do: {profile.refusal_reason}"
        )
    due = account_due(profile.registered_at) if profile.registered_at else None
    when = f" (hạn duyệt: {due:%d/%m/%Y})" if due else ""
    return (
        "Tài khoản của bạn chưa được duyệt, nên chưa gửi được phiếu yêu cầu: đăng ký đang chờ "
        f"cơ quan lưu trữ duyệt{when}. Cơ quan lưu trữ kiểm tra thông tin cá nhân bạn khai "
        "trong 01 ngày làm việc (Thông tư 05/2025/TT-BNV) và báo kết quả qua thư điện tử."
    )


def reminders_for(user: Any, today: datetime.date | None = None) -> list[str]:
    """Lines for ``user``'s reminder: their requests and reader accounts due or overdue."""
    today = today or timezone.localdate()
    lines = []
    for request in requests_for_staff(user).pending().order_by("due_on"):
        due = deadline(request.due_on, today)
        if due.soon or due.overdue:
            lines.append(f"Phiếu yêu cầu số {request.number}: hạn {due.due:%d/%m/%Y} — {due.label}")
    for reader in pending_readers():
        if reader.registered_at is None:
            continue
        due = deadline(account_due(reader.registered_at), today)
        if due.soon or due.overdue:
            lines.append(
                f"Tài khoản độc giả {reader.user.get_full_name()}: hạn {due.due:%d/%m/%Y} — "
                f"{due.label}"
            )
    return lines


def send_reminders(today: datetime.date | None = None) -> int:
    """One e-mail per handler with an address and something due; returns how many were sent."""
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail

    sent = 0
    handlers = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(memberships__role__in=HANDLER_ROLES), is_active=True
    )
    for user in handlers.exclude(email="").distinct():
        lines = reminders_for(user, today)
        if lines:
            send_mail(
                "Nhắc hạn khai thác tài liệu lưu trữ",
                "Các việc sau sắp đến hạn hoặc đã quá hạn theo Thông tư 05/2025/TT-BNV:\n\n"
                + "\n".join(lines),
                None,
                [user.email],
            )
            sent += 1
    return sent
