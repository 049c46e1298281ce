"""Plain factory functions for records: rows made directly, as the ingest pipeline would."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from luutru.organizations.models import Agency
from luutru.records.models import Document, DocumentFile, Dossier, FilePlan, FilePlanEntry
from luutru.storage.models import StoredFile


def make_dossier(agency: Agency, number: int = 1, **extra: Any) -> Dossier:
    values: dict[str, Any] = {
        "code": f"{agency.code}.2023.{number:02d}",
        "agency": agency,
        "year": 2023,
        "notation": f"{number:02d}",
        "title": f"Hồ sơ về quản lý ngân sách năm 2023 (số {number})",
        "retention": "04",
        "access_regime": "01",
        "languages": "01,02",
        "start_date": datetime.date(2023, 1, 3),
        "end_date": datetime.date(2023, 12, 28),
        "total_docs": 2,
        "page_count": 5,
        "physical_condition": "01",
        "reliability": "01",
        "backup_regime": True,
        "backup_status": "02",
        "keywords": "ngân sách",
    }
    values.update(extra)
    return Dossier.objects.create(**values)


def make_document(
    agency: Agency, dossier: Dossier | None, ordinal: int = 1, **extra: Any
) -> Document:
    values: dict[str, Any] = {
        "agency": agency,
        "dossier": dossier,
        "ordinal": ordinal if dossier else None,
        "archival_code": f"{dossier.code}.{ordinal:07d}" if dossier else "",
        "retention": "04",
        "doc_type": "02",
        "number": str(100 + ordinal),
        "notation": "QĐ-STC",
        "issued_date": datetime.date(2023, 3, ordinal),
        "issuer": "Sở Tài chính",
        "summary": f"Về việc phân bổ dự toán ngân sách đợt {ordinal}",
        "languages": "01",
        "page_count": 2,
        "access_regime": "01",
    }
    values.update(extra)
    return Document.objects.create(**values)


def make_file(document: Document, name: str = "quyet-dinh.pdf", **extra: Any) -> DocumentFile:
    digest = hashlib.sha256(f"{document.pk}/{name}".encode()).hexdigest()
    stored = StoredFile.objects.create(
        sha256=digest,
        size=48213,
        mime="application/pdf",
        puid="fmt/354",
        format_name="Acrobat PDF/A - Portable Document Format",
    )
    values: dict[str, Any] = {"page_count": 2, "pdfa": "1b", "has_text": True}
    values.update(extra)
    return DocumentFile.objects.create(document=document, stored=stored, name=name, **values)


def make_plan(agency: Agency, year: int = 2024, **extra: Any) -> FilePlan:
    return FilePlan.objects.create(agency=agency, year=year, **extra)


def make_entry(
    plan: FilePlan, notation: str, closed_on: datetime.date | None = None, **extra: Any
) -> FilePlanEntry:
    values: dict[str, Any] = {"title": f"Hồ sơ số {notation}", "retention": "06"}
    values.update(extra)
    return FilePlanEntry.objects.create(plan=plan, notation=notation, closed_on=closed_on, **values)


def publish(*records: Dossier | Document, download: bool | None = None) -> None:
    """Publish records (công bố) through the action, as the system, for tests whose records
    must be on the portal, the API, OAI-PMH, IIIF and in the public's search. A dossier brings
    its documents; a refusal fails the test, since it means the set-up is wrong."""
    from luutru.records.actions import publish_records

    outcome = publish_records(records, None, "Công bố để thử nghiệm.", allow_download=download)
    assert not outcome.refused, outcome.refused
