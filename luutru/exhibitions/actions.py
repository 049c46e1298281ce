"""Every state change of exhibitions: curating, the draft → review → published states, the
anniversaries, loading a whole exhibition from a file, and the view counter.

Each action is atomic and writes its audit event in the same transaction. Refusals are
``ValidationError`` with a Vietnamese message and a machine ``code`` (``not_public``,
``forbidden``, ``bad_state``…), and change nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify

from luutru.audit.actions import record
from luutru.exhibitions import services
from luutru.exhibitions.models import (
    Anniversary,
    AuditAction,
    Exhibition,
    Item,
    Section,
    State,
)
from luutru.lib.vietnamese import nfc

PUBLISH_PERMISSION = "exhibitions.publish_exhibition"


def _next_number(qs: Any) -> int:
    return int(qs.aggregate(top=Max("number"))["top"] or 0) + 1


def unique_slug(title: str) -> str:
    """A URL slug from the title, without diacritics (đ as d), made unique with -2, -3…"""
    base = slugify(nfc(title).replace("đ", "d").replace("Đ", "D"))[:70] or "trien-lam"
    slug, n = base, 1
    while Exhibition.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_window(start: datetime.datetime | None, end: datetime.datetime | None) -> None:
    if start and end and end <= start:
        raise ValidationError(
            "Thời điểm kết thúc trưng bày phải sau thời điểm bắt đầu.", code="bad_window"
        )


@transaction.atomic
def create_exhibition(*, title: str, actor: Any, **values: Any) -> Exhibition:
    """A new draft exhibition. ``values``: summary, the English texts, the window."""
    title = nfc(title.strip())
    if not title:
        raise ValidationError("Triển lãm cần có tên.", code="missing_field")
    _check_window(values.get("publish_from"), values.get("publish_until"))
    exhibition = Exhibition.objects.create(
        slug=values.pop("slug", "") or unique_slug(title),
        title=title,
        created_by=actor if getattr(actor, "pk", None) else None,
        **values,
    )
    record(
        AuditAction.CREATE,
        actor=actor,
        message=f"Lập triển lãm «{title}».",
        target=exhibition,
    )
    return exhibition


EDITABLE = (
    "title",
    "title_en",
    "summary",
    "summary_en",
    "publish_from",
    "publish_until",
    "cover_page",
)


@transaction.atomic
def update_exhibition(exhibition: Exhibition, *, actor: Any, **values: Any) -> Exhibition:
    """Change the texts, the window or the cover page. The window may change in any state: a
    head moves the dates of a published exhibition without unpublishing it."""
    changed = [
        name for name in EDITABLE if name in values and getattr(exhibition, name) != values[name]
    ]
    for name in changed:
        value = values[name]
        setattr(exhibition, name, nfc(value) if isinstance(value, str) else value)
    _check_window(exhibition.publish_from, exhibition.publish_until)
    if changed:
        exhibition.save(update_fields=changed)
        record(
            AuditAction.CHANGE,
            actor=actor,
            message=f"Sửa triển lãm «{exhibition.title}»: {', '.join(changed)}.",
            target=exhibition,
        )
    return exhibition


@transaction.atomic
def add_section(
    exhibition: Exhibition, *, title: str, actor: Any, text: str = "", **values: Any
) -> Section:
    section = Section.objects.create(
        exhibition=exhibition,
        number=values.pop("number", None) or _next_number(exhibition.sections),
        title=nfc(title.strip()),
        text=nfc(text),
        **values,
    )
    record(
        AuditAction.CHANGE,
        actor=actor,
        message=f"Thêm chương «{section.title}» vào triển lãm «{exhibition.title}».",
        target=exhibition,
    )
    return section


SECTION_FIELDS_EDITABLE = ("number", "title", "title_en", "text", "text_en")


@transaction.atomic
def update_section(section: Section, *, actor: Any, **values: Any) -> Section:
    """Change a chapter's texts or its place (``number``: chapters are shown by number)."""
    if "title" in values and not str(values["title"]).strip():
        raise ValidationError("Chương cần có tên.", code="missing_field")
    changed = [
        name
        for name in SECTION_FIELDS_EDITABLE
        if name in values and values[name] is not None and getattr(section, name) != values[name]
    ]
    for name in changed:
        value = values[name]
        setattr(section, name, nfc(value.strip()) if isinstance(value, str) else value)
    if changed:
        section.save(update_fields=changed)
        record(
            AuditAction.CHANGE,
            actor=actor,
            message=f"Sửa chương «{section.title}» của triển lãm «{section.exhibition.title}»: "
            f"{', '.join(changed)}.",
            target=section.exhibition,
        )
    return section


