"""An uploaded package on its way to the worker, on both kinds of primary storage (issue 22).

On the local disk it waits in ``INGEST_UPLOAD_DIR`` for a worker of the same machine. In an
object store (a real S3 server on loopback) it waits in the bucket under ``incoming/``, so a
worker on another machine, with its own data directory, fetches and ingests it; the object
goes once the transfer is finished. A store that cannot be reached at upload time gives the
user a Vietnamese error and leaves no transfer behind.
"""

from __future__ import annotations

import io
import shutil
import socket
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from luutru.accounts.models import Role, User
from luutru.api.actions import issue_token
from luutru.ingest import pipeline
from luutru.ingest.actions import clean_leftovers
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.staging import stage
from luutru.ingest.tests.factory import package_for
from luutru.ingest.tests.test_transfer_api import zipped
from luutru.ingest.tests.test_views import IsolatedFiles
from luutru.records.models import Dossier
from luutru.storage import testing
from luutru.storage.backends import StorageError
from luutru.test import WorkerTestCase, make_agency, make_user

URL = "/api/v1/transfers"


class UploadTestCase(WorkerTestCase, IsolatedFiles):
    def setUp(self) -> None:
        self.tmp = self.isolate(self)
        replica = self.settings(REPLICA_ROOT=self.tmp / "replica")
        replica.enable()
        self.addCleanup(replica.disable)
        self.agency = make_agency("000.00.03.H62", "Sở Tài chính")
        self.clerk: User = make_user("vanthu", Role.CLERK, self.agency)
        _row, token = issue_token(self.clerk, "Hệ thống quản lý văn bản", actor=None)
        self.token = {"Authorization": f"Bearer {token}"}

    def submit(self, notation: str = "01") -> Transfer:
        package = package_for(self.tmp / f"goi-{notation}", self.agency.code, notation=notation)
        response = self.client.post(URL, {"package": zipped(package)}, headers=self.token)
        self.assertEqual(response.status_code, 202, response.content)
        return Transfer.objects.get(pk=response.json()["id"])

    def work(self) -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    def uploads(self) -> list[Path]:
        return list((self.tmp / "incoming").glob("*.zip"))


class LocalDiskUploadTests(UploadTestCase):
    def test_the_package_waits_in_the_upload_folder_for_the_worker_of_this_machine(self) -> None:
        transfer = self.submit()
        (saved,) = self.uploads()
        self.assertEqual(Path(transfer.package_path), saved.resolve())
        self.assertEqual(transfer.package_object, "")
        self.work()
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        self.assertTrue(Dossier.objects.filter(code="000.00.03.H62.2024.01").exists())


