"""Staff pages of the collection: dossiers, documents and file plans (/quan-tri/ho-so/, …).

Which dossiers and documents a page may show is asked of the access policy here, on every
request (``luutru.access.policy``, the one module of a higher layer a view may import), and
handed to the helpers of ``records.services``; a page that shows a record writes it to the use
log through the same module.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone

from luutru.access import policy
from luutru.lib.forms import run_action
from luutru.lib.htmx import HtmxHttpRequest, render_page
from luutru.organizations.services import agencies_in_scope
from luutru.records import actions
from luutru.records.forms import FilePlanForm, PlanEntryForm
from luutru.records.models import FilePlan
from luutru.records.services import (
    CHANGE_FILE_PLAN,
    VIEW_DOCUMENT,
    VIEW_DOSSIER,
    VIEW_FILE_PLAN,
    date_display,
    due_date,
    element_rows,
    entries_due,
    get_document_for_user,
    get_dossier_for_user,
    get_file_plan_for_user,
    get_plan_entry_for_user,
    retention_of,
    signature_views,
)

PAGE_SIZE = 50


@login_required
@permission_required(VIEW_DOSSIER, raise_exception=True)
def dossier_list(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    dossiers = policy.dossiers(request.user, policy.Use.LIST).select_related("agency")
    if query:
        dossiers = dossiers.filter(Q(code__icontains=query) | Q(title__icontains=query))
    page = Paginator(dossiers.order_by("code"), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render_page(
        request, "records/dossier_list.html", {"page": page, "query": query}, partial="results"
    )


@login_required
@permission_required(VIEW_DOSSIER, raise_exception=True)
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = get_dossier_for_user(
        request.user, code, visible=policy.dossiers(request.user, policy.Use.READ)
    )
    policy.log_view(request.user, dossier)
    documents = dossier.documents.annotate(file_count=Count("files")).order_by("ordinal", "pk")
    return render(
        request,
        "records/dossier_detail.html",
        {
            "dossier": dossier,
            "rows": element_rows(dossier, "dossier"),
            "retention": retention_of(dossier.retention, dossier.end_date),
            "documents": documents,
        },
    )


@login_required
@permission_required(VIEW_DOCUMENT, raise_exception=True)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_user(
        request.user, pk, visible=policy.documents(request.user, policy.Use.READ)
    )
    policy.log_view(request.user, document)
    files = [
        (file, signature_views(file.signatures)) for file in document.files.select_related("stored")
    ]
    return render(
        request,
        "records/document_detail.html",
        {
            "document": document,
            "rows": element_rows(document, "document"),
            # A filed document's clock starts with its dossier's end, a loose one's with its date.
            "retention": retention_of(
                document.retention,
                document.dossier.end_date if document.dossier else document.issued_date,
            ),
            "files": files,
        },
    )


@login_required
@permission_required(VIEW_DOCUMENT, raise_exception=True)
def unfiled_documents(request: HtmxHttpRequest) -> HttpResponse:
    """Documents that came without a dossier (edXML messages) and wait to be filed."""
    query = request.GET.get("q", "").strip()
    documents = (
        policy.documents(request.user, policy.Use.LIST)
        .filter(dossier__isnull=True)
        .select_related("agency")
    )
    if query:
        documents = documents.filter(
            Q(summary__icontains=query) | Q(notation__icontains=query) | Q(issuer__icontains=query)
        )
    page = Paginator(documents.order_by("-issued_date", "pk"), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render_page(
        request,
        "records/unfiled_documents.html",
        {"page": page, "query": query},
        partial="results",
    )


# ---------------------------------------------------------------------------------------------
# File plans (danh mục hồ sơ)


@login_required
@permission_required(VIEW_FILE_PLAN, raise_exception=True)
def file_plan_list(request: HttpRequest) -> HttpResponse:
    plans = (
        FilePlan.objects.of_agencies(agencies_in_scope(request.user))
        .select_related("agency")
        .annotate(entry_count=Count("entries"))
        .order_by("-year", "agency__code")
    )
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "records/file_plan_list.html",
        {"page": page, "can_change": request.user.has_perm(CHANGE_FILE_PLAN)},
    )


@login_required
@permission_required(CHANGE_FILE_PLAN, raise_exception=True)
def file_plan_create(request: HttpRequest) -> HttpResponse:
    form = FilePlanForm(_posted(request), agencies=agencies_in_scope(request.user))
    if request.method == "POST" and form.is_valid():
        plan = run_action(
            form, lambda: actions.create_file_plan(actor=request.user, **form.cleaned_data)
        )
        if plan is not None:
            messages.success(request, f"Đã lập danh mục hồ sơ năm {plan.year}.")
            return redirect("records:file-plan-detail", pk=plan.pk)
    return render(request, "records/file_plan_form.html", {"form": form})


@login_required
@permission_required(VIEW_FILE_PLAN, raise_exception=True)
def file_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_file_plan_for_user(request.user, pk)
    entries = plan.entries.annotate(dossier_count=Count("dossiers")).order_by("notation")
    can_change = request.user.has_perm(CHANGE_FILE_PLAN)
    return render(
        request,
        "records/file_plan_detail.html",
        {
            "plan": plan,
            "entries": [(e, due_date(e.closed_on, plan.year)) for e in entries],
            "today": timezone.localdate(),
            "can_change": can_change,
            "form": PlanEntryForm() if can_change else None,
        },
    )


@login_required
@permission_required(CHANGE_FILE_PLAN, raise_exception=True)
def plan_entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_file_plan_for_user(request.user, pk, change=True)
    form = PlanEntryForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        entry = run_action(
            form, lambda: actions.add_plan_entry(plan, actor=request.user, **form.cleaned_data)
        )
        if entry is not None:
            messages.success(request, f"Đã thêm hồ sơ “{entry.notation}” vào danh mục.")
            return redirect("records:file-plan-detail", pk=plan.pk)
    return render(request, "records/plan_entry_form.html", {"form": form, "plan": plan})


@login_required
@permission_required(CHANGE_FILE_PLAN, raise_exception=True)
def plan_entry_edit(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = get_plan_entry_for_user(request.user, pk, entry_pk, change=True)
    initial = {
        "notation": entry.notation,
        "title": entry.title,
        "retention": entry.retention,
        "responsible": entry.responsible,
        "closed_on": entry.closed_on,
        "note": entry.note,
    }
    form = PlanEntryForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.update_plan_entry(entry, actor=request.user, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect("records:file-plan-detail", pk=entry.plan.pk)
    return render(
        request,
        "records/plan_entry_form.html",
        {"form": form, "plan": entry.plan, "entry": entry},
    )


@login_required
@permission_required(VIEW_FILE_PLAN, raise_exception=True)
def due_for_transfer(request: HttpRequest) -> HttpResponse:
    """Planned files with no dossier whose year for transfer runs out soon, or has run out."""
    today = timezone.localdate()
    due = entries_due(agencies_in_scope(request.user), today)
    page = Paginator(due, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "records/due_for_transfer.html",
        {"page": page, "today": date_display(today), "overdue": sum(d.overdue for d in due)},
    )


def _posted(request: HttpRequest) -> QueryDict | None:
    """Bind forms on every POST, even an empty one (``request.POST or None`` would not)."""
    return request.POST if request.method == "POST" else None
