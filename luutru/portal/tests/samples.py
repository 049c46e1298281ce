"""Records for the portal's tests: public and restricted, with real PDFs in storage."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from luutru.organizations.models import Agency, Fonds
from luutru.records.models import Document, DocumentFile, Dossier
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.storage.actions import put_bytes
from luutru.storage.models import StoredFile


def pdf_bytes(pages: int = 3, label: str = "Trang") -> bytes:
    """A real PDF of ``pages`` A4-proportioned pages, each with its number drawn on it."""
    images = []
    for number in range(1, pages + 1):
        image = Image.new("L", (595, 842), "white")
        draw = ImageDraw.Draw(image)
        draw.rectangle((40, 40, 555, 802), outline="black", width=3)
        draw.text((80, 80), f"{label} {number}", fill="black")
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=72)
    return out.getvalue()


def attach_pdf(document: Document, pages: int = 3) -> DocumentFile:
    data = pdf_bytes(pages)
    sha256, size = put_bytes(data)  # both copies, as ingest stores files
    stored, _ = StoredFile.objects.get_or_create(
        sha256=sha256,
        defaults={"size": size, "mime": "application/pdf", "puid": "fmt/276"},
    )
    return DocumentFile.objects.create(
        document=document, stored=stored, name=f"{document.pk}.pdf", page_count=pages
    )


@dataclass
class Collection:
    dossier: Dossier  # public and published (with its public documents), in fonds_a
    land: Document  # public, with a 3-page PDF: "giao đất"
    budget: Document  # public, no file
    secret_in_public: Document  # 03 inside the public dossier
    restricted_dossier: Dossier  # 02
    hidden_by_dossier: Document  # 01 itself, inside the 02 dossier
    other_agency: Document  # agency B, public, published, unfiled (addressed by its identifier)


def make_collection(agency_a: Agency, agency_b: Agency, fonds: Fonds) -> Collection:
    dossier = make_dossier(agency_a, 1, title="Hồ sơ giao đất xây dựng trường học", fonds=fonds)
    land = make_document(
        agency_a,
        dossier,
        1,
        summary="Quyết định giao đất cho Trường tiểu học Đông Hòa",
        keywords="giao đất; trường học",
        number="12",
        notation="QĐ-UBND",
    )
    attach_pdf(land, 3)
    budget = make_document(agency_a, dossier, 2, summary="Về việc phân bổ ngân sách năm 2023")
    secret = make_document(
        agency_a, dossier, 3, summary="Báo cáo giao đất an ninh quốc phòng", access_regime="03"
    )
    restricted = make_dossier(
        agency_a, 2, title="Hồ sơ thanh tra đất đai", access_regime="02", fonds=fonds
    )
    hidden = make_document(agency_a, restricted, 1, summary="Kết luận thanh tra giao đất")
    attach_pdf(hidden, 1)
    other = make_document(
        agency_b,
        None,
        identifier="000.00.04.H62.2023.0000077",
        summary="Thông báo giao đất khu tái định cư",
    )
    publish(dossier, other)
    return Collection(dossier, land, budget, secret, restricted, hidden, other)
