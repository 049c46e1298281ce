"""What a benchmark module returns, and small helpers for measuring.

A benchmark is a module `bench/bench_<name>.py` whose docstring explains what it measures and
why, and which exposes `run() -> list[Figure]`. `bench/run.py` finds and runs it with Django set
up on a fresh, migrated data directory.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

CLUSTER = Path(__file__).resolve().parent.parent / "scripts" / "pg-test-cluster.sh"


@dataclass(frozen=True)
class Figure:
    """One measured number, as it appears in a row of docs/benchmarks.md."""

    name: str
    value: float
    unit: str
    target: str | None = None
    note: str | None = None


def timings(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of `repeat` calls of `fn`, after `warmup` calls that are not kept."""
    for _ in range(warmup):
        fn()
    out: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0 to 100) of `values`, nearest-rank method."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def free_port(low: int = 0, high: int = 0) -> int:
    """A free loopback port, in [low, high) when given."""
    for port in range(low, high) if low else [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError("no free port")


@contextlib.contextmanager
def postgres_cluster() -> Iterator[tuple[str, Path]]:
    """A throwaway PostgreSQL cluster (scripts/pg-test-cluster.sh, fsync off) on a free port:
    yields its URL and its directory (the postmaster's pid is in ``data/postmaster.pid``), and
    deletes it afterwards, so that `make bench` measures the PostgreSQL paths on any machine."""
    bash = shutil.which("bash") or "/bin/bash"
    with tempfile.TemporaryDirectory(prefix="luutru-bench-pg-") as tmp:
        os.chmod(tmp, 0o755)  # noqa: S103 - as root, the cluster runs as postgres, who must enter
        env = {
            **os.environ,
            "PGDATA_DIR": f"{tmp}/pg",
            "LUUTRU_PG_PORT": str(free_port(5450, 5500)),
        }
        subprocess.run([bash, str(CLUSTER), "start"], env=env, check=True)  # noqa: S603
        try:
            url = subprocess.run(  # noqa: S603
                [bash, str(CLUSTER), "url"], env=env, check=True, capture_output=True, text=True
            ).stdout.strip()
            yield url, Path(tmp) / "pg"
        finally:
            subprocess.run([bash, str(CLUSTER), "stop"], env=env, check=False)  # noqa: S603
