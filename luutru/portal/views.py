"""The public portal (cổng thông tin): home, browse, record pages, search, viewer, downloads.

Every view asks the access policy with the visitor as they are (anonymous, reader with grants,
staff): lists use ``documents(user, LIST)`` / ``dossiers(user, LIST)``, record pages
``READ`` (or, for a record the visitor may only list — a conditional record its fonds lists in
the public catalogue — its description: title, dates, code, access conditions and the
"Gửi yêu cầu khai thác" link), the page viewer and IIIF the public's ``READ``, the PDF the
public's ``DOWNLOAD`` (a published document whose ``public_download`` is off is read page by
page, never downloaded). A record the visitor may not see answers exactly like a code that does
not exist: the same Vietnamese 404 page, which offers to request access.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from luutru.access import policy, reading_room
from luutru.access import services as access_services
from luutru.access.models import Use
from luutru.exhibitions.models import Exhibition
from luutru.organizations.models import Agency, Fonds
from luutru.portal import media, publication
from luutru.portal.files import pdf_of
from luutru.records import codes
from luutru.records.elements import elements
from luutru.records.models import Document, DocumentFile, DocumentKind, Dossier
from luutru.records.services import EMPTY, FieldRow, date_display, element_rows
from luutru.search import services as search
from luutru.search.base import Hit
from luutru.search.facets import DROPDOWN_FACETS, dropdowns, facet_groups, labelled_facets
from luutru.search.forms import SearchForm
from luutru.storage.services import open_stored

LIST_PAGE = 50
RANGE_CHUNK = 8 * 1024 * 1024
PUBLIC_FACETS = ("agency", "fonds", "year", "doc_type", "retention", "kind")


def not_public(request: HttpRequest, code: str = "") -> HttpResponse:
    """The one answer for a code that does not exist or that the visitor may not see."""
    return render(
        request,
        "portal/not_found.html",
        {
            "code": code,
            "request_url": publication.readers_url("access:request-new", code),
            "register_url": publication.readers_url("access:reader-register"),
        },
        status=404,
    )


def record_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn the policy's 404 into the portal's not-found page, the code kept for the request."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, code, *args, **kwargs)
        except Http404:
            return not_public(request, code[:100])

    return wrapper


def find_document(user: Any, code: str, use: Use = Use.READ) -> Document:
    """The document with this archival code (or identifier) if ``user`` may ``use`` it."""
    if not code or len(code) > 100:
        raise Http404(policy.NOT_FOUND)
    found = (
        policy.documents(user, use)
        .filter(Q(archival_code=code) | Q(identifier=code))
        .select_related("dossier", "agency", "dossier__fonds")
        .order_by("pk")
        .first()
    )
    if found is None:
        raise Http404(policy.NOT_FOUND)
    return found


def readable_or_listed(find: Callable[[Use], Any]) -> tuple[Any, bool]:
    """The record the visitor may read, else the one they may only list (its description);
    whether they may read it. The 404 of ``find`` when they may do neither."""
    try:
        return find(Use.READ), True
    except Http404:
        return find(Use.LIST), False


def description_rows(record: Document | Dossier) -> list[Any]:
    """What the catalogue shows of a record the visitor may only list: code, title, dates and
    access regime, under their TT 05 names."""
    if isinstance(record, Dossier):
        wanted = {"fileCode", "title", "startDate", "endDate", "mode"}
        return [row for row in element_rows(record, "dossier") if row.element in wanted]
    wanted = {"docId", "docCode", "codeNumber", "codeNotation", "issuedDate", "organName",
              "subject", "mode"}  # fmt: skip
    return [row for row in element_rows(record, "document") if row.element in wanted]


def public_rows(rows: list[FieldRow], record: Document | Dossier, level: str) -> list[FieldRow]:
    """The rows as the public reads them: code values in words ("10 năm", not "06 — 10 năm")
    and empty fields left out."""
    specs = elements(level)
    shown = []
    for row in rows:
        if row.value in ("", EMPTY):
            continue
        spec = specs.get(row.element)
        if spec is not None and spec.field and spec.kind in {"code", "codes"}:
            raw = str(getattr(record, spec.field) or "")
            words = [codes.shown_label(spec.code_list or "", c.strip()) for c in raw.split(",")]
            row = FieldRow(row.element, row.label, ", ".join(w for w in words if w))
        shown.append(row)
    return shown


def citation(document: Document) -> str:
    """The document as people cite it: "Quyết định số 356/QĐ-UBND ngày 05/03/2024 của Ủy ban
    nhân dân tỉnh" (type, number/notation, date, issuer; the parts it has). A photo or a
    recording has no such heading: it is cited by its title."""
    if document.kind != DocumentKind.TEXT:
        return document.summary
    kind = codes.label("document_type", document.doc_type) if document.doc_type else ""
    if kind == document.doc_type:  # an unknown code: not a word to cite
        kind = ""
    number = "/".join(part for part in (document.number, document.notation) if part)
    parts = [kind or "Văn bản"]
    if number:
        parts.append(f"số {number}")
    if document.issued_date:
        parts.append(f"ngày {document.issued_date:%d/%m/%Y}")
    if document.issuer:
        parts.append(f"của {document.issuer}")
    return " ".join(parts)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Featured dossiers, the latest public documents, the agencies that publish. The counts of
    published records are the public's, the same for everyone, and cached
    (``publication.published_figures``); the lists are the visitor's own."""
    documents = policy.documents(request.user, Use.LIST).filter(publication.coded())
    dossiers = policy.dossiers(request.user, Use.LIST)
    # Newest by primary key (rows are numbered as they arrive): an index scan that stops after
    # eight, where ordering by created_at would sort every public document.
    latest = documents.select_related("agency").order_by("-pk")[:8]
    featured = (
        dossiers.select_related("agency")
        .filter(Exists(Document.objects.filter(dossier=OuterRef("pk"))))
        .order_by("-end_date", "code")[:4]
    )
    return render(
        request,
        "portal/home.html",
        {
            "latest": latest,
            "featured": featured,
            "agencies": _publishing_agencies(request.user)[:12],
            "figures": publication.published_figures(),
        },
    )


