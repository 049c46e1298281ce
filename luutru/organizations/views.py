"""Staff pages for the agency tree, agencies and fonds (/quan-tri/co-quan/, /quan-tri/phong/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from luutru.accounts.actions import create_user, set_active
from luutru.accounts.models import User
from luutru.audit.models import AuditEvent
from luutru.lib.forms import run_action
from luutru.lib.htmx import HtmxHttpRequest, render_page
from luutru.organizations import actions
from luutru.organizations.forms import (
    AgencyForm,
    CloseFondsForm,
    EndAgencyForm,
    FondsForm,
    RoleForm,
    StaffUserForm,
)
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
def agency_tree_page(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    agencies = Agency.objects.all()
    if query:
        agencies = agencies.filter(Q(name__icontains=query) | Q(code__icontains=query))
    scope_ids = set(agencies_in_scope(request.user).values_list("pk", flat=True))
    return render_page(
        request,
        "organizations/agency_tree.html",
        {
            "roots": agency_tree(agencies) if not query else [],
            "matches": list(agencies.order_by("code")) if query else [],
            "query": query,
            "scope_ids": scope_ids,
            "can_change": request.user.has_perm(CHANGE_AGENCY),
        },
        partial="tree",
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
            messages.success(request, _("Đã thêm cơ quan “%(name)s”.") % {"name": agency.name})
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
            messages.success(request, _("Đã lưu thay đổi."))
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
            messages.success(
                request, _("Đã ghi nhận “%(name)s” ngừng hoạt động.") % {"name": ended.name}
            )
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
            messages.success(request, _("Đã thêm phông “%(name)s”.") % {"name": fonds.name})
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
            messages.success(request, _("Đã lưu thay đổi."))
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
            messages.success(request, _("Đã đóng phông “%(name)s”.") % {"name": closed.name})
            return redirect("organizations:fonds-detail", code=closed.code)
    return render(request, "organizations/fonds_close.html", {"form": form, "fonds": fonds})


def _posted(request: HttpRequest) -> QueryDict | None:
    """Bind forms on every POST, even an empty one (``request.POST or None`` would not)."""
    return request.POST if request.method == "POST" else None


MANAGE_USERS = "accounts.change_user"


@login_required
@permission_required(MANAGE_USERS, raise_exception=True)
def user_list(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    users = User.objects.order_by("username").prefetch_related("memberships__agency")
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(full_name__icontains=query) | Q(email__icontains=query)
        )
    page = Paginator(users, 50).get_page(request.GET.get("trang"))
    return render_page(
        request, "organizations/user_list.html", {"page": page, "query": query}, partial="users"
    )


@login_required
@permission_required(MANAGE_USERS, raise_exception=True)
def user_create(request: HttpRequest) -> HttpResponse:
    form = StaffUserForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> User:
            user = create_user(
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                email=data["email"],
                position=data["position"],
                actor=request.user,
            )
            actions.assign_role(user, agency=data["agency"], role=data["role"], actor=request.user)
            return user

        user = run_action(form, lambda: transaction.atomic()(create)())
        if user is not None:
            messages.success(
                request, _("Đã tạo tài khoản “%(username)s”.") % {"username": user.username}
            )
            return redirect("organizations:user-detail", username=user.username)
    return render(request, "organizations/user_form.html", {"form": form})


@login_required
@permission_required(MANAGE_USERS, raise_exception=True)
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username)
    form = RoleForm(_posted(request))
    if request.method == "POST":
        if "revoke" in request.POST:
            revoke = request.POST["revoke"]
            membership = get_object_or_404(
                person.memberships, pk=int(revoke) if revoke.isdigit() else 0
            )
            actions.revoke_role(membership, actor=request.user)
            messages.success(request, _("Đã thu hồi vai trò."))
            return redirect("organizations:user-detail", username=person.username)
        if "active" in request.POST:
            if person.pk == request.user.pk:
                messages.error(request, _("Không thể tự khóa tài khoản của chính mình."))
            else:
                set_active(person, active=request.POST["active"] == "1", actor=request.user)
            return redirect("organizations:user-detail", username=person.username)
        if form.is_valid():
            actions.assign_role(
                person,
                agency=form.cleaned_data["agency"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
            messages.success(request, _("Đã giao vai trò."))
            return redirect("organizations:user-detail", username=person.username)
    return render(
        request,
        "organizations/user_detail.html",
        {
            "person": person,
            "memberships": person.memberships.select_related("agency").order_by("agency__code"),
            "form": form,
            "events": AuditEvent.objects.for_object("accounts.user", str(person.pk))[:20],
        },
    )
