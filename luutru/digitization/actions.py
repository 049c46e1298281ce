"""State changes of digitization: batches are created, their pages edited, recognised,
accepted into documents or rejected. Each change is atomic and audited.

Files are checked before anything is stored (``sources.inspect_file``): a batch with a bad
file is refused whole, with one message per file, so no half-built batch exists. Accepting
builds every PDF/A first, then creates the documents and their files in one transaction.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from luutru.accounts.models import signed_in_user
from luutru.audit.actions import Actor, record
from luutru.digitization import ocr, quality, signing, sources
from luutru.digitization.models import (
    CLAIMABLE_STATES,
    EDITABLE_STATES,
    WORKER_CLAIM,
    AuditAction,
    BatchState,
    FileText,
    PageState,
    ScanBatch,
    ScanItem,
    ScanPage,
)
from luutru.digitization.pages import BEAT_SECONDS, PageJob, PageResult, recognise
from luutru.digitization.services import copy_out, store_bytes, store_path
from luutru.lib.pdfsign import SigningError
from luutru.lib.vietnamese import nfc
from luutru.records.models import Document, DocumentFile, Dossier, FileRole
from luutru.records.signals import records_ingested
from luutru.workers.models import WorkerBeat

log = logging.getLogger(__name__)
DIGITIZED = "02"  # mức độ tin cậy: Số hóa
MIXED = "03"  # Hỗn hợp
BORN_DIGITAL = "01"


class BatchInputError(ValidationError):
    """Files refused before anything was stored; ``problems`` are dicts with file, code,
    message (the ``errors`` of ``luutru digitize --json``)."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__([p["message"] for p in problems])
        self.problems = problems


@dataclass
class Upload:
    path: Path  # on this server
    name: str  # as the operator knows it


@dataclass
class ItemSpec:
    """Pages that become one document: its files in order, and what is known of it."""

    files: list[Upload]
    summary: str = ""
    doc_type: str = ""
    issued_date: datetime.date | None = None
    document: Document | None = None
    number: str = ""
    notation: str = ""
    issuer: str = ""
    sheet_count: int | None = None
    physical_condition: str = ""


@dataclass
class _Checked:
    upload: Upload
    info: sources.FileInfo
    stored_sha: str = ""


@dataclass
class _Plan:
    items: list[tuple[ItemSpec, list[_Checked]]] = field(default_factory=list)


def _check(specs: Sequence[ItemSpec], already: int = 0) -> _Plan:
    problems: list[dict[str, Any]] = []
    plan = _Plan()
    total = already
    files = already + sum(len(spec.files) for spec in specs)
    if files > settings.DIGITIZATION_MAX_PAGES:  # every file has a page at least: no need to open
        raise BatchInputError([_too_many(files)])
    for spec in specs:
        checked = []
        for upload in spec.files:
            try:
                info = sources.inspect_file(upload.path, upload.name)
            except sources.InputError as exc:
                problems.append({"file": upload.name, "code": exc.code, "message": exc.message})
                continue
            total += info.pages
            checked.append(_Checked(upload, info))
        plan.items.append((spec, checked))
    if total > settings.DIGITIZATION_MAX_PAGES:
        problems.append(_too_many(total))
    if not problems and total == already:
        problems.append({"file": "", "code": "empty_batch", "message": "Chưa có trang quét nào."})
    if problems:
        raise BatchInputError(problems)
    return plan


def _too_many(pages: int) -> dict[str, Any]:
    return {
        "file": "",
        "code": "too_many_pages",
        "message": f"Lô có {pages} trang, vượt giới hạn {settings.DIGITIZATION_MAX_PAGES} trang "
        "một lô; hãy chia thành nhiều lô.",
    }


def _store_originals(plan: _Plan) -> None:
    for _spec, checked in plan.items:
        for c in checked:
            c.stored_sha = store_path(c.upload.path, c.info.kind).sha256


def _add_pages(item: ScanItem, checked: list[_Checked], start: int) -> list[ScanPage]:
    pages = []
    position = start
    for c in checked:
        for frame in range(c.info.pages):
            position += 1
            name = c.upload.name if c.info.pages == 1 else f"{c.upload.name} (trang {frame + 1})"
            pages.append(
                ScanPage(
                    item=item,
                    position=position,
                    original_id=_stored_id(c.stored_sha),
                    source_name=nfc(name)[:255],
                    kind=c.info.kind,
                    frame=frame,
                )
            )
    return ScanPage.objects.bulk_create(pages)


def _stored_id(sha256: str) -> int:
    from luutru.storage.models import StoredFile

    return StoredFile.objects.only("pk").get(sha256=sha256).pk


