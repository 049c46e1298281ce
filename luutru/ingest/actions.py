"""Every state change of a transfer (lần nộp lưu): receiving a package, running it through the
pipeline, and the archive's decision on it — accept it into the holdings (tiếp nhận) or return
it to the agency (trả lại).

TT 05/2025 Điều 17-25: the archive checks what an agency hands over and then confirms it. Until
then the transfer's records are only received (``Custody.RECEIVED``): the access policy shows
them to the staff in scope and nobody else. Each action is atomic and writes its audit event in
the same transaction. A refusal is a ``ValidationError`` with a Vietnamese message and a stable
``code``, and changes nothing: ``not_received`` (the transfer is not waiting for a decision),
``forbidden`` (the actor may not decide, or not on this agency's transfers), ``own_transfer``
(the actor submitted it), ``missing_reason`` and ``in_use`` (returning only).
"""

from __future__ import annotations

import logging
import shutil
import uuid
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from luutru.accounts.models import signed_in_user
from luutru.audit.actions import Actor, record
from luutru.ingest.models import AuditAction, Transfer, TransferState
from luutru.ingest.pipeline import run_transfer
from luutru.ingest.services import ACCEPT_TRANSFER
from luutru.ingest.staging import Staged, stage, unstage
from luutru.ingest.tasks import ingest_transfer
from luutru.organizations.models import Agency
from luutru.organizations.services import agencies_in_scope
from luutru.records.actions import publish_on_acceptance
from luutru.records.models import SECRET_REGIME, Custody, Document, DocumentFile, Dossier
from luutru.records.signals import records_ingested
from luutru.storage.actions import remove_partial_writes, seal_files
from luutru.storage.backends import StorageError
from luutru.storage.sealing import key_configured
from luutru.storage.services import staging

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024


@transaction.atomic
def receive_package(
    path: Path,
    *,
    agency: Agency,
    actor: Actor,
    dry_run: bool = False,
    name: str = "",
    staged: Staged | None = None,
) -> Transfer:
    """Register a package (a folder or a .zip on this server, or ``staged`` in the object
    store) as a transfer from an agency.

    The transfer starts ``queued``: the pipeline (``ingest`` here, or the background task)
    takes it from there.
    """
    transfer = Transfer.objects.create(
        agency=agency,
        submitted_by=signed_in_user(actor),
        package_name=name or path.name,
        package_path=staged.location if staged else str(path.resolve()),
        package_object=staged.name if staged else "",
        package_sha256=staged.sha256 if staged else "",
        dry_run=dry_run,
    )
    record(
        AuditAction.TRANSFER_RECEIVE,
        actor=actor,
        target=transfer,
        message=(
            f"Nhận gói “{transfer.package_name}” của {agency.name}"
            + (" để kiểm tra thử." if dry_run else ".")
        ),
        data={"agency": agency.code, "dry_run": dry_run},
    )
    return transfer


def submit_package(
    upload: UploadedFile[bytes], *, agency: Agency, actor: Actor, dry_run: bool = False
) -> Transfer:
    """A package uploaded through the web or the API: saved, registered, and queued for the worker.

    With the primary storage in an object store the saved package is put there
    (``staging.stage``) so that a worker on another machine can fetch it, and the local copy
    goes. All or nothing: the store refusing or unreachable is a ``ValidationError``
    (``storage_unavailable``) and no transfer; if registering fails, the saved file and the
    staged object are removed. The worker gets the transfer's id only once the row is
    committed.
    """
    path = save_upload(upload)
    staged = None
    try:
        try:
            staged = stage(path)
        except StorageError as exc:
            log.error("uploaded package %s could not be staged: %s", path.name, exc)
            raise ValidationError(
                f"Chưa nhận được gói “{upload.name or path.name}”: không ghi được gói vào kho "
                "lưu trữ (kho đối tượng không trả lời hoặc từ chối). Gói chưa được nộp; hãy thử "
                "lại sau ít phút hoặc báo quản trị hệ thống.",
                code="storage_unavailable",
            ) from exc
        with transaction.atomic():
            transfer = receive_package(
                path, agency=agency, actor=actor, dry_run=dry_run,
                name=upload.name or path.name, staged=staged,
            )  # fmt: skip
            transaction.on_commit(lambda: ingest_transfer.enqueue(str(transfer.pk)))
    except BaseException:
        path.unlink(missing_ok=True)
        if staged is not None:
            unstage(staged.name)
        raise
    if staged is not None:
        path.unlink(missing_ok=True)  # the worker fetches the staged copy
    return transfer


