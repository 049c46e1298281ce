"""``{% media_player document as player %}``: a public recording's access copies (number and
MIME type), whether they are ready, and its caption files, for pages outside the portal's own
document page that play it (an online exhibition, its embed). The document must already have
passed the access policy: this tag only reads its files."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from luutru.portal import media
from luutru.records.models import Document

register = template.Library()


@dataclass(frozen=True)
class Player:
    recordings: list[tuple[int, str]]  # (number in ``portal:play``, MIME type)
    captions: list[int]  # numbers in ``portal:caption``
    ready: bool  # every access copy made (else the page says it is being prepared)
    video: bool


@register.simple_tag
def media_player(document: Document) -> Player:
    recordings = media.recordings_of(document)
    return Player(
        recordings=[
            (number, media.access_copy_type(recording))
            for number, recording in enumerate(recordings, start=1)
        ],
        captions=list(range(1, len(media.captions_of(document)) + 1)) if recordings else [],
        ready=all(media.access_copy_path(r).exists() for r in recordings),
        video=document.kind == "video",
    )