def create_batch(
    dossier: Dossier,
    items: Sequence[ItemSpec],
    *,
    actor: Actor,
    paper_code: str = "",
    name: str = "",
    source: str = "web",
) -> ScanBatch:
    """A batch of scans for a dossier, queued for recognition once committed.

    Every file is checked first; any bad file (empty, damaged, not an image, locked PDF) or
    too many pages refuses the whole batch with ``BatchInputError`` and nothing is stored.
    """
    plan = _check(items)
    _store_originals(plan)
    with transaction.atomic():
        batch = ScanBatch.objects.create(
            dossier=dossier,
            agency=dossier.agency,
            operator=signed_in_user(actor),
            name=nfc(name.strip())[:255] or f"Số hóa hồ sơ {dossier.code}",
            source=source,
            paper_code=nfc(paper_code.strip())[:100],
        )
        total = 0
        for position, (spec, checked) in enumerate(plan.items, start=1):
            item = ScanItem.objects.create(
                batch=batch,
                position=position,
                summary=nfc(spec.summary.strip())[:500],
                doc_type=spec.doc_type,
                issued_date=spec.issued_date,
                document=spec.document,
                number=nfc(spec.number)[:11],
                notation=nfc(spec.notation)[:30],
                issuer=nfc(spec.issuer)[:200],
                sheet_count=spec.sheet_count,
                physical_condition=spec.physical_condition,
            )
            total += len(_add_pages(item, checked, 0))
        batch.page_total = total
        batch.save(update_fields=["page_total"])
        record(
            AuditAction.BATCH_CREATE,
            actor=actor,
            target=batch,
            message=f"Tạo lô số hóa “{batch.name}” cho hồ sơ {dossier.code}: {total} trang.",
            data={"dossier": dossier.code, "pages": total, "items": len(plan.items)},
        )
        _enqueue_on_commit(batch)
    return batch


def _enqueue_on_commit(batch: ScanBatch, *, always: bool = False) -> None:
    if batch.source != "web" and not always:
        return  # the CLI and the demo recognise in their own process
    from luutru.digitization.tasks import digitize_batch

    pk = str(batch.pk)
    transaction.on_commit(lambda: digitize_batch.enqueue(pk))


def _editable(batch: ScanBatch) -> ScanBatch:
    batch = ScanBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state not in EDITABLE_STATES:
        raise ValidationError(
            _("Lô “%(name)s” đang %(state)s; không sửa trang được.")
            % {"name": batch.name, "state": batch.get_state_display().lower()}
        )
    return batch


def _requeue(batch: ScanBatch) -> None:
    batch.page_total = ScanPage.objects.filter(item__batch=batch).count()
    batch.page_done = (
        ScanPage.objects.filter(item__batch=batch).exclude(state=PageState.PENDING).count()
    )
    # A queued batch already has its task waiting.
    if batch.page_done < batch.page_total and batch.state != BatchState.QUEUED:
        batch.state = BatchState.QUEUED
        _enqueue_on_commit(batch)
    batch.save(update_fields=["page_total", "page_done", "state"])


def _forget_corrected_text(item: ScanItem) -> None:
    """A corrected text no longer matches pages that changed: the new OCR text replaces it."""
    ScanItem.objects.filter(pk=item.pk).update(text="")


def add_pages(item: ScanItem, files: Sequence[Upload], *, actor: Actor) -> list[ScanPage]:
    """Append scanned pages to a document of a batch (checked first, as ``create_batch``)."""
    already = ScanPage.objects.filter(item__batch_id=item.batch_id).count()
    plan = _check([ItemSpec(files=list(files))], already=already)
    _store_originals(plan)
    with transaction.atomic():
        batch = _editable(item.batch)
        last = item.pages.aggregate(m=Max("position"))["m"] or 0
        pages = _add_pages(item, plan.items[0][1], last)
        _forget_corrected_text(item)
        _requeue(batch)
        record(
            AuditAction.PAGES_ADD,
            actor=actor,
            target=batch,
            message=f"Thêm {len(pages)} trang vào lô “{batch.name}”.",
            data={"item": item.position, "pages": len(pages)},
        )
    return pages