def save_upload(upload: UploadedFile[bytes]) -> Path:
    """Copy an uploaded package to ``INGEST_UPLOAD_DIR/<uuid>.zip``, a chunk at a time.

    A single edXML message (``.edxml``) is stored as a zip holding just that file, which the
    pipeline reads like a folder of messages. Written under a ``.part`` name and renamed when
    complete, so a half-written upload is never mistaken for a package.
    """
    folder = Path(settings.INGEST_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4()}.zip"
    partial = target.with_suffix(".zip.part")
    name = PurePath((upload.name or "").replace("\\", "/")).name
    try:
        if name.lower().endswith(".edxml"):
            # Stored, not deflated: the message is mostly base64 already, and the zip is ours.
            with zipfile.ZipFile(partial, "x") as archive, archive.open(name, "w") as out:
                for chunk in upload.chunks(CHUNK):
                    out.write(chunk)
        else:
            with partial.open("xb") as raw:
                for chunk in upload.chunks(CHUNK):
                    raw.write(chunk)
        partial.rename(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def ingest(transfer: Transfer, *, take_over: bool = False) -> Transfer:
    """Run the pipeline now, in this process (the CLI; the web uses the background task).

    ``take_over``: the operator resumes a transfer by hand (``luutru ingest --resume ID``) even
    if it is still marked running; a worker still on it stops at its next report.
    """
    return run_transfer(transfer.pk, take_over=take_over)


@transaction.atomic
def resume_transfer(transfer: Transfer, *, actor: Actor) -> Transfer:
    """Queue again a transfer whose worker stopped reporting (killed, machine restarted).

    The pipeline is resumable and all-or-nothing: the new run repeats the checks, finds the
    files already stored and creates the records once. The transfer's page says it was resumed.
    Refused (``not_stalled``) unless the transfer is running and silent for
    ``INGEST_STALL_SECONDS``.
    """
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if not locked.stalled:
        raise ValidationError(
            f"Gói “{locked.package_name}” không bị gián đoạn; không cần tiếp tục.",
            code="not_stalled",
        )
    silent_since = locked.heartbeat_at or locked.created_at
    step = locked.step
    locked.state = TransferState.QUEUED
    locked.resume_count += 1
    locked.resumed_at = timezone.now()
    locked.save(update_fields=["state", "resume_count", "resumed_at"])
    record(
        AuditAction.TRANSFER_RESUME,
        actor=actor,
        target=locked,
        message=(
            f"Tự tiếp tục xử lý gói “{locked.package_name}” sau khi tiến trình xử lý bị gián "
            f"đoạn (không báo tiến độ từ {timezone.localtime(silent_since):%H:%M:%S %d/%m/%Y}"
            + (f", ở bước {step}" if step else "")
            + ")."
        ),
        data={
            "step": step,
            "attempt": locked.attempt,
            "silent_since": silent_since.isoformat(),
            "resume_count": locked.resume_count,
        },
    )
    pk = str(locked.pk)
    transaction.on_commit(lambda: ingest_transfer.enqueue(pk))
    return locked


def resume_stalled() -> list[Transfer]:
    """Queue again every transfer whose worker stopped reporting (run by a timer, or by hand:
    ``luutru ingest --resume-stalled``)."""
    resumed = []
    for transfer in Transfer.objects.stalled().order_by("created_at"):
        try:
            resumed.append(resume_transfer(transfer, actor=None))
        except ValidationError:  # it reported again meanwhile
            continue
    return resumed


def report(transfer: Transfer) -> dict[str, Any]:
    """The transfer's outcome in the JSON shape of docs/interfaces.md.

    ``accepted`` (the first contract's key) says the package passed every check; ``state``
    says where it went: ``received`` (waiting for the archive), ``accepted`` (in the holdings),
    ``rejected``, ``checked`` (a dry run), or ``queued``/``running``/``returned``/``failed``.
    """
    return {
        "accepted": transfer.valid,
        "state": transfer.state,
        "transfer": str(transfer.pk),
        "dossiers": transfer.dossier_count,
        "documents": transfer.document_count,
        "files": transfer.file_count,
        "errors": transfer.errors,
        "warnings": transfer.warnings,
    }


# ---------------------------------------------------------------------------------------------
# Leftovers


# A transfer in one of these states may still need its package (``failed`` can be run again).
UNFINISHED_STATES = frozenset({TransferState.QUEUED, TransferState.RUNNING, TransferState.FAILED})


def clean_leftovers(*, actor: Actor = None, now: datetime | None = None) -> dict[str, int]:
    """Remove what uploads, runs and writes left behind, once older than
    ``LEFTOVERS_MAX_AGE_HOURS``; the counts by kind (the ``luutru clean_leftovers`` timer).

    - ``packages``: uploaded packages in ``INGEST_UPLOAD_DIR`` whose transfer is finished
      (received, accepted, returned, rejected, checked: its files are stored or were refused),
      ``.part`` files of uploads cut off while saved, and packages no transfer refers to; the
      same for packages staged in the object store (``incoming/`` there, ``staging``) that
      a crash kept from being removed when their transfer finished;
    - ``spooled``: Django's temporary files of uploads killed before the view saw them;
    - ``work``: work folders of runs that were killed;
    - ``partial_blobs``: partial writes in either storage (``storage.remove_partial_writes``).

    Never a file of a transfer still queued, running or failed (it may be resumed), and never
    a package outside the upload folder (one the CLI read in place). Age is the file's
    modification time: a file being written is fresh. Logged, and audited when anything went.
    """
    cutoff = (now or timezone.now()) - timedelta(hours=settings.LEFTOVERS_MAX_AGE_HOURS)
    in_progress = set(
        Transfer.objects.filter(state__in=UNFINISHED_STATES).values_list("package_path", flat=True)
    )
    running = {
        str(pk)
        for pk in Transfer.objects.filter(state=TransferState.RUNNING).values_list("pk", flat=True)
    }
    uploads = Path(settings.INGEST_UPLOAD_DIR)
    spool = Path(settings.FILE_UPLOAD_TEMP_DIR)
    counts = {
        "packages": _remove_old(
            _files(uploads), cutoff, keep=lambda p: str(p.resolve()) in in_progress
        )
        + _remove_old_staged(cutoff),
        "spooled": _remove_old(_files(spool), cutoff),
        "work": _remove_old(
            _folders(Path(settings.INGEST_WORK_DIR)), cutoff, keep=lambda p: p.name in running
        ),
        "partial_blobs": sum(remove_partial_writes(cutoff).values()),
    }
    log.info("leftovers older than %s removed: %s", cutoff.isoformat(), counts)
    if any(counts.values()):
        record(
            AuditAction.LEFTOVERS_CLEANUP,
            actor=actor,
            message=(
                f"Dọn phần bỏ dở quá {settings.LEFTOVERS_MAX_AGE_HOURS} giờ: {counts['packages']} "
                f"gói đã tải lên, {counts['spooled']} tệp tạm của lần tải lên bị ngắt, "
                f"{counts['work']} thư mục xử lý, {counts['partial_blobs']} tệp ghi dở trong kho."
            ),
            data={**counts, "older_than": cutoff.isoformat()},
        )
    return counts


def _remove_old_staged(cutoff: datetime) -> int:
    """Staged packages older than ``cutoff`` that no queued, running or failed transfer needs
    (none while the store cannot be reached: they wait for the next run)."""
    store = staging()
    if store is None or not store.available():
        return 0
    removed = 0
    for name, written in store.staged().items():
        if written >= cutoff:
            continue
        needed = Transfer.objects.filter(package_object=name, state__in=UNFINISHED_STATES)
        if needed.exists():
            continue
        store.remove_staged(name)
        removed += 1
    return removed


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []


def _folders(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []


def _remove_old(
    paths: list[Path], cutoff: datetime, keep: Callable[[Path], bool] = lambda _p: False
) -> int:
    removed = 0
    for path in paths:
        try:
            if path.stat().st_mtime >= cutoff.timestamp() or keep(path):
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:  # removed meanwhile (a run finished, an upload completed)
            continue
        removed += 1
    return removed


# ---------------------------------------------------------------------------------------------
# Mật files encrypted at rest (ADR 0011)


def seal_secret_files() -> list[str]:
    """Seal every file of a Mật (03) record not sealed yet (a record whose regime became 03, a
    crash between its ingest and its sealing), and remove the plaintext left beside a sealed
    file; the digests sealed now. ``luutru seal_secret_files``, daily; nothing without
    ``MAT_KEY_FILE``. Idempotent."""
    if not key_configured():
        return []
    secret = Q(document__access_regime=SECRET_REGIME) | Q(
        document__dossier__access_regime=SECRET_REGIME
    )
    digests = set(
        DocumentFile.objects.filter(secret).values_list("stored__sha256", flat=True).distinct()
    )
    sealed = seal_files(sorted(digests))
    if sealed:
        record(
            AuditAction.FILES_SEAL,
            actor=None,
            message=f"Mã hóa {len(sealed)} tệp của hồ sơ, tài liệu Mật (khóa MAT_KEY_FILE).",
            data={"files": sealed},
        )
    return sealed


# ---------------------------------------------------------------------------------------------
# The archive's decision


@transaction.atomic
def accept_transfer(transfer: Transfer, actor: Any, *, automatic: bool = False) -> Transfer:
    """Take a received transfer into the holdings: its records become held, the transfer
    ``accepted``, who and when are kept, and the handover record (biên bản giao nhận, with both
    sides' names) can be printed from then on (``outputs.handover_pdf``).

    ``actor`` is the archivist deciding, or ``None`` for the operator at the console.
    ``automatic`` is the pipeline accepting on receipt (``Agency.accept_on_receipt``): no one
    decided, and the audit event says so. On commit, ``records_ingested`` tells indexing,
    preservation (AIPs) and OCR that the records entered the holdings.
    Cost: two bulk updates and a handful of queries, whatever the size.
    """
    locked = _locked(transfer)
    if not automatic:
        _check_decision(locked, actor, "tiếp nhận")
    elif locked.state != TransferState.RECEIVED:
        raise ValidationError(_state_refusal(locked, "tiếp nhận"), code="not_received")
    agency = locked.agency
    Dossier.objects.filter(transfers=locked).update(custody=Custody.HELD)
    documents = Document.objects.filter(transfers=locked)
    documents.update(custody=Custody.HELD)
    locked.state = TransferState.ACCEPTED
    locked.decided_by = _person(actor)
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    message = (
        f"Tiếp nhận vào kho gói “{locked.package_name}” của {agency.name}: "
        f"{locked.dossier_count} hồ sơ, {locked.document_count} tài liệu, {locked.file_count} "
        "tệp; lập biên bản giao nhận."
    )
    if automatic:
        message += " Tiếp nhận ngay khi nhận gói theo thiết lập của cơ quan nộp lưu."
    record(
        AuditAction.TRANSFER_ACCEPT,
        actor=actor,
        target=locked,
        message=message,
        data={
            "agency": agency.code,
            "automatic": automatic,
            "dossiers": sorted(
                Dossier.objects.filter(transfers=locked).values_list("code", flat=True)
            ),
            "documents": locked.document_count,
        },
    )
    ids = list(documents.values_list("pk", flat=True))
    transaction.on_commit(
        lambda: records_ingested.send(sender=Transfer, transfer_id=locked.pk, document_ids=ids)
    )
    _after_acceptance(locked, actor)
    return locked


def _after_acceptance(transfer: Transfer, actor: Actor) -> None:
    """What follows a transfer into the holdings: each fonds' publication policy.

    Called by ``accept_transfer`` inside its transaction, after the records became held and
    the acceptance was audited, whether an archivist accepted or the agency's policy accepted
    on receipt. Records are public only when published: a fonds that publishes its Công khai
    records on acceptance publishes them now, and the public doors (OAI-PMH, search) hear of
    every accepted record; it commits or rolls back with the acceptance.
    """
    records: list[Dossier | Document] = [
        *Dossier.objects.filter(transfers=transfer),
        *Document.objects.filter(transfers=transfer),
    ]
    publish_on_acceptance(records, actor)


@transaction.atomic
def return_transfer(transfer: Transfer, actor: Any, reason: str) -> Transfer:
    """Send a received transfer back to its agency with a reason the clerk reads on the
    transfer's page. Its records are removed (they never entered the holdings) so that the
    agency can send a corrected package with the same codes; the stored files stay, since
    storage is content-addressed and the corrected package will mostly hold the same files.

    Refused while a record of the transfer is referred to elsewhere (a scan batch, …).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            "Cần ghi lý do trả lại để cơ quan nộp lưu biết phải sửa gì.", code="missing_reason"
        )
    locked = _locked(transfer)
    _check_decision(locked, actor, "trả lại")
    dossiers = Dossier.objects.filter(transfers=locked, custody=Custody.RECEIVED)
    codes = sorted(dossiers.values_list("code", flat=True))
    dossier_ids = list(dossiers.values_list("pk", flat=True))
    document_ids = list(
        Document.objects.filter(transfers=locked, custody=Custody.RECEIVED).values_list(
            "pk", flat=True
        )
    )
    try:
        with transaction.atomic():
            Document.objects.filter(pk__in=document_ids).delete()
            Dossier.objects.filter(pk__in=dossier_ids).delete()
    except ProtectedError as exc:
        used = next(iter(exc.protected_objects), None)
        where = f" ({used._meta.verbose_name} “{used}”)" if used is not None else ""
        raise ValidationError(
            f"Không trả lại được lần nộp lưu “{locked.package_name}”: hồ sơ, tài liệu của nó đang "
            f"được dùng ở nơi khác{where}. Hãy gỡ liên kết đó trước.",
            code="in_use",
        ) from None
    locked.state = TransferState.RETURNED
    locked.return_reason = reason
    locked.decided_by = _person(actor)
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "return_reason", "decided_by", "decided_at"])
    record(
        AuditAction.TRANSFER_RETURN,
        actor=actor,
        target=locked,
        message=(
            f"Trả lại gói “{locked.package_name}” cho {locked.agency.name}; gỡ "
            f"{len(dossier_ids)} hồ sơ, {len(document_ids)} tài liệu chưa vào kho. Lý do: {reason}"
        ),
        data={"agency": locked.agency.code, "reason": reason, "dossiers": codes,
              "documents": len(document_ids)},
    )  # fmt: skip
    return locked


def _locked(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=transfer.pk)
    )


def _person(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _check_decision(transfer: Transfer, actor: Any, verb: str) -> None:
    """Refuse a decision the transfer's state or the actor does not allow (``None``: the
    operator at the console, who may)."""
    if transfer.state != TransferState.RECEIVED:
        raise ValidationError(_state_refusal(transfer, verb), code="not_received")
    if actor is None:
        return
    name = actor.get_username() if actor.is_authenticated else "khách"
    if not actor.is_authenticated or not actor.has_perm(ACCEPT_TRANSFER):
        raise ValidationError(
            f"Tài khoản {name} không có quyền tiếp nhận hay trả lại lần nộp lưu; việc này của "
            "lưu trữ viên, lãnh đạo lưu trữ hoặc quản trị hệ thống.",
            code="forbidden",
        )
    if not agencies_in_scope(actor).filter(pk=transfer.agency_id).exists():
        raise ValidationError(
            f"Tài khoản {name} không phụ trách hồ sơ của {transfer.agency.name}.",
            code="forbidden",
        )
    if transfer.submitted_by_id == actor.pk:
        raise ValidationError(
            f"Không được tự {verb} lần nộp lưu do chính mình nộp; một lưu trữ viên khác "
            f"phải {verb}.",
            code="own_transfer",
        )


def _state_refusal(transfer: Transfer, verb: str) -> str:
    """Why a transfer in this state cannot be accepted or returned, in words for the user."""
    name = f"“{transfer.package_name}”"
    when = ""
    if transfer.decided_at is not None:
        when = f" lúc {timezone.localtime(transfer.decided_at):%H:%M %d/%m/%Y}"
    state = transfer.state
    if state == TransferState.ACCEPTED:
        return f"Lần nộp lưu {name} đã được tiếp nhận vào kho{when}; không {verb} lần nữa được."
    if state == TransferState.RETURNED:
        return f"Lần nộp lưu {name} đã được trả lại cho cơ quan nộp lưu{when}."
    if state == TransferState.REJECTED:
        return (
            f"Gói {name} bị từ chối vì không hợp lệ ({len(transfer.errors)} lỗi) nên không có gì "
            f"để {verb}; cơ quan nộp lưu cần sửa lỗi rồi nộp lại."
        )
    if state == TransferState.CHECKED:
        return f"Lần {name} chỉ kiểm tra thử, không lưu hồ sơ nào nên không có gì để {verb}."
    if state == TransferState.FAILED:
        return (
            f"Gói {name} gặp lỗi hệ thống khi kiểm tra; cần chạy lại (luutru ingest --resume "
            f"{transfer.pk}) trước khi {verb}."
        )
    return f"Gói {name} đang được kiểm tra; chờ kiểm tra xong rồi mới {verb} được."


def refusal_code(exc: ValidationError) -> str:
    """The stable code of an action's refusal , ``invalid`` if it has none."""
    errors = exc.error_list if hasattr(exc, "error_list") else [exc]
    return next((str(e.code) for e in errors if e.code), "invalid")
