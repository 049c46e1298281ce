"""A transfer whose worker died resumes by itself: ``luutru ingest --resume-stalled`` (a timer)
queues it again, the next worker finishes it with its records created exactly once, the
transfer's page says so and the audit trail records it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from luutru.accounts.models import Role, User
from luutru.audit.models import AuditEvent
from luutru.ingest import pipeline
from luutru.ingest.actions import ingest, receive_package, resume_stalled
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.factory import package_for
from luutru.ingest.tests.test_views import IsolatedFiles
from luutru.records.models import Document, DocumentFile, Dossier
from luutru.storage.models import StoredFile
from luutru.test import WorkerTestCase, make_agency, make_user, pass_second_factor

ROOT = Path(__file__).resolve().parents[3]


class Killed(BaseException):
    """What a killed worker leaves: no ``except`` and no ``finally`` runs after SIGKILL."""


def kill_before(name: str) -> list[tuple[str, str, pipeline.Step]]:
    def killed(run: pipeline.Run) -> None:
        raise Killed

    return [(n, label, killed if n == name else step) for n, label, step in pipeline.WRITING_STEPS]


class StalledTransferTests(WorkerTestCase, IsolatedFiles):
    def setUp(self) -> None:
        self.tmp = self.isolate(self)
        province = make_agency("000.00.00.H62", "Ủy ban nhân dân tỉnh")
        self.agency = make_agency("000.00.12.H62", "Sở Tài nguyên và Môi trường", province)
        self.archivist: User = make_user("luutru_vien", Role.ARCHIVIST, self.agency)

    def killed_mid_way(self) -> Transfer:
        """A transfer whose worker was killed after storing its files, before the records."""
        package = package_for(self.tmp / "goi", self.agency.code, documents=3)
        transfer = receive_package(package, agency=self.agency, actor=None)
        with (
            mock.patch.object(pipeline, "WRITING_STEPS", kill_before("create_records")),
            self.assertRaises(Killed),
        ):
            ingest(transfer)
        transfer.refresh_from_db()
        self.assertEqual((transfer.state, transfer.step), (TransferState.RUNNING, "create_records"))
        self.assertEqual(len(transfer.stored_digests), 1)  # the same blank PDF three times
        self.assertEqual(Document.objects.count(), 0)
        return transfer

    def go_silent(self, transfer: Transfer, seconds: int) -> None:
        Transfer.objects.filter(pk=transfer.pk).update(
            heartbeat_at=timezone.now() - timedelta(seconds=seconds)
        )

    def resume_stalled_json(self) -> list[dict[str, Any]]:
        out = StringIO()
        call_command("ingest", "--resume-stalled", "--json", stdout=out)
        resumed: list[dict[str, Any]] = json.loads(out.getvalue())["resumed"]
        return resumed

    def test_a_killed_workers_transfer_is_resumed_and_finished_with_its_records_once(self) -> None:
        transfer = self.killed_mid_way()
        self.go_silent(transfer, 601)

        resumed = self.resume_stalled_json()
        self.assertEqual(resumed, [{"transfer": str(transfer.pk), "package": "goi"}])
        transfer.refresh_from_db()
        self.assertEqual((transfer.state, transfer.resume_count), (TransferState.QUEUED, 1))
        self.assertEqual(self.resume_stalled_json(), [])  # queued now, not stalled

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        self.assertEqual((Dossier.objects.count(), Document.objects.count()), (1, 3))
        self.assertEqual((DocumentFile.objects.count(), StoredFile.objects.count()), (3, 1))
        self.assertEqual(transfer.attempt, 2)
        event = AuditEvent.objects.get(action="ingest.transfer_resume")
        self.assertIn("sau khi tiến trình xử lý bị gián đoạn", event.message)
        self.assertEqual(event.data["step"], "create_records")
        self.assertEqual(list((self.tmp / "work").iterdir()), [])

        self.client.force_login(self.archivist)
        pass_second_factor(self.client, self.archivist)
        page = self.client.get(f"/quan-tri/nop-luu/{transfer.pk}/")
        self.assertContains(page, "Đã tự tiếp tục sau khi tiến trình xử lý bị gián đoạn")

    def test_a_transfer_whose_worker_still_reports_is_left_alone(self) -> None:
        transfer = self.killed_mid_way()
        self.go_silent(transfer, 30)  # reported half a minute ago

        self.assertEqual(resume_stalled(), [])
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RUNNING)
        # A second task for it (queued twice) does not start a second run beside the live one.
        self.assertEqual(pipeline.run_transfer(transfer.pk).state, TransferState.RUNNING)
        self.assertEqual(Document.objects.count(), 0)

    def test_the_page_of_a_silent_transfer_says_it_will_go_on_by_itself(self) -> None:
        transfer = self.killed_mid_way()
        self.go_silent(transfer, 3600)
        self.client.force_login(self.archivist)
        pass_second_factor(self.client, self.archivist)
        page = self.client.get(f"/quan-tri/nop-luu/{transfer.pk}/")
        self.assertContains(page, "không báo tiến độ")
        self.assertContains(page, "hệ thống sẽ tự tiếp tục")

    def test_a_worker_that_wakes_after_being_superseded_writes_nothing(self) -> None:
        """A worker that was only frozen (not dead) finds at its next report that the transfer
        was resumed, and stops; the records are created once, by the new run."""
        package = package_for(self.tmp / "goi", self.agency.code, documents=2)
        transfer = receive_package(package, agency=self.agency, actor=None)
        frozen: dict[str, Any] = {}

        def freeze_then_wake(run: pipeline.Run) -> None:
            # While this run is "frozen", it goes silent, is resumed and finished by another.
            frozen["attempt"] = run.attempt
            Transfer.objects.filter(pk=run.transfer.pk).update(
                heartbeat_at=timezone.now() - timedelta(hours=1)
            )
            self.assertEqual(len(resume_stalled()), 1)
            with mock.patch.object(pipeline, "WRITING_STEPS", original):
                self.assertEqual(
                    pipeline.run_transfer(run.transfer.pk).state, TransferState.RECEIVED
                )
            pipeline.create_records(run)  # the old run wakes up and tries to finish

        original = pipeline.WRITING_STEPS
        steps = [
            (n, lbl, freeze_then_wake if n == "create_records" else s) for n, lbl, s in original
        ]
        with mock.patch.object(pipeline, "WRITING_STEPS", steps):
            outcome = ingest(transfer)

        self.assertEqual(frozen["attempt"], 1)
        self.assertEqual(outcome.state, TransferState.RECEIVED)
        self.assertEqual(outcome.attempt, 2)
        self.assertEqual((Dossier.objects.count(), Document.objects.count()), (1, 2))


class LongStepTests(WorkerTestCase, IsolatedFiles):
    def setUp(self) -> None:
        self.tmp = self.isolate(self)
        self.agency = make_agency("000.00.12.H62", "Sở Tài nguyên và Môi trường")

    def test_a_long_unzip_keeps_reporting_so_it_is_never_taken_for_a_dead_worker(self) -> None:
        transfer = receive_package(
            package_for(self.tmp / "goi", self.agency.code), agency=self.agency, actor=None
        )
        beats: list[float] = []
        real_unpack, real_beat = pipeline.unpack, pipeline.beat

        def slow_unpack(run: pipeline.Run) -> None:
            threading.Event().wait(0.35)  # "minutes" of unzipping, at this test's scale
            real_unpack(run)

        def counted_beat(run: pipeline.Run) -> None:
            beats.append(time.monotonic())
            real_beat(run)

        with (
            mock.patch.object(pipeline, "unpack", slow_unpack),
            mock.patch.object(pipeline, "beat", counted_beat),
            mock.patch.object(pipeline, "BEAT_SECONDS", 0.1),
        ):
            finished = ingest(transfer)
        self.assertEqual(finished.state, TransferState.RECEIVED, finished.errors)
        self.assertGreaterEqual(len(beats), 3 + len(pipeline.LOOKING_STEPS))


def luutru(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and commands
        [sys.executable, "-m", "luutru.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if check and done.returncode != 0:
        raise AssertionError(f"{args} → {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def python(
    env: dict[str, str], body: str, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    setup = "import django, json, os, sys\ndjango.setup()\n"
    done = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", setup + textwrap.dedent(body)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if check and done.returncode != 0:
        raise AssertionError(f"{done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def test_a_worker_killed_with_sigkill_leaves_a_transfer_that_finishes_by_itself(
    tmp_path: Path,
) -> None:
    """A real worker process (``luutru db_worker``) is killed with SIGKILL between storing the
    files and creating the records; the timer's command and the next worker finish it."""
    base = {k: v for k, v in os.environ.items() if k not in {"LUUTRU_DATA_DIR", "DATABASE_URL"}}
    env = {
        **base,
        "LUUTRU_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "luutru.settings",
    }
    (tmp_path / "data").mkdir()
    luutru(env, "migrate", "--verbosity", "0")
    created = python(
        env,
        f"""
        from pathlib import Path
        from luutru.ingest.actions import receive_package
        from luutru.ingest.tasks import ingest_transfer
        from luutru.ingest.tests.factory import package_for
        from luutru.organizations.actions import create_agency
        agency = create_agency(
            actor=None, code="000.00.12.H62", name="Sở Tài nguyên và Môi trường", kind="department"
        )
        package = package_for(Path({str(tmp_path / "goi")!r}), agency.code, documents=3)
        transfer = receive_package(package, agency=agency, actor=None)
        ingest_transfer.enqueue(str(transfer.pk))
        print(transfer.pk)
    """,
    )
    transfer_id = created.stdout.strip().splitlines()[-1]

    worker = python(env, """
        import signal
        from unittest import mock
        from django.core.management import call_command
        from luutru.ingest import pipeline

        def killed(run):
            os.kill(os.getpid(), signal.SIGKILL)

        steps = [
            (n, l, killed if n == "create_records" else s) for n, l, s in pipeline.WRITING_STEPS
        ]
        with mock.patch.object(pipeline, "WRITING_STEPS", steps):
            call_command("db_worker", "--batch", "--no-startup-delay")
    """, check=False)  # fmt: skip
    assert worker.returncode == -9, worker.stderr

    state = """
        from luutru.audit.models import AuditEvent
        from luutru.ingest.models import Transfer
        from luutru.records.models import Document, Dossier
        t = Transfer.objects.get()
        print(json.dumps({"state": t.state, "step": t.step, "stored": len(t.stored_digests),
              "dossiers": Dossier.objects.count(), "documents": Document.objects.count(),
              "resumed": AuditEvent.objects.filter(action="ingest.transfer_resume").count()}))
    """
    left = json.loads(python(env, state).stdout.splitlines()[-1])
    assert left == {"state": "running", "step": "create_records", "stored": 1, "dossiers": 0,
                    "documents": 0, "resumed": 0}  # fmt: skip

    # Not yet silent long enough: the timer leaves it.
    quiet = luutru(env, "ingest", "--resume-stalled", "--json")
    assert json.loads(quiet.stdout)["resumed"] == []
    python(
        env,
        """
        from datetime import timedelta
        from django.utils import timezone
        from luutru.ingest.models import Transfer
        Transfer.objects.update(heartbeat_at=timezone.now() - timedelta(minutes=11))
    """,
    )
    timer = luutru(env, "ingest", "--resume-stalled", "--json")
    assert [t["transfer"] for t in json.loads(timer.stdout)["resumed"]] == [transfer_id]
    luutru(env, "db_worker", "--batch", "--no-startup-delay")

    done = json.loads(python(env, state).stdout.splitlines()[-1])
    assert done == {"state": "received", "step": "", "stored": 1, "dossiers": 1, "documents": 3,
                    "resumed": 1}  # fmt: skip
    assert list((tmp_path / "data" / "work").iterdir()) == []
