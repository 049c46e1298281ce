"""Staff pages of retention (lưu giữ và loại hủy), under /quan-tri/luu-giu/.

Seeing them takes ``retention.view_appraisal`` (archivists, heads, council members,
administrators), and only rounds of agencies in the caller's scope; working a round
``retention.carry_out_disposal``; deciding ``retention.decide_disposal``; holds
``retention.place_hold``; secrecy decisions ``retention.review_secrecy``; schedules
``retention.add_schedule`` (administrators). Votes are cast by the round's council members.
Every state change goes through ``retention.actions``; a refusal is shown as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luutru.lib.spreadsheets import Column, table_xlsx
from luutru.organizations.models import Fonds
from luutru.organizations.services import agencies_in_scope
from luutru.records.models import DocumentFile, Dossier
from luutru.retention import actions, forms, papers, services
from luutru.retention.models import (
    Appraisal,
    AppraisalItem,
    AppraisalState,
    DestroyedRecord,
    HistoricalTransfer,
    Hold,
    Schedule,
    Secrecy,
    TransferState,
)

VIEW = "retention.view_appraisal"
WORK = "retention.carry_out_disposal"
DECIDE = "retention.decide_disposal"
HOLD = "retention.place_hold"
SECRECY = "retention.review_secrecy"
SCHEDULE = "retention.add_schedule"
TRANSFER = "retention.change_historicaltransfer"
REVIEW_TRANSFER = "retention.review_transfer"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAMPLE_FILES = 3


def _try(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Run an action; its refusal becomes an error message. True when it ran."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, done)
    return True


def _appraisal(request: HttpRequest, pk: int) -> Appraisal:
    """The round, if its agency is in the caller's scope; 404 otherwise."""
    appraisal = Appraisal.objects.select_related("agency__parent").filter(pk=pk).first()
    if (
        appraisal is None
        or not agencies_in_scope(request.user).filter(pk=appraisal.agency_id).exists()
    ):
        raise Http404("Không tìm thấy đợt xét hủy.")
    return appraisal


