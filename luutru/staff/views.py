"""The staff home (/quan-tri/) and the staff search (/quan-tri/tra-cuu/).

Pages of the staff site that belong to no domain app: the dashboard, and the search over the
records in the user's scope with live results (htmx), facets and pages. The search app has no
UI of its own (docs/architecture.md); its form (search/forms.py) bounds what this page reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from luutru.lib.htmx import HtmxHttpRequest, render_page
from luutru.organizations.models import Agency, Fonds
from luutru.organizations.services import agencies_in_scope
from luutru.search import services
from luutru.search.api import record_url
from luutru.search.base import Hit
from luutru.search.facets import (
    DROPDOWN_FACETS,
    dropdowns,
    facet_groups,
    labelled_facets,
)
from luutru.search.forms import SearchForm
from luutru.staff.guide import GUIDES, guide
from luutru.staff.services import work_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
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
            "work": work_for(request.user, scope),
            "today": timezone.localdate(),
            "agency_count": Agency.objects.active().count(),
            "fonds_count": Fonds.objects.count(),
        },
    )


@dataclass(frozen=True)
class Row:
    hit: Hit
    url: str
    about: services.Described | None = None


def _rows(hits: list[Hit]) -> list[Row]:
    """Each hit with its staff page and what it is (type, notation, date, issuer, dossier,
    access conditions)."""
    about = services.describe(hits)
    return [Row(hit, record_url(hit), about.get(f"{hit.kind}:{hit.pk}")) for hit in hits]


@login_required
def search(request: HtmxHttpRequest) -> HttpResponse:
    """Search the records in the user's scope; htmx requests get only the results partial.
    A date that does not exist is shown as the form's error, and nothing is searched."""
    if not request.user.has_perm("organizations.view_agency"):
        raise PermissionDenied
    form = SearchForm.lenient(request.GET)
    filters = form.filters()
    context: dict[str, object] = {
        "form": form,
        "query": form.query,
        "sort": form.sort_order,
        "searched": form.searched and not form.errors,
    }
    if context["searched"]:
        query = services.query_for(request.user, form.query, **form.search_arguments())
        found = services.run(query)
        facets = labelled_facets(found.facets)
        context.update(
            count=found.count,
            approximate=f"{found.count:,}".replace(",", ".") if found.approximate else "",
            rows=_rows(found.hits),
            groups=facet_groups(facets, filters, exclude=DROPDOWN_FACETS),
            page=form.result_page(found.count),
            first=form.first,
            filtered=form.filtered,
        )
    else:
        query = services.query_for(request.user, "", filters=filters)
    # Outside the results partial, so they are not redrawn as results change: no counts (they
    # would go stale), and computed only when the whole page is drawn (the template calls it).
    context["dropdowns"] = lambda: dropdowns(query, {})
    return render_page(request, "staff/search.html", context, partial="results")


@login_required
def guide_index(request: HttpRequest) -> HttpResponse:
    """The guides (hướng dẫn sử dụng), the user's own roles marked; staff only."""
    if not request.user.has_perm("organizations.view_agency"):
        raise PermissionDenied
    roles = set(request.user.memberships.values_list("role", flat=True))  # type: ignore[union-attr]
    return render(request, "staff/guide/index.html", {"guides": GUIDES, "roles": roles})


@login_required
def guide_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One role's guide: its steps, each with the screenshot the browser tests took."""
    if not request.user.has_perm("organizations.view_agency"):
        raise PermissionDenied
    found = guide(slug)
    if found is None:
        raise Http404("Không có hướng dẫn này.")
    return render(request, "staff/guide/page.html", {"guide": found})
