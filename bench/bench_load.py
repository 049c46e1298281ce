"""Load: 200 concurrent visitors for 5 minutes on 1,000,000 documents in PostgreSQL (locust).

Data: 1,000,000 public documents in 100,000 dossiers (10 each) of 20 agencies, each with its
fonds, written into PostgreSQL by COPY (bench/load_data.py: generated Vietnamese descriptions,
valid codes and values; all held, Công khai and published), then indexed by the PostgreSQL
search engine's rebuild (`luutru reindex`, SEARCH_BACKEND=postgres). The build is timed: target
≤ 10 minutes. Before the load, sampled document, dossier and agency pages, search pages and the
records their results link to must all answer 200.

Server: gunicorn on 127.0.0.1, 3 gthread workers of 8 threads each, DEBUG off. On 2 cores three
processes keep both busy while one waits; a request spends much of its time waiting on
PostgreSQL, and threads let a worker serve others meanwhile, where a sync worker would sit idle,
so 24 requests can be in flight with 24 connections (CONN_MAX_AGE keeps them open). The page
cache (portal/cache.py) is each worker's memory. API_ANON_PER_MINUTE=0: every visitor comes from
127.0.0.1, which the anonymous API limit would otherwise count as one caller.

Load: locust 200 users, spawned at 20/s, each waiting 1 to 5 s between requests (a reader's think
time), for 5 minutes after the ramp (statistics reset when all users run). Mix by weight:
portal home 5, agency page 5, dossier page 15, document page 25 (random records among all, so
nearly every page is a cache miss), portal search 15 and API search 10 (varied queries: folded,
with diacritics, notations, code prefixes; half with a document type, agency or year-range
filter), API record reads 15 (a document or a dossier). Locust and PostgreSQL run on the same
machine as the server and share its cores; their CPU is reported beside the server's. Locust
rounds times above 100 ms to two significant digits in its percentiles. Target: no errors,
p95 ≤ 500 ms overall and for each kind of request. Beside each kind's p95, its median when the
pages were checked one at a time before the load (the service time without queueing), and the
server's CPU per request: where p95 is far above the first and CPU is short, the requests waited
for a core, not for the database.

PostgreSQL: its own throwaway cluster (scripts/pg-test-cluster.sh: fsync off) on a free port,
unless DATABASE_URL names an empty PostgreSQL database (or one holding this collection from an
earlier run, which is reused). BENCH_LOAD_DOCUMENTS and BENCH_LOAD_SECONDS scale a trial down.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from statistics import median
from typing import Any

from bench.harness import Figure, free_port, postgres_cluster

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = int(os.environ.get("BENCH_LOAD_DOCUMENTS", "1000000"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "300"))
USERS = 200
SPAWN_RATE = 20
WORKERS = 3
THREADS = 8
BUILD_TARGET_S = 600
P95_TARGET_MS = 500
KINDS = [
    "portal home", "agency page", "dossier page", "document page", "portal search",
    "API search", "API record",
]  # fmt: skip


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def run() -> list[Figure]:
    """The whole benchmark in a child process on PostgreSQL (bench/run.py's Django may be on
    SQLite): on DATABASE_URL when it is PostgreSQL, else on a throwaway cluster."""
    given = os.environ.get("DATABASE_URL", "")
    if _is_postgres(given):
        return _child(given, postmaster="")
    with postgres_cluster() as (url, cluster):
        return _child(url, postmaster=str(cluster / "data" / "postmaster.pid"))


def _child(url: str, postmaster: str) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="luutru-load-") as tmp:
        out = Path(tmp) / "figures.json"
        data = Path(tmp) / "data"
        data.mkdir()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SEARCH_BACKEND": "postgres",
            "LUUTRU_DATA_DIR": str(data),
            "DJANGO_SETTINGS_MODULE": "luutru.settings",
            "BENCH_LOAD_POSTMASTER": postmaster,
        }
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.bench_load", str(out)], cwd=ROOT, env=env, check=True
        )
        rows = json.loads(out.read_text("utf-8"))
    return [Figure(**row) for row in rows]


# --- the child process: Django on PostgreSQL -----------------------------------------------


def _log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def _tune_postgres() -> None:
    """Settings a production server would have for this size (reloadable, no restart)."""
    from django.db import connection

    settings = {
        "work_mem": "16MB",
        "maintenance_work_mem": "512MB",
        "effective_cache_size": "4GB",
        "max_wal_size": "4GB",
        "random_page_cost": "1.1",
    }
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        cursor.execute("SELECT pg_reload_conf()")


class Server:
    """gunicorn, gthread workers, on a free port, for the duration of a `with`."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(  # noqa: S603 - our own server, our own arguments
            [gunicorn, "-k", "gthread", "-w", str(WORKERS), "--threads", str(THREADS),
             "-b", f"127.0.0.1:{self.port}", "--timeout", "60", "--keep-alive", "10",
             "--backlog", "512",
             "--log-level", "warning", "luutru.wsgi:application"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited") from None
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start in 120 s")

    def __exit__(self, *exc: Any) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=60) as response:  # noqa: S310
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, ""


