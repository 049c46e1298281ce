"""Pages that belong to no single app: the staff dashboard (the public home is the portal's)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from luutru.organizations.models import Agency, Fonds
from luutru.organizations.services import agencies_in_scope


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("organizations.view_agency"):
        raise PermissionDenied
    scope = agencies_in_scope(request.user)
    memberships = request.user.memberships.select_related("agency")  # type: ignore[union-attr]
    return render(
        request,
        "staff/home.html",
        {
            "memberships": memberships,
            "scope_count": scope.count(),
            "agency_count": Agency.objects.active().count(),
            "fonds_count": Fonds.objects.count(),
        },
    )
