"""The sample packages ingest as their expected.json says, through the CLI.

The packages in tests/data/samples always run. ``LUUTRU_EXTRA_SAMPLES`` names a further set laid
out the same way (packages, expected.json, trust/): its outcomes are checked too, in a database of
their own (``make acceptance`` runs this module with the acceptance set beside the repository).
"""

from __future__ import annotations

import json
import os
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any, ClassVar

from django.core.management import call_command
from django.test import TestCase, override_settings

from luutru.ingest.tests.test_edxml_reader import mark_secret
from luutru.organizations import actions
from luutru.organizations.models import Agency
from luutru.records.models import Document
from luutru.test import SAMPLES

EXTRA_SAMPLES = os.environ.get("LUUTRU_EXTRA_SAMPLES", "")


def expected(samples: Path) -> dict[str, dict[str, Any]]:
    """Each package of a sample set with its outcome, from the set's expected.json."""
    return json.loads((samples / "expected.json").read_text("utf-8"))


def register(spec: dict[str, Any]) -> Agency:
    """The submitting agency and its parents, as the samples README asks."""
    existing = Agency.objects.filter(code=spec["code"]).first()
    if existing:
        return existing
    parent = register(spec["parent"]) if spec.get("parent") else None
    return actions.create_agency(
        actor=None, code=spec["code"], name=spec["name"], kind="other", parent=parent
    )


def ingest(package: str, *extra: str, samples: Path = SAMPLES) -> dict[str, Any]:
    spec = expected(samples)[package]
    register(spec["agency"])
    out = StringIO()
    try:
        call_command(
            "ingest",
            str(samples / package),
            "--agency",
            spec["agency"]["code"],
            "--json",
            *extra,
            stdout=out,
        )
    except SystemExit as exit_:
        assert exit_.code == 1
    return json.loads(out.getvalue())


@override_settings(TRUST_ROOTS_DIR=SAMPLES / "trust")
class SampleTests(TestCase):
    samples: ClassVar[Path] = SAMPLES

    def test_every_valid_sample_is_accepted_with_the_expected_counts(self) -> None:
        for package, spec in expected(self.samples).items():
            if not spec["accepted"]:
                continue
            with self.subTest(package=package):
                result = ingest(package, samples=self.samples)
                self.assertTrue(result["accepted"], result["errors"])
                self.assertEqual(result["state"], "received")  # waiting for the archive
                self.assertEqual(result["errors"], [])
                for key in ("dossiers", "documents", "files"):
                    self.assertEqual(result[key], spec[key] or 0, key)

    def test_every_invalid_sample_is_rejected_naming_file_row_and_field(self) -> None:
        for package, spec in expected(self.samples).items():
            if spec["accepted"]:
                continue
            with self.subTest(package=package):
                result = ingest(package, samples=self.samples)
                self.assertFalse(result["accepted"])
                where = spec["where"]
                fields = where["field"] if isinstance(where["field"], list) else [where["field"]]
                files = where["file"] if isinstance(where["file"], list) else [where["file"]]
                matching = [
                    e
                    for e in result["errors"]
                    if e["code"] in spec["codes"]
                    and e["file"] in files
                    and e.get("row") == where["row"]
                    and e.get("field") in fields
                ]
                self.assertTrue(matching, json.dumps(result["errors"], ensure_ascii=False))
                self.assertTrue(all(e["message"] for e in result["errors"]))


@override_settings(TRUST_ROOTS_DIR=SAMPLES / "trust")
class IngestCommandTests(TestCase):
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


if EXTRA_SAMPLES:
    _extra = Path(EXTRA_SAMPLES).resolve()

    @override_settings(TRUST_ROOTS_DIR=_extra / "trust")
    class ExtraSampleTests(SampleTests):
        """The same outcome checks over the set LUUTRU_EXTRA_SAMPLES names."""

        samples = _extra


@override_settings(TRUST_ROOTS_DIR=SAMPLES / "trust")
class SecretEdxmlTests(TestCase):
    def test_an_edxml_document_marked_mat_arrives_as_access_regime_03(self) -> None:
        spec = expected(SAMPLES)["valid/edxml"]
        agency = register(spec["agency"])
        with tempfile.TemporaryDirectory() as tmp:
            folder = mark_secret(Path(tmp) / "edxml", "Mật")
            out = StringIO()
            call_command("ingest", str(folder), "--agency", agency.code, "--json", stdout=out)
        result = json.loads(out.getvalue())

        self.assertEqual(result["state"], "received", result["errors"])
        self.assertNotIn("default_value", {w["code"] for w in result["warnings"]})
        document = Document.objects.get()
        self.assertEqual(document.access_regime, "03")
