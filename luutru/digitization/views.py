"""Staff pages of digitization (số hóa): upload scans, follow recognition, review pages, accept.

/quan-tri/so-hoa/ lists batches and takes uploads; a batch's page polls its own ``#status``
partial every second while the worker recognises pages (as the ingest transfer page does),
then shows every page's thumbnail with its quality flags, and the operator's controls:
move, replace, remove, add pages, accept or cancel the batch.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luutru.digitization import actions, statistics
from luutru.digitization.forms import (
    BatchForm,
    DescribeForm,
    MoveForm,
    PagesForm,
    PaperForm,
    RejectForm,
    ReplaceForm,
)
from luutru.digitization.models import BatchState, ScanBatch, ScanItem, ScanPage
from luutru.digitization.services import (
    ADD_BATCH,
    VIEW_BATCH,
    batches_visible_to,
    get_batch_for_user,
)
from luutru.digitization.suggest import Suggestion, suggest
from luutru.lib.forms import run_action
from luutru.lib.htmx import HtmxHttpRequest, render_page
from luutru.organizations.services import agencies_in_scope
from luutru.records import codes
from luutru.records.models import Dossier
from luutru.storage.services import open_stored

PAGE_SIZE = 25


class _Saved:
    """Uploaded files copied to a scratch folder for the actions, removed afterwards."""

    def __init__(self, files: list[UploadedFile]) -> None:
        folder = Path(settings.DIGITIZATION_WORK_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(dir=folder, prefix="upload-"))
        self.uploads = []
        for number, upload in enumerate(files):
            path = self.folder / f"{number:05d}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            self.uploads.append(actions.Upload(path, Path(upload.name or path.name).name))

    def __enter__(self) -> list[actions.Upload]:
        return self.uploads

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@login_required
@permission_required(VIEW_BATCH, raise_exception=True)
def batch_list(request: HttpRequest) -> HttpResponse:
    can_add = request.user.has_perm(ADD_BATCH)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    scope = agencies_in_scope(request.user)
    form = None
    if can_add:
        posted = request.method == "POST"
        form = BatchForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            dossiers=Dossier.objects.of_agencies(scope),
            initial={"dossier": request.GET.get("ho_so", "")},
        )
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        with _Saved(data["scans"]) as uploads:
            item = actions.ItemSpec(
                files=uploads,
                summary=data["summary"],
                doc_type=data["doc_type"],
                issued_date=data["issued_date"],
                document=data["document"],
            )
            batch = run_action(
                form,
                lambda: actions.create_batch(
                    data["dossier"], [item], actor=request.user, paper_code=data["paper_code"]
                ),
            )
        if batch is not None:
            messages.success(
                request,
                _("Đã nhận %(page_total)s trang; đang nhận dạng chữ.")
                % {"page_total": batch.page_total},
            )
            return redirect("digitization:batch-detail", pk=batch.pk)
    batches = (
        batches_visible_to(request.user, scope)
        .select_related("dossier", "operator")
        .order_by("-created_at")
    )
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "digitization/batch_list.html", {"page": page, "form": form})


@login_required
@permission_required(VIEW_BATCH, raise_exception=True)
def batch_detail(request: HtmxHttpRequest, pk: uuid.UUID) -> HttpResponse:
    batch = get_batch_for_user(request.user, pk)
    running = batch.state in {BatchState.QUEUED, BatchState.RUNNING} and not batch.stalled
    items = list(batch.items.select_related("document").prefetch_related("pages"))
    can_edit = request.user.has_perm(ADD_BATCH) and batch.editable
    context: dict[str, Any] = {
        "batch": batch,
        "running": running,
        "items": [
            _item_context(item, describe=can_edit and batch.state == BatchState.REVIEW)
            for item in items
        ],
        "paper_form": PaperForm(initial={"paper_code": actions.paper_code_of(batch)}),
        "can_edit": can_edit,
        "can_resume": request.user.has_perm(ADD_BATCH)
        and (batch.state == BatchState.FAILED or batch.stalled),
    }
    if batch.state == BatchState.REVIEW:
        context["problems"] = actions.blocking_problems(batch)
        context["item_flags"] = [
            *(f for item in items for f in actions.item_flags(item)),
            *actions.dossier_flags(batch),
        ]
    return render_page(request, "digitization/batch_detail.html", context, partial="status")


def _types() -> dict[str, str]:
    return {code: label for code, (label, _x) in codes.entries("document_type").items()}


def _item_context(item: ScanItem, *, describe: bool) -> dict[str, Any]:
    """A document of the batch: its pages, and while in review its description form with the
    suggestions read from its text, each shown beside its field."""
    pages = sorted(item.pages.all(), key=lambda p: p.position)
    context: dict[str, Any] = {"item": item, "pages": pages}
    if describe:
        text = item.ocr_text()
        found = suggest(text, _types())
        form = DescribeForm(
            initial={name: getattr(item, name) for name in actions.DESCRIBED} | {"text": text},
            prefix=f"tl{item.position}",
        )
        context["form"] = form
        # A scan attached to a described document adds only what the paper original is.
        names: tuple[str, ...] = ("sheet_count", "physical_condition")
        if item.document is None:
            names = ("doc_type", "number", "notation", "unnumbered", "issued_date", "issuer",
                     "summary", *names)  # fmt: skip
        context["fields"] = [(form[name], _shown(found, name, item)) for name in names]
    return context


def _shown(found: Suggestion, name: str, item: ScanItem) -> str:
    """The suggestion for a field as the operator reads it, or "" when none differs."""
    value = getattr(found, name, None)
    if not value or value == getattr(item, name) or name == "unnumbered":
        return ""
    if name == "doc_type":
        return f"{value} {_types().get(str(value), '')}"
    if name == "issued_date":
        return value.strftime("%d/%m/%Y")
    return str(value)


def _editable_batch(request: HttpRequest, pk: uuid.UUID) -> ScanBatch:
    if not request.user.has_perm(ADD_BATCH):
        raise PermissionDenied
    return get_batch_for_user(request.user, pk)


def _done(request: HttpRequest, batch: ScanBatch, message: str = "") -> HttpResponse:
    if message:
        messages.success(request, message)
    return redirect("digitization:batch-detail", pk=batch.pk)


def _refused(request: HttpRequest, batch: ScanBatch, exc: ValidationError) -> HttpResponse:
    for text in exc.messages:
        messages.error(request, text)
    return redirect("digitization:batch-detail", pk=batch.pk)


@login_required
@permission_required(ADD_BATCH, raise_exception=True)
@require_POST
def page_action(request: HttpRequest, pk: uuid.UUID, page: int, action: str) -> HttpResponse:
    """Move, replace or remove one page of a batch."""
    batch = _editable_batch(request, pk)
    scan = get_object_or_404(
        ScanPage.objects.select_related("item__batch"), pk=page, item__batch=batch
    )
    try:
        if action == "move":
            form = MoveForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Cần số trang cần chuyển đến (từ 1)."))
            actions.move_page(scan, form.cleaned_data["to"], actor=request.user)
            return _done(request, batch)
        if action == "replace":
            replace = ReplaceForm(request.POST, request.FILES)
            if not replace.is_valid():
                raise ValidationError(_("Hãy chọn một ảnh để thay trang."))
            with _Saved([replace.cleaned_data["file"]]) as uploads:
                actions.replace_page(scan, uploads[0], actor=request.user)
            return _done(
                request,
                batch,
                _("Đã thay trang %(position)s; đang nhận dạng lại.") % {"position": scan.position},
            )
        if action == "remove":
            actions.remove_page(scan, actor=request.user)
            return _done(
                request, batch, _("Đã bỏ trang %(position)s.") % {"position": scan.position}
            )
    except ValidationError as exc:
        return _refused(request, batch, exc)
    raise Http404


@login_required
@permission_required(ADD_BATCH, raise_exception=True)
@require_POST
def add_pages(request: HttpRequest, pk: uuid.UUID, position: int) -> HttpResponse:
    batch = _editable_batch(request, pk)
    item = get_object_or_404(ScanItem, batch=batch, position=position)
    form = PagesForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, batch, ValidationError(_("Hãy chọn ảnh quét để thêm.")))
    try:
        with _Saved(form.cleaned_data["scans"]) as uploads:
            pages = actions.add_pages(item, uploads, actor=request.user)
    except ValidationError as exc:
        return _refused(request, batch, exc)
    return _done(
        request, batch, _("Đã thêm %(count)s trang; đang nhận dạng.") % {"count": len(pages)}
    )


@login_required
@permission_required(ADD_BATCH, raise_exception=True)
@require_POST
def describe_item(request: HttpRequest, pk: uuid.UUID, position: int) -> HttpResponse:
    """Save what the operator confirmed for one document; a "Dùng gợi ý" button (``goi_y``:
    the field's name) takes that field's suggestion, keeping the rest as posted."""
    batch = _editable_batch(request, pk)
    item = get_object_or_404(ScanItem.objects.select_related("document"), batch=batch,
                             position=position)  # fmt: skip
    form = DescribeForm(request.POST, prefix=f"tl{item.position}")
    if not form.is_valid():
        errors = [f"{form[name].label}: {' '.join(map(str, e))}" for name, e in form.errors.items()]
        return _refused(request, batch, ValidationError(errors))
    data = form.cleaned_data
    taken = request.POST.get("goi_y", "")
    if taken in actions.DESCRIBED:
        value = getattr(suggest(item.ocr_text(), _types()), taken, None)
        if value:
            data[taken] = value
    description = actions.Description(
        **{name: data[name] for name in actions.DESCRIBED},
        text=data["text"] if form.add_prefix("text") in request.POST else None,
    )
    try:
        actions.describe_item(item, description, actor=request.user)
    except ValidationError as exc:
        return _refused(request, batch, exc)
    response = _done(
        request, batch, _("Đã lưu mô tả tài liệu %(position)s.") % {"position": item.position}
    )
    response["Location"] += f"#item-{item.position}"
    return response


@login_required
@permission_required(ADD_BATCH, raise_exception=True)
@require_POST
def paper_code(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    batch = _editable_batch(request, pk)
    form = PaperForm(request.POST)
    if not form.is_valid():
        return _refused(request, batch, ValidationError(_("Mã hồ sơ gốc giấy quá dài.")))
    try:
        actions.set_paper_code(batch, form.cleaned_data["paper_code"], actor=request.user)
    except ValidationError as exc:
        return _refused(request, batch, exc)
    return _done(request, batch, _("Đã lưu mã hồ sơ gốc giấy."))


@login_required
@permission_required(ADD_BATCH, raise_exception=True)
@require_POST
def batch_decide(request: HttpRequest, pk: uuid.UUID, decision: str) -> HttpResponse:
    """Accept the batch into documents, or cancel it."""
    batch = _editable_batch(request, pk)
    try:
        if decision == "accept":
            documents = actions.accept_batch(batch, actor=request.user)
            return _done(
                request,
                batch,
                _("Đã chấp nhận: %(count)s tài liệu số hóa.") % {"count": len(documents)},
            )
        if decision == "resume":
            actions.resume_batch(batch, actor=request.user)
            return _done(request, batch, _("Đã xếp lô vào hàng đợi nhận dạng tiếp."))
        form = RejectForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        actions.reject_batch(batch, actor=request.user, reason=reason)
        return _done(request, batch, _("Đã hủy lô số hóa; không tài liệu nào được tạo."))
    except ValidationError as exc:
        return _refused(request, batch, exc)


@login_required
@permission_required(VIEW_BATCH, raise_exception=True)
def page_thumbnail(request: HttpRequest, pk: uuid.UUID, page: int) -> FileResponse:
    batch = get_batch_for_user(request.user, pk)
    scan = get_object_or_404(ScanPage, pk=page, item__batch=batch)
    if not scan.thumbnail:
        raise Http404("Trang chưa có ảnh thu nhỏ.")
    response = FileResponse(open_stored(scan.thumbnail), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@permission_required(VIEW_BATCH, raise_exception=True)
def item_pdf(request: HttpRequest, pk: uuid.UUID, position: int) -> FileResponse:
    """The accepted PDF/A of one document of the batch."""
    batch = get_batch_for_user(request.user, pk)
    item = get_object_or_404(ScanItem.objects.select_related("pdf"), batch=batch, position=position)
    if item.pdf is None:
        raise Http404("Tài liệu chưa có tệp PDF/A.")
    return FileResponse(
        open_stored(item.pdf.sha256),
        content_type="application/pdf",
        as_attachment=True,
        filename=item.file_name,
    )


@login_required
@permission_required(VIEW_BATCH, raise_exception=True)
def statistics_view(request: HttpRequest) -> HttpResponse:
    scope = agencies_in_scope(request.user)
    batches = batches_visible_to(request.user, scope)
    return render(request, "digitization/statistics.html", {"tables": statistics.tables(batches)})
