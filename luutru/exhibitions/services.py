"""Reads of exhibitions: what a visitor sees of one (through the access policy, at request
time), what is hidden from it, the anniversaries coming, and exhibition files to load."""

from __future__ import annotations

import datetime
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from luutru.access import policy
from luutru.accounts.models import Role
from luutru.exhibitions.models import Anniversary, Exhibition, Item, State
from luutru.records.models import Document, DocumentFile, DocumentKind, FileRole
from luutru.records.services import EMPTY, FieldRow, element_rows


def public_documents() -> QuerySet[Document]:
    """What anyone may read: held, Công khai and published (``policy.documents(None, READ)``)."""
    return policy.documents(None, policy.Use.READ)


def public_code(document: Document) -> str:
    """The code of the document's public address (as the portal's: archival code, else
    identifier)."""
    return document.archival_code or document.identifier


def find_public_document(code: str) -> Document | None:
    """The published public document with this archival code or identifier, else ``None``."""
    code = code.strip()
    if not code:
        return None
    return public_documents().filter(Q(archival_code=code) | Q(identifier=code)).first()


def not_public_reason(code: str) -> str:
    """Why the document ``code`` cannot go into an exhibition, naming it: it is unknown, or it
    is held but not published for the public (unpublished, withdrawn or restricted). The
    regime itself is not said: the message may reach people who may not read the record."""
    code = code.strip()
    known = Document.objects.filter(Q(archival_code=code) | Q(identifier=code))
    if not code or not known.exists():
        return f"Không có tài liệu mã «{code}» trong kho lưu trữ: không thể đưa vào triển lãm."
    return (
        f"Tài liệu {code} chưa được công bố công khai hoặc bị hạn chế sử dụng: chỉ tài liệu "
        "đã công bố, thuộc chế độ sử dụng Công khai mới đưa được vào triển lãm."
    )


def is_media(document: Document) -> bool:
    """A photo, a sound recording or a film (``Document.kind``): shown whole, not by page."""
    return document.kind != DocumentKind.TEXT


PICTURED_KINDS = frozenset({DocumentKind.TEXT, DocumentKind.PHOTO})  # an image to show

MEDIA_WORDS = {
    DocumentKind.PHOTO: "ảnh",
    DocumentKind.AUDIO: "bản ghi âm",
    DocumentKind.VIDEO: "phim",
}


def page_for_media_reason(document: Document, code: str) -> str:
    what = MEDIA_WORDS.get(DocumentKind(document.kind), "tài liệu nghe nhìn")
    return (
        f"Tài liệu {code} là {what}: được trưng bày nguyên vẹn, không chọn trang; "
        "hãy bỏ số trang (page) của mục này."
    )


# What a visitor reads under a photo or a recording in an exhibition: its subject, place,
# time and author (EAD_pic / EAD_media of TT 05, ``Document.media``), under their TT 05 names.
MEDIA_ELEMENTS = (
    "eventName", "imageTitle", "movieTitle", "photoPlace", "recordPlace", "photoTime",
    "recordDate", "photographer", "recorder", "playTime",
)  # fmt: skip


def media_rows(document: Document) -> list[FieldRow]:
    """The photo's or recording's description rows that have a value, in ``MEDIA_ELEMENTS``
    order; none for a text document."""
    if not is_media(document):
        return []
    level = DocumentKind(document.kind).level
    rows = {row.element: row for row in element_rows(document, level) if str(row.value).strip()}
    return [rows[name] for name in MEDIA_ELEMENTS if name in rows and rows[name].value != EMPTY]


@dataclass(frozen=True)
class MediaFiles:
    """How many pictures, recordings and caption files a public media document has (the same
    selection as ``portal.media``: originals measured at ingest)."""

    photos: int = 0
    recordings: int = 0
    captions: int = 0


def media_files(documents: list[Document]) -> dict[int, MediaFiles]:
    """Document pk → its media files, for the media documents among ``documents``; one query
    whatever their number."""
    wanted = {d.pk: DocumentKind(d.kind) for d in documents if is_media(d)}
    if not wanted:
        return {}
    photos: dict[int, int] = dict.fromkeys(wanted, 0)
    recordings: dict[int, int] = dict.fromkeys(wanted, 0)
    captions: dict[int, int] = dict.fromkeys(wanted, 0)
    originals = DocumentFile.objects.filter(
        document_id__in=list(wanted), role=FileRole.ORIGINAL
    ).values_list("document_id", "name", "technical")
    for pk, name, technical in originals:
        technical = technical or {}
        if wanted[pk] == DocumentKind.PHOTO:
            photos[pk] += 1 if technical.get("width") else 0
        else:
            recordings[pk] += 1 if technical.get("streams") else 0
            captions[pk] += 1 if name.lower().endswith(".vtt") else 0
    return {pk: MediaFiles(photos[pk], recordings[pk], captions[pk]) for pk in wanted}


def shown_items(exhibition: Exhibition) -> list[Item]:
    """The exhibition's items a visitor may see now, in order (sections, then items). One
    query for the items and one for the public set, whatever the number of items."""
    items = list(
        Item.objects.filter(section__exhibition=exhibition)
        .select_related("document", "section")
        .order_by("section__number", "section__pk", "number", "pk")
    )
    allowed = set(
        public_documents()
        .filter(pk__in=[item.document_id for item in items])
        .values_list("pk", flat=True)
    )
    return [item for item in items if item.document_id in allowed]


