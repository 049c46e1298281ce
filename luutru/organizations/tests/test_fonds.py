"""Fonds (phông lưu trữ): codes, years, closing."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from luutru.audit.models import AuditEvent
from luutru.organizations import actions
from luutru.test import BaseTestCase


class FondsTests(BaseTestCase):
    def test_a_fonds_needs_a_valid_unique_code(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            actions.create_fonds(actor=None, code="phông 1", name="Phông", agency=self.agency_b)
        self.assertIn("Mã phông", str(caught.exception.messages))
        with self.assertRaises(ValidationError) as caught:
            actions.create_fonds(actor=None, code="h62.003", name="Phông", agency=self.agency_b)
        self.assertIn("đã được dùng", str(caught.exception.messages))

    def test_the_years_must_run_forward(self) -> None:
        with self.assertRaises(ValidationError):
            actions.create_fonds(
                actor=None,
                code="H62.004",
                name="Phông Sở Xây dựng",
                agency=self.agency_b,
                start_year=2000,
                end_year=1999,
            )

    def test_closing_a_fonds_is_recorded_and_cannot_happen_twice(self) -> None:
        actions.close_fonds(self.fonds_a, end_year=2024, actor=self.admin)
        self.fonds_a.refresh_from_db()
        self.assertFalse(self.fonds_a.is_open)
        self.assertEqual(self.fonds_a.end_year, 2024)
        self.assertTrue(AuditEvent.objects.filter(action="organizations.fonds_close").exists())
        with self.assertRaises(ValidationError):
            actions.close_fonds(self.fonds_a, end_year=2024, actor=self.admin)
