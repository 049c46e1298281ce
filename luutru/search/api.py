"""GET /api/v1/search: the search as JSON (docs/interfaces.md), plus the facets of the result.

Access is the service's: anonymous callers get published public (Công khai) records only, and
the descriptions of conditional ones whose fonds lists them in the public catalogue; signed-in
staff (the staff site's session) their agencies' scope. Mounted by ``luutru.api``.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from ninja import Query, Router, Schema
from pydantic import Field

from luutru.lib.api import ErrorOut, error_body
from luutru.search import services
from luutru.search.base import Hit
from luutru.search.facets import labelled_facets
from luutru.search.forms import (
    CODE_LENGTH,
    CODE_PATTERN,
    MAX_DATE,
    MAX_ID,
    MAX_ISSUER,
    MAX_PAGE,
    MAX_QUERY,
    MAX_VALUES,
    MAX_YEAR,
    PAGE_SIZE,
    SearchForm,
)

router = Router(tags=["Tra cứu"])

# The bounds are SearchForm's (search/forms.py), shared with the portal and staff search pages.
Pk = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=1, le=MAX_YEAR)]
Code = Annotated[str, Field(min_length=1, max_length=CODE_LENGTH, pattern=CODE_PATTERN)]


class SearchParams(Schema):
    q: str = Field(
        "",
        max_length=MAX_QUERY,
        description="Từ cần tìm, có dấu hoặc không; số, ký hiệu (123/QĐ-UBND), mã hồ sơ.",
    )
    page: int = Field(
        1, ge=1, le=MAX_PAGE, description=f"Trang kết quả, {PAGE_SIZE} kết quả một trang."
    )
    sort: Literal["relevance", "date"] = Field(
        "relevance", description="Sắp xếp theo mức độ phù hợp (relevance) hoặc ngày, mới trước."
    )
    agency: list[Pk] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Lọc theo cơ quan (giá trị lấy từ facets.agency).",
    )
    fonds: list[Pk] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Lọc theo phông (giá trị lấy từ facets.fonds).",
    )
    year: list[Year] = Field(
        default_factory=list, max_length=MAX_VALUES, description="Lọc theo năm."
    )
    date_from: str = Field(
        "",
        max_length=MAX_DATE,
        description="Từ ngày (tìm nâng cao), kể cả ngày này: 31/12/2024 hoặc 2024-12-31; "
        "12/2024 là từ đầu tháng, 2024 từ đầu năm. Ngày không có thật (31/02/2024) bị từ chối.",
    )
    date_to: str = Field(
        "",
        max_length=MAX_DATE,
        description="Đến ngày, kể cả ngày này; 12/2024 là đến hết tháng, 2024 đến hết năm. "
        "Phải không trước date_from.",
    )
    issuer: str = Field(
        "",
        max_length=MAX_ISSUER,
        description="Cơ quan ban hành: tài liệu mà cơ quan ban hành (hồ sơ mà cơ quan lập) có "
        "đủ các từ này, có dấu hoặc không, thứ tự bất kỳ (ví dụ: sở tài chính).",
    )
    year_from: Year | None = Field(
        None, description="Từ năm: như date_from=năm (giữ cho liên kết cũ)."
    )
    year_to: Year | None = Field(
        None, description="Đến năm: như date_to=năm (giữ cho liên kết cũ)."
    )
    doc_type: list[Code] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Lọc theo mã tên loại tài liệu (TT 05), ví dụ 02.",
    )
    retention: list[Code] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Lọc theo mã thời hạn lưu trữ, ví dụ 01.",
    )
    access_regime: list[Code] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Lọc theo mã chế độ sử dụng, ví dụ 01.",
    )
    kind: list[Literal["text", "photo", "audio", "video"]] = Field(
        default_factory=list,
        max_length=4,
        description="Lọc theo loại tài liệu: text (văn bản), photo (ảnh), audio (ghi âm), "
        "video (phim). Hồ sơ không thuộc loại nào nên không còn trong kết quả khi lọc.",
    )


class DossierRefOut(Schema):
    code: str = Field(description="Mã hồ sơ.")
    title: str = Field(description="Tiêu đề hồ sơ.")


class SearchResultOut(Schema):
    kind: Literal["document", "dossier"] = Field(description="Tài liệu hay hồ sơ.")
    code: str = Field(description="Mã lưu trữ tài liệu / mã hồ sơ.")
    title: str = Field(description="Trích yếu nội dung / tiêu đề hồ sơ.")
    snippet: str = Field(
        description="Đoạn trích có từ khớp, là HTML đã thoát ký tự, từ khớp nằm trong <mark>."
    )
    url: str = Field(
        description="Trang của hồ sơ, tài liệu: trên cổng tra cứu công khai, hoặc trang quản trị "
        "với cán bộ đã đăng nhập."
    )
    type: str = Field(description="Tên loại tài liệu (Quyết định, Công văn…) hoặc «Hồ sơ».")
    notation: str = Field(description="Số và ký hiệu của tài liệu (123/QĐ-UBND); rỗng với hồ sơ.")
    date: datetime.date | None = Field(
        description="Ngày ban hành tài liệu, hoặc ngày kết thúc hồ sơ."
    )
    agency: str = Field(description="Cơ quan ban hành tài liệu, hoặc cơ quan lập hồ sơ.")
    dossier: DossierRefOut | None = Field(
        description="Hồ sơ chứa tài liệu (khi người gọi được xem hồ sơ đó)."
    )
    access: str = Field(
        description="Điều kiện khai thác khi hồ sơ, tài liệu không công khai; rỗng nếu công khai."
    )


class FacetValueOut(Schema):
    value: str = Field(description="Giá trị dùng để lọc (tham số cùng tên).")
    label: str = Field(description="Tên hiển thị.")
    count: int = Field(description="Số kết quả có giá trị này, trong phạm vi người gọi được xem.")


class SearchOut(Schema):
    count: int = Field(description="Tổng số kết quả người gọi được xem.")
    approximate: bool = Field(
        description="Số kết quả và số theo nhóm là ước tính (khi rất nhiều kết quả khớp)."
    )
    results: list[SearchResultOut] = Field(description="Kết quả của trang, phù hợp nhất trước.")
    facets: dict[str, list[FacetValueOut]] = Field(
        description="Số kết quả theo cơ quan, phông, năm, loại tài liệu, thời hạn, chế độ sử dụng."
    )


def record_url(hit: Hit, *, public: bool = False) -> str:
    """The record's page: the public portal's (``public``: callers who see public records
    only, the widget, agency websites) or the staff page.

    "" for a code no URL can carry (a "/" in it), rather than a 500 for the whole page.
    """
    try:
        if public:
            name = "portal:dossier" if hit.kind == "dossier" else "portal:document"
            return reverse(name, args=[hit.code])
        if hit.kind == "dossier":
            return reverse("records:dossier-detail", args=[hit.code])
        return reverse("records:document-detail", args=[hit.pk])
    except NoReverseMatch:
        return ""


def _described(about: services.Described | None) -> dict[str, object]:
    if about is None:  # gone from the database since it was indexed
        return {
            "type": "",
            "notation": "",
            "date": None,
            "agency": "",
            "dossier": None,
            "access": "",
        }
    dossier = {"code": about.dossier_code, "title": about.dossier_title}
    return {
        "type": about.type,
        "notation": about.notation,
        "date": about.date,
        "agency": about.agency,
        "dossier": dossier if about.dossier_code else None,
        "access": about.access,
    }


@router.get(
    "/search",
    response={200: SearchOut, 422: ErrorOut, 429: ErrorOut},
    summary="Tra cứu hồ sơ, tài liệu",
    operation_id="search",
)
def search(
    request: HttpRequest, params: Query[SearchParams]
) -> dict[str, object] | tuple[int, dict[str, dict[str, str]]]:
    """Tìm trong siêu dữ liệu và nội dung tệp của hồ sơ, tài liệu; phù hợp nhất trước.

    Người gọi không đăng nhập chỉ thấy hồ sơ, tài liệu Công khai đã công bố (và phần giới thiệu
    tài liệu sử dụng có điều kiện khi phông cho phép); số kết quả và facets cũng chỉ tính trên
    những gì người gọi được xem. Tìm nâng cao: khoảng ngày (date_from, date_to), cơ quan ban
    hành (issuer), loại tài liệu (doc_type), phông (fonds).
    """
    # The schema above documents and bounds the parameters; the form (the pages' own) reads
    # them, so the dates and the issuer are judged here exactly as on the pages.
    form = SearchForm(request.GET, page_param="page")
    if not form.is_valid():
        problems = "; ".join(
            f"{name} — {message}" for name, messages in form.errors.items() for message in messages
        )
        return 422, error_body("bad_request", f"Tham số không hợp lệ: {problems}")
    query = services.query_for(request.user, params.q, **form.search_arguments())
    found = services.run(query)
    public = query.public_only  # the portal's pages for the public, staff pages for staff
    about = services.describe(found.hits, public=public)
    return {
        "count": found.count,
        "approximate": found.approximate,
        "results": [
            {
                "kind": hit.kind,
                "code": hit.code,
                "title": hit.title,
                "snippet": hit.snippet,
                "url": record_url(hit, public=public),
                **_described(about.get(f"{hit.kind}:{hit.pk}")),
            }
            for hit in found.hits
        ],
        "facets": {
            name: [vars(value) for value in values]
            for name, values in labelled_facets(found.facets).items()
        },
    }
