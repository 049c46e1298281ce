"""Staff pages of the collection: dossiers, documents and file plans (/quan-tri/ho-so/, …).

Which dossiers and documents a page may show is asked of the access policy here, on every
request (``luutru.access.policy``, the one module of a higher layer a view may import), and
handed to the helpers of ``records.services``; a page that shows a record writes it to the use
log through the same module.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

import luutru.access.policy as policy
from luutru.lib.forms import run_action
from luutru.lib.htmx import HtmxHttpRequest, render_page
from luutru.organizations.models import Fonds
from luutru.organizations.services import agencies_in_scope
from luutru.records import actions
from luutru.records.forms import (
    AwaitingFilterForm,
    FilePlanForm,
    PlanEntryForm,
    PublicationPolicyForm,
    PublishForm,
    RegimeChangeForm,
    WithdrawForm,
    download_choice,
)
from luutru.records.models import Document, DocumentKind, Dossier, FilePlan
from luutru.records.services import (
    CHANGE_FILE_PLAN,
    VIEW_DOCUMENT,
    VIEW_DOSSIER,
    VIEW_FILE_PLAN,
    awaiting_publication,
    date_display,
    due_date,
    element_rows,
    entries_due,
    get_document_for_user,
    get_dossier_for_user,
    get_file_plan_for_user,
    get_plan_entry_for_user,
    publication_history,
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
    return _dossier_page(request, dossier)


def _dossier_page(
    request: HttpRequest, dossier: Dossier, status: int = 200, **forms: Any
) -> HttpResponse:
    documents = dossier.documents.annotate(file_count=Count("files")).order_by("ordinal", "pk")
    return render(
        request,
        "records/dossier_detail.html",
        {
            "dossier": dossier,
            "rows": element_rows(dossier, "dossier"),
            "retention": retention_of(dossier.retention, dossier.end_date),
            "documents": documents,
            **_publication_context(request, dossier, **forms),
        },
        status=status,
    )


def _publication_context(
    request: HttpRequest, record: Dossier | Document, **forms: Any
) -> dict[str, Any]:
    """The record's publication state and history, and the forms its user may use."""
    can_publish = actions.may_publish(request.user)
    can_change_regime = request.user.has_perm(actions.CHANGE_ACCESS_REGIME)
    context: dict[str, Any] = {
        "regime": actions.regime_of(record),
        "history": publication_history(record),
        "can_publish": can_publish,
        "can_change_regime": can_change_regime,
    }
    if can_publish:
        context["publish_form"] = forms.get("publish_form") or PublishForm()
        context["withdraw_form"] = forms.get("withdraw_form") or WithdrawForm()
    if can_change_regime:
        context["regime_form"] = forms.get("regime_form") or RegimeChangeForm()
    return context


@login_required
@permission_required(VIEW_DOCUMENT, raise_exception=True)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_user(
        request.user, pk, visible=policy.documents(request.user, policy.Use.READ)
    )
    policy.log_view(request.user, document)
    return _document_page(request, document)


