"""TT 05/2025 value rules: codes or labels, dates, lengths, retention."""

from __future__ import annotations

import datetime
from typing import Any, TypedDict

from django.test import TestCase

from luutru.records.rules import (
    clean_values,
    longest_retention,
    parse_date,
    retention_expiry_year,
)


class Checked(TypedDict):
    fields: dict[str, Any]
    codes: list[str]


class RuleTests(TestCase):
    def clean(self, **values: str) -> Checked:
        base = {
            "fileCode": "000.00.12.H62.2024.01", "title": "Hồ sơ đất đai", "maintenance": "01",
            "mode": "01", "language": "01", "startDate": "01/01/2024", "endDate": "31/12/2024",
            "totalDoc": "1", "numberOfPage": "1", "riskRecovery": "0",
        }  # fmt: skip
        base.update(values)
        result = clean_values("dossier", base, lambda name: name)
        return {"fields": result.fields, "codes": [i.code for i in result.issues]}

    def test_codes_are_accepted_as_codes_labels_or_unpadded_numbers(self) -> None:
        for value in ("01", "1", "Vĩnh viễn", "VINH VIEN", "vĩnh viễn"):
            self.assertEqual(self.clean(maintenance=value)["fields"]["retention"], "01", value)
        self.assertEqual(self.clean(maintenance="99")["codes"], ["bad_code"])

    def test_several_languages_are_kept_in_order(self) -> None:
        self.assertEqual(self.clean(language="Tiếng Việt, 02")["fields"]["languages"], "01,02")

    def test_dates_in_every_form_tt05_allows(self) -> None:
        self.assertEqual(parse_date("05/03/2024"), (datetime.date(2024, 3, 5), "day"))
        self.assertEqual(parse_date("03/2024"), (datetime.date(2024, 3, 1), "month"))
        self.assertEqual(parse_date("2024"), (datetime.date(2024, 1, 1), "year"))
        self.assertIsNone(parse_date("30/02/2024"))
        self.assertIsNone(parse_date("hôm qua"))

    def test_reversed_and_future_dates_are_refused(self) -> None:
        self.assertIn("bad_date", self.clean(startDate="01/02/2024", endDate="01/01/2024")["codes"])
        self.assertIn("bad_date", self.clean(endDate="01/01/2999")["codes"])

    def test_required_and_over_long_fields(self) -> None:
        self.assertIn("missing_field", self.clean(title="")["codes"])
        self.assertIn("too_long", self.clean(title="x" * 1001)["codes"])

    def test_a_digitized_dossier_needs_its_paper_code(self) -> None:
        self.assertIn("missing_field", self.clean(confidenceLevel="02")["codes"])

    def test_the_longest_retention_wins_and_permanent_never_expires(self) -> None:
        self.assertEqual(longest_retention(["06", "04", "05"]), "04")
        self.assertEqual(longest_retention(["07", "01", "02"]), "01")
        self.assertEqual(retention_expiry_year("04", 2024), 2054)
        self.assertIsNone(retention_expiry_year("01", 2024))
