"""Run the benchmarks and write docs/benchmarks.md.

    .venv/bin/python bench/run.py            # every bench/bench_*.py, writes docs/benchmarks.md
    .venv/bin/python bench/run.py audit      # only bench_audit.py; prints, writes nothing
    .venv/bin/python bench/run.py --out X.md # write elsewhere
    .venv/bin/python bench/run.py web --update  # replace (or add) only these sections in
                                                # docs/benchmarks.md, each dated

The load test (`bench/bench_load.py`: 1,000,000 documents on a PostgreSQL cluster of its own,
200 locust visitors for 5 minutes) takes about a quarter of an hour on 2 cores; run it alone on a
quiet machine with `bench/run.py load --update`. BENCH_LOAD_DOCUMENTS and BENCH_LOAD_SECONDS
scale it down for a trial.

Each module `bench/bench_<name>.py` has a docstring explaining what it measures and exposes
`run() -> list[Figure]` (see bench/harness.py). Django is set up on a fresh, migrated data
directory in a temporary folder, so a benchmark never touches real data. DATABASE_URL, when
set, is used as it is (that database gets migrated).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import platform
import sqlite3
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
# Run as a script, Python puts bench/ itself first on the path: import from the root instead, so
# that bench.harness is one module however a benchmark imports it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

from bench.harness import Figure  # noqa: E402

DEFAULT_OUT = ROOT / "docs" / "benchmarks.md"


@dataclass
class Result:
    """The outcome of one benchmark module."""

    name: str
    path: str
    doc: str
    seconds: float = 0.0
    figures: list[Figure] = field(default_factory=list)
    error: str | None = None
    when: datetime | None = None


def discover(only: list[str]) -> list[str]:
    """Module names `bench_*` under bench/, sorted; `only` filters by name with or without
    the `bench_` prefix."""
    names = sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))
    if only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in only}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        names = [n for n in names if n in wanted]
    return names


def setup_django(data_dir: Path) -> None:
    os.environ["LUUTRU_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luutru.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model", "Hardware") and value.strip():
            return value.strip()
    return platform.processor() or platform.machine() or "unknown"


def _memory() -> str:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            kib = int(line.split()[1])
            return f"{kib / 1024 / 1024:.1f} GiB"
    return "unknown"


def _os_name() -> str:
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.partition("=")[2].strip().strip('"')
    return platform.system()


def machine() -> list[tuple[str, str]]:
    """(label, value) pairs describing the machine and the software measured."""
    import django
    from django.conf import settings
    from django.db import connection

    cores = str(os.cpu_count() or "unknown")
    if hasattr(os, "sched_getaffinity"):
        usable = len(os.sched_getaffinity(0))
        if str(usable) != cores:
            cores = f"{cores} ({usable} usable)"
    rows = [
        ("CPU", _cpu_model()),
        ("Cores", cores),
        ("Memory", _memory()),
        ("OS", f"{_os_name()}, {platform.machine()}, Linux {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Django", django.get_version()),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if os.environ.get("DATABASE_URL"):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                row = cursor.fetchone()
            rows.append(("PostgreSQL", str(row[0]) if row else "unknown"))
        else:
            rows.append(("Database", connection.vendor))
    rows.append(("Database used", connection.vendor))
    rows.append(("Django DEBUG", str(settings.DEBUG)))
    return rows


def run_module(name: str) -> Result:
    path = f"bench/{name}.py"
    try:
        module = importlib.import_module(f"bench.{name}")
    except Exception:
        traceback.print_exc()
        return Result(name, path, "", error=_last_line(traceback.format_exc()))
    result = Result(name, path, inspect.cleandoc(module.__doc__ or "").strip())
    run = getattr(module, "run", None)
    if not callable(run):
        result.error = "the module has no run() function"
        return result
    print(f"running {path} …", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        figures = run()
    except Exception:
        traceback.print_exc()
        result.error = _last_line(traceback.format_exc())
        return result
    finally:
        result.seconds = time.perf_counter() - start
    if not isinstance(figures, list) or not all(isinstance(f, Figure) for f in figures):
        result.error = "run() must return a list of bench.harness.Figure"
        return result
    result.figures = figures
    return result


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "error"


def fmt_value(value: float) -> str:
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e15):
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _cell(text: str | None) -> str:
    if not text:
        return ""
    return text.replace("|", "\\|").replace("\n", " ")


def table(figures: list[Figure]) -> str:
    lines = [
        "| Figure | Value | Unit | Target | Note |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for f in figures:
        cells = [_cell(f.name), fmt_value(f.value), _cell(f.unit), _cell(f.target), _cell(f.note)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def section(result: Result) -> str:
    title = result.name.removeprefix("bench_")
    dated = f", run on {result.when:%Y-%m-%d %H:%M} UTC" if result.when else ""
    parts = [f"## {title}", "", f"`{result.path}`, {result.seconds:.1f} s{dated}."]
    if result.doc:
        parts += ["", result.doc]
    parts.append("")
    if result.error:
        parts.append(f"**Failed:** `{result.error}`")
    elif result.figures:
        parts.append(table(result.figures))
    else:
        parts.append("No figures returned.")
    return "\n".join(parts)


def report(rows: list[tuple[str, str]], when: datetime, results: list[Result]) -> str:
    parts = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`); do not edit by hand. Each benchmark runs on a",
        "fresh, migrated data directory. A section marked with its own date was rerun alone",
        "(`bench/run.py NAME --update`), on the machine described below.",
        "",
        f"Run on {when:%Y-%m-%d %H:%M} UTC.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
    ]
    parts += [f"| {_cell(label)} | {_cell(value)} |" for label, value in rows]
    parts.append("")
    if not results:
        parts += ["No benchmarks are registered yet.", ""]
    for result in results:
        parts += [section(result), ""]
    return "\n".join(parts)


def update(path: Path, results: list[Result]) -> str:
    """The report at ``path`` with these results' sections replaced, or added at its end."""
    text = path.read_text(encoding="utf-8") if path.exists() else report([], datetime.now(UTC), [])
    chunks = text.rstrip("\n").split("\n## ")
    head, sections = chunks[0], chunks[1:]
    for result in results:
        title = result.name.removeprefix("bench_")
        fresh = section(result).removeprefix("## ")
        found = [i for i, chunk in enumerate(sections) if chunk.split("\n", 1)[0] == title]
        if found:
            sections[found[0]] = fresh
        else:
            sections.append(fresh)
    return "\n## ".join([head, *sections]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks of Lưu trữ số.")
    parser.add_argument("only", nargs="*", help="benchmark names (default: all)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"markdown file to write (default: {DEFAULT_OUT.relative_to(ROOT)} when running all)",
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="replace only these benchmarks' sections in the report (dated), keep the rest",
    )
    args = parser.parse_args(argv)
    names = discover(args.only)
    out: Path | None = args.out if args.out is not None else (None if args.only else DEFAULT_OUT)

    with tempfile.TemporaryDirectory(prefix="luutru-bench-") as tmp:
        setup_django(Path(tmp))
        rows = machine()
        when = datetime.now(UTC)
        results = [run_module(name) for name in names]
        for result in results:
            result.when = when if args.update else None
        text = report(rows, when, results)

    print(text)
    if args.update:
        target = args.out or DEFAULT_OUT
        target.write_text(update(target, results), encoding="utf-8")
        print(f"updated {target}", file=sys.stderr)
        return 0
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
