"""Evaluation (báo cáo, chỉ tiêu): the dashboard's p95 and what the daily snapshot costs.

The dashboard reads the day's snapshot (``luutru kpi_snapshot``): its cost should not grow with
the holdings, while the snapshot itself is grouped queries over them. Measured on
``BENCH_REPORTS_DOCUMENTS`` documents (default 50,000, so ``make bench`` stays short; set it to
1000000 for the province-scale figure) in 20 agencies, received over the past twelve months, a
third of them born digital. Also checks that ``luutru kpi`` agrees with a direct count.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import time

from bench.harness import Figure, percentile, timings

DOCUMENTS = int(os.environ.get("BENCH_REPORTS_DOCUMENTS", "50000"))
AGENCIES = 20
PER_DOSSIER = 20
BATCH = 5000


def _load() -> None:
    from django.db import transaction
    from django.utils import timezone

    from luutru.organizations import actions as org
    from luutru.organizations.models import AgencyKind
    from luutru.records.models import Document, Dossier

    province = org.create_agency(
        actor=None, code="000.00.00.H63", name="UBND tỉnh", kind=AgencyKind.PROVINCIAL_COMMITTEE
    )
    agencies = [
        org.create_agency(actor=None, code=f"000.00.{n:02d}.H63", name=f"Sở số {n}",
                          parent=province, kind=AgencyKind.DEPARTMENT)
        for n in range(1, AGENCIES + 1)
    ]  # fmt: skip
    day = datetime.date(2025, 1, 1)
    dossiers = DOCUMENTS // PER_DOSSIER
    with transaction.atomic():
        Dossier.objects.bulk_create(
            (
                Dossier(
                    code=f"{agencies[i % AGENCIES].code}.2025.{i:07d}",
                    agency=agencies[i % AGENCIES], year=2025, notation=str(i),
                    title=f"Hồ sơ số {i}", retention="01", access_regime="01", languages="01",
                    start_date=day, end_date=day, total_docs=PER_DOSSIER, page_count=40,
                    reliability="02" if i % 4 == 0 else "", paper_code="G" if i % 2 else "",
                )
                for i in range(dossiers)
            ),
            batch_size=BATCH,
        )  # fmt: skip
        ids = list(
            Dossier.objects.filter(agency__in=agencies)
            .order_by("pk")
            .values_list("pk", "agency_id")
        )
        for start in range(0, DOCUMENTS, BATCH):
            Document.objects.bulk_create(
                Document(
                    dossier_id=ids[n // PER_DOSSIER][0], agency_id=ids[n // PER_DOSSIER][1],
                    ordinal=n % PER_DOSSIER + 1, retention="01", doc_type="02",
                    issued_date=day, issuer="Sở", summary=f"Văn bản {n}", languages="01",
                    page_count=2, access_regime="01", reliability="01" if n % 3 == 0 else "",
                )
                for n in range(start, min(start + BATCH, DOCUMENTS))
            )  # fmt: skip
        # Spread the receipts over the past twelve months.
        now = timezone.now()
        first = Document.objects.order_by("pk").values_list("pk", flat=True)[:1][0]
        last = Document.objects.order_by("-pk").values_list("pk", flat=True)[:1][0]
        span = (last - first + 1) // 12 + 1
        for month in range(12):
            lo = first + month * span
            Document.objects.filter(pk__gte=lo, pk__lt=lo + span).update(
                created_at=now - datetime.timedelta(days=30 * month)
            )


def run() -> list[Figure]:
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from luutru.accounts.models import Role
    from luutru.records.models import Document
    from luutru.reports import actions
    from luutru.test import make_user, pass_second_factor

    started = time.perf_counter()
    _load()
    load_seconds = time.perf_counter() - started
    from luutru.organizations.models import Agency

    admin = make_user("quantri", Role.ADMIN, Agency.objects.get(code="000.00.00.H63"))
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(admin)
    pass_second_factor(client, admin)  # an administrator signs in with the second factor

    live = timings(lambda: client.get("/quan-tri/bao-cao/"), repeat=3)
    snap_started = time.perf_counter()
    actions.take_snapshot()
    snapshot_seconds = time.perf_counter() - snap_started
    page = timings(lambda: client.get("/quan-tri/bao-cao/"), repeat=20)
    status = client.get("/quan-tri/bao-cao/").status_code
    assert status == 200, f"the dashboard answered {status}"

    year = timezone.localdate().year
    out = io.StringIO()
    kpi_started = time.perf_counter()
    call_command("kpi", "--year", str(year), "--json", stdout=out)
    kpi_seconds = time.perf_counter() - kpi_started
    items = {i["key"]: i for i in json.loads(out.getvalue())["indicators"]}
    received = Document.objects.filter(custody="held", created_at__year=year)
    agrees = (
        items["born_digital_share"]["denominator"] == received.count()
        and items["born_digital_share"]["numerator"] == received.filter(reliability="01").count()
    )
    size = f"{DOCUMENTS:,} documents, {AGENCIES} agencies"
    return [
        Figure("dashboard from the day's snapshot (p95)", round(percentile(page, 95) * 1000),
               "ms", "≤ 500", size),
        Figure("dashboard computed live, no snapshot (median)",
               round(percentile(live, 50) * 1000), "ms", None, size),
        Figure("daily snapshot (luutru kpi_snapshot)", round(snapshot_seconds, 1), "s",
               "≤ 600", "this year, four before, each month"),
        Figure("luutru kpi --json (live)", round(kpi_seconds, 2), "s", None, size),
        Figure("luutru kpi agrees with a direct count", 1 if agrees else 0, "yes=1", "1"),
        Figure("loading the test holdings", round(load_seconds, 1), "s"),
    ]  # fmt: skip
