"""What a benchmark module returns, and small helpers for measuring.

A benchmark is a module `bench/bench_<name>.py` whose docstring explains what it measures and
why, and which exposes `run() -> list[Figure]`. `bench/run.py` finds and runs it with Django set
up on a fresh, migrated data directory.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


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
