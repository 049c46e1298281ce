"""`luutru clean_leftovers`: what killed uploads, runs and writes left behind goes once older
than ``LEFTOVERS_MAX_AGE_HOURS``; nothing a transfer in progress needs is touched."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase

from luutru.audit.models import AuditEvent
from luutru.ingest.actions import clean_leftovers, save_upload
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.test_views import IsolatedFiles
from luutru.storage.services import backend, replica
from luutru.test import make_agency

OLD = (datetime.now(UTC) - timedelta(days=4)).timestamp()


def age(path: Path) -> Path:
    os.utime(path, (OLD, OLD))
    return path


class LeftoverTests(TestCase, IsolatedFiles):
    def setUp(self) -> None:
        self.tmp = self.isolate(self)
        spool = self.settings(
            FILE_UPLOAD_TEMP_DIR=self.tmp / "incoming" / "tmp", REPLICA_ROOT=self.tmp / "replica"
        )
        spool.enable()
        self.addCleanup(spool.disable)
        self.agency = make_agency("000.00.12.H62", "Sở Tài nguyên và Môi trường")

    def uploaded(self, state: str) -> Path:
        path = save_upload(SimpleUploadedFile("goi.zip", b"PK\x05\x06" + b"\0" * 18))
        Transfer.objects.create(
            agency=self.agency, package_name="goi.zip", package_path=str(path), state=state
        )
        return age(path)

    def test_old_leftovers_go_and_everything_in_progress_stays(self) -> None:
        finished = self.uploaded(TransferState.RECEIVED)
        rejected = self.uploaded(TransferState.REJECTED)
        queued = self.uploaded(TransferState.QUEUED)
        running = self.uploaded(TransferState.RUNNING)
        failed = self.uploaded(TransferState.FAILED)  # may be run again
        recent = save_upload(SimpleUploadedFile("moi.zip", b"PK"))  # not yet old
        Transfer.objects.create(
            agency=self.agency, package_name="moi.zip", package_path=str(recent),
            state=TransferState.RECEIVED,
        )  # fmt: skip
        uploads = Path(settings.INGEST_UPLOAD_DIR)
        cut_off = uploads / "f00d.zip.part"
        cut_off.write_bytes(b"PK")
        age(cut_off)
        spool = Path(settings.FILE_UPLOAD_TEMP_DIR)
        spool.mkdir(parents=True, exist_ok=True)
        (spool / "tmpkilled.upload").write_bytes(b"x" * 100)
        age(spool / "tmpkilled.upload")
        (spool / "tmpnow.upload").write_bytes(b"dang tai")  # an upload in progress
        work = Path(settings.INGEST_WORK_DIR)
        dead_run = work / "3f1e1d0c-0000-0000-0000-000000000000" / "1"
        dead_run.mkdir(parents=True)
        age(dead_run.parent)
        live = Transfer.objects.get(package_path=str(running))
        (work / str(live.pk) / "1").mkdir(parents=True)
        age(work / str(live.pk))
        partials = []
        for storage in (backend(), replica()):
            storage.incoming.mkdir(parents=True, exist_ok=True)  # type: ignore[attr-defined]
            partial = storage.incoming / "killed"  # type: ignore[attr-defined]
            partial.write_bytes(b"nua")
            partials.append(age(partial))

        out = StringIO()
        call_command("clean_leftovers", "--json", stdout=out)

        counts = json.loads(out.getvalue())
        self.assertEqual(counts, {"packages": 3, "spooled": 1, "work": 1, "partial_blobs": 2})
        for gone in (finished, rejected, cut_off, spool / "tmpkilled.upload", dead_run, *partials):
            self.assertFalse(gone.exists(), gone)
        for kept in (queued, running, failed, recent, spool / "tmpnow.upload", work / str(live.pk)):
            self.assertTrue(kept.exists(), kept)
        event = AuditEvent.objects.get(action="ingest.leftovers_cleanup")
        self.assertEqual(event.data["packages"], 3)
        self.assertIn("3 gói đã tải lên", event.message)

    def test_a_quiet_day_writes_nothing_to_the_audit_trail(self) -> None:
        self.uploaded(TransferState.RUNNING)
        self.assertEqual(
            clean_leftovers(), {"packages": 0, "spooled": 0, "work": 0, "partial_blobs": 0}
        )
        self.assertFalse(AuditEvent.objects.filter(action="ingest.leftovers_cleanup").exists())

    def test_a_package_read_in_place_by_the_cli_is_never_removed(self) -> None:
        outside = self.tmp / "goi_cua_van_thu.zip"
        outside.write_bytes(b"PK")
        age(outside)
        Transfer.objects.create(
            agency=self.agency, package_name="goi", package_path=str(outside),
            state=TransferState.ACCEPTED,
        )  # fmt: skip
        clean_leftovers()
        self.assertTrue(outside.exists())
