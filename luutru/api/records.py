"""GET /api/v1/dossiers/{code}, /api/v1/documents/{code}, /api/v1/agencies/{code}.

Records come with their TT 05/2025 metadata as top-level keys under the element names
(``fileCode``, ``title``, ``maintenance``…; regulations.md 1.1), codes as codes ("01"), dates
as ISO 8601, so agency systems can map them without parsing labels. The access policy decides
as everywhere: for anonymous callers, a record is there once it is published (công bố); a
record the caller may not read is a 404 exactly like an unknown code. The one exception is a
conditional record whose fonds lists it in the public catalogue: its description only (code,
title, dates, access regime; the other elements null) with ``catalogueOnly`` true and the
address of the request form.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Path, Router, Schema
from pydantic import Field, create_model

from luutru.access import policy
from luutru.access.models import Use
from luutru.lib.api import ErrorOut
from luutru.organizations.models import Agency
from luutru.records.elements import elements
from luutru.records.models import Document, Dossier

router = Router(tags=["Hồ sơ, tài liệu"])

CodeParam = Path(..., min_length=1, max_length=100, description="Mã hồ sơ / mã lưu trữ tài liệu.")


def tt05(instance: Dossier | Document, level: str) -> dict[str, Any]:
    """Element name → raw value, for every element with a model field."""
    out: dict[str, Any] = {}
    for element in elements(level).values():
        if element.field is None:
            continue
        value = getattr(instance, element.field)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif element.kind == "codes" and isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        out[element.name] = value
    return out


class DocumentSummaryOut(Schema):
    code: str
    title: str
    issuedDate: str  # the TT 05 element name
    url: str


KINDS: dict[str, Any] = {
    "number": int | None,
    "boolean": bool | None,
    "codes": list[str] | None,
}


def element_fields(level: str) -> dict[str, Any]:
    """One optional field per TT 05 element with a model field, typed by its kind and
    described by its Vietnamese name (what the OpenAPI document shows)."""
    return {
        element.name: (
            KINDS.get(element.kind, str | None),
            Field(None, description=element.label + (" (mã)" if element.code_list else "")),
        )
        for element in elements(level).values()
        if element.field is not None
    }


CATALOGUE_ONLY: Any = (
    bool,
    Field(
        False,
        description="Chỉ có phần giới thiệu (hồ sơ, tài liệu sử dụng có điều kiện mà phông cho "
        "giới thiệu trong mục lục công khai); khai thác theo phiếu yêu cầu tại requestUrl.",
    ),
)
REQUEST_URL: Any = (
    str | None,
    Field(None, description="Trang gửi yêu cầu khai thác, khi người gọi chưa được đọc."),
)
DossierOut = create_model(
    "DossierOut",
    __base__=Schema,
    agency=(str, Field(description="Mã định danh cơ quan lập hồ sơ.")),
    fonds=(str | None, Field(description="Mã phông.")),
    url=(str, Field(description="Trang của hồ sơ trên cổng tra cứu.")),
    catalogueOnly=CATALOGUE_ONLY,
    requestUrl=REQUEST_URL,
    documents=(
        list[DocumentSummaryOut],
        Field(description="Tài liệu trong hồ sơ mà người gọi được xem (tối đa 1000)."),
    ),
    **element_fields("dossier"),
)
DocumentOut = create_model(
    "DocumentOut",
    __base__=Schema,
    fileCode=(str | None, Field(description="Mã hồ sơ chứa tài liệu.")),
    agency=(str, Field(description="Mã định danh cơ quan nộp.")),
    url=(str, Field(description="Trang của tài liệu trên cổng tra cứu.")),
    manifest=(str | None, Field(description="IIIF manifest, khi tài liệu có bản số công khai.")),
    download=(
        str | None,
        Field(
            None,
            description="Tải bản gốc (PDF), khi tài liệu được công bố cho tải; null khi chỉ "
            "được đọc từng trang.",
        ),
    ),
    catalogueOnly=CATALOGUE_ONLY,
    requestUrl=REQUEST_URL,
    **element_fields("document"),
)


class AgencyOut(Schema):
    id: int = Field(description="Giá trị dùng cho tham số agency của /search.")
    code: str
    name: str
    url: str


def _absolute(request: HttpRequest, name: str, code: str) -> str:
    return request.build_absolute_uri(reverse(name, args=[code]))


def _document_code(document: Document) -> str:
    return document.archival_code or document.identifier


# What a catalogue-only record shows (see the module docstring).
DESCRIPTION = {
    "dossier": {"fileCode", "title", "startDate", "endDate", "mode"},
    "document": {"docId", "docCode", "codeNumber", "codeNotation", "issuedDate", "organName",
                 "subject", "mode"},
}  # fmt: skip


def _described(values: dict[str, Any], level: str) -> dict[str, Any]:
    return {k: (v if k in DESCRIPTION[level] else None) for k, v in values.items()}


def _request_url(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(f"{reverse('access:request-new')}?{urlencode({'ma': code})}")


@router.get(
    "/dossiers/{code}",
    response={200: DossierOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Một hồ sơ và siêu dữ liệu TT 05",
    operation_id="dossier",
)
def dossier(request: HttpRequest, code: str = CodeParam) -> dict[str, Any]:
    """Hồ sơ theo mã, với siêu dữ liệu theo tên phần tử TT 05/2025 và danh sách tài liệu."""
    try:
        found, readable = policy.get_dossier_or_404(request.user, Use.READ, code=code), True
    except Http404:
        found, readable = policy.get_dossier_or_404(request.user, Use.LIST, code=code), False
    documents = (
        policy.documents(request.user, Use.LIST)
        .filter(dossier=found)
        .filter(~Q(archival_code="") | ~Q(identifier=""))
        .order_by("ordinal", "pk")[:1000]
    )
    if readable:
        _log_secret_read(request.user, found)
    values = tt05(found, "dossier")
    return {
        **(values if readable else _described(values, "dossier")),
        "agency": found.agency.code,
        "fonds": found.fonds.code if found.fonds else None,
        "url": _absolute(request, "portal:dossier", found.code),
        "catalogueOnly": not readable,
        "requestUrl": None if readable else _request_url(request, found.code),
        "documents": [
            {
                "code": _document_code(d),
                "title": d.summary,
                "issuedDate": d.issued_date.isoformat(),
                "url": _absolute(request, "portal:document", _document_code(d)),
            }
            for d in documents
        ],
    }


@router.get(
    "/documents/{code}",
    response={200: DocumentOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Một tài liệu và siêu dữ liệu TT 05",
    operation_id="document",
)
def document(request: HttpRequest, code: str = CodeParam) -> dict[str, Any]:
    """Tài liệu theo mã lưu trữ (hoặc mã định danh), với siêu dữ liệu TT 05/2025."""
    readable = True
    found = _find_document(request.user, code, Use.READ)
    if found is None:
        readable, found = False, _find_document(request.user, code, Use.LIST)
    if found is None:
        raise Http404(str(policy.NOT_FOUND))
    if readable:
        _log_secret_read(request.user, found)
    public_code = _document_code(found)
    has_pages = policy.is_public(found) and found.files.exists()
    downloadable = has_pages and policy.can(None, Use.DOWNLOAD, found)
    values = tt05(found, "document")
    return {
        **(values if readable else _described(values, "document")),
        "fileCode": found.dossier.code if found.dossier else None,
        "agency": found.agency.code,
        "url": _absolute(request, "portal:document", public_code),
        "manifest": _absolute(request, "portal:iiif-manifest", public_code) if has_pages else None,
        "download": _absolute(request, "portal:download", public_code) if downloadable else None,
        "catalogueOnly": not readable,
        "requestUrl": None if readable else _request_url(request, public_code),
    }


def _log_secret_read(user: Any, record: Dossier | Document) -> None:
    """A Mật record read through the API goes to the use log (nhật ký khai thác), as a view of
    its staff page does: need-to-know reads are all accounted for, whatever the door."""
    dossier = record if isinstance(record, Dossier) else record.dossier
    if record.access_regime == policy.SECRET or (
        dossier is not None and dossier.access_regime == policy.SECRET
    ):
        policy.log_view(user, record)


def _find_document(user: Any, code: str, use: Use) -> Document | None:
    return (
        policy.documents(user, use)
        .filter(Q(archival_code=code) | Q(identifier=code))
        .select_related("dossier", "agency")
        .order_by("pk")
        .first()
    )


@router.get(
    "/agencies/{code}",
    response={200: AgencyOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Một cơ quan theo mã định danh",
    operation_id="agency",
)
def agency(
    request: HttpRequest,
    code: str = Path(..., min_length=1, max_length=13, description="Mã định danh cơ quan."),
) -> dict[str, Any]:
    """Cơ quan, tổ chức theo mã định danh; ``id`` lọc kết quả /search theo cơ quan."""
    found = Agency.objects.filter(code=code).first()
    if found is None:
        raise Http404("Không có cơ quan, tổ chức mang mã định danh này.")
    return {
        "id": found.pk,
        "code": found.code,
        "name": found.name,
        "url": _absolute(request, "portal:agency", found.code),
    }
