"""IIIF Presentation 3 manifests of public documents, and their page images.

``/iiif/<code>/manifest``: one canvas per PDF page, each painted with a JPEG rendered by
PDFium (``files.page_image``) and a thumbnail, built with iiif-prezi3. The portal's own viewer
reads it; so can Mirador, Universal Viewer or any IIIF client. Only documents the visitor may
read get a manifest (a restricted or unknown code, a page past the end, an odd size: 404), and
the manifest and images are served with ``Access-Control-Allow-Origin: *`` (django-cors-headers)
so viewers on other sites can load them.

A photo document (``Document.kind`` photo) gets one canvas per picture instead, painted with
its JPEG at the reading width; the canvas also names the picture at ``PHOTO_WIDTHS[-1]`` as a
``rendering``, which the portal's viewer swaps in when the reader zooms (deep zoom).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.urls import reverse
from django.views.decorators.http import require_safe

from luutru.lib.pages import PageError
from luutru.lib.ratelimit import per_ip
from luutru.portal import files, publication
from luutru.portal import media as portal_media
from luutru.portal.views import find_document, public_document
from luutru.records.models import Document, DocumentFile, DocumentKind

READ_WIDTH = files.WIDTHS[-1]
THUMB_WIDTH = files.WIDTHS[0]
CONTEXT = "http://iiif.io/api/presentation/3/context.json"


def _sizes(pdf: DocumentFile) -> list[tuple[int, int]]:
    """Page sizes at the reading width, cached beside the page images (derived data)."""
    sha = pdf.stored.sha256
    cache = Path(settings.DERIVED_DIR) / "pages" / sha[:2] / sha / f"sizes-{READ_WIDTH}.json"
    if cache.exists():
        return [(int(w), int(h)) for w, h in json.loads(cache.read_text())]
    sizes = files.page_sizes(pdf, READ_WIDTH)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(sizes))
    return sizes


def build_manifest(
    request: HttpRequest,
    document: Document,
    pdf: DocumentFile | None,
    photos: list[DocumentFile] | None = None,
) -> dict[str, Any]:
    """The manifest as JSON-LD; ids are absolute URLs of this server. One canvas per page of
    ``pdf``, or per picture of ``photos``."""
    # iiif-prezi3 (pydantic models) takes most of a second to import: only when a manifest is
    # built, not whenever the URL map loads.
    from iiif_prezi3 import Manifest, config

    config.configs["helpers.auto_fields.AutoLang"].auto_lang = "vi"
    code = publication.public_code(document)

    def url(name: str, *args: Any) -> str:
        return request.build_absolute_uri(reverse(name, args=[code, *args]))

    manifest = Manifest(
        id=url("portal:iiif-manifest"),
        label={"vi": [document.summary]},
        summary={"vi": [f"{document.issuer} — {code}"]},
        metadata=[
            {"label": {"vi": [row.label]}, "value": {"vi": [row.value]}}
            for row in _metadata(document)
        ],
        requiredStatement={
            "label": {"vi": ["Nguồn"]},
            "value": {"vi": [f"{settings.SITE_NAME} — {document.agency.name}"]},
        },
        homepage=[
            {
                "id": request.build_absolute_uri(publication.document_url(document)),
                "type": "Text",
                "label": {"vi": [document.summary]},
                "format": "text/html",
            }
        ],
    )
    if photos:
        _photo_canvases(manifest, photos, url)
        return json.loads(manifest.jsonld())
    assert pdf is not None
    for number, (width, height) in enumerate(_sizes(pdf), start=1):
        canvas = manifest.make_canvas(
            id=url("portal:iiif-canvas", number),
            label={"vi": [f"Trang {number}"]},
            width=width,
            height=height,
        )
        canvas.add_image(
            image_url=url("portal:iiif-image", number, READ_WIDTH),
            anno_id=url("portal:iiif-canvas", number) + "/anno",
            anno_page_id=url("portal:iiif-canvas", number) + "/page",
            format="image/jpeg",
            width=width,
            height=height,
        )
        canvas.thumbnail = [
            {
                "id": url("portal:iiif-image", number, THUMB_WIDTH),
                "type": "Image",
                "format": "image/jpeg",
                "width": THUMB_WIDTH,
                "height": max(1, round(height * THUMB_WIDTH / width)),
            }
        ]
    return json.loads(manifest.jsonld())


def _photo_canvases(manifest: Any, photos: list[DocumentFile], url: Any) -> None:
    read, thumb, large = (
        portal_media.PHOTO_WIDTHS[1],
        portal_media.PHOTO_WIDTHS[0],
        portal_media.PHOTO_WIDTHS[-1],
    )
    for number, photo in enumerate(photos, start=1):
        width, height = portal_media.photo_size(photo, read)
        canvas = manifest.make_canvas(
            id=url("portal:iiif-canvas", number),
            label={"vi": [f"Ảnh {number}"]},
            width=width,
            height=height,
        )
        canvas.add_image(
            image_url=url("portal:iiif-image", number, read),
            anno_id=url("portal:iiif-canvas", number) + "/anno",
            anno_page_id=url("portal:iiif-canvas", number) + "/page",
            format="image/jpeg",
            width=width,
            height=height,
        )
        canvas.thumbnail = [
            {
                "id": url("portal:iiif-image", number, thumb),
                "type": "Image",
                "format": "image/jpeg",
                "width": thumb,
                "height": portal_media.photo_size(photo, thumb)[1],
            }
        ]
        canvas.rendering = [
            {
                "id": url("portal:iiif-image", number, large),
                "type": "Image",
                "label": {"vi": ["Ảnh cỡ lớn"]},
                "format": "image/jpeg",
            }
        ]


def _metadata(document: Document) -> list[Any]:
    from luutru.records.services import element_rows

    level = DocumentKind(document.kind).level
    wanted = {"docCode", "typeName", "codeNumber", "codeNotation", "issuedDate", "organName",
              "photoTime", "photographer", "photoPlace", "recordDate", "recorder"}  # fmt: skip
    # The manifest labels its metadata "vi": Vietnamese names whatever the visitor's language.
    rows = element_rows(document, level, localized=False)
    return [row for row in rows if row.element in wanted]


def _public(code: str) -> tuple[Document, DocumentFile | None, list[DocumentFile]]:
    """A public document with its PDF, or a public photo document with its pictures."""
    document = find_document(None, code)
    photos = portal_media.photos_of(document)
    if photos:
        return document, None, photos
    document, pdf = public_document(code)
    return document, pdf, []


@per_ip("iiif", "IIIF_PER_MINUTE")
@require_safe
def manifest(request: HttpRequest, code: str) -> HttpResponse:
    """Public documents only, whoever asks: a manifest is meant to be shared."""
    document, pdf, photos = _public(code)
    try:
        body = build_manifest(request, document, pdf, photos)
    except PageError as exc:
        raise Http404(str(exc)) from exc
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = f'application/ld+json;profile="{CONTEXT}"'
    return response


@per_ip("iiif", "IIIF_PER_MINUTE")
@require_safe
def canvas(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """A canvas id dereferences to the manifest's canvas (IIIF asks ids to be resolvable)."""
    document, pdf, photos = _public(code)
    for item in build_manifest(request, document, pdf, photos)["items"]:
        if item["id"].endswith(f"/trang/{number}"):
            return JsonResponse(item, json_dumps_params={"ensure_ascii": False})
    raise Http404("Không có trang này.")


@per_ip("iiif", "IIIF_PER_MINUTE")
@require_safe
def image(request: HttpRequest, code: str, number: int, width: int) -> HttpResponseBase:
    _, pdf, photos = _public(code)
    try:
        if photos:
            if not 1 <= number <= len(photos) or width not in portal_media.PHOTO_WIDTHS:
                raise Http404("Không có ảnh này.")
            path = portal_media.photo_image(photos[number - 1], width)
        else:
            assert pdf is not None
            path = files.page_image(pdf, number, width)
    except PageError as exc:
        raise Http404(str(exc)) from exc
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response