def replace_page(page: ScanPage, upload: Upload, *, actor: Actor) -> ScanPage:
    """Put a new scan in place of a page (one image); it is checked and recognised again."""
    plan = _check([ItemSpec(files=[upload])], already=0)
    checked = plan.items[0][1][0]
    if checked.info.pages != 1:
        raise BatchInputError(
            [
                {
                    "file": upload.name,
                    "code": "not_one_page",
                    "message": f"Tệp “{upload.name}” có {checked.info.pages} trang; "
                    "thay một trang cần đúng một ảnh.",
                }
            ]
        )
    _store_originals(plan)
    with transaction.atomic():
        batch = _editable(page.item.batch)
        page = ScanPage.objects.select_for_update().get(pk=page.pk)
        page.original_id = _stored_id(checked.stored_sha)
        page.source_name = nfc(upload.name)[:255]
        page.kind, page.frame, page.state = checked.info.kind, 0, PageState.PENDING
        page.flags, page.text, page.confidence, page.words, page.pdf = [], "", None, 0, None
        page.thumbnail = ""
        page.save()
        _forget_corrected_text(page.item)
        _requeue(batch)
        record(
            AuditAction.PAGE_REPLACE,
            actor=actor,
            target=batch,
            message=f"Thay trang {page.position} của lô “{batch.name}” bằng “{page.source_name}”.",
            data={"page": page.pk},
        )
    return page


@transaction.atomic
def remove_page(page: ScanPage, *, actor: Actor) -> None:
    """Take a page out of the batch (its original stays in storage)."""
    batch = _editable(page.item.batch)
    item = page.item
    position, name = page.position, page.source_name
    page.delete()
    for number, rest in enumerate(item.pages.order_by("position"), start=1):
        if rest.position != number:
            rest.position = number
            rest.save(update_fields=["position"])
    _forget_corrected_text(item)
    _requeue(batch)
    record(
        AuditAction.PAGE_REMOVE,
        actor=actor,
        target=batch,
        message=f"Bỏ trang {position} (“{name}”) khỏi lô “{batch.name}”.",
        data={"item": item.position, "position": position},
    )


@transaction.atomic
def move_page(page: ScanPage, to: int, *, actor: Actor) -> None:
    """Move a page to position ``to`` (1-based) within its document."""
    batch = _editable(page.item.batch)
    pages = list(page.item.pages.order_by("position"))
    to = max(1, min(to, len(pages)))
    moving = next(p for p in pages if p.pk == page.pk)
    before = moving.position
    pages.remove(moving)
    pages.insert(to - 1, moving)
    for number, p in enumerate(pages, start=1):
        if p.position != number:
            p.position = number
            p.save(update_fields=["position"])
    if before != to:
        record(
            AuditAction.PAGE_MOVE,
            actor=actor,
            target=batch,
            message=f"Chuyển trang {before} thành trang {to} trong lô “{batch.name}”.",
            data={"page": page.pk, "from": before, "to": to},
        )


# ---------------------------------------------------------------------------------------------
# Description: the operator confirms what each document is (suggested from its OCR text)


@dataclass
class Description:
    """What the operator confirms for one document; ``text`` None leaves the text as it is."""

    summary: str = ""
    doc_type: str = ""
    number: str = ""
    notation: str = ""
    unnumbered: bool = False
    issued_date: datetime.date | None = None
    issuer: str = ""
    sheet_count: int | None = None
    physical_condition: str = ""
    text: str | None = None


DESCRIBED = ("summary", "doc_type", "number", "notation", "unnumbered", "issued_date", "issuer",
             "sheet_count", "physical_condition")  # fmt: skip


@transaction.atomic
def describe_item(item: ScanItem, description: Description, *, actor: Any) -> ScanItem:
    """Record what the operator confirmed for a document of a batch, and its corrected text
    (what search will index). Blank values stay blank: acceptance waits for them."""
    batch = _editable(item.batch)
    item = ScanItem.objects.select_for_update().get(pk=item.pk)
    wanted: dict[str, Any] = {
        "summary": nfc(description.summary)[:500],
        "doc_type": description.doc_type.strip(),
        "number": nfc(description.number)[:11],
        "notation": nfc(description.notation)[:30],
        "unnumbered": description.unnumbered,
        "issued_date": description.issued_date,
        "issuer": nfc(description.issuer)[:200],
        "sheet_count": description.sheet_count,
        "physical_condition": description.physical_condition.strip(),
    }
    if description.text is not None:
        text = nfc(description.text.replace("\r\n", "\n"))
        recognised = "\n\n".join(p.text for p in item.pages.all() if p.text).strip()
        wanted["text"] = "" if text == recognised else text  # unchanged OCR is not a correction
    changed = [name for name, value in wanted.items() if getattr(item, name) != value]
    if not changed:
        return item
    for name in changed:
        setattr(item, name, wanted[name])
    item.save(update_fields=changed)
    record(
        AuditAction.ITEM_DESCRIBE,
        actor=actor,
        target=batch,
        message=f"Mô tả tài liệu {item.position} của lô “{batch.name}”"
        + (" (hiệu đính văn bản nhận dạng)." if "text" in changed else "."),
        data={"item": item.position, "fields": changed},
    )
    return item