def _check_pages(server: Server, plan: dict[str, Any]) -> tuple[int, dict[str, list[float]]]:
    """Sampled pages, search results and the records they link to: all must answer 200. The
    number of pages checked, and the milliseconds each kind took, one request at a time."""
    from urllib.parse import quote

    from bench.load_data import document_code, dossier_code

    rng = random.Random(7)
    times: dict[str, list[float]] = {}

    def get(kind: str, path: str) -> str:
        start = time.perf_counter()
        status, body = server.get(path)
        times.setdefault(kind, []).append(1000 * (time.perf_counter() - start))
        if status != 200:
            raise RuntimeError(f"{path} answered {status} before the load")
        return body

    for code, _ in plan["agencies"][:5]:
        get("agency page", f"/co-quan/{code}/")
    for _ in range(20):
        get("document page", f"/tai-lieu/{document_code(rng.randrange(plan['documents']))}/")
        get("dossier page", f"/ho-so/{dossier_code(rng.randrange(plan['dossiers']))}/")
        get("API record", f"/api/v1/documents/{document_code(rng.randrange(plan['documents']))}")
    linked: list[str] = []
    for text in plan["queries"][:20]:
        body = get("portal search", f"/tra-cuu/?q={quote(text)}")
        linked += re.findall(r'href="(/(?:tai-lieu|ho-so)/[^"/]+/)"', body)[:1]
        get("API search", f"/api/v1/search?q={quote(text)}")
    if not linked:
        raise RuntimeError("the searches found no records")
    for path in linked:
        get("document page" if path.startswith("/tai-lieu/") else "dossier page", path)
    get("portal home", "/")  # last: a worker's first request pays its start-up
    return sum(len(v) for v in times.values()), times


def _cpu_seconds(root: int | None) -> float:
    """CPU seconds used so far by ``root`` and its descendants, the reaped ones included (a
    PostgreSQL backend that ended counts in its postmaster's children's times)."""
    import psutil

    if root is None:
        return 0.0
    try:
        process = psutil.Process(root)
        times = process.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in process.children(recursive=True):
            try:
                t = child.cpu_times()
            except psutil.Error:
                continue
            total += t.user + t.system
    except psutil.Error:
        return 0.0
    return total


def _postmaster() -> int | None:
    pidfile = os.environ.get("BENCH_LOAD_POSTMASTER", "")
    if pidfile and Path(pidfile).exists():
        return int(Path(pidfile).read_text().split()[0])
    return None