@login_required
@permission_required(VIEW, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = agencies_in_scope(request.user)
    return render(
        request,
        "retention/dashboard.html",
        {
            "board": services.dashboard(scope),
            "recent": Appraisal.objects.filter(agency__in=scope).select_related("agency")[:10],
            "open_form": forms.OpenAppraisalForm(),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def due_list(request: HttpRequest) -> HttpResponse:
    form = forms.YearForm(request.GET)
    year = form.year()
    rows = services.due_rows(year, agencies_in_scope(request.user))
    return render(request, "retention/due_list.html", {"form": form, "year": year, "rows": rows})


@login_required
@permission_required(VIEW, raise_exception=True)
def due_xlsx(request: HttpRequest) -> HttpResponse:
    year = forms.YearForm(request.GET).year()
    rows = services.due_rows(year, agencies_in_scope(request.user))
    data = table_xlsx(
        [
            Column("Mã hồ sơ", 30),
            Column("Tiêu đề hồ sơ", 60),
            Column("Thời hạn lưu trữ", 16),
            Column("Hết hạn", 14),
            Column("Tạm dừng hủy", 14),
        ],
        (
            [
                r.code,
                r.title,
                services.retention_label(r.retention),
                r.expires,
                "có" if r.hold else "",
            ]
            for r in rows
        ),
        title=f"Xem xét hủy {year}",
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="xem-xet-huy-{year}.xlsx"'
    return response


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def appraisal_open(request: HttpRequest) -> HttpResponse:
    form = forms.OpenAppraisalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần mã cơ quan và năm."))
        return redirect("retention:dashboard")
    agency = agencies_in_scope(request.user).filter(code=form.cleaned_data["agency"]).first()
    if agency is None:
        messages.error(request, _("Không tìm thấy cơ quan trong phạm vi của ông/bà."))
        return redirect("retention:dashboard")
    made: list[Appraisal] = []
    if _try(
        request,
        lambda: made.append(
            actions.open_appraisal(
                agency=agency, year=form.cleaned_data["year"], actor=request.user
            )
        ),
        _("Đã lập danh mục xem xét hủy."),
    ):
        return redirect("retention:appraisal", made[0].pk)
    return redirect("retention:dashboard")


@login_required
@permission_required(VIEW, raise_exception=True)
def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    files = DocumentFile.objects.select_related("document").order_by("document_id", "pk")
    items = list(
        appraisal.items.select_related("dossier").prefetch_related(
            "votes__member__user", Prefetch("dossier__documents__files", queryset=files)
        )
    )
    member = appraisal.members.filter(user_id=request.user.pk or 0).first()
    rows = []
    for item in items:
        sample = []
        if item.dossier is not None:
            for document in item.dossier.documents.all():
                sample += list(document.files.all())
        voted = member is not None and any(v.member_id == member.pk for v in item.votes.all())
        rows.append(
            {
                "item": item,
                "sample": sample[:SAMPLE_FILES],
                "tally": services.tally(item),
                "voted": voted,
            }
        )
    return render(
        request,
        "retention/appraisal_detail.html",
        {
            "appraisal": appraisal,
            "rows": rows,
            "member": member,
            "members": appraisal.members.select_related("user"),
            "overdue": appraisal.overdue(),
            "papers": papers.PAPERS,
            "member_form": forms.MemberForm(),
            "close_form": forms.CloseCouncilForm(),
            "decision_form": forms.DecisionForm(),
            "can_work": request.user.has_perm(WORK),
            "can_decide": request.user.has_perm(DECIDE),
            "states": AppraisalState,
        },
    )


def _post(
    request: HttpRequest,
    pk: int,
    perm: str | None,
    form_class: type[Any],
    run: Callable[[Appraisal, Any], Any],
    done: str,
) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    if perm is not None and not request.user.has_perm(perm):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        _try(request, lambda: run(appraisal, form.cleaned_data), done)
    else:
        messages.error(request, _("Thông tin chưa đủ: ") + form.errors.as_text())
    return redirect("retention:appraisal", appraisal.pk)


def _item(appraisal: Appraisal, pk: int) -> AppraisalItem:
    return get_object_or_404(AppraisalItem, appraisal=appraisal, pk=pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    def run(appraisal: Appraisal, data: dict[str, Any]) -> Any:
        user = get_user_model().objects.filter(username=data["username"]).first()
        if user is None:
            raise ValidationError(_("Không tìm thấy người dùng này."))
        return actions.add_member(
            appraisal, user=user, role=data["role"], position=data["position"], actor=request.user
        )

    return _post(request, pk, WORK, forms.MemberForm, run, _("Đã thêm thành viên hội đồng."))


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    def run(appraisal: Appraisal, data: dict[str, Any]) -> Any:
        return actions.cast_vote(
            _item(appraisal, data["item"]),
            actor=request.user,
            opinion=data["opinion"],
            comment=data["comment"],
        )

    return _post(request, pk, None, forms.VoteForm, run, _("Đã ghi ý kiến."))


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def conclude(request: HttpRequest, pk: int) -> HttpResponse:
    def run(appraisal: Appraisal, data: dict[str, Any]) -> Any:
        return actions.conclude_item(
            _item(appraisal, data["item"]),
            outcome=data["outcome"],
            new_retention=data["new_retention"],
            keep_reason=data["keep_reason"],
            actor=request.user,
        )

    return _post(request, pk, WORK, forms.ConcludeForm, run, _("Đã ghi kết luận."))


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def close_council(request: HttpRequest, pk: int) -> HttpResponse:
    def run(appraisal: Appraisal, data: dict[str, Any]) -> Any:
        return actions.close_council(
            appraisal,
            met_on=data["met_on"],
            minutes=data["minutes"],
            explanatory_note=data["explanatory_note"],
            actor=request.user,
        )

    return _post(request, pk, WORK, forms.CloseCouncilForm, run, _("Đã kết thúc họp hội đồng."))


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    def run(appraisal: Appraisal, data: dict[str, Any]) -> Any:
        return actions.decide_disposal(appraisal, number=data["number"], actor=request.user)

    return _post(request, pk, DECIDE, forms.DecisionForm, run, _("Đã ghi quyết định hủy."))


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def destroy(request: HttpRequest, pk: int) -> HttpResponse:
    def run(appraisal: Appraisal, data: dict[str, Any]) -> Any:
        return actions.destroy(appraisal, actor=request.user)

    return _post(
        request, pk, WORK, forms.ConfirmForm, run, _("Đã thực hiện hủy; đã lập biên bản hủy.")
    )


def paper_view(name: str, fmt: str) -> Callable[[HttpRequest, int], HttpResponse]:
    """One paper of a round (``papers.PAPERS``) as PDF or Excel."""

    @login_required
    @permission_required(VIEW, raise_exception=True)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        appraisal = _appraisal(request, pk)
        slug = papers.PAPERS[name].slug
        if fmt == "pdf":
            response = HttpResponse(papers.pdf(appraisal, name), content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{slug}-{appraisal.pk}.pdf"'
        else:
            response = HttpResponse(papers.xlsx(appraisal, name), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{slug}-{appraisal.pk}.xlsx"'
        return response

    view.__name__ = f"{name}_{fmt}"
    return view


@login_required
@permission_required(VIEW, raise_exception=True)
def hold_list(request: HttpRequest) -> HttpResponse:
    scope = agencies_in_scope(request.user)
    holds = Hold.objects.filter(dossier__agency__in=scope) | Hold.objects.filter(
        fonds__agency__in=scope
    )
    if request.method == "POST":
        if not request.user.has_perm(HOLD):
            raise PermissionDenied
        form = forms.HoldForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            dossier = Dossier.objects.filter(agency__in=scope, code=data["dossier"]).first()
            fonds = Fonds.objects.filter(agency__in=scope, code=data["fonds"]).first()
            if (data["dossier"] and dossier is None) or (data["fonds"] and fonds is None):
                messages.error(request, _("Không tìm thấy hồ sơ hoặc phông trong phạm vi."))
            elif _try(
                request,
                lambda: actions.place_hold(
                    kind=data["kind"],
                    reason=data["reason"],
                    dossier=dossier,
                    fonds=fonds,
                    actor=request.user,
                ),
                _("Đã áp dụng lệnh tạm dừng hủy, chuyển giao."),
            ):
                return redirect("retention:holds")
    else:
        form = forms.HoldForm()
    return render(
        request,
        "retention/hold_list.html",
        {
            "holds": holds.select_related("dossier", "fonds", "placed_by", "lifted_by").order_by(
                "-placed_at"
            )[:200],
            "form": form,
            "lift_form": forms.LiftForm(),
            "can_hold": request.user.has_perm(HOLD),
        },
    )


@login_required
@permission_required(HOLD, raise_exception=True)
@require_POST
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    scope = agencies_in_scope(request.user)
    hold = (
        (
            Hold.objects.filter(dossier__agency__in=scope)
            | Hold.objects.filter(fonds__agency__in=scope)
        )
        .filter(pk=pk)
        .first()
    )
    if hold is None:
        raise Http404("Không tìm thấy lệnh tạm dừng.")
    form = forms.LiftForm(request.POST)
    if form.is_valid():
        _try(
            request,
            lambda: actions.lift_hold(hold, reason=form.cleaned_data["reason"], actor=request.user),
            _("Đã gỡ lệnh tạm dừng."),
        )
    else:
        messages.error(request, _("Cần nêu lý do gỡ."))
    return redirect("retention:holds")


@login_required
@permission_required(VIEW, raise_exception=True)
def register(request: HttpRequest) -> HttpResponse:
    scope = agencies_in_scope(request.user)
    codes = list(scope.values_list("code", flat=True))
    entries = DestroyedRecord.objects.filter(agency_code__in=codes).select_related("appraisal")
    return render(request, "retention/register.html", {"entries": entries[:500]})


@login_required
@permission_required(VIEW, raise_exception=True)
def schedule_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.has_perm(SCHEDULE):
            raise PermissionDenied
        form = forms.ScheduleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if _try(
                request,
                lambda: actions.publish_schedule(
                    key=data["key"],
                    name=data["name"],
                    kind=data["kind"],
                    legal_basis=data["legal_basis"],
                    entries=form.entry_list(),
                    actor=request.user,
                ),
                _("Đã ban hành phiên bản mới của bảng thời hạn."),
            ):
                return redirect("retention:schedules")
    else:
        form = forms.ScheduleForm()
    return render(
        request,
        "retention/schedule_list.html",
        {
            "schedules": Schedule.objects.prefetch_related("entries"),
            "form": form,
            "can_edit": request.user.has_perm(SCHEDULE),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def transfer_list(request: HttpRequest) -> HttpResponse:
    form = forms.YearForm(request.GET)
    year = form.year()
    scope = agencies_in_scope(request.user)
    return render(
        request,
        "retention/transfer_list.html",
        {
            "form": form,
            "year": year,
            "due": services.transfers_due(year, scope)[:500],
            "plan_form": forms.PlanTransferForm(initial={"year": year}),
            "reply_form": forms.ReplyTransferForm(),
            "can_transfer": request.user.has_perm(TRANSFER),
            "can_review": request.user.has_perm(REVIEW_TRANSFER),
            "reviewable": services.staffed_archive_ids(request.user),
            "states": TransferState,
            "today": timezone.localdate(),
            "transfers": HistoricalTransfer.objects.filter(agency__in=scope)
            .select_related("agency")
            .prefetch_related("dossiers"),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def transfer_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Biên bản giao nhận of a transfer that was handed over, as PDF."""
    transfer = _transfer(request, pk)
    if transfer.state != TransferState.RECEIVED:
        raise Http404("Đợt nộp lưu chưa giao nhận: chưa có biên bản giao nhận.")
    response = HttpResponse(papers.receipt_pdf(transfer), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{papers.RECEIPT.slug}-{transfer.pk}.pdf"'
    return response


def _transfer(request: HttpRequest, pk: int) -> HistoricalTransfer:
    scope = agencies_in_scope(request.user)
    transfer = HistoricalTransfer.objects.filter(agency__in=scope, pk=pk).first()
    if transfer is None:
        raise Http404("Không tìm thấy đợt nộp lưu.")
    return transfer


@login_required
@permission_required(TRANSFER, raise_exception=True)
@require_POST
def transfer_plan(request: HttpRequest) -> HttpResponse:
    """Plan every due permanent dossier of one agency for the year."""
    form = forms.PlanTransferForm(request.POST)
    scope = agencies_in_scope(request.user)
    agency = scope.filter(code=form.data.get("agency", "")).first()
    if not form.is_valid() or agency is None:
        messages.error(request, _("Cần mã cơ quan trong phạm vi và năm."))
        return redirect("retention:transfers")
    year = form.cleaned_data["year"]
    due = list(services.transfers_due(year, scope.filter(pk=agency.pk)))
    _try(
        request,
        lambda: actions.plan_transfer(agency=agency, year=year, dossiers=due, actor=request.user),
        _("Đã lập kế hoạch nộp lưu."),
    )
    return redirect("retention:transfers")


@login_required
def transfer_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Register with the historical archive (the agency's side, ``change_historicaltransfer``),
    or record the archive's reply and the handover (its staff, ``review_transfer``; the action
    also refuses anyone outside the historical archive). POST only."""
    user = request.user
    if not (user.has_perm(TRANSFER) or user.has_perm(REVIEW_TRANSFER)):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    step = request.POST.get("step", "")
    if not user.has_perm(TRANSFER if step == "submit" else REVIEW_TRANSFER):
        raise PermissionDenied
    transfer = _transfer(request, pk)
    if step == "submit":
        _try(
            request, lambda: actions.submit_transfer(transfer, actor=request.user), _("Đã đăng ký.")
        )
    elif step == "reply":
        form = forms.ReplyTransferForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            _try(
                request,
                lambda: actions.reply_transfer(
                    transfer, accept=data["accept"], reply=data["reply"], actor=request.user
                ),
                _("Đã ghi ý kiến của lưu trữ lịch sử."),
            )
        else:
            messages.error(request, _("Cần ý kiến của lưu trữ lịch sử."))
    elif step == "receive":
        _try(
            request,
            lambda: actions.receive_transfer(transfer, actor=request.user),
            _("Đã giao nhận."),
        )
    else:
        messages.error(request, _("Không rõ thao tác."))
    return redirect("retention:transfers")


@login_required
@permission_required(VIEW, raise_exception=True)
def secrecy_list(request: HttpRequest) -> HttpResponse:
    scope = agencies_in_scope(request.user)
    set_form = forms.SecrecyForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(SECRECY):
            raise PermissionDenied
        if set_form.is_valid():
            data = set_form.cleaned_data
            dossier = Dossier.objects.filter(agency__in=scope, code=data["dossier"]).first()
            if dossier is None:
                messages.error(request, _("Không tìm thấy hồ sơ trong phạm vi."))
            elif _try(
                request,
                lambda: actions.set_secrecy(
                    dossier,
                    level=data["level"],
                    classified_on=data["classified_on"],
                    actor=request.user,
                ),
                _("Đã ghi độ mật và hạn rà soát."),
            ):
                return redirect("retention:secrecy")
    return render(
        request,
        "retention/secrecy_list.html",
        {
            "entries": Secrecy.objects.filter(dossier__agency__in=scope)
            .select_related("dossier")
            .prefetch_related("decisions")[:500],
            "form": forms.SecrecyDecisionForm(),
            "set_form": set_form,
            "can_decide": request.user.has_perm(SECRECY),
        },
    )


@login_required
@permission_required(SECRECY, raise_exception=True)
@require_POST
def secrecy_decide(request: HttpRequest, pk: int) -> HttpResponse:
    scope = agencies_in_scope(request.user)
    secrecy = Secrecy.objects.filter(dossier__agency__in=scope, pk=pk).first()
    if secrecy is None:
        raise Http404("Không tìm thấy hồ sơ mật.")
    form = forms.SecrecyDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _try(
            request,
            lambda: actions.decide_secrecy(
                secrecy,
                outcome=data["outcome"],
                reason=data["reason"],
                new_review_on=data["new_review_on"],
                new_regime=data["new_regime"],
                actor=request.user,
            ),
            _("Đã ghi quyết định về độ mật."),
        )
    else:
        messages.error(request, _("Thông tin chưa đủ: ") + form.errors.as_text())
    return redirect("retention:secrecy")
