"""With MAT_KEY_FILE set, the files of a Mật package are sealed as they arrive, and files of
records that became Mật later are sealed by ``luutru seal_secret_files`` (ADR 0011)."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from luutru.audit.models import AuditEvent
from luutru.ingest.tests.factory import DOSSIER, write_package
from luutru.ingest.tests.test_pipeline import PipelineTestCase
from luutru.records.models import Document, DocumentFile, Dossier
from luutru.storage.models import StoredFile
from luutru.storage.services import backend, open_stored, replica


class SealedIngestTests(PipelineTestCase):
    def setUp(self) -> None:
        super().setUp()
        key = self.tmp / "mat.key"
        key.write_bytes(bytes(range(32)))
        sealing = self.settings(
            MAT_KEY_FILE=str(key),
            REPLICA_ROOT=self.tmp / "du-phong",
            FILE_UPLOAD_TEMP_DIR=self.tmp / "tmp",
        )
        sealing.enable()
        self.addCleanup(sealing.disable)

    def assert_sealed(self, stored: StoredFile) -> None:
        self.assertTrue(stored.sealed_sha256)
        for storage in (backend(), replica()):
            self.assertFalse(storage.exists(stored.sha256))
            self.assertTrue(storage.exists(stored.sealed_sha256))

    def test_the_files_of_a_mat_package_are_sealed_on_arrival_and_read_the_same(self) -> None:
        package = write_package(self.tmp / "goi", dossiers=[{**DOSSIER, "Chế độ sử dụng": "03"}])
        transfer = self.run_package(package)
        self.assertEqual(transfer.state, "received", transfer.errors)

        for file in DocumentFile.objects.select_related("stored"):
            self.assert_sealed(file.stored)
            with open_stored(file.stored.sha256) as plain:
                self.assertEqual(plain.read()[:5], b"%PDF-")
        out = StringIO()
        call_command("fixity", "--all", "--json", stdout=out)
        outcome = json.loads(out.getvalue())
        self.assertEqual((outcome["checked"], outcome["lost"]), (2, []))

    def test_a_plain_package_is_not_sealed(self) -> None:
        self.run_package(write_package(self.tmp / "goi"))
        self.assertFalse(StoredFile.objects.exclude(sealed_sha256="").exists())

    def test_a_record_that_becomes_mat_is_sealed_by_the_daily_sweep(self) -> None:
        self.run_package(write_package(self.tmp / "goi"))
        Dossier.objects.update(access_regime="03")  # as a regime change would
        out = StringIO()
        call_command("seal_secret_files", "--json", stdout=out)
        sealed = json.loads(out.getvalue())["sealed"]
        self.assertEqual(len(sealed), StoredFile.objects.count())
        for stored in StoredFile.objects.all():
            self.assert_sealed(stored)
        self.assertTrue(AuditEvent.objects.filter(action="ingest.files_seal").exists())
        self.assertEqual(Document.objects.count(), 2)

    def test_without_a_key_nothing_is_sealed_and_the_command_says_so(self) -> None:
        with override_settings(MAT_KEY_FILE=""):
            package = write_package(
                self.tmp / "goi", dossiers=[{**DOSSIER, "Chế độ sử dụng": "03"}]
            )
            self.run_package(package)
            self.assertFalse(StoredFile.objects.exclude(sealed_sha256="").exists())
            out = StringIO()
            call_command("seal_secret_files", stdout=out)
            self.assertIn("Chưa đặt MAT_KEY_FILE", out.getvalue())

    def test_a_key_that_cannot_be_read_leaves_the_records_in_and_the_files_readable(self) -> None:
        broken = self.tmp / "hong.key"
        broken.write_bytes(b"ngan")
        with override_settings(MAT_KEY_FILE=str(broken)), self.assertLogs("luutru.ingest"):
            package = write_package(
                self.tmp / "goi", dossiers=[{**DOSSIER, "Chế độ sử dụng": "03"}]
            )
            transfer = self.run_package(package)
        self.assertEqual(transfer.state, "received", transfer.errors)
        stored = StoredFile.objects.first()
        assert stored is not None
        self.assertEqual(stored.sealed_sha256, "")
        with open_stored(stored.sha256) as plain:
            self.assertEqual(plain.read()[:5], b"%PDF-")
