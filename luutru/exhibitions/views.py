"""Exhibition pages: the public ones under /trien-lam/, the curator's under /quan-tri/trien-lam/.

Public: the list (on show, past), one exhibition read as a story, and a compact view to embed
in an agency's website (framable). Every item is asked of ``access.policy`` at render time, so
a document withdrawn or restricted after it was added is gone at once. Curating takes
``exhibitions.change_exhibition`` (archivists, heads); publishing and taking down
``exhibitions.publish_exhibition`` (heads). State changes go through ``exhibitions.actions``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST, require_safe

from luutru.exhibitions import actions, forms, services
from luutru.exhibitions.models import Anniversary, Exhibition, Item, Section, State

VIEW = "exhibitions.view_exhibition"
CHANGE = "exhibitions.change_exhibition"
PUBLISH = actions.PUBLISH_PERMISSION
NOT_FOUND = "Không tìm thấy triển lãm."
SOON_DAYS = 60


# ---------------------------------------------------------------------------------------------
# Public pages


def _story(request: HttpRequest, exhibition: Exhibition) -> dict[str, Any]:
    """What a visitor sees of the exhibition, in their language."""
    language = get_language() or "vi"
    shown = services.shown_items(exhibition)
    sections: list[dict[str, Any]] = []
    by_section: dict[int, list[Item]] = {}
    for item in shown:
        by_section.setdefault(item.section_id, []).append(item)
    for section in exhibition.sections.all():
        sections.append(
            {
                "section": section,
                "title": section.in_language("title", language),
                "lang": section.language_of("title", language),
                "text": section.in_language("text", language),
                "text_lang": section.language_of("text", language),
                "items": [
                    {
                        "item": item,
                        "code": services.public_code(item.document),
                        "caption": item.in_language("caption", language) or item.document.summary,
                        "lang": item.language_of("caption", language),
                        "kind": item.document.kind,
                        "media_rows": services.media_rows(item.document),
                    }
                    for item in by_section.get(section.pk, [])
                ],
            }
        )
    cover, page = None, 1
    # A recording has no image: the cover is a page or a photo.
    pictured = [i for i in shown if i.document.kind in services.PICTURED_KINDS]
    if exhibition.cover is not None and exhibition.cover_id in {i.document_id for i in pictured}:
        cover, page = services.public_code(exhibition.cover), exhibition.cover_page
    elif pictured:
        cover = services.public_code(pictured[0].document)
    url = request.build_absolute_uri(reverse("exhibitions:detail", args=[exhibition.slug]))
    return {
        "exhibition": exhibition,
        "title": exhibition.in_language("title", language),
        "summary": exhibition.in_language("summary", language),
        "title_lang": exhibition.language_of("title", language),
        "summary_lang": exhibition.language_of("summary", language),
        "sections": [s for s in sections if s["items"] or s["text"]],
        "count": len(shown),
        "cover_code": cover,
        "cover_page": page,
        "share_url": url,
        "embed_url": request.build_absolute_uri(
            reverse("exhibitions:embed", args=[exhibition.slug])
        ),
        "widget_url": request.build_absolute_uri(static("js/widget.js")),
        "on_show": exhibition.is_on_show(),
    }


def _public_exhibition(request: HttpRequest, slug: str) -> Exhibition:
    """An exhibition a visitor may open (on show or past); curators may also preview theirs."""
    exhibition = Exhibition.objects.select_related("cover").filter(slug=slug).first()
    if exhibition is None:
        raise Http404(NOT_FOUND)
    if not Exhibition.objects.public().filter(pk=exhibition.pk).exists() and not (
        request.user.has_perm(VIEW)
    ):
        raise Http404(NOT_FOUND)
    return exhibition


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    """Triển lãm: those on show now, then the past ones."""
    now = timezone.now()
    language = get_language() or "vi"
    current = list(Exhibition.objects.on_show(now).select_related("cover"))
    past = list(Exhibition.objects.past(now).select_related("cover"))

    def card(exhibition: Exhibition) -> dict[str, Any]:
        return {
            "exhibition": exhibition,
            "title": exhibition.in_language("title", language),
            "summary": exhibition.in_language("summary", language),
            "title_lang": exhibition.language_of("title", language),
            "summary_lang": exhibition.language_of("summary", language),
        }

    return render(
        request,
        "exhibitions/list.html",
        {"current": [card(e) for e in current], "past": [card(e) for e in past]},
    )


@require_safe
def public_detail(request: HttpRequest, slug: str) -> HttpResponse:
    exhibition = _public_exhibition(request, slug)
    if exhibition.state == State.PUBLISHED:
        actions.count_view(exhibition)
    return render(request, "exhibitions/detail.html", _story(request, exhibition))


@require_safe
@xframe_options_exempt
def public_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """A compact view for an iframe on an agency's website (framable, no site chrome)."""
    exhibition = _public_exhibition(request, slug)
    if exhibition.state == State.PUBLISHED:
        actions.count_view(exhibition)
    return render(request, "exhibitions/embed.html", _story(request, exhibition))