@transaction.atomic
def set_paper_code(batch: ScanBatch, paper_code: str, *, actor: Any) -> ScanBatch:
    """The paper dossier's code (mã hồ sơ gốc giấy), required for a digitized dossier."""
    batch = _editable(batch)
    code = nfc(paper_code)[:100]
    if code != batch.paper_code:
        batch.paper_code = code
        batch.save(update_fields=["paper_code"])
        record(
            AuditAction.BATCH_PAPER_CODE,
            actor=actor,
            target=batch,
            message=f"Mã hồ sơ gốc giấy của lô “{batch.name}”: {code or '(trống)'}.",
            data={"paper_code": code},
        )
    return batch


def paper_code_of(batch: ScanBatch) -> str:
    return batch.paper_code or batch.dossier.paper_code


def item_type(item: ScanItem) -> str:
    """The document's type: as confirmed in the batch, or the described document's."""
    return item.doc_type or (item.document.doc_type if item.document is not None else "")


def missing_description(batch: ScanBatch) -> list[str]:
    """Which documents still lack what, one Vietnamese sentence per document (empty: none).

    A new document needs its type, number and notation (or the operator's word that it has
    none), date, issuer and summary; every document needs its paper original's sheet count
    and physical condition (TT 05/2025 Điều 8). Nothing is filled in for the operator."""
    out = []
    for item in batch.items.select_related("document").order_by("position"):
        lacks = []
        if item.document is None:
            if not item.doc_type:
                lacks.append("tên loại tài liệu")
            if not item.unnumbered:
                lacks += [label for label, value in (("số", item.number),
                          ("ký hiệu", item.notation)) if not value]  # fmt: skip
            if item.issued_date is None:
                lacks.append("ngày, tháng, năm tài liệu")
            if not item.issuer:
                lacks.append("cơ quan ban hành")
            if not item.summary:
                lacks.append("trích yếu nội dung")
        if item.sheet_count is None:
            lacks.append("số lượng tờ bản giấy")
        if not item.physical_condition:
            lacks.append("tình trạng vật lý bản giấy")
        if lacks:
            out.append(f"Tài liệu {item.position}: chưa có {', '.join(lacks)}.")
    return out


def description_problems(batch: ScanBatch) -> list[str]:
    """What the operator has still to confirm: each document's description, and the paper
    dossier's code, which a digitized record (mức độ tin cậy 02) must carry, as ingest asks."""
    out = missing_description(batch)
    if not paper_code_of(batch):
        out.append(
            "Chưa có mã hồ sơ gốc giấy: tài liệu số hóa (mức độ tin cậy 02) phải ghi mã hồ sơ "
            "gốc giấy (TT 05/2025)."
        )
    return out


# ---------------------------------------------------------------------------------------------
# Recognition (the background task, or the CLI in its own process)


class Superseded(Exception):
    """This run no longer holds the batch: it went silent and another run took it over, or the
    batch was resumed or cancelled meanwhile. The run stops and writes nothing more."""


@dataclass(frozen=True)
class Claim:
    """A run's hold on a batch: who took it and when (the pair is the run's token)."""

    batch_id: Any
    by: str
    at: datetime.datetime

    def held(self) -> QuerySet[ScanBatch]:
        """The batch, if this run still holds it and it is still being recognised."""
        return ScanBatch.objects.filter(
            pk=self.batch_id, claimed_by=self.by, claimed_at=self.at, state=BatchState.RUNNING
        )

    def beat(self, **progress: Any) -> None:
        """Report (``heartbeat_at``) with ``progress``; ``Superseded`` if no longer held."""
        if not self.held().update(heartbeat_at=timezone.now(), **progress):
            raise Superseded(self.batch_id)

    def release(self) -> None:
        """Let go of the batch, whatever its state now (a no-op once taken over)."""
        ScanBatch.objects.filter(pk=self.batch_id, claimed_by=self.by, claimed_at=self.at).update(
            claimed_by="", claimed_at=None
        )


def this_process() -> str:
    """``claimed_by`` of a run in a command's own process (the CLI, the demo)."""
    return f"process:{socket.gethostname()}:{os.getpid()}"[:100]


def claimant(worker_id: str | None) -> str:
    """``claimed_by`` of a run in the task worker ``worker_id``: its id when the worker reports a
    heartbeat (``luutru db_worker``), so that its death frees the batch before the batch's own
    silence does; otherwise this process."""
    if worker_id and WorkerBeat.objects.filter(pk=worker_id).exists():
        return f"{WORKER_CLAIM}{worker_id}"
    return this_process()


def dead_worker_silence() -> float:
    """How long a batch must have been silent before its worker's missing heartbeat counts:
    four of the reports a live run makes (``BEAT_SECONDS``)."""
    return 4 * BEAT_SECONDS


