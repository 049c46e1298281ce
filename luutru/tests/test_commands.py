"""Operators' commands start fast: no URL map, no ingest pipeline, no PDF or OCR library.

An administrator typing ``luutru retention due`` or ``luutru kpi`` waits for Django's start-up,
not for the whole application. The measured figures are in ``make bench`` (bench_startup.py);
these tests keep the causes away.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from importlib import import_module
from typing import ClassVar

from django.core.management import get_commands
from django.test import SimpleTestCase

from luutru.lib.commands import OperatorCommand

# Modules an operator's command has no business loading before it runs.
HEAVY = [
    "luutru.ingest.views",
    "luutru.ingest.pipeline",
    "luutru.digitization.ocr",
    "openpyxl",
    "numpy",
    "pikepdf",
    "pypdfium2",
    "pyhanko",
    "holidays",
    "weasyprint",
    "segno",
]

PROBE = """
import json, sys
from luutru.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def loaded_by(data: str, *argv: str) -> list[str]:
    """The heavy modules loaded by running ``luutru *argv`` in a fresh interpreter."""
    out = subprocess.run(  # noqa: S603 - our own CLI, with this interpreter
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv],
        env=environment(data),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def environment(data: str) -> dict[str, str]:
    env = {**os.environ, "LUUTRU_DATA_DIR": data}
    env.pop("DATABASE_URL", None)
    return env


class CommandStartTests(SimpleTestCase):
    data: ClassVar[str]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        folder = tempfile.TemporaryDirectory()
        cls.addClassCleanup(folder.cleanup)
        cls.data = folder.name
        subprocess.run(
            [sys.executable, "-m", "luutru.cli", "migrate", "-v0"],
            env=environment(cls.data),
            check=True,
        )

    def loaded_by(self, *argv: str) -> list[str]:
        return loaded_by(self.data, *argv)

    def test_every_luutru_command_skips_the_url_checks(self) -> None:
        ours = {name: app for name, app in get_commands().items() if app.startswith("luutru.")}
        self.assertIn("retention", ours)
        for name, app in ours.items():
            with self.subTest(command=name):
                command = import_module(f"{app}.management.commands.{name}").Command
                self.assertTrue(issubclass(command, OperatorCommand), f"{name}: {command}")

    def test_a_command_run_loads_no_heavy_library(self) -> None:
        self.assertEqual(self.loaded_by("retention", "due", "--json"), [])
        self.assertEqual(self.loaded_by("kpi", "--json"), [])

    def test_the_probe_sees_a_heavy_library_a_command_needs(self) -> None:
        self.assertIn("pikepdf", self.loaded_by("pdfa", "--json"))

    def test_help_of_the_ingest_commands_loads_no_heavy_library(self) -> None:
        for argv in (["ingest", "--help"], ["transfer", "--help"], ["publish", "--help"]):
            with self.subTest(argv=argv):
                self.assertEqual(self.loaded_by(*argv), [])
