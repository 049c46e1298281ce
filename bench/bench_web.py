"""The portal under load, beside a Django hello-world served the same way in the same run.

A holiday exhibition sends thousands of visitors to the same few pages. Both servers run in
gunicorn with 2 sync workers on 127.0.0.1 (one after the other, never together), loaded by wrk
with 50 connections for 10 s per page: the hello-world is `bench/hello_wsgi.py` (what
`django-admin startproject` gives, default middleware, no database). Pages: the portal home,
an agency, a dossier, a document, an exhibition (anonymous, so served from the page cache after
the first visit, portal/cache.py), and the search page with a query. Targets: portal pages at
≥ 50 % of the hello-world's requests/s, the search page at ≥ 25 %, every p99 at most 3 times the
hello-world's. The collection is small (2,000 public documents); the load test at 1,000,000
documents is bench/load (locust), run on its own.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.harness import Figure

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = 2000
PER_DOSSIER = 10
SECONDS = int(os.environ.get("BENCH_WEB_SECONDS", "10"))
CONNECTIONS = 50
WRK = shutil.which("wrk") or ""


def _collection() -> dict[str, str]:
    """Public records and a published exhibition; the paths of the pages to load."""
    from django.db import transaction

    from luutru.exhibitions.models import Exhibition, Item, Section, State
    from luutru.organizations.models import Agency
    from luutru.records.models import Document, Dossier
    from luutru.records.tests.factory import publish

    agency, _ = Agency.objects.get_or_create(
        code="000.00.04.H63", defaults={"name": "Sở Văn hóa tỉnh Sơn Nam"}
    )
    with transaction.atomic():
        dossiers = Dossier.objects.bulk_create(
            Dossier(
                code=f"000.00.04.H63.1975.{n:05d}",
                agency=agency,
                year=1975,
                title=f"Hồ sơ về ngày giải phóng tỉnh Sơn Nam, tập {n}",
                retention="01",
                access_regime="01",
                languages="01",
                start_date=datetime.date(1975, 1, 1),
                end_date=datetime.date(1975, 12, 31),
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
                    number=str(n + 1),
                    notation="QĐ-UBND",
                    issued_date=datetime.date(1975, 1 + n % 12, 1 + n % 28),
                    issuer="Ủy ban nhân dân tỉnh Sơn Nam",
                    summary=f"Về việc tổ chức kỷ niệm ngày giải phóng, đợt {n}",
                    languages="01",
                    page_count=2,
                    access_regime="01",
                    keywords="giải phóng",
                )
                for n in range(DOCUMENTS)
            ),
            batch_size=2000,
        )
    publish(*dossiers)
    dossier = dossiers[len(dossiers) // 2]
    document = Document.objects.filter(dossier=dossier).order_by("ordinal").first()
    assert document is not None
    exhibition = Exhibition.objects.create(
        slug="giai-phong-son-nam",
        title="Sơn Nam — những ngày tháng Tư",
        summary="Tài liệu lưu trữ về ngày giải phóng tỉnh.",
        state=State.PUBLISHED,
    )
    for number in range(2):
        section = Section.objects.create(
            exhibition=exhibition, number=number + 1, title=f"Chương {number + 1}"
        )
        for position, shown in enumerate(Document.objects.filter(dossier=dossiers[number])):
            Item.objects.create(section=section, number=position + 1, document=shown)
    from luutru.search import services

    services.reindex()
    return {
        "portal home": "/",
        "agency page": f"/co-quan/{agency.code}/",
        "dossier page (10 documents)": f"/ho-so/{dossier.code}/",
        "document page": f"/tai-lieu/{document.archival_code}/",
        "exhibition page": f"/trien-lam/{exhibition.slug}/",
        "search page (a query)": "/tra-cuu/?q=gi%E1%BA%A3i+ph%C3%B3ng",
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn, 2 sync workers, on a free port, for the duration of a `with`."""

    def __init__(self, app: str, env: dict[str, str]) -> None:
        self.port = _free_port()
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(  # noqa: S603 - our own server, our own arguments
            [gunicorn, "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", app],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None  # type: ignore[union-attr]
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start in 60 s")

    def __exit__(self, *exc: Any) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def _warm(url: str) -> None:
    """Sequential requests until each worker has rendered and cached the page."""
    for _ in range(6):
        with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - 127.0.0.1
            response.read()


def _wrk(url: str) -> tuple[float, float]:
    """Requests/s and p99 latency in ms of wrk on ``url``; any error or non-2xx fails."""
    out = subprocess.run(  # noqa: S603
        [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if "Non-2xx" in out or re.search(r"Socket errors: connect [1-9]|read [1-9]|write [1-9]", out):
        raise RuntimeError(f"errors under load at {url}:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return rate, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run() -> list[Figure]:
    if not WRK:
        raise RuntimeError("wrk is not installed (make install adds it)")
    pages = _collection()
    env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    with Server("bench.hello_wsgi:application", env) as hello:
        _warm(f"http://127.0.0.1:{hello.port}/")
        base_rate, base_p99 = _wrk(f"http://127.0.0.1:{hello.port}/")
    figures = [
        Figure("Django hello-world, requests/s", round(base_rate), "req/s"),
        Figure("Django hello-world, p99", round(base_p99, 1), "ms"),
    ]
    with Server("luutru.wsgi:application", env) as portal:
        for name, path in pages.items():
            url = f"http://127.0.0.1:{portal.port}{path}"
            _warm(url)
            rate, p99 = _wrk(url)
            share = "≥ 25 %" if name.startswith("search") else "≥ 50 %"
            figures.append(
                Figure(
                    f"{name}, share of hello-world requests/s",
                    round(100 * rate / base_rate, 1),
                    "%",
                    share,
                    f"{rate:,.0f} req/s",
                )
            )
            figures.append(
                Figure(f"{name}, p99", round(p99, 1), "ms", f"≤ {3 * base_p99:.1f} (3 times hello)")
            )
    return figures