class BucketUploadTests(UploadTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.bucket = testing.new_bucket("chinh")
        buckets = override_settings(
            STORAGE_URL=testing.storage_url(self.bucket),
            REPLICA_URL=testing.storage_url(testing.new_bucket("du-phong")),
        )
        buckets.enable()
        self.addCleanup(buckets.disable)
        self.raw = testing.client()

    def staged(self) -> list[str]:
        found = self.raw.list_objects_v2(Bucket=self.bucket, Prefix="kho/incoming/")
        return [item["Key"] for item in found.get("Contents", [])]

    def another_machine(self) -> Path:
        """The worker's own data directory; the web machine's upload folder is gone."""
        shutil.rmtree(self.tmp / "incoming", ignore_errors=True)
        data = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, data, ignore_errors=True)
        machine = self.settings(
            INGEST_UPLOAD_DIR=data / "incoming", INGEST_WORK_DIR=data / "work",
            STORAGE_ROOT=data / "files", REPLICA_ROOT=data / "replica",
        )  # fmt: skip
        machine.enable()
        self.addCleanup(machine.disable)
        return data

    def test_a_worker_on_another_machine_ingests_the_package_staged_in_the_bucket(self) -> None:
        transfer = self.submit()
        key = f"kho/incoming/{transfer.package_object}"
        self.assertEqual(self.staged(), [key])
        self.assertEqual(transfer.package_path, f"s3://{self.bucket}/{key}")
        self.assertEqual(len(transfer.package_sha256), 64)
        self.assertEqual(self.uploads(), [], "the web machine keeps no copy")
        body = self.raw.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        self.assertIn("ho_so.csv", zipfile.ZipFile(io.BytesIO(body)).namelist())

        data = self.another_machine()
        self.work()

        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        self.assertEqual(transfer.document_count, 2)
        self.assertTrue(Dossier.objects.filter(code="000.00.03.H62.2024.01").exists())
        self.assertEqual(self.staged(), [], "the staged package goes once the transfer is done")
        self.assertEqual(list((data / "work").glob("*/*")), [])

    def test_a_failed_run_keeps_the_package_and_the_next_run_fetches_it_again(self) -> None:
        transfer = self.submit()
        self.another_machine()

        def crash(run: Any) -> None:
            raise RuntimeError("máy xử lý nền mất điện")

        steps = [(n, label, crash if n == "read" else s) for n, label, s in pipeline.LOOKING_STEPS]
        with mock.patch.object(pipeline, "LOOKING_STEPS", steps), self.assertRaises(RuntimeError):
            pipeline.run_transfer(transfer.pk)
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.FAILED)
        self.assertEqual(len(self.staged()), 1, "a failed transfer may be run again")

        pipeline.run_transfer(transfer.pk)

        transfer.refresh_from_db()
        self.assertEqual((transfer.state, transfer.attempt), (TransferState.RECEIVED, 2))
        self.assertEqual(self.staged(), [])

    def test_a_staged_package_that_does_not_match_its_digest_is_not_read(self) -> None:
        transfer = self.submit()
        key = f"kho/incoming/{transfer.package_object}"
        self.raw.delete_object(Bucket=self.bucket, Key=key)
        self.raw.put_object(Bucket=self.bucket, Key=key, Body=b"PK\x05\x06" + b"\0" * 18)
        with self.assertRaisesMessage(StorageError, "không khớp mã SHA-256"):
            pipeline.run_transfer(transfer.pk)
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.FAILED)
        self.assertFalse(Dossier.objects.exists())
        self.assertEqual(self.staged(), [key], "kept for the operator to look at or run again")

    def test_a_package_gone_from_the_bucket_is_reported_to_the_sender(self) -> None:
        transfer = self.submit()
        self.raw.delete_object(Bucket=self.bucket, Key=f"kho/incoming/{transfer.package_object}")
        self.work()
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.REJECTED)
        (error,) = transfer.errors
        self.assertEqual(error["code"], "missing_file")
        self.assertIn("hãy nộp lại gói", error["message"])

    def test_an_unreachable_store_at_upload_is_a_clear_error_and_no_transfer(self) -> None:
        with socket.socket() as sock:  # a port nobody listens on
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        endpoint = f"http://127.0.0.1:{port}"
        with override_settings(STORAGE_URL=f"s3://{self.bucket}/kho?endpoint={endpoint}"):
            package = package_for(self.tmp / "goi", self.agency.code)
            response = self.client.post(URL, {"package": zipped(package)}, headers=self.token)
            self.assertEqual(response.status_code, 503, response.content)
            error = response.json()["error"]
            self.assertEqual(error["code"], "storage_unavailable")
            self.assertIn("không ghi được gói vào kho lưu trữ", error["message"])

            self.client.force_login(self.clerk)
            page = self.client.post(
                "/quan-tri/nop-luu/",
                {"agency": self.agency.pk, "package": zipped(package, "goi-web.zip")},
            )
            self.assertEqual(page.status_code, 200)
            self.assertContains(page, "Chưa nhận được gói “goi-web.zip”")
        self.assertFalse(Transfer.objects.exists())
        self.assertFalse(DBTaskResult.objects.exists())
        self.assertEqual(self.uploads(), [])
        self.assertEqual(self.staged(), [])

    def test_old_staged_packages_no_transfer_needs_are_cleaned_up(self) -> None:
        spool = self.settings(FILE_UPLOAD_TEMP_DIR=self.tmp / "spool")  # not another test's
        spool.enable()
        self.addCleanup(spool.disable)
        done = self.submit("01")
        Transfer.objects.filter(pk=done.pk).update(state=TransferState.RECEIVED)
        failed = self.submit("02")
        Transfer.objects.filter(pk=failed.pk).update(state=TransferState.FAILED)
        orphan = self.tmp / "incoming" / "mo-coi.zip"
        orphan.parent.mkdir(parents=True, exist_ok=True)
        orphan.write_bytes(b"PK\x05\x06" + b"\0" * 18)
        stage(orphan)  # a web process killed before it registered the transfer
        orphan.unlink()
        self.assertEqual(len(self.staged()), 3)

        self.assertEqual(clean_leftovers()["packages"], 0, "nothing is old yet")
        later = timezone.now() + timedelta(days=4)
        self.assertEqual(clean_leftovers(now=later)["packages"], 2)

        self.assertEqual(self.staged(), [f"kho/incoming/{failed.package_object}"])
