"""Start-up of the operators' commands (`luutru …`), beside a bare `import django`.

An administrator runs `luutru retention due`, `luutru kpi`, `luutru fixity` by hand and from
timers; each pays Python's and Django's start before its own work. Target: every command starts
in at most 1 s. Measured as the wall time of `luutru COMMAND --help` (start-up and argument
parsing, no work), the median of three runs in a fresh interpreter, on the benchmark's migrated
data directory; plus two whole runs that only read the database (`retention due`, `kpi`).
Sources are compiled to bytecode by `make install`: where PYTHONDONTWRITEBYTECODE is set and
nothing is compiled, every start pays about 1 s more to compile them.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time

from django.core.management import get_commands

from bench.harness import Figure

RUNS = 3
CPU: dict[str, float] = {}


def _seconds(argv: list[str]) -> float:
    """Median wall time; the CPU time of the runs is kept in CPU (a busy machine's wall time
    is inflated by waiting, its CPU time much less)."""
    env = dict(os.environ)
    times, cpu = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)  # noqa: S603
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    CPU[" ".join(argv[3:]) or argv[-1]] = statistics.median(cpu)
    return statistics.median(times)


def run() -> list[Figure]:
    python = sys.executable
    luutru = [python, "-m", "luutru.cli"]
    floor = _seconds([python, "-c", "import django"])
    figures = [Figure("python -c 'import django' (the floor)", round(floor, 3), "s")]
    ours = sorted(name for name, app in get_commands().items() if app.startswith("luutru."))
    slowest = ("", 0.0)
    for name in ours:
        seconds = _seconds([*luutru, name, "--help"])
        slowest = max(slowest, (name, seconds), key=lambda pair: pair[1])
        cpu = f"CPU {CPU[f'{name} --help']:.2f} s"
        figures.append(Figure(f"luutru {name} --help", round(seconds, 3), "s", "≤ 1", cpu))
    for argv in (["retention", "due", "--json"], ["kpi", "--json"]):
        seconds = _seconds([*luutru, *argv])
        label = f"luutru {' '.join(argv)} (whole run)"
        cpu = f"CPU {CPU[' '.join(argv)]:.2f} s"
        figures.append(Figure(label, round(seconds, 3), "s", "≤ 1", cpu))
    figures.append(
        Figure("slowest command start", round(slowest[1], 3), "s", "≤ 1", f"luutru {slowest[0]}")
    )
    return figures
