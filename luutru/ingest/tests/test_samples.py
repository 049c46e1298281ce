"""The shared sample packages ingest as ../shared/samples/expected.json says, through the CLI."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import TestCase, override_settings

from luutru.organizations import actions
from luutru.organizations.models import Agency

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples"
EXPECTED: dict[str, dict[str, Any]] = json.loads((SAMPLES / "expected.json").read_text("utf-8"))


def register(spec: dict[str, Any]) -> Agency:
    """The submitting agency and its parents, as the samples README asks."""
    existing = Agency.objects.filter(code=spec["code"]).first()
    if existing:
        return existing
    parent = register(spec["parent"]) if spec.get("parent") else None
    return actions.create_agency(
        actor=None, code=spec["code"], name=spec["name"], kind="other", parent=parent
    )


def ingest(package: str, *extra: str) -> dict[str, Any]:
    spec = EXPECTED[package]
    register(spec["agency"])
    out = StringIO()
    try:
        call_command(
            "ingest", str(SAMPLES / package), "--agency", spec["agency"]["code"], "--json",
            *extra, stdout=out,
        )  # fmt: skip
    except SystemExit as exit_:
        assert exit_.code == 1
    return json.loads(out.getvalue())


@override_settings(TRUST_ROOTS_DIR=SAMPLES / "trust")
class SampleTests(TestCase):
    def test_every_valid_sample_is_accepted_with_the_expected_counts(self) -> None:
        for package, spec in EXPECTED.items():
            if not spec["accepted"]:
                continue
            with self.subTest(package=package):
                result = ingest(package)
                self.assertTrue(result["accepted"], result["errors"])
                self.assertEqual(result["state"], "received")  # waiting for the archive
                self.assertEqual(result["errors"], [])
                for key in ("dossiers", "documents", "files"):
                    self.assertEqual(result[key], spec[key] or 0, key)

    def test_every_invalid_sample_is_rejected_naming_file_row_and_field(self) -> None:
        for package, spec in EXPECTED.items():
            if spec["accepted"]:
                continue
            with self.subTest(package=package):
                result = ingest(package)
                self.assertFalse(result["accepted"])
                where = spec["where"]
                fields = where["field"] if isinstance(where["field"], list) else [where["field"]]
                matching = [
                    e for e in result["errors"]
                    if e["code"] in spec["codes"] and e["file"] == where["file"]
                    and e.get("row") == where["row"] and e.get("field") in fields
                ]  # fmt: skip
                self.assertTrue(matching, json.dumps(result["errors"], ensure_ascii=False))
                self.assertTrue(all(e["message"] for e in result["errors"]))

    def test_the_json_has_exactly_the_shape_of_the_interface(self) -> None:
        result = ingest("invalid/missing_file")
        self.assertEqual(
            set(result),
            {
                "accepted",
                "state",
                "transfer",
                "dossiers",
                "documents",
                "files",
                "errors",
                "warnings",
            },
        )
        for error in result["errors"]:
            self.assertLessEqual({"file", "code", "message"}, set(error))
            self.assertLessEqual(set(error), {"file", "row", "field", "code", "message"})

    def test_the_same_package_twice_is_refused_once_as_already_transferred(self) -> None:
        self.assertTrue(ingest("valid/sip_tt05.zip")["accepted"])
        again = ingest("valid/sip_tt05.zip")
        self.assertFalse(again["accepted"])
        self.assertEqual([e["code"] for e in again["errors"]], ["already_transferred"])