def _publishing_agencies(user: Any) -> list[Agency]:
    counts = dict(
        policy.dossiers(user, Use.LIST)
        .values_list("agency_id")
        .annotate(n=Count("pk"))
        .values_list("agency_id", "n")
    )
    agencies = list(Agency.objects.filter(pk__in=counts).order_by("name"))
    for agency in agencies:
        agency.dossier_count = counts[agency.pk]  # type: ignore[attr-defined]
    return agencies


@require_safe
def agency_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/agency_list.html", {"agencies": _publishing_agencies(request.user)}
    )


@require_safe
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    dossiers = policy.dossiers(request.user, Use.LIST).filter(agency=agency)
    fonds = list(
        Fonds.objects.filter(agency=agency)
        .filter(dossiers__in=dossiers)
        .annotate(n=Count("dossiers"))
        .order_by("code")
    )
    page = Paginator(dossiers.order_by("-end_date", "code"), LIST_PAGE).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "portal/agency_detail.html",
        {"agency": agency, "fonds_list": fonds, "page": page},
    )


@require_safe
def fonds_detail(request: HttpRequest, code: str) -> HttpResponse:
    fonds = get_object_or_404(Fonds.objects.select_related("agency"), code=code)
    dossiers = policy.dossiers(request.user, Use.LIST).filter(fonds=fonds)
    page = Paginator(dossiers.order_by("code"), LIST_PAGE).get_page(request.GET.get("trang"))
    return render(request, "portal/fonds_detail.html", {"fonds": fonds, "page": page})


@require_safe
@record_page
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier, readable = readable_or_listed(
        lambda use: policy.get_dossier_or_404(request.user, use, code=code)
    )
    documents = (
        policy.documents(request.user, Use.LIST)
        .filter(dossier=dossier)
        .filter(publication.coded())
        .order_by("ordinal", "pk")
    )
    page = Paginator(documents, LIST_PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "portal/dossier_detail.html",
        {
            "dossier": dossier,
            "rows": public_rows(
                element_rows(dossier, "dossier") if readable else description_rows(dossier),
                dossier,
                "dossier",
            ),
            "readable": readable,
            "period": f"{date_display(dossier.start_date, dossier.start_precision)} \u2013 "
            f"{date_display(dossier.end_date, dossier.end_precision)}",
            "page": page,
            "request_url": publication.readers_url("access:request-new", dossier.code),
        },
    )