def _check_page(item_document: Any, code: str, page: int) -> None:
    if page < 1 or (item_document.page_count and page > item_document.page_count):
        raise ValidationError(
            f"Tài liệu {code} có {item_document.page_count} trang, không có trang {page}.",
            code="bad_page",
        )


@transaction.atomic
def update_item(
    item: Item, *, actor: Any, caption: str, caption_en: str = "", page: int | None = None
) -> Item:
    """Change an item's captions or the page it shows (checked as when it was added)."""
    code = services.public_code(item.document)
    changed = []
    if services.is_media(item.document):
        page = None  # shown whole: the form offers no page for it
    if page is not None and page != item.page:
        _check_page(item.document, code, page)
        exhibition_id = item.section.exhibition_id
        twin = Item.objects.filter(
            section__exhibition_id=exhibition_id, document_id=item.document_id, page=page
        ).exclude(pk=item.pk)
        if twin.exists():
            raise ValidationError(
                f"Tài liệu {code} (trang {page}) đã có trong triển lãm.", code="duplicate"
            )
        item.page = page
        changed.append("page")
    for name, value in (("caption", nfc(caption.strip())), ("caption_en", caption_en.strip())):
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed.append(name)
    if changed:
        item.save(update_fields=changed)
        record(
            AuditAction.CHANGE,
            actor=actor,
            message=f"Sửa tài liệu {code} trong triển lãm «{item.section.exhibition.title}»: "
            f"{', '.join(changed)}.",
            target=item.section.exhibition,
        )
    return item


def _not_public(code: str) -> ValidationError:
    return ValidationError(services.not_public_reason(code), code="not_public")


@transaction.atomic
def add_item(
    section: Section,
    *,
    code: str,
    actor: Any,
    caption: str = "",
    caption_en: str = "",
    page: int | None = None,
    number: int | None = None,
) -> Item:
    """Add the public document ``code`` to the section. Refused (``not_public``) unless it is
    held, Công khai and published; refused (``bad_page``) for a page it does not have, and
    (``duplicate``) when the exhibition already shows that page of that document. A photo,
    a recording or a film (``Document.kind``) is shown whole: it takes no page
    (``page_for_media`` when one is given); a text document shows page 1 unless told."""
    document = services.find_public_document(code)
    if document is None:
        raise _not_public(code)
    if services.is_media(document):
        if page is not None:
            raise ValidationError(
                services.page_for_media_reason(document, code), code="page_for_media"
            )
        page = 1
    page = page or 1
    _check_page(document, code, page)
    twin = (
        Item.objects.filter(
            section__exhibition_id=section.exhibition_id, document=document, page=page
        )
        .select_related("section")
        .first()
    )
    if twin is not None:
        raise ValidationError(
            f"Tài liệu {code} (trang {page}) đã có trong triển lãm, "
            f"ở chương «{twin.section.title}».",
            code="duplicate",
        )
    item = Item.objects.create(
        section=section,
        number=number or _next_number(section.items),
        document=document,
        page=page,
        caption=nfc(caption.strip()),
        caption_en=caption_en.strip(),
    )
    exhibition = section.exhibition
    if exhibition.cover_id is None:
        exhibition.cover = document
        exhibition.cover_page = page
        exhibition.save(update_fields=["cover", "cover_page"])
    record(
        AuditAction.ITEM_ADD,
        actor=actor,
        message=f"Đưa tài liệu {code} vào triển lãm «{exhibition.title}».",
        target=exhibition,
        data={"document": document.pk, "section": section.pk},
    )
    return item


@transaction.atomic
def remove_item(item: Item, *, actor: Any) -> None:
    exhibition = item.section.exhibition
    code = services.public_code(item.document)
    item.delete()
    record(
        AuditAction.ITEM_REMOVE,
        actor=actor,
        message=f"Bỏ tài liệu {code} khỏi triển lãm «{exhibition.title}».",
        target=exhibition,
    )


@transaction.atomic
def reorder_items(section: Section, item_ids: list[int], *, actor: Any) -> None:
    """Number the section's items in the order given (drag and drop, or the numbers)."""
    items = {item.pk: item for item in section.items.all()}
    if set(item_ids) != set(items):
        raise ValidationError("Danh sách hiện vật không khớp với chương.", code="bad_order")
    for number, pk in enumerate(item_ids, start=1):
        if items[pk].number != number:
            items[pk].number = number
            items[pk].save(update_fields=["number"])
    record(
        AuditAction.CHANGE,
        actor=actor,
        message=f"Sắp xếp lại chương «{section.title}».",
        target=section.exhibition,
    )


