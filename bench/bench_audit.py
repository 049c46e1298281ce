"""Audit trail (nhật ký hệ thống): appending events and verifying the whole chain.

Every action writes one event in its own transaction, so the append rate bounds how many state
changes per second the system can take; `luutru audit verify` re-hashes every event, so its rate
says how long a full check of years of history takes. Measured on the embedded SQLite database
(or the PostgreSQL of DATABASE_URL), each event in its own committed transaction.
"""

from __future__ import annotations

import time

from django.db import transaction

from bench.harness import Figure

EVENTS = 20_000


def run() -> list[Figure]:
    from luutru.audit.actions import record
    from luutru.audit.services import verify_chain

    start = time.perf_counter()
    for n in range(EVENTS):
        with transaction.atomic():
            record(
                "bench.event",
                actor=None,
                message=f"Sự kiện thử số {n}: cập nhật hồ sơ về đất đai",
                data={"n": n, "fields": ["title", "maintenance"]},
            )
    append_rate = EVENTS / (time.perf_counter() - start)

    start = time.perf_counter()
    report = verify_chain()
    verify_seconds = time.perf_counter() - start
    if not report.ok:
        raise RuntimeError(report.problem)
    verify_rate = report.checked / verify_seconds
    return [
        Figure("append, one transaction per event", round(append_rate), "events/s", "≥ 500"),
        Figure(
            f"verify the chain ({report.checked:,} events)",
            round(verify_rate),
            "events/s",
            "≥ 20,000",
            f"a million events in {1_000_000 / verify_rate:.0f} s",
        ),
    ]
