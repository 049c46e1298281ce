"""Staff pages for the agency tree, agencies and fonds (/quan-tri/co-quan/, /quan-tri/phong/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from luutru.audit.models import AuditEvent
from luutru.lib.forms import run_action
from luutru.organizations import actions
from luutru.organizations.forms import AgencyForm, CloseFondsForm, EndAgencyForm, FondsForm
from luutru.organizations.models import Agency
from luutru.organizations.services import (
    agencies_in_scope,
    agency_tree,
    get_agency_for_user,
    get_fonds_for_user,
)

VIEW_AGENCY = "organizations.view_agency"
CHANGE_AGENCY = "organizations.change_agency"
CHANGE_FONDS = "organizations.change_fonds"


@login_required
@permission_required(VIEW_AGENCY, raise_exception=True)
def agency_tree_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    agencies = Agency.objects.all()
    if query:
        agencies = agencies.filter(Q(name__icontains=query) | Q(code__icontains=query))
    template = "organizations/agency_tree.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#tree"
    scope_ids = set(agencies_in_scope(request.user).values_list("pk", flat=True))
    return render(
        request,
        template,
        {
            "roots": agency_tree(agencies) if not query else [],
            "matches": list(agencies.order_by("code")) if query else [],
            "query": query,
            "scope_ids": scope_ids,
            "can_change": request.user.has_perm(CHANGE_AGENCY),
        },
    )


@login_required
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_agency_for_user(request.user, code)
    return render(
        request,
        "organizations/agency_detail.html",
        {
            "agency": agency,
            "ancestors": list(reversed(agency.ancestors())),
            "children": agency.children.order_by("code"),
            "fonds_list": agency.fonds.order_by("code"),
            "successions": agency.successions.select_related("successor"),
            "predecessions": agency.predecessions.select_related("predecessor"),
            "archives": agency.archives.all(),
            "events": AuditEvent.objects.for_object("organizations.agency", str(agency.pk))[:10],
            "can_change": request.user.has_perm(CHANGE_AGENCY),
        },
    )


@login_required
@permission_required(CHANGE_AGENCY, raise_exception=True)
def agency_create(request: HttpRequest) -> HttpResponse:
    form = AgencyForm(_posted(request), initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        agency = run_action(
            form, lambda: actions.create_agency(actor=request.user, **form.cleaned_data)
        )
        if agency is not None:
            messages.success(request, f"Đã thêm cơ quan “{agency.name}”.")
            return redirect("organizations:agency-detail", code=agency.code)
    return render(request, "organizations/agency_form.html", {"form": form, "agency": None})


@login_required
def agency_edit(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_agency_for_user(request.user, code, change=True)
    form = AgencyForm(_posted(request), instance=Agency.objects.get(pk=agency.pk))
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form, lambda: actions.update_agency(agency, actor=request.user, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect("organizations:agency-detail", code=saved.code)
    return render(request, "organizations/agency_form.html", {"form": form, "agency": agency})


@login_required
def agency_end(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_agency_for_user(request.user, code, change=True)
    form = EndAgencyForm(_posted(request), agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ended = run_action(
            form,
            lambda: actions.end_agency(
                agency,
                on=data["on"],
                reason=data["reason"],
                successors=data["successors"],
                legal_basis=data["legal_basis"],
                actor=request.user,
            ),
            field_map={"end_reason": "reason", "valid_until": "on"},
        )
        if ended is not None:
            messages.success(request, f"Đã ghi nhận “{ended.name}” ngừng hoạt động.")
            return redirect("organizations:agency-detail", code=ended.code)
    return render(request, "organizations/agency_end.html", {"form": form, "agency": agency})


@login_required
def fonds_detail(request: HttpRequest, code: str) -> HttpResponse:
    fonds = get_fonds_for_user(request.user, code)
    return render(
        request,
        "organizations/fonds_detail.html",
        {
            "fonds": fonds,
            "events": AuditEvent.objects.for_object("organizations.fonds", str(fonds.pk))[:10],
            "can_change": request.user.has_perm(CHANGE_FONDS),
        },
    )


@login_required
@permission_required(CHANGE_FONDS, raise_exception=True)
def fonds_create(request: HttpRequest) -> HttpResponse:
    form = FondsForm(_posted(request), initial={"agency": request.GET.get("agency")})
    if request.method == "POST" and form.is_valid():
        fonds = run_action(
            form, lambda: actions.create_fonds(actor=request.user, **form.cleaned_data)
        )
        if fonds is not None:
            messages.success(request, f"Đã thêm phông “{fonds.name}”.")
            return redirect("organizations:fonds-detail", code=fonds.code)
    return render(request, "organizations/fonds_form.html", {"form": form, "fonds": None})


@login_required
def fonds_edit(request: HttpRequest, code: str) -> HttpResponse:
    fonds = get_fonds_for_user(request.user, code, change=True)
    form = FondsForm(_posted(request), instance=type(fonds).objects.get(pk=fonds.pk))
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form, lambda: actions.update_fonds(fonds, actor=request.user, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect("organizations:fonds-detail", code=saved.code)
    return render(request, "organizations/fonds_form.html", {"form": form, "fonds": fonds})


@login_required
def fonds_close(request: HttpRequest, code: str) -> HttpResponse:
    fonds = get_fonds_for_user(request.user, code, change=True)
    form = CloseFondsForm(_posted(request), initial={"end_year": fonds.end_year})
    if request.method == "POST" and form.is_valid():
        closed = run_action(
            form,
            lambda: actions.close_fonds(
                fonds, end_year=form.cleaned_data["end_year"], actor=request.user
            ),
        )
        if closed is not None:
            messages.success(request, f"Đã đóng phông “{closed.name}”.")
            return redirect("organizations:fonds-detail", code=closed.code)
    return render(request, "organizations/fonds_close.html", {"form": form, "fonds": fonds})


def _posted(request: HttpRequest) -> QueryDict | None:
    """Bind forms on every POST, even an empty one (``request.POST or None`` would not)."""
    return request.POST if request.method == "POST" else None