# ---------------------------------------------------------------------------------------------
# The curator's pages


def _try(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Run an action; its refusal becomes an error message. True when it ran."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, done)
    return True


@login_required
@permission_required(VIEW, raise_exception=True)
def staff_list(request: HttpRequest) -> HttpResponse:
    """Every exhibition with its state and hidden items, and the anniversaries coming."""
    exhibitions = list(Exhibition.objects.order_by("-created_at"))
    rows = [{"exhibition": e, "hidden": len(services.hidden_items(e))} for e in exhibitions]
    try:
        days = max(1, min(366, int(request.GET.get("ngay", SOON_DAYS))))
    except ValueError:
        days = SOON_DAYS
    return render(
        request,
        "exhibitions/staff_list.html",
        {
            "rows": rows,
            "coming": services.upcoming_with_exhibitions(timezone.localdate(), days),
            "days": days,
            "anniversaries": Anniversary.objects.all(),
            "new_form": forms.NewExhibitionForm(),
            "anniversary_form": forms.AnniversaryForm(),
            "can_change": request.user.has_perm(CHANGE),
        },
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def staff_create(request: HttpRequest) -> HttpResponse:
    form = forms.NewExhibitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Triển lãm cần có tên."))
        return redirect("exhibitions:staff-list")
    exhibition = actions.create_exhibition(title=form.cleaned_data["title"], actor=request.user)
    return redirect("exhibitions:staff-detail", pk=exhibition.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One exhibition: its texts and window, its chapters and items, the hidden items."""
    exhibition = get_object_or_404(Exhibition, pk=pk)
    form = forms.ExhibitionForm(instance=exhibition)
    if request.method == "POST":
        if not request.user.has_perm(CHANGE):
            raise PermissionDenied
        form = forms.ExhibitionForm(request.POST)
        if form.is_valid() and _try(
            request,
            lambda: actions.update_exhibition(exhibition, actor=request.user, **form.cleaned_data),
            _("Đã lưu triển lãm."),
        ):
            return redirect("exhibitions:staff-detail", pk=pk)
    hidden = services.hidden_items(exhibition)
    hidden_ids = {item.pk for item in hidden}
    sections = [
        {
            "section": section,
            "items": [
                {
                    "item": item,
                    "hidden": item.pk in hidden_ids,
                    "code": services.public_code(item.document),
                    "edit_form": forms.ItemEditForm(
                        auto_id=f"sua-muc-{item.pk}-%s",
                        media=services.is_media(item.document),
                        initial={
                            "page": item.page,
                            "caption": item.caption,
                            "caption_en": item.caption_en,
                        },
                    ),
                }
                for item in section.items.select_related("document")
            ],
            # One form per chapter, with its own element ids (labels stay unique on the page).
            "item_form": forms.ItemForm(auto_id=f"muc-{section.pk}-%s"),
            "edit_form": forms.SectionEditForm(
                auto_id=f"sua-chuong-{section.pk}-%s",
                initial={name: getattr(section, name) for name in actions.SECTION_FIELDS_EDITABLE},
            ),
        }
        for section in exhibition.sections.all()
    ]
    return render(
        request,
        "exhibitions/staff_detail.html",
        {
            "exhibition": exhibition,
            "form": form,
            "sections": sections,
            "hidden": hidden,
            "section_form": forms.SectionForm(auto_id="chuong-%s"),
            "can_change": request.user.has_perm(CHANGE),
            "can_publish": request.user.has_perm(PUBLISH),
            "on_show": exhibition.is_on_show(),
        },
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    exhibition = get_object_or_404(Exhibition, pk=pk)
    form = forms.SectionForm(request.POST)
    if form.is_valid():
        _try(
            request,
            lambda: actions.add_section(exhibition, actor=request.user, **form.cleaned_data),
            _("Đã thêm chương."),
        )
    else:
        messages.error(request, _("Chương cần có tên."))
    return redirect("exhibitions:staff-detail", pk=pk)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def section_edit(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    chapter = get_object_or_404(
        Section.objects.select_related("exhibition"), pk=section, exhibition_id=pk
    )
    form = forms.SectionEditForm(request.POST)
    if form.is_valid():
        _try(
            request,
            lambda: actions.update_section(chapter, actor=request.user, **form.cleaned_data),
            _("Đã sửa chương."),
        )
    else:
        messages.error(request, _("Chương cần có tên và số thứ tự hợp lệ."))
    return redirect("exhibitions:staff-detail", pk=pk)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def item_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    found = get_object_or_404(
        Item.objects.select_related("section__exhibition", "document"),
        pk=item,
        section__exhibition_id=pk,
    )
    form = forms.ItemEditForm(request.POST, media=services.is_media(found.document))
    if form.is_valid():
        _try(
            request,
            lambda: actions.update_item(found, actor=request.user, **form.cleaned_data),
            _("Đã sửa chú thích."),
        )
    elif "page" in form.errors:
        messages.error(request, _("Cần số trang hợp lệ."))
    else:
        messages.error(request, _("Chú thích dài quá 500 ký tự."))
    return redirect("exhibitions:staff-detail", pk=pk)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def item_add(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    chapter = get_object_or_404(Section, pk=section, exhibition_id=pk)
    form = forms.ItemForm(request.POST)
    if form.is_valid():
        _try(
            request,
            lambda: actions.add_item(chapter, actor=request.user, **form.cleaned_data),
            _("Đã đưa tài liệu vào triển lãm."),
        )
    else:
        messages.error(request, _("Cần mã tài liệu và số trang hợp lệ."))
    return redirect("exhibitions:staff-detail", pk=pk)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def item_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    found = get_object_or_404(
        Item.objects.select_related("section__exhibition", "document"),
        pk=item,
        section__exhibition_id=pk,
    )
    _try(request, lambda: actions.remove_item(found, actor=request.user), _("Đã bỏ tài liệu."))
    return redirect("exhibitions:staff-detail", pk=pk)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def item_cover(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    found = get_object_or_404(Item, pk=item, section__exhibition_id=pk)
    exhibition = get_object_or_404(Exhibition, pk=pk)
    _try(
        request,
        lambda: actions.set_cover(exhibition, found, actor=request.user),
        _("Đã đổi ảnh bìa."),
    )
    return redirect("exhibitions:staff-detail", pk=pk)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def reorder(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    """The section's items in a new order: ``item`` values in order (drag and drop posts them;
    without JavaScript, each item's number field)."""
    chapter = get_object_or_404(Section, pk=section, exhibition_id=pk)
    try:
        if request.POST.getlist("item"):
            ids = [int(value) for value in request.POST.getlist("item")]
        else:
            numbers = {
                item.pk: int(request.POST.get(f"so-{item.pk}", item.number))
                for item in chapter.items.all()
            }
            ids = sorted(numbers, key=lambda key: (numbers[key], key))
    except ValueError:
        messages.error(request, _("Số thứ tự không hợp lệ."))
        return redirect("exhibitions:staff-detail", pk=pk)
    ok = _try(
        request,
        lambda: actions.reorder_items(chapter, ids, actor=request.user),
        _("Đã sắp xếp lại."),
    )
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204 if ok else 400)
    return redirect("exhibitions:staff-detail", pk=pk)


TRANSITIONS: dict[str, tuple[Callable[..., Exhibition], str]] = {
    "gui-duyet": (actions.submit_for_review, gettext_noop("Đã gửi duyệt.")),
    "cong-bo": (actions.publish_exhibition, gettext_noop("Đã công bố triển lãm.")),
    "ve-nhap": (actions.return_to_draft, gettext_noop("Đã đưa về bản nháp.")),
}


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def transition(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in TRANSITIONS:
        raise Http404(NOT_FOUND)
    exhibition = get_object_or_404(Exhibition, pk=pk)
    action, done = TRANSITIONS[step]
    _try(request, lambda: action(exhibition, actor=request.user), _(done))
    return redirect("exhibitions:staff-detail", pk=pk)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def anniversary_add(request: HttpRequest) -> HttpResponse:
    form = forms.AnniversaryForm(request.POST)
    if form.is_valid():
        _try(
            request,
            lambda: actions.add_anniversary(actor=request.user, **form.cleaned_data),
            _("Đã thêm ngày kỷ niệm."),
        )
    else:
        messages.error(request, _("Ngày kỷ niệm cần ngày, tháng và tên."))
    return redirect("exhibitions:staff-list")


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def anniversary_remove(request: HttpRequest, pk: int) -> HttpResponse:
    anniversary = get_object_or_404(Anniversary, pk=pk)
    _try(
        request,
        lambda: actions.remove_anniversary(anniversary, actor=request.user),
        _("Đã bỏ ngày kỷ niệm."),
    )
    return redirect("exhibitions:staff-list")
