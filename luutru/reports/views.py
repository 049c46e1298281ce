"""Staff pages of evaluation under /quan-tri/bao-cao/: the dashboard (indicators against
targets, trends, agencies compared, drill-down links), targets, paper tallies, training and
the statistical report exports.

Viewing needs ``reports.view_kpi`` (the KPI viewer; administrators hold every permission);
changing targets, tallies and training needs ``reports.change_target`` (administrators).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luutru.lib.forms import run_action
from luutru.lib.htmx import HtmxHttpRequest, render_page
from luutru.organizations.models import Agency
from luutru.organizations.services import descendant_ids
from luutru.reports import actions, charts, exports, services
from luutru.reports.forms import (
    AttendanceForm,
    CourseForm,
    FilterForm,
    PaperHandoverForm,
    ReadingRoomForm,
    ReportFormForm,
    SessionForm,
    TargetForm,
)
from luutru.reports.models import (
    Course,
    Door,
    DoorCount,
    PaperHandover,
    ReadingRoomTally,
    ReportForm,
    Snapshot,
    Target,
    TrainingSession,
)

VIEW = "reports.view_kpi"
CHANGE = "reports.change_target"
DEFAULT_KEY = "born_digital_share"
TREND_YEARS = 5


def _drill(key: str, agency: Agency | None, year: int) -> str:
    """The staff list behind a figure, filtered as far as that list allows."""
    if key in {"born_digital_share", "holdings_documents", "holdings_pages", "holdings_dossiers",
               "digitized_share"}:  # fmt: skip
        query: dict[str, Any] = {"year": year} if key == "born_digital_share" else {}
        if agency is not None:
            query["agency"] = agency.pk
        return reverse("staff:search") + ("?" + urlencode(query) if query else "")
    targets = {
        "online_transfer_share": "ingest:transfer-list",
        "agencies_in_system_share": "ingest:transfer-list",
        "file_plan_transferred_share": "records:due-for-transfer",
        "transfers_due": "records:due-for-transfer",
        "transfers_overdue": "records:due-for-transfer",
        "fixity_ok_share": "preservation:dashboard",
        "fixity_lost": "preservation:dashboard",
        "holdings_gb": "preservation:dashboard",
        "trained_staff_share": "reports:training",
        "holdings_shelf_metres": "reports:tallies",
    }
    if key in {"online_use_share", "requests_on_time_share"}:
        return (
            reverse("access:staff-statistics")
            + "?"
            + urlencode({"tu": f"{year}-01-01", "den": f"{year}-12-31"})
        )
    name = targets.get(key)
    return reverse(name) if name else ""


@login_required
@permission_required(VIEW, raise_exception=True)
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    form = FilterForm(request.GET)
    valid = form.is_valid()
    year = form.year() if valid else timezone.localdate().year
    agency = form.cleaned_data.get("co_quan") if valid else None
    key = (form.cleaned_data.get("chi_tieu") if valid else None) or DEFAULT_KEY
    period = services.Period.year(year)
    goal = services.targets()
    scope = None if agency is None else descendant_ids({agency.pk})
    stored = services.snapshot(scope=scope)
    from_snapshot = stored is not None and period.label in stored
    data = services.figures_for(period, stored)
    items = services.summed(period, scope, data, goal)
    for item in items:
        item.drill = _drill(item.key, agency, year)  # type: ignore[attr-defined]
    shares = [i for i in items if i.is_share]
    counts = [i for i in items if not i.is_share]
    months = [services.Period.month(year, m) for m in range(1, 13)]
    years = [services.Period.year(year - i) for i in reversed(range(TREND_YEARS))]
    monthly = services.series(months, scope, key, goal, stored)
    yearly = services.series(years, scope, key, goal, stored)
    compared = services.compare(period, agency, data, goal)
    rows = [(c.agency, c.items[key]) for c in compared]
    chosen = next(i for i in items if i.key == key)
    doors = _doors(period)
    context = {
        "form": form,
        "year": year,
        "agency": agency,
        "key": key,
        "chosen": chosen,
        "shares": shares,
        "counts": counts,
        "from_snapshot": from_snapshot,
        "computed_at": (
            Snapshot.objects.filter(day=timezone.localdate())
            .values_list("computed_at", flat=True)
            .first()
            if from_snapshot
            else None
        ),
        "bars": charts.share_bars([charts.Bar(i.label, i.value, i.target) for i in shares]),
        "monthly": monthly,
        "monthly_chart": charts.columns(
            [(f"{p.start.month:02d}", i.value) for p, i in monthly], chosen.target
        ),
        "yearly": yearly,
        "yearly_chart": charts.columns([(p.label, i.value) for p, i in yearly], chosen.target),
        "compared": rows,
        "compare_chart": charts.share_bars(
            [charts.Bar(a.name, i.value, i.target) for a, i in rows]
        ),
        "lagging": [a for a, i in rows if i.lagging],
        "doors": doors,
        "can_change": request.user.has_perm(CHANGE),
        "query": urlencode({k: v for k, v in request.GET.items() if k in {"nam", "co-quan"}}),
    }
    return render_page(request, "reports/dashboard.html", context, partial="figures")


def _doors(period: services.Period) -> list[tuple[str, int]]:
    totals = dict.fromkeys(Door.values, 0)
    rows = DoorCount.objects.filter(day__gte=period.start, day__lte=period.end)
    for door, count in rows.values_list("door", "count"):
        totals[door] += count
    return [(str(Door(d).label), n) for d, n in totals.items()]


@login_required
@permission_required(VIEW, raise_exception=True)
def targets(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/targets.html",
        {"targets": Target.objects.all(), "can_change": request.user.has_perm(CHANGE)},
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Target, pk=pk)
    form = TargetForm(request.POST or None, initial={"value": target.value, "note": target.note})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(
            form,
            lambda: actions.change_target(
                target, value=data["value"], note=data["note"], actor=request.user
            ),
        )
        if done is not None:
            messages.success(request, _("Đã lưu chỉ tiêu “%(label)s”.") % {"label": target.label})
            return redirect("reports:targets")
    return render(request, "reports/target_edit.html", {"target": target, "form": form})


@login_required
@permission_required(VIEW, raise_exception=True)
def tallies(request: HttpRequest) -> HttpResponse:
    can_change = request.user.has_perm(CHANGE)
    handover_form = PaperHandoverForm(prefix="giay")
    reading_form = ReadingRoomForm(prefix="phong-doc")
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if "giay-agency" in request.POST:
            handover_form = PaperHandoverForm(request.POST, prefix="giay")
            if handover_form.is_valid():
                actions.record_paper_handover(**handover_form.cleaned_data, actor=request.user)
                messages.success(request, _("Đã ghi nhận lần giao nộp tài liệu giấy."))
                return redirect("reports:tallies")
        else:
            reading_form = ReadingRoomForm(request.POST, prefix="phong-doc")
            if reading_form.is_valid():
                actions.record_reading_room(**reading_form.cleaned_data, actor=request.user)
                messages.success(request, _("Đã ghi nhận số phiếu phục vụ tại phòng đọc."))
                return redirect("reports:tallies")
    context = {
        "handovers": PaperHandover.objects.select_related("agency")[:100],
        "tallies": ReadingRoomTally.objects.select_related("agency")[:100],
        "handover_form": handover_form if can_change else None,
        "reading_form": reading_form if can_change else None,
    }
    return render(request, "reports/tallies.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def training(request: HttpRequest) -> HttpResponse:
    can_change = request.user.has_perm(CHANGE)
    form = CourseForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            course = actions.create_course(**form.cleaned_data, actor=request.user)
            messages.success(request, _("Đã tạo khóa “%(title)s”.") % {"title": course.title})
            return redirect("reports:course", pk=course.pk)
    courses = Course.objects.all()
    return render(
        request,
        "reports/training.html",
        {"courses": courses, "form": form if can_change else None},
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def course(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Course, pk=pk)
    can_change = request.user.has_perm(CHANGE)
    form = SessionForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            actions.create_session(found, **form.cleaned_data, actor=request.user)
            messages.success(request, _("Đã mở lớp."))
            return redirect("reports:course", pk=found.pk)
    sessions = found.sessions.prefetch_related("attendances__user")
    return render(
        request,
        "reports/course.html",
        {"course": found, "sessions": sessions, "form": form if can_change else None},
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession.objects.select_related("course"), pk=pk)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        actions.set_attendance(
            session, form.cleaned_data["username"], completed=form.cleaned_data["completed"],
            actor=request.user,
        )  # fmt: skip
        messages.success(request, _("Đã cập nhật học viên."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("username", [])))
    return redirect("reports:course", pk=session.course_id)


@login_required
@permission_required(VIEW, raise_exception=True)
def report_forms(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET)
    return render(
        request,
        "reports/forms.html",
        {"forms": ReportForm.objects.all(), "filter": form,
         "can_change": request.user.has_perm(CHANGE),
         "query": urlencode({k: v for k, v in request.GET.items() if k in {"nam", "co-quan"}})},
    )  # fmt: skip


@login_required
@permission_required(VIEW, raise_exception=True)
def report_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report_form = get_object_or_404(ReportForm, pk=pk)
    form = FilterForm(request.GET)
    if not form.is_valid():
        return render(
            request, "reports/forms.html",
            {"forms": ReportForm.objects.all(), "filter": form}, status=400,
        )  # fmt: skip
    agency = form.cleaned_data.get("co_quan")
    report = exports.build(report_form, services.Period.year(form.year()), agency)
    name = f"{report_form.code}-{report.period.label}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.report_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response


@login_required
@permission_required(CHANGE, raise_exception=True)
def report_form_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ReportForm, pk=pk)
    initial = {
        "title": found.title, "legal_basis": found.legal_basis, "confirmed": found.confirmed,
        "note": found.note, "columns": [c.get("part") for c in found.columns],
        "rows": "\n".join(f"{r.get('label', '')} | {r.get('key', '')}" for r in found.rows),
    }  # fmt: skip
    form = ReportFormForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.change_report_form(found, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Đã lưu biểu mẫu %(code)s.") % {"code": found.code})
        return redirect("reports:forms")
    return render(request, "reports/form_edit.html", {"report_form": found, "form": form})


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Take today's snapshot again now (it is otherwise taken by the daily command)."""
    actions.take_snapshot(actor=request.user)
    messages.success(request, _("Đã tổng hợp lại số liệu hôm nay."))
    return redirect("reports:dashboard")
