"""IIIF Presentation 3 manifests of public documents, and their page images.

``/iiif/<code>/manifest``: one canvas per PDF page, each painted with a JPEG rendered by
PDFium (``files.page_image``) and a thumbnail, built with iiif-prezi3. The portal's own viewer
reads it; so can Mirador, Universal Viewer or any IIIF client. Only documents the visitor may
read get a manifest (a restricted or unknown code, a page past the end, an odd size: 404), and
the manifest and images are served with ``Access-Control-Allow-Origin: *`` (django-cors-headers)
so viewers on other sites can load them.
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
from luutru.portal.views import public_document
from luutru.records.models import Document, DocumentFile

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


def build_manifest(request: HttpRequest, document: Document, pdf: DocumentFile) -> dict[str, Any]:
    """The manifest as JSON-LD; ids are absolute URLs of this server."""
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


def _metadata(document: Document) -> list[Any]:
    from luutru.records.services import element_rows

    wanted = {"docCode", "typeName", "codeNumber", "codeNotation", "issuedDate", "organName"}
    return [row for row in element_rows(document, "document") if row.element in wanted]


@per_ip("iiif", "IIIF_PER_MINUTE")
@require_safe
def manifest(request: HttpRequest, code: str) -> HttpResponse:
    """Public documents only, whoever asks: a manifest is meant to be shared."""
    document, pdf = public_document(code)
    try:
        body = build_manifest(request, document, pdf)
    except PageError as exc:
        raise Http404(str(exc)) from exc
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = f'application/ld+json;profile="{CONTEXT}"'
    return response


@per_ip("iiif", "IIIF_PER_MINUTE")
@require_safe
def canvas(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """A canvas id dereferences to the manifest's canvas (IIIF asks ids to be resolvable)."""
    document, pdf = public_document(code)
    for item in build_manifest(request, document, pdf)["items"]:
        if item["id"].endswith(f"/trang/{number}"):
            return JsonResponse(item, json_dumps_params={"ensure_ascii": False})
    raise Http404("Không có trang này.")


@per_ip("iiif", "IIIF_PER_MINUTE")
@require_safe
def image(request: HttpRequest, code: str, number: int, width: int) -> HttpResponseBase:
    _, pdf = public_document(code)
    try:
        path = files.page_image(pdf, number, width)
    except PageError as exc:
        raise Http404(str(exc)) from exc
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response