@transaction.atomic
def set_cover(exhibition: Exhibition, item: Item, *, actor: Any) -> None:
    exhibition.cover_id = item.document_id
    exhibition.cover_page = item.page
    exhibition.save(update_fields=["cover", "cover_page"])
    record(
        AuditAction.CHANGE,
        actor=actor,
        message=f"Đổi ảnh bìa triển lãm «{exhibition.title}».",
        target=exhibition,
    )


def _move(
    exhibition: Exhibition,
    to: State,
    allowed_from: set[str],
    actor: Any,
    verb: str,
    action: AuditAction,
) -> Exhibition:
    if exhibition.state not in allowed_from:
        raise ValidationError(
            f"Triển lãm đang ở trạng thái «{exhibition.get_state_display()}»: không thể {verb}.",
            code="bad_state",
        )
    exhibition.state = to
    fields = ["state"]
    if to == State.PUBLISHED:
        exhibition.published_at = timezone.now()
        fields.append("published_at")
    exhibition.save(update_fields=fields)
    record(
        action,
        actor=actor,
        message=f"{verb.capitalize()} triển lãm «{exhibition.title}».",
        target=exhibition,
    )
    return exhibition


@transaction.atomic
def submit_for_review(exhibition: Exhibition, *, actor: Any) -> Exhibition:
    """Bản nháp → chờ duyệt. An exhibition with nothing to show is refused."""
    if not services.shown_items(exhibition):
        raise ValidationError(
            "Triển lãm chưa có tài liệu công khai nào để trưng bày.", code="empty"
        )
    return _move(exhibition, State.REVIEW, {State.DRAFT}, actor, "gửi duyệt", AuditAction.SUBMIT)


def _require_publisher(actor: Any) -> None:
    if actor is not None and not actor.has_perm(PUBLISH_PERMISSION):
        raise ValidationError(
            "Chỉ lãnh đạo được giao công bố mới được công bố hoặc gỡ triển lãm.", code="forbidden"
        )


@transaction.atomic
def publish_exhibition(exhibition: Exhibition, *, actor: Any) -> Exhibition:
    """Chờ duyệt → đã công bố (``exhibitions.publish_exhibition``; ``None`` is the system)."""
    _require_publisher(actor)
    return _move(exhibition, State.PUBLISHED, {State.REVIEW}, actor, "công bố", AuditAction.PUBLISH)


@transaction.atomic
def return_to_draft(exhibition: Exhibition, *, actor: Any) -> Exhibition:
    """Back to draft: from review (sent back), or from published (taken down, heads only)."""
    if exhibition.state == State.PUBLISHED:
        _require_publisher(actor)
    return _move(
        exhibition,
        State.DRAFT,
        {State.REVIEW, State.PUBLISHED},
        actor,
        "đưa về bản nháp",
        AuditAction.UNPUBLISH,
    )


@transaction.atomic
def add_anniversary(
    *, day: int, month: int, name: str, actor: Any, since: int | None = None
) -> Anniversary:
    try:
        datetime.date(2024, month, day)  # a leap year: 29/2 is a day
    except ValueError as exc:
        raise ValidationError(f"Ngày {day}/{month} không có thật.", code="bad_date") from exc
    anniversary = Anniversary.objects.create(
        day=day, month=month, name=nfc(name.strip()), since=since
    )
    record(
        AuditAction.ANNIVERSARY,
        actor=actor,
        message=f"Thêm ngày kỷ niệm {anniversary}.",
        target=anniversary,
    )
    return anniversary


@transaction.atomic
def remove_anniversary(anniversary: Anniversary, *, actor: Any) -> None:
    record(
        AuditAction.ANNIVERSARY,
        actor=actor,
        message=f"Bỏ ngày kỷ niệm {anniversary}.",
        target=anniversary,
    )
    anniversary.delete()


def _curators(exhibition: Exhibition) -> list[str]:
    """Who hears of the exhibition's hidden items: its author; for one loaded from a file (no
    author), the archivists and heads."""
    author = exhibition.created_by
    if author is not None:
        return [author.email] if author.is_active and author.email else []
    return services.curator_addresses()


