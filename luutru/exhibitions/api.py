"""GET /api/v1/exhibitions and /api/v1/exhibitions/{slug} (docs/interfaces.md).

Only exhibitions a visitor may open (published, begun: on show or past), and of each only the
items the public may read now (``access.policy``), whoever calls. Mounted by ``luutru.api``.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema

from luutru.exhibitions import services
from luutru.exhibitions.models import Exhibition
from luutru.lib.api import ErrorOut

router = Router(tags=["Triển lãm"])


class ExhibitionSummaryOut(Schema):
    slug: str
    title: str
    title_en: str
    summary: str
    summary_en: str
    url: str
    on_show: bool
    publish_from: datetime.datetime | None
    publish_until: datetime.datetime | None


class ItemOut(Schema):
    code: str
    title: str
    caption: str
    caption_en: str
    page: int
    url: str
    image: str  # "" for a recording (nothing to show as an image)
    manifest: str  # "" for a recording
    kind: str = Field(
        "text", description="Loại tài liệu: text (văn bản), photo (ảnh), audio, video."
    )
    media: list[str] = Field(
        default_factory=list,
        description="Bản nghe, xem (MP3/MP4, có Range) của bản ghi âm, phim; trả 503 khi "
        "đang được chuẩn bị.",
    )
    captions: list[str] = Field(default_factory=list, description="Phụ đề WebVTT.")


class SectionOut(Schema):
    number: int
    title: str
    title_en: str
    text: str
    text_en: str
    items: list[ItemOut]


class ExhibitionOut(ExhibitionSummaryOut):
    sections: list[SectionOut]


def _summary(request: HttpRequest, exhibition: Exhibition, now: datetime.datetime) -> dict:
    return {
        "slug": exhibition.slug,
        "title": exhibition.title,
        "title_en": exhibition.title_en,
        "summary": exhibition.summary,
        "summary_en": exhibition.summary_en,
        "url": request.build_absolute_uri(reverse("exhibitions:detail", args=[exhibition.slug])),
        "on_show": exhibition.is_on_show(now),
        "publish_from": exhibition.publish_from,
        "publish_until": exhibition.publish_until,
    }


@router.get(
    "/exhibitions",
    response={200: list[ExhibitionSummaryOut], 429: ErrorOut},
    summary="Các triển lãm trực tuyến (đang và đã trưng bày)",
)
def exhibition_list(request: HttpRequest) -> list[dict]:
    now = timezone.now()
    return [_summary(request, e, now) for e in Exhibition.objects.public(now)]


@router.get(
    "/exhibitions/{slug}",
    response={200: ExhibitionOut, 404: ErrorOut, 429: ErrorOut},
    summary="Một triển lãm: các chương và tài liệu công khai",
)
def exhibition_detail(request: HttpRequest, slug: str) -> dict:
    now = timezone.now()
    exhibition = Exhibition.objects.public(now).filter(slug=slug).first()
    if exhibition is None:
        raise Http404("Không tìm thấy triển lãm.")
    shown = services.shown_items(exhibition)
    files = services.media_files([item.document for item in shown])

    def url(name: str, *args: object) -> str:
        return request.build_absolute_uri(reverse(name, args=args))

    sections = []
    for section in exhibition.sections.all():
        items = []
        for item in (i for i in shown if i.section_id == section.pk):
            code = services.public_code(item.document)
            kind = item.document.kind
            found = files.get(item.document_id, services.MediaFiles())
            pictured = kind in services.PICTURED_KINDS
            items.append(
                {
                    "code": code,
                    "title": item.document.summary,
                    "caption": item.caption,
                    "caption_en": item.caption_en,
                    "page": item.page,
                    "url": url("portal:document", code),
                    "image": url("portal:iiif-image", code, item.page, 1200) if pictured else "",
                    "manifest": url("portal:iiif-manifest", code) if pictured else "",
                    "kind": kind,
                    "media": [url("portal:play", code, n) for n in range(1, found.recordings + 1)],
                    "captions": [
                        url("portal:caption", code, n)
                        for n in range(1, (found.captions if found.recordings else 0) + 1)
                    ],
                }
            )
        sections.append(
            {
                "number": section.number,
                "title": section.title,
                "title_en": section.title_en,
                "text": section.text,
                "text_en": section.text_en,
                "items": items,
            }
        )
    return {**_summary(request, exhibition, now), "sections": sections}