def claim_batch(batch_id: Any, by: str | None = None) -> Claim | None:
    """Take the batch for one run, or None (logged) when it is not ours to recognise: finished,
    in review, or held by a run that still reports. A hold that lapsed (``claim_lapsed``) is
    taken over. One conditional ``UPDATE`` on what was read — the hold, the state and the last
    report — so of two runs only one wins, on SQLite as on PostgreSQL, and a run that reports
    between the read and the write keeps its batch."""
    by = by or this_process()
    batch = ScanBatch.objects.get(pk=batch_id)
    if batch.state not in CLAIMABLE_STATES:
        log.info("batch %s is %s: nothing to recognise (run %s)", batch.pk, batch.state, by)
        return None
    now = timezone.now()
    if not batch.claim_lapsed(now, dead_worker_silence=dead_worker_silence()):
        log.info(
            "batch %s is being recognised by %s since %s; run %s leaves it",
            batch.pk, batch.claimed_by, batch.claimed_at, by,
        )  # fmt: skip
        return None
    taken = ScanBatch.objects.filter(
        pk=batch.pk,
        state=batch.state,
        claimed_by=batch.claimed_by,
        claimed_at=batch.claimed_at,
        heartbeat_at=batch.heartbeat_at,
    ).update(state=BatchState.RUNNING, errors=[], claimed_by=by, claimed_at=now, heartbeat_at=now)
    if not taken:
        log.info("batch %s was claimed or changed meanwhile; run %s leaves it", batch.pk, by)
        return None
    if batch.claimed_by:
        log.warning(
            "batch %s: run %s takes over from %s, silent since %s",
            batch.pk, by, batch.claimed_by, batch.heartbeat_at,
        )  # fmt: skip
    return Claim(batch.pk, by, now)


def process_batch(batch_id: Any, *, by: str | None = None) -> ScanBatch:
    """Check and recognise every page not yet done; safe to run twice, resumes after a crash.

    The run claims the batch first (``claim_batch``; ``by`` names the run, this process by
    default): a second run while the first still reports returns the batch untouched, so no
    page is recognised twice. The hold is released when the run ends, whether it finished
    (state ``review``) or failed (``failed``, to be run again). Each page's result is written
    as soon as it is ready, so a crash loses at most the pages being recognised at that moment;
    a run that finds its hold taken over stops there.
    """
    claim = claim_batch(batch_id, by)
    if claim is None:
        return ScanBatch.objects.get(pk=batch_id)
    pending = ScanPage.objects.filter(
        item__batch_id=claim.batch_id, state=PageState.PENDING
    ).select_related("original", "item")
    jobs = [
        PageJob(
            key=p.pk, sha256=p.original.sha256, kind=p.kind, frame=p.frame, doc_type=p.item.doc_type
        )
        for p in pending
    ]
    try:
        for result in recognise(jobs, beat=claim.beat):
            _save_result(claim, result)
        with transaction.atomic():
            claim.held().filter(page_done__gte=F("page_total")).update(
                state=BatchState.REVIEW, finished_at=timezone.now()
            )
            claim.release()
    except Superseded:
        log.warning("run %s of batch %s no longer holds it; it stops", claim.by, claim.batch_id)
    except Exception:
        log.exception("digitization of batch %s failed", claim.batch_id)
        with transaction.atomic():
            claim.held().update(
                state=BatchState.FAILED,
                errors=[
                    {
                        "code": "internal_error",
                        "message": "Lỗi hệ thống khi nhận dạng; "
                        "có thể chạy lại để tiếp tục từ trang chưa xong.",
                    }
                ],
            )
            claim.release()
        raise
    finally:
        claim.release()  # stopped otherwise (taken over, cancelled): the hold goes with it
    return ScanBatch.objects.get(pk=claim.batch_id)


def _save_result(claim: Claim, result: PageResult) -> None:
    """Store the page's blobs (content-addressed: harmless if unused), then, while the run
    still holds the batch (row locked by the report), write the page and the progress."""
    pdf = store_bytes(result.pdf, "pdf") if result.ok else None
    small = store_bytes(result.thumbnail, "jpeg").sha256 if result.ok else ""
    with transaction.atomic():
        claim.beat(ocr_seconds=F("ocr_seconds") + result.seconds)
        page = ScanPage.objects.filter(pk=result.key).first()
        if page is not None:  # else removed by the operator meanwhile
            page.flags = result.flags
            page.seconds = result.seconds
            page.processed_at = timezone.now()
            if result.ok:
                page.pdf, page.thumbnail = pdf, small
                page.dpi, page.width, page.height = result.dpi, result.width, result.height
                page.colour_bits = result.colour_bits
                page.confidence, page.words, page.text = (
                    result.confidence, result.words, result.text
                )  # fmt: skip
                page.state = PageState.DONE
            else:
                page.state = PageState.FAILED
            page.save()
        done = ScanPage.objects.filter(item__batch_id=claim.batch_id).exclude(
            state=PageState.PENDING
        )
        claim.held().update(page_done=done.count())