def tell_curators(document_ids: list[int], dossier_ids: list[int]) -> None:
    """After records were withdrawn or restricted (``records_changed``), mail the curators of
    each exhibition in which some of them are now hidden, naming them by code. Runs on commit,
    when the policy answers with the new state; items shown again say nothing."""
    touched = Q(document_id__in=document_ids) | Q(document__dossier_id__in=dossier_ids)
    exhibition_ids = set(
        Item.objects.filter(touched).values_list("section__exhibition_id", flat=True)
    )
    if not exhibition_ids:
        return

    def send() -> None:
        for exhibition in Exhibition.objects.filter(pk__in=exhibition_ids).select_related(
            "created_by"
        ):
            hidden = [
                item
                for item in services.hidden_items(exhibition)
                if item.document_id in document_ids or item.document.dossier_id in dossier_ids
            ]
            recipients = _curators(exhibition)
            if not hidden or not recipients:
                continue
            codes = "\n".join(
                f"- {services.public_code(item.document)} (chương «{item.section.title}»)"
                for item in hidden
            )
            send_mail(
                f"[Lưu trữ số] Triển lãm «{exhibition.title}»: {len(hidden)} tài liệu bị ẩn",
                f"Các tài liệu sau không còn được trưng bày trong triển lãm «{exhibition.title}» "
                f"vì đã bị thu hồi công bố hoặc không còn công khai:\n\n{codes}\n\n"
                "Hãy thay tài liệu khác hoặc bỏ chúng khỏi triển lãm tại "
                f"{reverse('exhibitions:staff-detail', args=[exhibition.pk])}",
                None,
                recipients,
                fail_silently=True,
            )

    transaction.on_commit(send)


def on_records_changed(
    sender: Any, document_ids: Any = (), dossier_ids: Any = (), **kwargs: Any
) -> None:
    """``records.signals.records_changed`` receiver (connected in ``ExhibitionsConfig.ready``)."""
    tell_curators(list(document_ids), list(dossier_ids))


def count_view(exhibition: Exhibition) -> None:
    """One more view: an atomic increment, nothing about the visitor kept (not audited)."""
    Exhibition.objects.filter(pk=exhibition.pk).update(views=F("views") + 1)


# ---------------------------------------------------------------------------------------------
# Loading a whole exhibition from a file (luutru exhibition load)


@dataclass
class LoadResult:
    exhibition: Exhibition | None = None
    items: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)