def hidden_items(exhibition: Exhibition) -> list[Item]:
    """Items no longer shown: their document was withdrawn or its regime tightened."""
    shown = {item.pk for item in shown_items(exhibition)}
    return [
        item
        for item in Item.objects.filter(section__exhibition=exhibition)
        .select_related("document", "section")
        .order_by("section__number", "number")
        if item.pk not in shown
    ]


def cover_visible(exhibition: Exhibition) -> bool:
    return (
        exhibition.cover_id is not None
        and public_documents().filter(pk=exhibition.cover_id).exists()
    )


@dataclass(frozen=True)
class Coming:
    anniversary: Anniversary
    date: datetime.date
    days: int
    exhibitions: tuple[Exhibition, ...] = ()

    @property
    def years(self) -> int | None:
        since = self.anniversary.since
        return self.date.year - since if since else None


def upcoming(today: datetime.date, days: int = 60) -> list[Coming]:
    """The anniversaries falling within ``days`` of ``today``, soonest first."""
    found: list[Coming] = []
    for anniversary in Anniversary.objects.all():
        for year in (today.year, today.year + 1):
            try:
                date = datetime.date(year, anniversary.month, anniversary.day)
            except ValueError:  # 29/2 outside a leap year
                continue
            delta = (date - today).days
            if 0 <= delta <= days:
                found.append(Coming(anniversary, date, delta))
                break
    return sorted(found, key=lambda coming: coming.days)


PLANNED_LEAD = datetime.timedelta(days=60)


def covering(date: datetime.date) -> list[Exhibition]:
    """Exhibitions (any state) planned for the day: their window holds it and opens within
    the 60 days before (last year's open-ended exhibition does not cover this year's day)."""
    start = timezone.make_aware(datetime.datetime.combine(date, datetime.time()))
    end = start + datetime.timedelta(days=1)
    return list(
        Exhibition.objects.filter(publish_from__lt=end, publish_from__gte=start - PLANNED_LEAD)
        .filter(Q(publish_until__isnull=True) | Q(publish_until__gt=start))
        .order_by("publish_from", "pk")
    )


def upcoming_with_exhibitions(today: datetime.date, days: int = 60) -> list[Coming]:
    """``upcoming`` with the exhibitions planned for each day (one query per anniversary:
    a province keeps a handful)."""
    return [
        Coming(c.anniversary, c.date, c.days, tuple(covering(c.date)))
        for c in upcoming(today, days)
    ]


REMIND_DAYS = (30, 7)  # how long before an anniversary the curators are mailed


def curator_addresses() -> list[str]:
    """The active archivists and heads with an address: those who curate exhibitions."""
    users = get_user_model().objects.filter(
        memberships__role__in=[Role.ARCHIVIST, Role.HEAD], is_active=True
    )
    return sorted({user.email for user in users.exclude(email="")})


def send_reminders(today: datetime.date | None = None) -> list[Coming]:
    """Mail the curators, 30 and 7 days ahead, of each anniversary that no published
    exhibition covers yet (safe to run every day: a day is reminded of on those two days
    only). Returns the anniversaries reminded of."""
    today = today or timezone.localdate()
    due = [
        coming
        for coming in upcoming_with_exhibitions(today, max(REMIND_DAYS))
        if coming.days in REMIND_DAYS
        and not any(e.state == State.PUBLISHED for e in coming.exhibitions)
    ]
    recipients = curator_addresses()
    if not due or not recipients:
        return []
    lines = []
    for coming in due:
        planned = ", ".join(
            f"«{e.title}» ({e.get_state_display().lower()})" for e in coming.exhibitions
        )
        lines.append(
            f"- {coming.date:%d/%m/%Y} ({coming.days} ngày nữa): {coming.anniversary.name}"
            + (f" — đang chuẩn bị: {planned}" if planned else " — chưa có triển lãm")
        )
    send_mail(
        "[Lưu trữ số] Ngày kỷ niệm sắp tới: chuẩn bị triển lãm trực tuyến",
        "Các ngày kỷ niệm sau sắp tới mà chưa có triển lãm nào được công bố:\n\n"
        + "\n".join(lines)
        + f"\n\nLập hoặc lên lịch triển lãm tại {reverse('exhibitions:staff-list')}",
        None,
        recipients,
        fail_silently=True,
    )
    return due


class SpecError(ValueError):
    """An exhibition file that cannot be read; ``code`` is the machine code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _DatesAsText(yaml.SafeLoader):
    """YAML without implicit timestamps: ``2026-02-30`` stays text, and is then refused as a
    bad date naming its field (PyYAML would fail the whole file on it)."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_spec(path: Path) -> dict[str, Any]:
    """An exhibition file as a dict: JSON (.json), YAML (.yaml/.yml) or TOML (.toml)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError("missing_file", f"Không đọc được tệp {path}: {exc}") from exc
    suffix = path.suffix.lower()
    try:
        if suffix in {".yaml", ".yml"}:
            data = yaml.load(text, Loader=_DatesAsText)  # noqa: S506 (a SafeLoader)
        elif suffix == ".toml":
            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except (ValueError, yaml.YAMLError) as exc:  # yaml.YAMLError is not a ValueError
        raise SpecError("bad_file", f"Tệp {path.name} không đúng định dạng: {exc}") from exc
    if not isinstance(data, dict):
        raise SpecError("bad_file", f"Tệp {path.name} phải là một đối tượng (title, sections…).")
    return data
