#!/usr/bin/env python3
"""Report imports that run against the layer order (docs/architecture.md); exit 1 if any do.

Usage: python tools/layers.py [REPO]   (default: the current directory)

A lower layer never imports a higher one, and apps of one layer do not import each other. The
one exception is the access decision: an app's views.py, urls.py, api.py, staff_views.py or any
module of a views/ package may import ``luutru.access.policy`` (as ``import
luutru.access.policy``, ``from luutru.access import policy`` or ``from luutru.access.policy
import …``) where it answers a request, and nothing else of a higher layer. Tests and
migrations are not checked. Run by ``make lint``.
"""

from __future__ import annotations

import ast
import pathlib
import sys
from collections.abc import Iterator

ORDER = [
    ["lib"], ["audit"], ["workers"], ["accounts"], ["organizations"], ["storage"], ["records"],
    ["ingest", "digitization", "preservation"],
    ["search", "access"],
    ["retention", "exhibitions"],
    ["portal", "reports", "staff", "api"],
    ["demo"],
]  # fmt: skip
POLICY = "luutru.access.policy"
EDGE_FILES = {"views.py", "urls.py", "api.py", "staff_views.py"}
RANK = {app: i for i, layer in enumerate(ORDER) for app in layer}


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "luutru":
        return parts[1]
    return None


def imported(node: ast.AST, package: list[str]) -> Iterator[str]:
    """The dotted names an import statement brings in: ``from a import b`` brings ``a.b``, so
    that ``from luutru.access import policy`` is the policy module and ``from luutru import
    access`` is an app. Relative imports are resolved against ``package`` (the importer's)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = package[: len(package) - node.level + 1]
            module = ".".join([*base, *([node.module] if node.module else [])])
        else:
            module = node.module or ""
        yield from (f"{module}.{alias.name}" for alias in node.names)


def violations(repo: pathlib.Path) -> Iterator[str]:
    root = repo / "luutru"
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(repo)
        if "migrations" in rel.parts or "tests" in rel.parts:
            continue
        here = rel.parts[1] if len(rel.parts) > 2 else None
        if here not in RANK:
            continue
        edge = path.name in EDGE_FILES or "views" in rel.parts[2:-1]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))
        package = list(rel.with_suffix("").parts[:-1])
        for node in ast.walk(tree):
            for target in imported(node, package):
                there = app_of(target)
                if there not in RANK or there == here or RANK[there] < RANK[here]:
                    continue
                if edge and (target == POLICY or target.startswith(POLICY + ".")):
                    continue
                yield f"{rel}:{node.lineno}: {here} imports {target} ({there} is not below {here})"


def main() -> int:
    repo = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    if not (repo / "luutru").is_dir():
        print(f"{repo / 'luutru'}: no such package", file=sys.stderr)
        return 2
    found = list(violations(repo))
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} import(s) against the layer order", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