def _when(value: Any, name: str, *, end: bool = False) -> datetime.datetime | None:
    """A date or date-time of the file, in the local time zone; a bare date starts (or, for
    the end, ends) at local midnight."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
        if end:
            moment += datetime.timedelta(days=1)
    else:
        text = str(value).strip()
        try:
            day = parse_date(text)
            parsed = None if day else parse_datetime(text)
        except ValueError:
            day = parsed = None
        if day is not None:
            return _when(day, name, end=end)
        if parsed is None:
            raise ValidationError(f"{name}: «{text}» không phải ngày hợp lệ.", code="bad_date")
        moment = parsed
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


TOP_FIELDS = {
    "title", "title_en", "summary", "summary_en", "slug", "state", "publish_from",
    "publish_until", "sections",
}  # fmt: skip
SECTION_FIELDS = {"title", "title_en", "text", "text_en", "items"}
ITEM_FIELDS = {"code", "caption", "caption_en", "page"}
STATES = {State.DRAFT.value, State.REVIEW.value, State.PUBLISHED.value}


def _error(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def _unknown(keys: Any, known: set[str], where: str) -> list[dict[str, str]]:
    return [
        _error("unknown_field", f"{where}: trường «{key}» không có trong mẫu tệp triển lãm.")
        for key in keys
        if key not in known
    ]


def _page(value: Any) -> int | None:
    """The page an item shows (1 when absent), ``None`` when it is not a positive number."""
    if value in (None, ""):
        return 1
    if isinstance(value, bool):
        return None
    try:
        page = int(str(value).strip())
    except ValueError:
        return None
    return page if page >= 1 else None


def check_spec(spec: dict[str, Any]) -> list[dict[str, str]]:
    """Every problem of the file's shape, before anything is written: unknown fields (a
    misspelt ``sections``, an unknown section or item key), a missing title, a bad date or
    window, an unknown state, a section that is not a titled mapping, an item without a code
    or with a bad page, the same page of a document twice. Each message names the item."""
    errors = _unknown(spec, TOP_FIELDS, "Triển lãm")
    if not str(spec.get("title") or "").strip():
        errors.append(_error("missing_field", "Triển lãm cần có tên (title)."))
    window: list[datetime.datetime | None] = []
    for name in ("publish_from", "publish_until"):
        try:
            window.append(_when(spec.get(name), name, end=name == "publish_until"))
        except ValidationError as exc:
            errors.append(_error("bad_date", exc.messages[0]))
    if len(window) == 2:
        try:
            _check_window(*window)
        except ValidationError as exc:
            errors.append(_error("bad_date", exc.messages[0]))
    state = spec.get("state") or State.DRAFT.value
    if not isinstance(state, str) or state not in STATES:
        errors.append(
            _error(
                "bad_state",
                f"Trạng thái «{state}» không có: dùng draft, review hoặc published.",
            )
        )
    sections = spec.get("sections") or []
    if not isinstance(sections, list):
        return [*errors, _error("bad_file", "sections phải là một danh sách các chương.")]
    seen: dict[tuple[str, int], str] = {}
    for number, section in enumerate(sections, start=1):
        where = f"Chương {number}"
        if not isinstance(section, dict) or not str(section.get("title") or "").strip():
            errors.append(
                _error("bad_section", f"{where}: mỗi chương phải có tên (title) và các tài liệu.")
            )
            continue
        where = f"Chương {number} «{section['title']}»"
        errors += _unknown(section, SECTION_FIELDS, where)
        items = section.get("items") or []
        if not isinstance(items, list):
            errors.append(_error("bad_section", f"{where}: items phải là một danh sách."))
            continue
        for position, item in enumerate(items, start=1):
            code = str(item.get("code") or "").strip() if isinstance(item, dict) else ""
            if not code:
                errors.append(
                    _error("missing_field", f"{where}, tài liệu thứ {position}: thiếu mã (code).")
                )
                continue
            errors += _unknown(item, ITEM_FIELDS, f"{where}, tài liệu {code}")
            page = _page(item.get("page"))
            if page is None:
                errors.append(
                    _error("bad_page", f"Tài liệu {code}: trang «{item.get('page')}» không hợp lệ.")
                )
                continue
            if (code, page) in seen:
                errors.append(
                    _error(
                        "duplicate",
                        f"Tài liệu {code} (trang {page}) có hai lần trong tệp: "
                        f"ở {seen[code, page]} và ở {where}.",
                    )
                )
            seen.setdefault((code, page), where)
    return errors


def load_exhibition(spec: dict[str, Any], *, actor: Any) -> LoadResult:
    """Build one exhibition from a file's content (title, summary, sections with items by code
    and captions, publish_from, publish_until; optional ``*_en`` texts, ``slug``, ``state``).

    All or nothing: a bad shape (``check_spec``) or any refused item (``not_public``,
    ``bad_page``, ``duplicate``) leaves nothing behind, and every problem is reported.
    Captions are kept as the text written (HTML in them is shown as text, never run).
    ``state: published`` publishes it through review, as the system (the operator running
    the command answers for it)."""
    result = LoadResult(errors=check_spec(spec))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            exhibition = create_exhibition(
                title=str(spec.get("title") or ""),
                actor=actor,
                slug=str(spec.get("slug") or ""),
                title_en=str(spec.get("title_en") or ""),
                summary=nfc(str(spec.get("summary") or "")),
                summary_en=str(spec.get("summary_en") or ""),
                publish_from=_when(spec.get("publish_from"), "publish_from"),
                publish_until=_when(spec.get("publish_until"), "publish_until", end=True),
            )
            for section_spec in spec.get("sections") or []:
                section = add_section(
                    exhibition,
                    title=str(section_spec.get("title") or ""),
                    title_en=str(section_spec.get("title_en") or ""),
                    text=str(section_spec.get("text") or ""),
                    text_en=str(section_spec.get("text_en") or ""),
                    actor=actor,
                )
                for item_spec in section_spec.get("items") or []:
                    code = str(item_spec.get("code") or "").strip()
                    try:
                        with transaction.atomic():
                            add_item(
                                section,
                                code=code,
                                caption=str(item_spec.get("caption") or ""),
                                caption_en=str(item_spec.get("caption_en") or ""),
                                page=_page(item_spec.get("page"))
                                if item_spec.get("page") not in (None, "")
                                else None,
                                actor=actor,
                            )
                        result.items += 1
                    except ValidationError as exc:
                        result.errors.append(_error(exc.code or "invalid", exc.messages[0]))
            if result.errors:
                raise ValidationError("refused", code="refused")
            if spec.get("state") in (State.REVIEW, State.PUBLISHED):
                submit_for_review(exhibition, actor=actor)
            if spec.get("state") == State.PUBLISHED:
                publish_exhibition(exhibition, actor=None)
            record(
                AuditAction.LOAD,
                actor=actor,
                message=f"Nạp triển lãm «{exhibition.title}» từ tệp ({result.items} tài liệu).",
                target=exhibition,
            )
            result.exhibition = exhibition
    except ValidationError as exc:
        if exc.code != "refused":
            result.errors.append(_error(exc.code or "invalid", exc.messages[0]))
        result.exhibition = None
        result.items = 0
    return result