def _document_page(
    request: HttpRequest, document: Document, status: int = 200, **forms: Any
) -> HttpResponse:
    files = [
        (file, signature_views(file.signatures))
        for file in document.files.select_related("stored", "extraction")
    ]
    return render(
        request,
        "records/document_detail.html",
        {
            "document": document,
            # A photo or recording shows its EAD_pic / EAD_media elements.
            "rows": element_rows(document, DocumentKind(document.kind).level),
            # A filed document's clock starts with its dossier's end, a loose one's with its date.
            "retention": retention_of(
                document.retention,
                document.dossier.end_date if document.dossier else document.issued_date,
            ),
            "files": files,
            **_publication_context(request, document, **forms),
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# Publication (công bố) and access-regime decisions


def _decide_publication(request: HttpRequest, record: Dossier | Document) -> dict[str, Any]:
    """Run the publish or withdraw form posted for one record; the bound form when invalid
    (keyed as the page expects), else {} after telling the user what happened."""
    if not actions.may_publish(request.user):
        raise PermissionDenied
    withdraw = request.POST.get("action") == "withdraw"
    form: PublishForm | WithdrawForm = (
        WithdrawForm(request.POST) if withdraw else PublishForm(request.POST)
    )
    if not form.is_valid():
        return {"withdraw_form" if withdraw else "publish_form": form}
    if withdraw:
        outcome = actions.withdraw_records([record], request.user, form.cleaned_data["reason"])
    else:
        outcome = actions.publish_records(
            [record],
            request.user,
            form.cleaned_data["reason"],
            allow_download=download_choice(form.cleaned_data["download"]),
        )
    for refusal in outcome.refused:
        messages.error(request, refusal.reason)
    if outcome.done:
        done = "Đã thu hồi công bố" if withdraw else "Đã công bố"
        messages.success(request, f"{done} “{record.code}”.")
    return {}


@login_required
@permission_required(VIEW_DOSSIER, raise_exception=True)
@require_POST
def dossier_publication(request: HttpRequest, code: str) -> HttpResponse:
    dossier = get_dossier_for_user(
        request.user, code, visible=policy.dossiers(request.user, policy.Use.READ)
    )
    invalid = _decide_publication(request, dossier)
    if invalid:
        return _dossier_page(request, dossier, status=400, **invalid)
    return redirect("records:dossier-detail", code=dossier.code)


@login_required
@permission_required(VIEW_DOCUMENT, raise_exception=True)
@require_POST
def document_publication(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_user(
        request.user, pk, visible=policy.documents(request.user, policy.Use.READ)
    )
    invalid = _decide_publication(request, document)
    if invalid:
        return _document_page(request, document, status=400, **invalid)
    return redirect("records:document-detail", pk=document.pk)


def _change_regime(request: HttpRequest, record: Dossier | Document) -> RegimeChangeForm | None:
    """Run the regime-change form; the bound form when it or the action found errors."""
    if not request.user.has_perm(actions.CHANGE_ACCESS_REGIME):
        raise PermissionDenied
    form = RegimeChangeForm(request.POST)
    if form.is_valid():
        change = run_action(
            form,
            lambda: actions.change_access_regime(
                record,
                form.cleaned_data["new_regime"],
                request.user,
                form.cleaned_data["legal_basis"],
                form.cleaned_data["reason"],
            ),
        )
        if change is not None:
            messages.success(request, f"Đã thay đổi chế độ sử dụng của “{record.code}”.")
            return None
    return form


@login_required
@permission_required(VIEW_DOSSIER, raise_exception=True)
@require_POST
def dossier_regime(request: HttpRequest, code: str) -> HttpResponse:
    dossier = get_dossier_for_user(
        request.user, code, visible=policy.dossiers(request.user, policy.Use.READ)
    )
    form = _change_regime(request, dossier)
    if form is not None:
        return _dossier_page(request, dossier, status=400, regime_form=form)
    return redirect("records:dossier-detail", code=dossier.code)


@login_required
@permission_required(VIEW_DOCUMENT, raise_exception=True)
@require_POST
def document_regime(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_user(
        request.user, pk, visible=policy.documents(request.user, policy.Use.READ)
    )
    form = _change_regime(request, document)
    if form is not None:
        return _document_page(request, document, status=400, regime_form=form)
    return redirect("records:document-detail", pk=document.pk)


@login_required
@permission_required(VIEW_DOSSIER, raise_exception=True)
def publication_queue(request: HttpRequest) -> HttpResponse:
    """Chờ công bố: accepted Công khai records no one has decided on yet, by agency and fonds;
    those who may publish select rows and publish them in one decision."""
    agencies = agencies_in_scope(request.user)
    filters = AwaitingFilterForm(request.GET or None, agencies=agencies)
    agency = fonds = None
    dossiers, documents = awaiting_publication(agencies)
    if filters.is_valid():
        agency, fonds = filters.cleaned_data["agency"], filters.cleaned_data["fonds"]
    elif filters.is_bound:  # an agency or fonds outside the user's scope: nothing to show
        dossiers, documents = dossiers.none(), documents.none()
    if agency is not None:
        dossiers, documents = dossiers.filter(agency=agency), documents.filter(agency=agency)
    if fonds is not None:
        dossiers = dossiers.filter(fonds=fonds)
        documents = documents.filter(dossier__fonds=fonds)
    can_publish = actions.may_publish(request.user)
    form = PublishForm(_posted(request))
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied
        if form.is_valid():
            chosen: list[Dossier | Document] = [
                *dossiers.filter(pk__in=_ids(request, "dossier")),
                *documents.filter(pk__in=_ids(request, "document")),
            ]
            if not chosen:
                messages.error(request, "Hãy chọn ít nhất một hồ sơ, tài liệu để công bố.")
            else:
                outcome = actions.publish_records(
                    chosen,
                    request.user,
                    form.cleaned_data["reason"],
                    allow_download=download_choice(form.cleaned_data["download"]),
                )
                if outcome.done:
                    messages.success(request, f"Đã công bố {len(outcome.done)} hồ sơ, tài liệu.")
                for refusal in outcome.refused:
                    messages.error(request, refusal.reason)
            return redirect(f"{reverse('records:publication-queue')}?{request.GET.urlencode()}")
    return render(
        request,
        "records/publication_queue.html",
        {
            "filters": filters,
            "dossiers": Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("trang")),
            "documents": documents[:PAGE_SIZE],
            "document_total": documents.count(),
            "fonds": fonds,
            "querystring": _without_page(request.GET),
            "form": form if can_publish else None,
            "policy_form": PublicationPolicyForm(
                initial={name: getattr(fonds, name) for name in actions.POLICY_FIELDS}
            )
            if fonds is not None and can_publish
            else None,
        },
    )


def _without_page(params: QueryDict) -> str:
    """The filters as a query string ready for "trang=N" to follow ("" or "a=b&")."""
    kept = params.copy()
    kept.pop("trang", None)
    return f"{kept.urlencode()}&" if kept else ""


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name) if v.isascii() and v.isdigit()][:1000]


@login_required
@permission_required(VIEW_DOSSIER, raise_exception=True)
@require_POST
def fonds_publication_policy(request: HttpRequest, code: str) -> HttpResponse:
    """A fonds' publication policy, from the queue page filtered by that fonds."""
    if not actions.may_publish(request.user):
        raise PermissionDenied
    fonds = Fonds.objects.filter(code=code, agency__in=agencies_in_scope(request.user)).first()
    if fonds is None:
        raise Http404("Không tìm thấy phông lưu trữ.")
    form = PublicationPolicyForm(request.POST)
    if form.is_valid():
        actions.set_publication_policy(fonds, request.user, **form.cleaned_data)
        messages.success(request, f"Đã lưu chính sách công bố của phông “{fonds.name}”.")
    return redirect(f"{reverse('records:publication-queue')}?fonds={fonds.code}")


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
