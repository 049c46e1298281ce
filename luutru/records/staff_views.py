"""Description control pages (kiểm soát mô tả): edit a dossier's or document's TT 05 elements,
see their history, file a loose document, move a dossier, and correct many descriptions
through Excel (/quan-tri/ho-so/…/sua/, …/lich-su/, …/chuyen/, /quan-tri/ho-so/bang-tinh/).

Kept apart from ``views.py`` (the read-only collection pages) because only archivists, heads
and administrators use them: every view needs ``records.change_dossier`` or
``records.change_document`` (403 before any lookup), and finds its record among those the access
policy lets the user read (``luutru.access.policy``), so another agency's record is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

import luutru.access.policy as policy
from luutru.lib.forms import run_action
from luutru.organizations.models import Fonds
from luutru.organizations.services import agencies_in_scope
from luutru.records import actions, description, spreadsheet
from luutru.records.forms import DescriptionForm, FileDocumentForm, ImportForm, MoveDossierForm
from luutru.records.models import DescriptionChange, Document, Dossier
from luutru.records.services import get_document_for_user, get_dossier_for_user

CHANGE_DOSSIER = "records.change_dossier"
CHANGE_DOCUMENT = "records.change_document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 20_000


def _dossier(request: HttpRequest, code: str) -> Dossier:
    return get_dossier_for_user(
        request.user, code, visible=policy.dossiers(request.user, policy.Use.READ)
    )


def _document(request: HttpRequest, pk: int) -> Document:
    return get_document_for_user(
        request.user, pk, visible=policy.documents(request.user, policy.Use.READ)
    )


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _edit(request: HttpRequest, record: Dossier | Document) -> HttpResponse:
    """The edit form of a record; after a saved edit, a redirect to its page."""
    level = description.level_of(record)
    form = DescriptionForm(_posted(request), level=level, initial=description.record_values(record))
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        changes = run_action(
            form,
            lambda: actions.change_description(
                record, values=values, reason=form.cleaned_data["reason"], actor=request.user
            ),
        )
        if changes is not None:
            if changes:
                names = ", ".join(c.label for c in changes)
                messages.success(request, f"Đã lưu thay đổi: {names}.")
            else:
                messages.info(request, "Không có giá trị nào thay đổi.")
            if isinstance(record, Dossier):
                return redirect("records:dossier-history", code=record.code)
            return redirect("records:document-history", pk=record.pk)
    return render(
        request,
        "records/description_form.html",
        {"form": form, "record": record, "level": level},
        status=400 if form.errors else None,
    )


@login_required
@permission_required(CHANGE_DOSSIER, raise_exception=True)
def dossier_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _edit(request, _dossier(request, code))


@login_required
@permission_required(CHANGE_DOCUMENT, raise_exception=True)
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, _document(request, pk))


@login_required
@permission_required(CHANGE_DOSSIER, raise_exception=True)
def dossier_history(request: HttpRequest, code: str) -> HttpResponse:
    """The dossier's history (lịch sử mô tả): its own changes and its documents'."""
    dossier = _dossier(request, code)
    changes = DescriptionChange.objects.of_dossier(dossier).select_related("document")[:1000]
    return render(
        request,
        "records/description_history.html",
        {"record": dossier, "level": "dossier", "changes": changes},
    )


@login_required
@permission_required(CHANGE_DOCUMENT, raise_exception=True)
def document_history(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    changes = DescriptionChange.objects.filter(document=document)[:1000]
    return render(
        request,
        "records/description_history.html",
        {"record": document, "level": "document", "changes": changes},
    )


@login_required
@permission_required(CHANGE_DOCUMENT, raise_exception=True)
@permission_required(CHANGE_DOSSIER, raise_exception=True)
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    """File a loose document into a dossier the user may read (lập hồ sơ)."""
    document = _document(request, pk)
    form = FileDocumentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["dossier"].strip()
        target = policy.dossiers(request.user, policy.Use.READ).filter(code=code).first()
        if target is None:
            form.add_error("dossier", f"Không tìm thấy hồ sơ “{code}” trong phạm vi được sửa.")
        else:
            filed = run_action(
                form,
                lambda: actions.file_document(
                    document, target, reason=form.cleaned_data["reason"], actor=request.user
                ),
            )
            if filed is not None:
                messages.success(
                    request, f"Đã đưa tài liệu vào hồ sơ {target.code}, mã {filed.archival_code}."
                )
                return redirect("records:document-detail", pk=filed.pk)
    return render(
        request,
        "records/description_action.html",
        {
            "form": form,
            "record": document,
            "title": "Đưa tài liệu vào hồ sơ",
            "button": "Đưa vào hồ sơ",
        },
        status=400 if form.errors else None,
    )


@login_required
@permission_required(CHANGE_DOSSIER, raise_exception=True)
def dossier_move(request: HttpRequest, code: str) -> HttpResponse:
    """Move a dossier to another fonds, or to a successor of its agency."""
    dossier = _dossier(request, code)
    form = MoveDossierForm(
        _posted(request),
        fonds=Fonds.objects.filter(agency__in=agencies_in_scope(request.user)).order_by("code"),
        successors=actions.successors_of(dossier.agency),
    )
    if request.method == "POST" and form.is_valid():
        moved = run_action(
            form,
            lambda: actions.move_dossier(
                dossier,
                fonds=form.cleaned_data["fonds"],
                agency=form.cleaned_data["agency"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            ),
        )
        if moved is not None:
            messages.success(request, f"Đã chuyển hồ sơ {moved.code}.")
            return redirect("records:dossier-history", code=moved.code)
    return render(
        request,
        "records/description_action.html",
        {"form": form, "record": dossier, "title": "Chuyển hồ sơ", "button": "Chuyển"},
        status=400 if form.errors else None,
    )


# ---------------------------------------------------------------------------------------------
# The spreadsheet round trip


@login_required
@permission_required(CHANGE_DOSSIER, raise_exception=True)
@permission_required(CHANGE_DOCUMENT, raise_exception=True)
def description_sheet(request: HttpRequest) -> HttpResponse:
    """Export a selection's descriptions, and import the corrected workbook."""
    form = ImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    problems: list[spreadsheet.Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        result = run_action(
            form,
            lambda: actions.import_descriptions(
                form.cleaned_data["level"],
                upload.read(),
                file=upload.name,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                dossiers=policy.dossiers(request.user, policy.Use.READ),
                documents=policy.documents(request.user, policy.Use.READ),
            ),
        )
        if result is not None:
            problems, changed = result
            if not problems:
                messages.success(request, f"Đã áp dụng bảng tính: {changed} bản ghi được sửa.")
                return redirect("records:description-sheet")
    return render(
        request,
        "records/description_sheet.html",
        {"form": form, "problems": problems, "query": request.GET.get("q", "")},
        status=400 if problems or form.errors else None,
    )


@login_required
@permission_required(CHANGE_DOSSIER, raise_exception=True)
@permission_required(CHANGE_DOCUMENT, raise_exception=True)
def description_export(request: HttpRequest) -> HttpResponse:
    """``?q=`` the dossiers the dossier list shows for that filter; ``?ho_so=<mã>`` the
    documents of one dossier."""
    code = request.GET.get("ho_so", "").strip()
    if code:
        dossier = _dossier(request, code)
        documents = (
            policy.documents(request.user, policy.Use.READ)
            .filter(dossier=dossier)
            .select_related("dossier")
            .order_by("ordinal", "pk")[:EXPORT_LIMIT]
        )
        data = spreadsheet.export_xlsx("document", documents)
        name = f"Tài liệu {dossier.code}"
    else:
        query = request.GET.get("q", "").strip()
        dossiers = policy.dossiers(request.user, policy.Use.READ)
        if query:
            dossiers = dossiers.filter(Q(code__icontains=query) | Q(title__icontains=query))
        data = spreadsheet.export_xlsx("dossier", dossiers.order_by("code")[:EXPORT_LIMIT])
        name = f"Hồ sơ {query}".strip()
    day = timezone.localdate().strftime("%d-%m-%Y")
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{name} {day}.xlsx")
    return response