@require_safe
@record_page
def document_detail(request: HttpRequest, code: str) -> HttpResponse:
    document, readable = readable_or_listed(lambda use: find_document(request.user, code, use))
    public = policy.is_public(document)
    pdf = pdf_of(document) if public else None
    photos = media.photos_of(document) if public else []
    recordings = media.recordings_of(document) if public else []
    level = DocumentKind(document.kind).level
    return render(
        request,
        "portal/document_detail.html",
        {
            "document": document,
            "code": publication.public_code(document),
            "citation": citation(document),
            "rows": public_rows(
                element_rows(document, level) if readable else description_rows(document),
                document,
                level,
            ),
            "photos": photos,
            "recordings": [
                (number, recording, media.access_copy_type(recording))
                for number, recording in enumerate(recordings, start=1)
            ],
            "ready": all(media.access_copy_path(r).exists() for r in recordings),
            "captions": list(enumerate(media.captions_of(document), start=1)) if public else [],
            "readable": readable,
            "pdf": pdf,
            "public": public,
            "downloadable": pdf is not None and policy.can(None, Use.DOWNLOAD, document),
            "request_url": publication.readers_url("access:request-new", code),
            "reading_copy": None
            if public
            else access_services.reading_copy_for(request.user, document),
        },
    )


def public_document(code: str, use: Use = Use.READ) -> tuple[Document, DocumentFile]:
    """A public document and its PDF, for the viewer and IIIF (the public's ``READ``) and the
    download (the public's ``DOWNLOAD``: only where ``public_download`` allows it).

    Restricted documents are read and copied through the readers' flow (reading copies with
    the agency's mark, copies marked BẢN SAO), never as the original from the portal, whatever
    the visitor's grants: so the portal serves pages and files of public documents only.
    """
    document = find_document(None, code, use)
    pdf = pdf_of(document)
    if pdf is None:
        raise Http404(policy.NOT_FOUND)
    return document, pdf


@require_safe
@record_page
def viewer(request: HttpRequest, code: str) -> HttpResponse:
    """The page viewer; it reads the document's IIIF manifest, as any IIIF viewer could."""
    document = find_document(None, code)
    if not media.photos_of(document):
        document, _ = public_document(code)
    return render(
        request,
        "portal/viewer.html",
        {
            "document": document,
            "code": publication.public_code(document),
            "citation": citation(document),
            "downloadable": policy.can(None, Use.DOWNLOAD, document),
        },
    )


@require_safe
def download(request: HttpRequest, code: str) -> HttpResponseBase:
    """The PDF of a published document whose original the public may download."""
    document, pdf = public_document(code, Use.DOWNLOAD)
    name = f"{publication.public_code(document)}.pdf"
    return FileResponse(
        open_stored(pdf.stored.sha256),
        as_attachment=True,
        filename=name,
        content_type="application/pdf",
    )


def _public_recording(code: str, number: int) -> DocumentFile:
    """The ``number``-th sound or film file of a public audio or video document, else 404."""
    recordings = media.recordings_of(find_document(None, code))
    if not 1 <= number <= len(recordings):
        raise Http404(policy.NOT_FOUND)
    return recordings[number - 1]


