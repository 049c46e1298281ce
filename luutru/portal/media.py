"""Photos, sound and film of documents as readers see them (derived, cached, rebuildable).

Like page images (``files.py``), everything here is named by the original's SHA-256 under
``DERIVED_DIR`` and can be deleted at any time; the originals are only ever read.

- photos: JPEGs at ``PHOTO_WIDTHS`` (thumbnail, reading size, a large one the viewer zooms
  into), served through the IIIF manifest of the document (``iiif.py``);
- sound and film: an access copy a browser plays (MP3; MP4 with H.264 and AAC), made in the
  background by ``tasks.make_access_copies`` after ingest, or on first request;
- captions: WebVTT files (``.vtt``) that arrived with a recording, given to ``<track>``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps

from luutru.lib import media
from luutru.records.models import Document, DocumentFile, DocumentKind, FileRole
from luutru.storage.services import open_stored

PHOTO_WIDTHS = (200, 1200, 2400)  # thumbnail, reading size, zoom
CAPTION_SUFFIXES = (".vtt",)


def _originals(document: Document) -> list[DocumentFile]:
    return [
        f
        for f in document.files.select_related("stored").order_by("pk")
        if f.role == FileRole.ORIGINAL
    ]


def photos_of(document: Document) -> list[DocumentFile]:
    """The pictures of a photo document that were measured at ingest (width and height)."""
    if document.kind != DocumentKind.PHOTO:
        return []
    return [f for f in _originals(document) if f.technical.get("width")]


def recordings_of(document: Document) -> list[DocumentFile]:
    """The sound or film files of an audio or video document."""
    if document.kind not in {DocumentKind.AUDIO, DocumentKind.VIDEO}:
        return []
    return [f for f in _originals(document) if f.technical.get("streams")]


def captions_of(document: Document) -> list[DocumentFile]:
    return [f for f in _originals(document) if f.name.lower().endswith(CAPTION_SUFFIXES)]


def photo_size(photo: DocumentFile, width: int) -> tuple[int, int]:
    """(width, height) of the photo scaled to ``width``, as the manifest and the image agree."""
    original_w = int(photo.technical["width"])
    original_h = int(photo.technical["height"])
    return width, max(1, round(original_h * width / max(original_w, 1)))


def _folder(sha: str, what: str) -> Path:
    return Path(settings.DERIVED_DIR) / what / sha[:2] / sha


def _write_atomically(folder: Path, target: Path, write: Callable[[Path], None]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def photo_image(photo: DocumentFile, width: int) -> Path:
    """The photo as a JPEG ``width`` pixels wide, made once and cached. Public photos only
    come here; a restricted photo reaches its reader as a reading copy with the agency's name
    drawn in (``access.copies.reading_page``, which takes pictures as well as PDFs)."""
    if width not in PHOTO_WIDTHS:
        raise ValueError(width)
    sha = photo.stored.sha256
    folder = _folder(sha, "photos")
    target = folder / f"{width}.jpg"
    if target.exists():
        return target
    size = photo_size(photo, width)

    def write(path: Path) -> None:
        with open_stored(sha) as source, Image.open(source) as image:
            image.draft("RGB", size)
            picture = ImageOps.exif_transpose(image).convert("RGB").resize(size)
        picture.save(path, format="JPEG", quality=82)

    _write_atomically(folder, target, write)
    return target


def access_copy_path(recording: DocumentFile) -> Path:
    suffix = ".mp4" if _is_film(recording) else ".mp3"
    return _folder(recording.stored.sha256, "media") / f"access{suffix}"


def access_copy_type(recording: DocumentFile) -> str:
    return "video/mp4" if _is_film(recording) else "audio/mpeg"


def _is_film(recording: DocumentFile) -> bool:
    return (
        any(s.get("codec_type") == "video" for s in recording.technical.get("streams", []))
        and recording.document.kind == DocumentKind.VIDEO
    )


def make_access_copy(recording: DocumentFile) -> Path:
    """The recording's access copy, made now if it is not there yet (safe to run twice).

    Raises ``RuntimeError`` with a Vietnamese message when ffmpeg fails.
    """
    target = access_copy_path(recording)
    if target.exists():
        return target
    with tempfile.TemporaryDirectory(prefix="luutru-media-") as folder:
        source = Path(folder) / f"goc{Path(recording.name).suffix.lower() or '.bin'}"
        with open_stored(recording.stored.sha256) as stored, source.open("wb") as out:
            shutil.copyfileobj(stored, out)
        problem = media.transcode(
            source,
            target,
            "video" if _is_film(recording) else "audio",
            seconds=settings.MEDIA_TRANSCODE_SECONDS,
            ffmpeg=settings.FFMPEG_BINARY,
        )
    if problem:
        raise RuntimeError(problem)
    return target