# ---------------------------------------------------------------------------------------------
# Acceptance


def blocking_problems(batch: ScanBatch) -> list[str]:
    """Why the batch cannot be accepted yet, one Vietnamese sentence per page or document."""
    out = []
    pages = ScanPage.objects.filter(item__batch=batch).select_related("item__document")
    for page in pages.order_by("item__position", "position"):
        where = f"Tài liệu {page.item.position}, trang {page.position} (“{page.source_name}”)"
        if page.state == PageState.PENDING:
            out.append(f"{where}: chưa nhận dạng xong.")
        for flag in page.errors:
            out.append(f"{where}: {flag['message']}")
        codes = {f.get("code") for f in page.flags}
        if page.state == PageState.DONE and not codes & {"low_resolution", "unknown_resolution"}:
            drawing = quality.check_drawing_resolution(page.dpi, item_type(page.item))
            if drawing is not None:
                out.append(f"{where}: {drawing.message}")
    out += description_problems(batch)
    if unsigned := signing.missing():
        out.append(unsigned)
    for item in batch.items.all():
        if not item.pages.exists():
            out.append(f"Tài liệu {item.position} không còn trang nào.")
    return out


def item_flags(item: ScanItem) -> list[quality.Flag]:
    """Document-level checks: the pages scanned against the pages declared, and sheets larger
    than A3 in a document not typed as a map or drawing (is it one?)."""
    declared = item.document.page_count if item.document is not None else None
    pages = list(item.pages.all())
    flags = []
    if flag := quality.check_page_count(declared, len(pages)):
        flags.append(flag)
    kind = item_type(item)
    for page in pages:
        if large := quality.check_large_page(page.width, page.height, page.dpi, kind):
            flags.append(
                quality.Flag(
                    large.code,
                    large.level,
                    f"Tài liệu {item.position}, trang {page.position}: {large.message}",
                )
            )
    return flags


def dossier_flags(batch: ScanBatch) -> list[quality.Flag]:
    """The dossier's declared page count (số lượng trang) against its documents' pages once
    this batch is in: the pages of documents it does not replace, plus its own."""
    if batch.state == BatchState.ACCEPTED:
        return []
    targeted = [i.document_id for i in batch.items.all() if i.document_id is not None]
    others = batch.dossier.documents.exclude(pk__in=targeted)
    existing = sum(others.values_list("page_count", flat=True))
    scanned = ScanPage.objects.filter(item__batch=batch).count()
    flag = quality.check_page_count(batch.dossier.page_count, existing + scanned)
    if flag is None:
        return []
    return [quality.Flag(flag.code, flag.level, f"Hồ sơ {batch.dossier.code}: {flag.message}")]


