"""The demo province carries one digitized paper dossier, made once."""

from __future__ import annotations

from django.test import TestCase

from luutru.demo.digitization import CODE, PAPER_CODE, seed_digitization
from luutru.demo.province import seed
from luutru.digitization.models import FileText
from luutru.records.models import Document, Dossier


class DemoDigitizationTests(TestCase):
    def test_the_demo_has_a_digitized_paper_dossier_once(self) -> None:
        seed()
        self.assertEqual(seed_digitization(), 1)
        self.assertEqual(seed_digitization(), 0)
        dossier = Dossier.objects.get(code=CODE)
        self.assertEqual((dossier.reliability, dossier.paper_code), ("02", PAPER_CODE))
        document = Document.objects.get(dossier=dossier)
        self.assertEqual(document.page_count, 2)
        original = document.files.get(role="original")
        self.assertIn("mười nghìn trang", FileText.objects.get(file=original).text)