@require_safe
def play(request: HttpRequest, code: str, number: int) -> HttpResponseBase:
    """The access copy (MP4/MP3) of a public recording, with byte ranges for seeking, open to
    other sites (``CORS_URLS_REGEX``). A copy not made yet is queued (once, not on every
    request) and the player told to come back (503, Retry-After)."""
    recording = _public_recording(code, number)
    path = media.access_copy_path(recording)
    if not path.exists():
        from luutru.portal.tasks import queue_access_copy

        queue_access_copy(recording.document_id)
        response = HttpResponse(
            "Bản nghe, xem đang được chuẩn bị; vui lòng thử lại sau ít phút.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "60"
        return response
    return ranged_file(request, path, media.access_copy_type(recording))


@require_safe
def caption(request: HttpRequest, code: str, number: int) -> HttpResponseBase:
    """A WebVTT caption file that arrived with a public recording, open to other sites
    (``CORS_URLS_REGEX``)."""
    document = find_document(None, code)
    captions = media.captions_of(document) if media.recordings_of(document) else []
    if not 1 <= number <= len(captions):
        raise Http404(policy.NOT_FOUND)
    return FileResponse(
        open_stored(captions[number - 1].stored.sha256), content_type="text/vtt; charset=utf-8"
    )


def ranged_file(request: HttpRequest, path: Any, content_type: str) -> HttpResponseBase:
    """The file, or the one byte range a media player asks for (``Range: bytes=a-b``)."""
    size = path.stat().st_size
    wanted = request.headers.get("Range", "")
    response: HttpResponseBase
    start, end = 0, size - 1
    if wanted.startswith("bytes=") and "," not in wanted:
        first, _, last = wanted[len("bytes=") :].partition("-")
        try:
            if first:
                start, end = int(first), int(last) if last else size - 1
            elif last:
                start = max(0, size - int(last))
        except ValueError:
            start, end = 0, size - 1
        end = min(end, size - 1, start + RANGE_CHUNK - 1)  # a player asks again for more
        if start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        with path.open("rb") as handle:
            handle.seek(start)
            body = handle.read(end - start + 1)
        response = HttpResponse(body, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    response["Content-Length"] = str(end - start + 1)
    return response


def _rows(hits: list[Hit], *, public: bool) -> list[tuple[Hit, search.Described | None]]:
    """Each hit with what it is (type, notation, date, issuer, dossier)."""
    about = search.describe(hits, public=public)
    return [(hit, about.get(f"{hit.kind}:{hit.pk}")) for hit in hits]


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """Tra cứu: the same search as the API, over what the visitor may see; the advanced
    search's dates and issuer in the URL with the rest. A date that does not exist is shown
    as the form's error, and nothing is searched until it is put right."""
    form = SearchForm.lenient(request.GET, facets=PUBLIC_FACETS)
    context: dict[str, object] = {"form": form, "query": form.query, "sort": form.sort_order}
    if form.errors:
        query = search.query_for(request.user, "", filters=form.filters())
        context.update(count=0, rows=[], groups=[], page=form.result_page(0), first=1)
        context["dropdowns"] = dropdowns(query, {})
        return render(request, "portal/search.html", context)
    filters = form.filters()
    query = search.query_for(request.user, form.query, **form.search_arguments())
    found = search.run(query)
    facets = {k: v for k, v in labelled_facets(found.facets).items() if k in PUBLIC_FACETS}
    context.update(
        count=found.count,
        approximate=f"{found.count:,}".replace(",", ".") if found.approximate else "",
        hits=found.hits,
        rows=_rows(found.hits, public=True),
        groups=facet_groups(facets, filters, exclude=DROPDOWN_FACETS),
        dropdowns=dropdowns(query, facets),
        page=form.result_page(found.count),
        first=form.first,
        filtered=form.filtered,
        searched=form.searched,
    )
    return render(request, "portal/search.html", context)


@require_safe
def embed_help(request: HttpRequest) -> HttpResponse:
    """How an agency website embeds the search widget, or an online exhibition in it (the
    snippets to paste)."""
    agencies = _publishing_agencies(None)
    exhibitions = list(Exhibition.objects.on_show().only("slug", "title", "title_en"))
    return render(request, "portal/embed.html", {"agencies": agencies, "exhibitions": exhibitions})


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    """Giới thiệu / Liên hệ: the archive's address, opening hours, contact, reading-room rules
    and fees (``access.reading_room``, edited by the administrator)."""
    return render(request, "portal/about.html", {"info": reading_room.info()})


def dossier_of(document: Document) -> Dossier | None:
    return document.dossier