def accept_batch(batch: ScanBatch, *, actor: Actor) -> list[Document]:
    """Turn a reviewed batch into documents of its dossier, each with its two-layer PDF/A.

    Refused (``ValidationError``) while a page is unrecognised or has an error. The PDF/As are
    built and stored first; then documents, files and texts are created in one transaction.
    """
    batch = ScanBatch.objects.select_related("dossier__agency").get(pk=batch.pk)
    if batch.state != BatchState.REVIEW:
        raise ValidationError(
            _("Lô “%(name)s” đang %(state)s; chỉ lô chờ duyệt mới chấp nhận được.")
            % {"name": batch.name, "state": batch.get_state_display().lower()}
        )
    problems = blocking_problems(batch)
    if problems:
        raise ValidationError(problems)
    dossier = batch.dossier
    items = list(batch.items.select_related("document").order_by("position"))
    next_ordinal = (dossier.documents.aggregate(m=Max("ordinal"))["m"] or 0) + 1
    built = []
    for item in items:
        if item.document is not None:
            ordinal = item.document.ordinal or next_ordinal
            code = item.document.archival_code or f"{dossier.code}.{ordinal:07d}"
        else:
            ordinal = next_ordinal
            code = f"{dossier.code}.{ordinal:07d}"
            next_ordinal += 1
        try:
            built.append((item, ordinal, code, _build_pdf(batch, item, code)))
        except SigningError as exc:
            raise ValidationError(
                _("Không ký số được tệp %(code)s.pdf: %(exc)s") % {"code": code, "exc": exc}
            ) from exc
    with transaction.atomic():
        locked = ScanBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != BatchState.REVIEW:
            raise ValidationError(
                _("Lô “%(name)s” vừa được người khác xử lý.") % {"name": batch.name}
            )
        documents = []
        for item, ordinal, code, (stored, pages, text, confidence) in built:
            document = _document_for(batch, item, ordinal, code, pages)
            pdf_file = DocumentFile.objects.create(
                document=document,
                stored=stored,
                role=FileRole.ORIGINAL,
                name=f"{code}.pdf",
                page_count=pages,
                pdfa="2B",
                has_text=bool(text.strip()),
            )
            FileText.objects.create(file=pdf_file, text=text, confidence=confidence, pages=pages)
            _keep_originals(document, item)
            item.document, item.pdf, item.file_name = document, stored, pdf_file.name
            item.save(update_fields=["document", "pdf", "file_name"])
            documents.append(document)
        _mark_dossier(dossier, paper_code_of(batch))
        locked.state, locked.decided_at = BatchState.ACCEPTED, timezone.now()
        locked.save(update_fields=["state", "decided_at"])
        record(
            AuditAction.BATCH_ACCEPT,
            actor=actor,
            target=locked,
            message=f"Chấp nhận lô số hóa “{batch.name}”: {len(documents)} tài liệu, "
            f"{batch.page_total} trang vào hồ sơ {dossier.code}.",
            data={"dossier": dossier.code, "documents": [d.archival_code for d in documents]},
        )
        ids = [d.pk for d in documents]
        transaction.on_commit(
            lambda: records_ingested.send(sender=ScanBatch, transfer_id=None, document_ids=ids)
        )
    return documents


