"""State changes of use (khai thác): reader accounts, requests, grants, deliveries, the log.

Each is atomic and writes its audit event in the same transaction. The request's states:

    submitted → review → approved → delivered → closed
                       ↘ rejected (with a reason)

Approval creates the reader's grants (``Grant``) for the granted period; delivery makes what
the chosen form gives (a reading copy, copies, a certified copy) and the tokens that reach it.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luutru.access import copies, dip, notify, services, signing
from luutru.access.models import (
    FORM_USES,
    OPEN_STATUSES,
    AccessRequest,
    AuditAction,
    Delivery,
    DeliveryForm,
    Grant,
    ItemDecision,
    LogAction,
    RequestItem,
    Status,
    Use,
    UseLog,
)
from luutru.accounts.actions import create_user, make_reader
from luutru.accounts.models import Reader, User, signed_in_user
from luutru.audit.actions import Actor, record
from luutru.organizations.models import Membership
from luutru.records.models import Document, Dossier

MAX_ITEMS = 50


# ---------------------------------------------------------------------------------------------
# Readers (độc giả)


@transaction.atomic
def register_reader(
    *,
    username: str,
    password: str,
    full_name: str,
    email: str,
    phone: str,
    date_of_birth: datetime.date,
    id_number: str,
    address: str,
    organization: str = "",
    purpose: str = "",
    consent_text: str = "",
) -> Reader:
    """A reader's self-registration; the account waits for staff approval (01 working day).

    ``consent_text``: the personal-data notice (NĐ 13/2023/NĐ-CP) the reader agreed to, kept
    with the time of agreement."""
    user = create_user(
        username=username, password=password, full_name=full_name, email=email, actor=None
    )
    user.phone = phone
    user.save(update_fields=["phone"])
    reader = make_reader(
        user, id_number=id_number, organization=organization, address=address, actor=user
    )
    reader.date_of_birth = date_of_birth
    reader.purpose = purpose
    reader.registered_at = timezone.now()
    if consent_text:
        reader.consent_text = consent_text
        reader.consent_at = reader.registered_at
    reader.save(
        update_fields=["date_of_birth", "purpose", "registered_at", "consent_text", "consent_at"]
    )
    return reader


@transaction.atomic
def approve_reader(reader: Reader, *, actor: Actor) -> Reader:
    if not services.can_handle(actor):
        raise ValidationError(_("Bạn không có quyền duyệt tài khoản độc giả."))
    reader = Reader.objects.select_for_update().get(pk=reader.pk)
    if reader.approved_at is not None:
        return reader
    reader.approved_at = timezone.now()
    reader.approved_by = signed_in_user(actor)
    reader.refused_at = None
    reader.refusal_reason = ""
    reader.save(update_fields=["approved_at", "approved_by", "refused_at", "refusal_reason"])
    record(
        AuditAction.READER_APPROVE,
        actor=actor,
        target=reader.user,
        message=f"Duyệt tài khoản độc giả “{reader.user.username}”.",
    )
    reader_id = reader.pk
    transaction.on_commit(lambda: notify.account_decided(reader_id))
    return reader


@transaction.atomic
def refuse_reader(reader: Reader, *, actor: Actor, reason: str) -> Reader:
    """Refuse a pending account, with the reason the reader is told (by e-mail and on their
    page). A refused account may still be approved later (after the reader explains)."""
    if not services.can_handle(actor):
        raise ValidationError(_("Bạn không có quyền duyệt tài khoản độc giả."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do từ chối để báo cho độc giả.")})
    reader = Reader.objects.select_for_update().get(pk=reader.pk)
    if reader.approved_at is not None:
        raise ValidationError(_("Tài khoản này đã được duyệt."))
    reader.refused_at = timezone.now()
    reader.refusal_reason = reason[:1000]
    reader.save(update_fields=["refused_at", "refusal_reason"])
    record(
        AuditAction.READER_REFUSE,
        actor=actor,
        target=reader.user,
        message=f"Từ chối tài khoản độc giả “{reader.user.username}”: {reason}",
    )
    reader_id = reader.pk
    transaction.on_commit(lambda: notify.account_decided(reader_id))
    return reader


# ---------------------------------------------------------------------------------------------
# Requests (phiếu yêu cầu)


@transaction.atomic
def submit_request(
    reader: User,
    *,
    codes: Iterable[str],
    purpose: str,
    fee_category: str,
    research_topic: str,
    form: str,
    days: int = services.MAX_DAYS,
) -> AccessRequest:
    """A reader's request. Codes that match nothing are kept as typed: the reader is told the
    same thing whether a code exists or not, and staff reject those items with a reason."""
    profile = Reader.objects.filter(user=reader).first()
    problem = services.why_cannot_submit(profile)
    if problem:
        raise ValidationError(problem)
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if not wanted:
        raise ValidationError({"codes": _("Hãy ghi ít nhất một mã hồ sơ hoặc mã tài liệu.")})
    if len(wanted) > MAX_ITEMS:
        raise ValidationError(
            {"codes": _("Một phiếu có tối đa %(count)s mã.") % {"count": MAX_ITEMS}}
        )
    if not 1 <= days <= services.MAX_DAYS:
        raise ValidationError({"days": _("Thời hạn khai thác từ 1 đến 15 ngày.")})
    now = timezone.now()
    request = AccessRequest(
        reader=reader,
        purpose=purpose,
        fee_category=fee_category,
        research_topic=research_topic,
        form=form,
        days=days,
        submitted_at=now,
        due_on=services.review_due(now),
    )
    request.full_clean()
    request.save()
    for code in wanted:
        found = services.resolve(code)
        RequestItem.objects.create(
            request=request,
            code=code[:100],
            document=found if isinstance(found, Document) else None,
            dossier=found if isinstance(found, Dossier) else None,
            regime=services.regime_of(found) if found is not None else "",
        )
    record(
        AuditAction.REQUEST_SUBMIT,
        actor=reader,
        target=request,
        message=f"Độc giả gửi phiếu yêu cầu số {request.number} ({len(wanted)} mục).",
        data={"codes": wanted, "form": form, "purpose": purpose},
    )
    return request


def _locked(request: AccessRequest) -> AccessRequest:
    return AccessRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def start_review(request: AccessRequest, *, actor: Actor) -> AccessRequest:
    if not services.can_handle(actor):
        raise ValidationError(_("Bạn không có quyền xử lý phiếu yêu cầu khai thác."))
    request = _locked(request)
    if request.status != Status.SUBMITTED:
        return request
    request.status = Status.REVIEW
    request.reviewer = signed_in_user(actor)
    request.save(update_fields=["status", "reviewer"])
    record(
        AuditAction.REQUEST_REVIEW,
        actor=actor,
        target=request,
        message=f"Tiếp nhận, xem xét phiếu yêu cầu số {request.number}.",
    )
    return request


@transaction.atomic
def approve_request(
    request: AccessRequest, *, actor: Actor, refused: Mapping[int, str] | None = None
) -> AccessRequest:
    """Approve: the grants for the granted period (from now, ``request.days`` days).

    ``refused``: item id → reason, for the items not given (each with the reason the reader is
    told); the others are approved. At least one item must be approved (else reject)."""
    request = _locked(request)
    if request.status not in OPEN_STATUSES:
        raise ValidationError(_("Phiếu này đã được quyết định."))
    refused = {int(k): v.strip() for k, v in (refused or {}).items()}
    items = list(request.items.all())
    unknown = set(refused) - {i.pk for i in items}
    if unknown:
        raise ValidationError(_("Mục không thuộc phiếu này."))
    missing = [i.code for i in items if i.pk in refused and not refused[i.pk]]
    if missing:
        raise ValidationError(
            _("Hãy ghi lý do không cung cấp “%(code)s” để báo cho độc giả.") % {"code": missing[0]}
        )
    if len(refused) == len(items):
        raise ValidationError(_("Không mục nào được cung cấp: hãy từ chối cả phiếu, ghi lý do."))
    problems = services.decision_problems(actor, request, refused=refused.keys())
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    until = now + datetime.timedelta(days=request.days)
    uses = FORM_USES[request.form]
    for item in items:
        if item.pk in refused:
            item.decision = ItemDecision.REFUSED
            item.reason = refused[item.pk][:1000]
            item.save(update_fields=["decision", "reason"])
            continue
        item.decision = ItemDecision.APPROVED
        item.save(update_fields=["decision"])
        Grant.objects.create(
            user=request.reader,
            document_id=item.document_id,
            dossier_id=item.dossier_id,
            uses=list(uses),
            valid_from=now,
            valid_until=until,
            granted_by=signed_in_user(actor),
            request=request,
        )
    request.status = Status.APPROVED
    request.decided_by = signed_in_user(actor)
    request.decided_at = now
    request.save(update_fields=["status", "decided_by", "decided_at"])
    record(
        AuditAction.REQUEST_APPROVE,
        actor=actor,
        target=request,
        message=(
            f"Duyệt phiếu yêu cầu số {request.number}: {request.get_form_display()}, "
            f"đến {timezone.localtime(until):%d/%m/%Y %H:%M}"
            + (f"; không cung cấp {len(refused)} mục." if refused else ".")
        ),
        data={
            "until": until.isoformat(),
            "uses": uses,
            "refused": {str(k): v for k, v in refused.items()},
        },
    )
    request_id = request.pk
    transaction.on_commit(lambda: notify.request_decided(request_id))
    return request


@transaction.atomic
def reject_request(request: AccessRequest, *, actor: Actor, reason: str) -> AccessRequest:
    if not services.can_handle(actor):
        raise ValidationError(_("Bạn không có quyền xử lý phiếu yêu cầu khai thác."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do từ chối để báo cho độc giả.")})
    request = _locked(request)
    if request.status not in OPEN_STATUSES:
        raise ValidationError(_("Phiếu này đã được quyết định."))
    request.status = Status.REJECTED
    request.decided_by = signed_in_user(actor)
    request.decided_at = timezone.now()
    request.reason = reason[:1000]
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    record(
        AuditAction.REQUEST_REJECT,
        actor=actor,
        target=request,
        message=f"Từ chối phiếu yêu cầu số {request.number}: {reason}",
    )
    request_id = request.pk
    transaction.on_commit(lambda: notify.request_decided(request_id))
    return request


def _stored(data: bytes, file_name: str, form: str) -> Delivery:
    """Write a delivery's file under its new token; the row is saved by the caller."""
    token = secrets.token_urlsafe(32)
    directory = Path(settings.ACCESS_DELIVERY_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{token}.bin").write_bytes(data)
    return Delivery(form=form, token=token, file_name=file_name, file_sha256=_sha256(data))


def delivery_path(delivery: Delivery) -> Path:
    return Path(settings.ACCESS_DELIVERY_DIR) / f"{delivery.token}.bin"


def deliver(request: AccessRequest, *, actor: Actor) -> AccessRequest:
    """Make what the approved request's form gives, then mark it delivered. Safe to run twice.

    Copies are made outside the transaction (files first, rows after): a crash leaves at worst
    an unreferenced file under ``ACCESS_DELIVERY_DIR``, which ``access_cleanup`` removes.
    """
    request = AccessRequest.objects.get(pk=request.pk)
    if request.status != Status.APPROVED:
        return request
    expires = (request.decided_at or timezone.now()) + datetime.timedelta(days=request.days)
    purge = expires + datetime.timedelta(days=services.PURGE_AFTER_DAYS)
    made: list[Delivery] = []
    if request.form == DeliveryForm.READING:
        made.append(Delivery(form=request.form, token=secrets.token_urlsafe(32)))
    else:
        files = signing.configured()
        dip_copies: list[dip.DipFile] = []
        for document in services.documents_of(request):
            data = services.original_bytes(document)
            if data is None:
                continue
            if request.form == DeliveryForm.COPY:
                out = copies.plain_copy(data)
            else:
                if not files.ready():
                    raise ValidationError(
                        _(
                            "Chưa cấu hình khóa và chứng thư số của cơ quan lưu trữ "
                            "(ACCESS_SIGNING_KEY, ACCESS_SIGNING_CERT): chưa tạo được bản sao có "
                            "xác thực."
                        )
                    )
                out = copies.certified_copy(
                    data,
                    signer_name=services.serving_agency_name(document),
                    key_file=files.key,
                    cert_file=files.cert,
                    chain_files=files.chain,
                )
            code = (document.archival_code or document.identifier or str(document.pk)).replace(
                "/", "-"
            )
            if request.form == DeliveryForm.DIP:
                dip_copies.append(dip.DipFile(document, f"{code}.pdf", out))
                continue
            made.append(_stored(out, f"{code}.ban-sao.pdf", request.form))
        if request.form == DeliveryForm.DIP and dip_copies:
            package = dip.build_dip(request, dip_copies)
            made.append(_stored(package, f"goi-tai-lieu-phieu-{request.number}.zip", request.form))
    with transaction.atomic():
        request = _locked(request)
        if request.status != Status.APPROVED:  # delivered meanwhile by another run
            for delivery in made:
                delivery_path(delivery).unlink(missing_ok=True)
            return request
        for delivery in made:
            delivery.request = request
            delivery.expires_at = expires
            delivery.purge_at = purge
            delivery.save()
        request.status = Status.DELIVERED
        request.delivered_at = timezone.now()
        request.save(update_fields=["status", "delivered_at"])
        record(
            AuditAction.REQUEST_DELIVER,
            actor=actor,
            target=request,
            message=(
                f"Cung cấp {request.get_form_display().lower()} cho phiếu số {request.number} "
                f"({len(made)} bản)."
            ),
        )
        request_id = request.pk
        transaction.on_commit(lambda: notify.request_delivered(request_id))
    return request


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def close_request(request: AccessRequest, *, actor: Actor) -> AccessRequest:
    request = _locked(request)
    if request.status in (Status.CLOSED, Status.REJECTED):
        return request
    request.status = Status.CLOSED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    Grant.objects.filter(request=request, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(
        AuditAction.REQUEST_CLOSE,
        actor=actor,
        target=request,
        message=f"Kết thúc phiếu yêu cầu số {request.number}.",
    )
    return request


EXPIRY_NOTICE = datetime.timedelta(days=2)


def notify_expiring(now: datetime.datetime | None = None) -> int:
    """Tell each reader, once, that a delivered request's period ends within two days.
    Idempotent (``expiry_notified_at``); returns how many readers were told."""
    now = now or timezone.now()
    told = 0
    for request in AccessRequest.objects.filter(
        status=Status.DELIVERED, expiry_notified_at__isnull=True, decided_at__isnull=False
    ):
        assert request.decided_at is not None
        end = request.decided_at + datetime.timedelta(days=request.days)
        if not now < end <= now + EXPIRY_NOTICE:
            continue
        claimed = AccessRequest.objects.filter(
            pk=request.pk, expiry_notified_at__isnull=True
        ).update(expiry_notified_at=now)
        if claimed:
            notify.request_expiring(request.pk)
            told += 1
    return told


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete deliveries 5 days after their period (Điều 37) and close their requests; remove
    delivery files no row names. Idempotent; returns how many deliveries were purged."""
    now = now or timezone.now()
    purged = 0
    for delivery in Delivery.objects.filter(purge_at__lte=now, purged_at__isnull=True):
        delivery_path(delivery).unlink(missing_ok=True)
        with transaction.atomic():
            updated = Delivery.objects.filter(pk=delivery.pk, purged_at__isnull=True).update(
                purged_at=now
            )
            if updated:
                purged += 1
                record(
                    AuditAction.DELIVERY_PURGE,
                    actor=None,
                    target=delivery.request,
                    message=(
                        f"Xóa {delivery.get_form_display().lower()} của phiếu số "
                        f"{delivery.request.number} sau khi hết hạn 5 ngày."
                    ),
                )
    for request in AccessRequest.objects.filter(status=Status.DELIVERED, decided_at__isnull=False):
        assert request.decided_at is not None
        end = request.decided_at + datetime.timedelta(days=request.days + services.PURGE_AFTER_DAYS)
        if end <= now:
            close_request(request, actor=None)
    directory = Path(settings.ACCESS_DELIVERY_DIR)
    if directory.exists():
        known = set(Delivery.objects.filter(purged_at__isnull=True).values_list("token", flat=True))
        settled = now.timestamp() - 3600  # a file younger than an hour may be a delivery in making
        for path in directory.glob("*.bin"):
            if path.stem not in known and path.stat().st_mtime < settled:
                path.unlink(missing_ok=True)
    return purged


# ---------------------------------------------------------------------------------------------
# The use log (nhật ký khai thác)


def log_use(
    user: Actor,
    action: str,
    *,
    document: Document | None = None,
    dossier: Dossier | None = None,
    request: AccessRequest | None = None,
    detail: str = "",
) -> None:
    record_agency = document.agency_id if document else dossier.agency_id if dossier else None
    UseLog.objects.create(
        user=signed_in_user(user),
        action=action,
        document=document,
        dossier=dossier,
        agency_id_at=record_agency,
        request=request,
        detail=detail[:200],
    )


__all__ = [
    "LogAction",
    "approve_reader",
    "approve_request",
    "close_request",
    "deliver",
    "log_use",
    "notify_expiring",
    "purge_expired",
    "refuse_reader",
    "register_reader",
    "reject_request",
    "start_review",
    "submit_request",
]


# ---------------------------------------------------------------------------------------------
# Need-to-know grants of Mật records to staff (policy: staff in scope list them, nothing more)


@transaction.atomic
def grant_staff_access(
    user: User,
    target: Document | Dossier,
    *,
    uses: Iterable[str],
    until: datetime.datetime,
    reason: str,
    actor: Actor,
) -> Grant:
    """Let a staff member use one Mật record ``target`` (a dossier: with its documents) for
    ``uses`` until ``until``, for the stated ``reason``. Never to the KPI viewer, who follows
    figures, not content; never for listing, which scope already gives."""
    chosen = sorted({str(use) for use in uses} & {Use.READ, Use.DOWNLOAD, Use.COPY})
    if not chosen:
        raise ValidationError(_("Chọn ít nhất một quyền: đọc, tải về hoặc sao."))
    if not reason.strip():
        raise ValidationError(_("Phải ghi lý do cấp quyền."))
    now = timezone.now()
    if until <= now:
        raise ValidationError(_("Thời hạn phải ở sau thời điểm hiện tại."))
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if not roles or roles == {"reader"}:
        raise ValidationError(_("Chỉ cấp quyền này cho cán bộ."))
    if "kpi_viewer" in roles:
        raise ValidationError(
            _("Không cấp quyền đọc tài liệu Mật cho tài khoản theo dõi chỉ tiêu.")
        )
    grant = Grant.objects.create(
        user=user,
        dossier=target if isinstance(target, Dossier) else None,
        document=target if isinstance(target, Document) else None,
        uses=chosen,
        valid_from=now,
        valid_until=until,
        granted_by=signed_in_user(actor),
        reason=reason.strip(),
    )
    record(
        AuditAction.STAFF_GRANT,
        actor=actor,
        target=grant,
        message=(
            f"Cấp cho “{user.username}” quyền {', '.join(chosen)} tài liệu Mật "
            f"{target} đến {timezone.localtime(until):%d/%m/%Y %H:%M}. Lý do: {reason.strip()}"
        ),
        data={"user": user.username, "uses": chosen, "until": until.isoformat()},
    )
    return grant


@transaction.atomic
def revoke_grant(grant: Grant, *, actor: Actor) -> Grant:
    """Thu hồi: the grant stops counting at once (kept, with when it was revoked)."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None:
        return grant
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    record(
        AuditAction.STAFF_GRANT_REVOKE,
        actor=actor,
        target=grant,
        message=f"Thu hồi quyền của “{grant.user.username}” với {grant.document or grant.dossier}.",
    )
    return grant
