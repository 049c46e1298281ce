"""The archive identifies its own files (TT 05/2025 Điều 9: formats recorded for preservation):
PDF/As it makes get their PRONOM identifier, and files still unknown are listed with why."""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.management import call_command
from PIL import Image

from luutru.preservation.tests.helpers import StorageTestCase, attach, store_bytes
from luutru.records.tests.factory import make_document, make_dossier
from luutru.storage.actions import put_bytes, register_many
from luutru.storage.models import StoredFile


def pdfa_bytes() -> bytes:
    """A PDF/A-2B as digitization writes it (pikepdf's PDF/A save)."""
    import tempfile
    from pathlib import Path

    from luutru.digitization.ocr import assemble_pdfa

    page = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(page, "PDF")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "so-hoa.pdf"
        assemble_pdfa([page.getvalue()], target, title="Bản số hóa")
        return target.read_bytes()


def fixity_json() -> dict[str, Any]:
    out = io.StringIO()
    call_command("fixity", "--all", "--json", stdout=out)
    return json.loads(out.getvalue())


class IdentificationTests(StorageTestCase):
    def test_a_pdfa_the_archive_registers_without_a_format_is_identified(self) -> None:
        """TT 05/2025: the archive records the format of what it preserves; our own PDF/A
        output (registered with a MIME type only) gets its PRONOM PUID."""
        sha256, size = put_bytes(pdfa_bytes())
        stored = register_many([{"sha256": sha256, "size": size, "mime": "application/pdf"}])[
            sha256
        ]
        self.assertEqual(stored.puid, "fmt/477")  # PDF/A-2b
        self.assertIn("PDF/A", stored.format_name)

    def test_fixity_lists_unidentified_files_with_their_reason_and_keeps_its_keys(self) -> None:
        document = make_document(self.agency_a, make_dossier(self.agency_a))
        unknown = store_bytes(b"\x00\x13\x37 khong ro dinh dang " * 20)
        attach(document, unknown, "la.bin")
        outcome = fixity_json()
        self.assertLessEqual(
            {"run", "state", "checked", "ok", "repaired", "lost", "failed", "progress"},
            set(outcome),
        )
        [item] = outcome["unidentified"]
        self.assertEqual(item["sha256"], unknown.sha256)
        self.assertEqual(item["documents"], [document.archival_code or document.identifier])
        self.assertIn("PRONOM", item["reason"])

    def test_a_file_registered_before_identification_is_identified_by_the_next_fixity(
        self,
    ) -> None:
        pdfa = store_bytes(pdfa_bytes())
        StoredFile.objects.filter(pk=pdfa.pk).update(puid="", format_name="")
        self.assertEqual(fixity_json()["unidentified"], [])
        self.assertEqual(StoredFile.objects.get(pk=pdfa.pk).puid, "fmt/477")

    def test_the_dashboard_lists_unidentified_files_with_their_reason(self) -> None:
        unknown = store_bytes(b"\x00\x13\x37 khong ro " * 20)
        self.login(self.archivist)
        page = self.client.get("/quan-tri/bao-quan/")
        self.assertContains(page, "Tệp chưa nhận dạng được định dạng")
        self.assertContains(page, unknown.sha256[:16])
        self.assertContains(page, "không khớp chữ ký PRONOM")