def _build_pdf(batch: ScanBatch, item: ScanItem, code: str) -> tuple[Any, int, str, float | None]:
    pages = list(item.pages.select_related("pdf").order_by("position"))
    folder = Path(settings.DIGITIZATION_WORK_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        blobs: list[Path] = []  # on disk, so a thousand pages are not all held in memory
        for number, page in enumerate(pages):
            assert page.pdf is not None
            blobs.append(copy_out(page.pdf.sha256, Path(scratch) / f"{number:05d}.pdf"))
        target = Path(scratch) / f"{code}.pdf"
        title = item.summary or (item.document.summary if item.document else "") or code
        count = ocr.assemble_pdfa(
            blobs,
            target,
            title=title,
            author=batch.agency.name,
            note=f"Số hóa từ bản giấy {paper_code_of(batch)}".strip(),
        )
        signing.sign_file(target)  # TT 05/2025 Điều 8: signed by the digitizing archive
        stored = store_path(target, "pdf")
    text = item.ocr_text()
    confidences = [(p.confidence, p.words) for p in pages if p.confidence is not None and p.words]
    words = sum(w for _c, w in confidences)
    mean = sum(c * w for c, w in confidences) / words if words else None
    return stored, count, text, mean


def _document_for(
    batch: ScanBatch, item: ScanItem, ordinal: int, code: str, pages: int
) -> Document:
    dossier = batch.dossier
    note = _paper_note(batch, item)
    if item.document is not None:
        document = item.document
        document.reliability = DIGITIZED
        document.process = True
        document.physical_condition = item.physical_condition
        fields = ["reliability", "process", "physical_condition"]
        if note not in document.description:
            document.description = " ".join(filter(None, [document.description, note]))[:500]
            fields.append("description")
        document.save(update_fields=fields)
        return document
    # Every value below was confirmed by the operator (``missing_description``), or comes from
    # the dossier the document is filed in; nothing is made up.
    if item.issued_date is None:  # changed since the check: refuse rather than invent
        raise ValidationError(
            _("Tài liệu %(position)s: chưa có ngày, tháng, năm tài liệu.")
            % {"position": item.position}
        )
    return Document.objects.create(
        dossier=dossier,
        agency=dossier.agency,
        ordinal=ordinal,
        archival_code=code,
        retention=dossier.retention,
        doc_type=item.doc_type,
        number="" if item.unnumbered else item.number,
        notation="" if item.unnumbered else item.notation,
        issued_date=item.issued_date,
        issuer=item.issuer,
        summary=item.summary,
        languages=(dossier.languages or "01")[:100],
        page_count=pages,
        access_regime=dossier.access_regime,
        reliability=DIGITIZED,
        physical_condition=item.physical_condition,
        process=True,
        description=note[:500],
    )


def _paper_note(batch: ScanBatch, item: ScanItem) -> str:
    """The document's note (ghi chú) on its paper original, and on pages scanned below 24-bit
    colour where the archive relaxed that rule (``DIGITIZATION_LOW_DEPTH``)."""
    parts = []
    if paper := paper_code_of(batch):
        sheets = f" ({item.sheet_count} tờ)" if item.sheet_count else ""
        parts.append(f"Số hóa từ bản giấy {paper}{sheets}.")
    low = sorted({p.colour_bits for p in item.pages.all() if p.colour_bits and p.colour_bits < 24})
    if low:
        bits = ", ".join(str(b) for b in low)
        parts.append(
            f"Có trang quét dưới 24 bit màu ({bits} bit), không đạt yêu cầu 24 bit của TT 05/2025; "
            "cơ quan lưu trữ cho phép theo cấu hình DIGITIZATION_LOW_DEPTH."
        )
    return " ".join(parts)


def _keep_originals(document: Document, item: ScanItem) -> None:
    """The scanner's images stay with the document, as the trail of how it was made."""
    seen: set[int] = set()
    files = []
    for page in item.pages.select_related("original").order_by("position"):
        if page.original_id in seen:
            continue
        seen.add(page.original_id)
        files.append(
            DocumentFile(
                document=document,
                stored=page.original,
                role=FileRole.PROCESS_TRAIL,
                name=page.source_name.split(" (trang ")[0][:255],
            )
        )
    DocumentFile.objects.bulk_create(files)


def _mark_dossier(dossier: Dossier, paper_code: str) -> None:
    """The dossier becomes digitized (or mixed, if it held born-digital records)."""
    changed = []
    wanted = MIXED if dossier.reliability in {BORN_DIGITAL, MIXED} else DIGITIZED
    if dossier.reliability != wanted:
        dossier.reliability = wanted
        changed.append("reliability")
    if paper_code and not dossier.paper_code:
        dossier.paper_code = paper_code
        changed.append("paper_code")
    if changed:
        dossier.save(update_fields=changed)


@transaction.atomic
def resume_batch(batch: ScanBatch, *, actor: Actor) -> ScanBatch:
    """Queue recognition again after a failure or a lost worker; done pages are kept."""
    batch = ScanBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state not in {BatchState.FAILED, BatchState.RUNNING, BatchState.QUEUED}:
        raise ValidationError(_("Lô “%(name)s” không cần nhận dạng tiếp.") % {"name": batch.name})
    if batch.state == BatchState.RUNNING and not batch.stalled:
        raise ValidationError(
            _(
                "Lô “%(name)s” đang được nhận dạng (%(page_done)s/%(page_total)s trang); "
                "chỉ nhận dạng tiếp khi tiến trình đã dừng."
            )
            % {"name": batch.name, "page_done": batch.page_done, "page_total": batch.page_total}
        )
    # The silent run's hold goes: should it wake, it finds the batch no longer its own and stops.
    batch.state, batch.errors, batch.claimed_by, batch.claimed_at = BatchState.QUEUED, [], "", None
    batch.save(update_fields=["state", "errors", "claimed_by", "claimed_at"])
    record(
        AuditAction.BATCH_RESUME,
        actor=actor,
        target=batch,
        message=f"Tiếp tục nhận dạng lô “{batch.name}” từ trang chưa xong.",
    )
    # Whatever started it (the web or a scanning station's folder), a worker goes on with it.
    _enqueue_on_commit(batch, always=True)
    return batch


def resume_stalled() -> list[ScanBatch]:
    """Queue again every batch whose worker stopped reporting (run by a timer, or by hand:
    ``luutru digitize --resume-stalled``)."""
    resumed = []
    for batch in ScanBatch.objects.stalled():
        try:
            resumed.append(resume_batch(batch, actor=None))
        except ValidationError:  # it reported again meanwhile
            continue
    return resumed


@transaction.atomic
def reject_batch(batch: ScanBatch, *, actor: Actor, reason: str = "") -> ScanBatch:
    """Give up a batch: no document is made; its scans stay in storage as they were."""
    batch = ScanBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state in {BatchState.ACCEPTED, BatchState.REJECTED}:
        raise ValidationError(
            _("Lô “%(name)s” đã %(state)s.")
            % {"name": batch.name, "state": batch.get_state_display().lower()}
        )
    # A run still recognising it stops at its next report (it no longer holds the batch).
    batch.state, batch.decided_at = BatchState.REJECTED, timezone.now()
    batch.claimed_by, batch.claimed_at = "", None
    batch.save(update_fields=["state", "decided_at", "claimed_by", "claimed_at"])
    record(
        AuditAction.BATCH_REJECT,
        actor=actor,
        target=batch,
        message=f"Hủy lô số hóa “{batch.name}”" + (f": {nfc(reason)}" if reason else "."),
        data={"reason": nfc(reason)},
    )
    return batch