def _local_postmaster() -> str:
    """The postmaster.pid of the database server when it runs here and we may read its data
    directory (a superuser's connection); else "" and its CPU is not reported."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            path = Path(cursor.fetchone()[0]) / "postmaster.pid"
    except DatabaseError:
        return ""
    return str(path) if path.exists() else ""


def _busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _locust(server: Server, plan_path: Path, prefix: Path) -> tuple[float, dict[str, float]]:
    """Run locust; wall seconds of the measured window and CPU seconds used per party."""
    locust = str(Path(sys.executable).with_name("locust"))
    ramp = USERS // SPAWN_RATE
    env = {**os.environ, "BENCH_LOAD_PLAN": str(plan_path)}
    postmaster = _postmaster()
    process = subprocess.Popen(  # noqa: S603
        [locust, "-f", str(ROOT / "bench" / "load_visitors.py"), "--headless",
         "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE),
         "--run-time", f"{SECONDS + ramp}s", "--reset-stats", "--stop-timeout", "10",
         "--host", server.base, "--csv", str(prefix), "--only-summary",
         "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    roots = {"server": server.process.pid, "postgres": postmaster, "locust": process.pid}
    time.sleep(ramp)
    before = {party: _cpu_seconds(pid) for party, pid in roots.items()}
    busy0, total0 = _busy()
    start = time.monotonic()
    while process.poll() is None and time.monotonic() - start < SECONDS:
        time.sleep(1)
    after = {party: _cpu_seconds(pid) for party, pid in roots.items()}
    busy1, total1 = _busy()
    wall = time.monotonic() - start
    process.wait(timeout=120)
    cpu = {party: after[party] - before[party] for party, pid in roots.items() if pid}
    cpu["machine"] = (busy1 - busy0) / (total1 - total0) * (os.cpu_count() or 1) * wall
    return wall, cpu


def _stats(prefix: Path) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def _figures(stats: dict[str, dict[str, str]], wall: float, cpu: dict[str, float],
             build: dict[str, float] | None, checked: int,
             alone: dict[str, list[float]]) -> list[Figure]:  # fmt: skip
    figures: list[Figure] = []
    if build:
        figures.append(Figure("data build, total", round(build["total"], 1), "s",
                              f"≤ {BUILD_TARGET_S}",
                              f"records by COPY {build['records']:.0f} s, ANALYZE "
                              f"{build['analyze']:.0f} s, search index rebuild "
                              f"{build['index']:.0f} s"))  # fmt: skip
    else:
        figures.append(Figure("data build", 0, "s", None, "collection reused from an earlier run"))
    figures.append(Figure("pages checked before the load, all 200", checked, "pages"))
    total = stats["Aggregated"]
    requests = int(total["Request Count"])
    failures = int(total["Failure Count"])
    figures += [
        Figure("requests", requests, "", None, f"{USERS} users, {SECONDS} s, think time 1 to 5 s"),
        Figure("errors", failures, "", "0"),
        Figure("requests/s", round(float(total["Requests/s"]), 1), "req/s"),
    ]
    for label in ("50%", "95%", "99%"):
        target = f"≤ {P95_TARGET_MS}" if label == "95%" else None
        figures.append(Figure(f"all requests, p{label[:-1]}", float(total[label]), "ms", target))
    for kind in KINDS:
        row = stats.get(kind)
        if row is None:
            continue
        note = (
            f"{int(row['Request Count']):,} requests, {int(row['Failure Count'])} errors, "
            f"p50 {row['50%']} ms, p99 {row['99%']} ms"
        )
        if alone.get(kind):
            note += f"; one at a time before the load: median {median(alone[kind]):.0f} ms"
        figures.append(Figure(f"{kind}, p95", float(row["95%"]), "ms", f"≤ {P95_TARGET_MS}", note))
    if requests:
        figures.append(
            Figure("gunicorn CPU per request", round(1000 * cpu["server"] / requests, 1), "ms",
                   None, "the server's own cost, whatever the machine's other load")
        )  # fmt: skip
    for party in ("server", "postgres", "locust", "machine"):
        if party in cpu:
            what = {"server": "gunicorn", "postgres": "PostgreSQL", "locust": "locust",
                    "machine": "whole machine (others included)"}[party]  # fmt: skip
            figures.append(Figure(f"CPU, {what}", round(cpu[party] / wall, 2), "cores",
                                  None, f"of {os.cpu_count()}"))  # fmt: skip
    return figures


def main(out: Path) -> None:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luutru.settings")
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from bench import load_data

    if os.environ.get("BENCH_LOAD_POSTMASTER"):
        _tune_postgres()
    build: dict[str, float] | None = None
    if load_data.existing(DOCUMENTS):
        _log(f"reusing the {DOCUMENTS:,} documents already in the database")
    else:
        _log(f"building {DOCUMENTS:,} documents …")
        build = load_data.build(DOCUMENTS)
        _log("built: " + ", ".join(f"{k} {v:.1f} s" for k, v in build.items()))
    plan = load_data.plan(DOCUMENTS)
    if not os.environ.get("BENCH_LOAD_POSTMASTER"):
        os.environ["BENCH_LOAD_POSTMASTER"] = _local_postmaster()
    from django.db import connections

    connections.close_all()
    with tempfile.TemporaryDirectory(prefix="luutru-locust-") as tmp:
        plan_path = Path(tmp) / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
        env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1",
               "API_ANON_PER_MINUTE": "0"}  # fmt: skip
        with Server(env) as server:
            checked, alone = _check_pages(server, plan)
            _log(f"{checked} pages answer 200; {USERS} visitors for {SECONDS} s …")
            wall, cpu = _locust(server, plan_path, Path(tmp) / "locust")
        stats = _stats(Path(tmp) / "locust")
    figures = _figures(stats, wall, cpu, build, checked, alone)
    out.write_text(json.dumps([f.__dict__ for f in figures], ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
