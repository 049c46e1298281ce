"""Online (portal, OAI-PMH, IIIF): what a visitor, a harvester and a IIIF viewer wait for.

50,000 public documents in 5,000 dossiers (bulk_create, deterministic), the OAI-PMH register
rebuilt from them (`luutru oai_sync`), then through Django's test client (the whole request,
middleware included, no network): p50/p95 of the portal's home, a dossier page and a document
page; OAI-PMH ListRecords pages of 100 records (first page and one deep in the list via its
resumption token) and GetRecord; a IIIF manifest of a 20-page PDF (cold, then with the page
sizes cached) and its page images at 1,200 px (rendered by PDFium, then served from the
derived-file cache). Targets: pages under 300 ms at p95 on one core; a harvest page under 1 s.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import time
from typing import Any

from bench.harness import Figure, percentile, timings

DOCUMENTS = int(os.environ.get("BENCH_PORTAL_DOCUMENTS", "50000"))
PER_DOSSIER = 10
REPEAT = 30


def _collection() -> tuple[Any, Any]:
    from django.db import transaction

    from luutru.organizations.models import Agency
    from luutru.records.models import Document, Dossier

    agency, _ = Agency.objects.get_or_create(
        code="000.00.03.H62", defaults={"name": "Sở Tài chính tỉnh Sơn Nam"}
    )
    with transaction.atomic():
        dossiers = Dossier.objects.bulk_create(
            Dossier(
                code=f"000.00.03.H62.2023.{n:05d}",
                agency=agency,
                year=2023,
                title=f"Hồ sơ về quản lý ngân sách số {n}",
                retention="01",
                access_regime="01",
                languages="01",
                start_date=datetime.date(2023, 1, 1),
                end_date=datetime.date(2023, 12, 31),
                total_docs=PER_DOSSIER,
                page_count=20,
            )
            for n in range(DOCUMENTS // PER_DOSSIER)
        )
        Document.objects.bulk_create(
            (
                Document(
                    dossier=dossiers[n // PER_DOSSIER],
                    agency=agency,
                    ordinal=n % PER_DOSSIER + 1,
                    archival_code=f"{dossiers[n // PER_DOSSIER].code}.{n % PER_DOSSIER + 1:07d}",
                    retention="01",
                    doc_type="02",
                    number=str(n),
                    notation="QĐ-STC",
                    issued_date=datetime.date(2023, 1 + n % 12, 1 + n % 28),
                    issuer="Sở Tài chính tỉnh Sơn Nam",
                    summary=f"Về việc phân bổ dự toán ngân sách đợt {n}",
                    languages="01",
                    page_count=2,
                    access_regime="01",
                    keywords="ngân sách",
                )
                for n in range(DOCUMENTS)
            ),
            batch_size=2000,
        )
    return dossiers[len(dossiers) // 2], Document.objects.order_by("pk").first()


def _ms(values: list[float], p: float) -> float:
    return round(percentile(values, p) * 1000, 1)


def run() -> list[Figure]:
    from django.conf import settings
    from django.test import Client
    from lxml import etree

    from luutru.portal.publication import sync_register
    from luutru.portal.tests.samples import attach_pdf

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.API_ANON_PER_MINUTE = 0
    dossier, document = _collection()
    figures: list[Figure] = []

    start = time.perf_counter()
    written = sync_register()
    rate = written / (time.perf_counter() - start)
    figures.append(
        Figure(
            f"OAI register rebuilt (luutru oai_sync, {written:,} documents)",
            round(rate),
            "documents/s",
        )
    )

    client = Client()

    def get(url: str) -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    for name, url in (
        ("portal home page", "/"),
        ("portal dossier page (10 documents)", f"/ho-so/{dossier.code}/"),
        ("portal document page", f"/tai-lieu/{document.archival_code}/"),
    ):
        values = timings(lambda url=url: get(url), REPEAT, warmup=2)  # type: ignore[misc]
        figures.append(Figure(f"{name}, p50", _ms(values, 50), "ms"))
        figures.append(Figure(f"{name}, p95", _ms(values, 95), "ms", "< 300 ms"))

    first = "/oai?verb=ListRecords&metadataPrefix=oai_dc"
    values = timings(lambda: get(first), 10)
    figures.append(Figure("OAI-PMH ListRecords, 100 records, p95", _ms(values, 95), "ms", "< 1 s"))
    # Walk 200 pages in (20,000 records) through the tokens, then time that page.
    namespace = {"o": "http://www.openarchives.org/OAI/2.0/"}
    url = first
    for _ in range(min(200, DOCUMENTS // 100 - 1)):
        token = etree.fromstring(get(url).content).findtext(
            ".//o:resumptionToken", namespaces=namespace
        )
        url = f"/oai?verb=ListRecords&resumptionToken={token}"
    values = timings(lambda: get(url), 10)
    figures.append(
        Figure(
            "OAI-PMH ListRecords deep in the list (resumption token), p95",
            _ms(values, 95),
            "ms",
            "< 1 s",
        )
    )
    identifier = f"oai:{settings.OAI_REPOSITORY_ID}:{document.archival_code}"
    values = timings(
        lambda: get(f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier}"), 20
    )
    figures.append(Figure("OAI-PMH GetRecord, p95", _ms(values, 95), "ms"))

    # The benchmarks share one database: an earlier one may have given this code a PDF already.
    document.files.all().delete()
    attach_pdf(document, 20)
    shutil.rmtree(settings.DERIVED_DIR, ignore_errors=True)
    manifest = f"/iiif/{document.archival_code}/manifest"
    start = time.perf_counter()
    get(manifest)
    figures.append(
        Figure(
            "IIIF manifest, 20 pages, cold", round((time.perf_counter() - start) * 1000, 1), "ms"
        )
    )
    values = timings(lambda: get(manifest), REPEAT)
    figures.append(Figure("IIIF manifest, 20 pages, sizes cached, p95", _ms(values, 95), "ms"))
    renders = []
    for number in range(1, 11):
        start = time.perf_counter()
        response = get(f"/iiif/{document.archival_code}/trang/{number}/1200.jpg")
        size = len(b"".join(response.streaming_content))
        renders.append(time.perf_counter() - start)
    figures.append(
        Figure("page image 1,200 px, first request (PDFium render), p50", _ms(renders, 50), "ms")
    )
    values = timings(
        lambda: b"".join(get(f"/iiif/{document.archival_code}/trang/1/1200.jpg").streaming_content),
        REPEAT,
    )
    figures.append(
        Figure("page image 1,200 px, from the derived-file cache, p50", _ms(values, 50), "ms")
    )
    figures.append(Figure("page image 1,200 px, JPEG size", round(size / 1024, 1), "KB"))
    _ = io
    return figures
