"""Many machines on one PostgreSQL database and one object store: two web processes and two task
workers, each with its own data directory, share ingest, indexing and fixity; a worker killed in
the middle of a transfer and a web process killed outright lose nothing and do nothing twice.

Real processes throughout (gunicorn, ``luutru db_worker``, the ``luutru`` timers' commands), a
real S3 server (moto's, over HTTP on loopback) and the PostgreSQL search engine. This runs in
the PostgreSQL half of ``make test`` only: scale-out needs PostgreSQL (on SQLite, one database
file cannot be shared between machines), so the module is skipped for that vendor mismatch and
for nothing else. No folder is shared: each machine has its own ``INGEST_UPLOAD_DIR`` (under
its data directory), and an uploaded package reaches the worker through the object store.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from luutru.accounts.models import Role
from luutru.api.actions import issue_token
from luutru.audit.models import AuditEvent
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.factory import package_for
from luutru.ingest.tests.test_views import zip_bytes
from luutru.preservation.models import Aip, FixityRun
from luutru.records.models import Dossier
from luutru.storage import testing as s3
from luutru.storage.models import StoredFile
from luutru.test import make_agency, make_user
from luutru.workers.models import WorkerBeat

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs in the PostgreSQL half of make test"
)

ROOT = Path(__file__).resolve().parents[3]
AGENCY = "000.00.12.H62"
TRANSFERS = 5
DEADLINE = 150.0  # seconds for the whole scene; it takes well under a minute on an idle machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def database_url() -> str:
    """The test database, as the other processes reach it."""
    db = connection.settings_dict
    user = urllib.parse.quote(str(db["USER"] or ""), safe="")
    password = urllib.parse.quote(str(db["PASSWORD"] or ""), safe="")
    host = str(db["HOST"] or "localhost")
    netloc = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    if host.startswith("/"):  # a socket directory
        return f"postgres://{netloc}/{db['NAME']}?host={urllib.parse.quote(host, safe='')}" + (
            f"&port={db['PORT']}" if db["PORT"] else ""
        )
    return f"postgres://{netloc}{host}:{db['PORT'] or 5432}/{db['NAME']}"


class Scene:
    """The processes of the test, each a machine of its own (its own data directory)."""

    def __init__(self, tmp: Path, shared_env: dict[str, str]) -> None:
        self.tmp = tmp
        self.env = shared_env
        self.processes: list[subprocess.Popen[bytes]] = []

    def machine_env(self, name: str) -> dict[str, str]:
        data = self.tmp / name
        data.mkdir()
        return {**self.env, "LUUTRU_DATA_DIR": str(data)}

    def spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}.log").open("wb")
        # A session of its own: a machine that dies takes gunicorn's worker process with it.
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and commands
            argv, cwd=ROOT, env=self.machine_env(name), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        return process

    def web(self, name: str, *, wait: bool = True) -> str:
        """A gunicorn; ``wait``: until it answers (else call ``ready``)."""
        port = free_port()
        self.spawn(
            name,
            [sys.executable, "-m", "gunicorn", "luutru.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"],
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        if wait:
            self.ready(name, url)
        return url

    def ready(self, name: str, url: str) -> None:
        wait_for(lambda: answers(url), f"{name} did not start:\n{self.log(name)}", 90)

    def worker(self, name: str, *, die_at_create_records: bool = False) -> subprocess.Popen[bytes]:
        """A ``luutru db_worker``; ``die_at_create_records``: it SIGKILLs itself when a transfer
        it runs has its files stored and its records not yet created."""
        body = textwrap.dedent(f"""
            import os, signal, sys
            from unittest import mock
            import django
            django.setup()
            from django.core.management import call_command
            from luutru.ingest import pipeline

            def killed(run):
                os.kill(os.getpid(), signal.SIGKILL)

            steps = [
                (n, l, killed if n == "create_records" and {die_at_create_records!r} else s)
                for n, l, s in pipeline.WRITING_STEPS
            ]
            with mock.patch.object(pipeline, "WRITING_STEPS", steps):
                call_command(
                    "db_worker", "--no-startup-delay", "--interval", "0.2", "--worker-id", {name!r}
                )
        """)
        return self.spawn(name, [sys.executable, "-c", body])

    def luutru(self, *args: str) -> Any:
        done = subprocess.run(  # noqa: S603 - our own interpreter and commands
            [sys.executable, "-m", "luutru.cli", *args],
            cwd=ROOT, env=self.machine_env(f"timer-{uuid.uuid4().hex[:6]}"),
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
        return json.loads(done.stdout) if "--json" in args else done.stdout

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL to the process and its children, as when its machine loses power."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            self.kill(process)  # and whatever it left behind in its session


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v1/openapi.json", timeout=5):  # noqa: S310
            return True
    except (OSError, urllib.error.URLError):
        return False


def wait_for(condition: Callable[[], bool], message: str, seconds: float = DEADLINE) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.3)


def call(url: str, token: str, path: str, body: bytes | None = None, ctype: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if ctype:
        headers["Content-Type"] = ctype
    request = urllib.request.Request(f"{url}{path}", data=body, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.status, json.loads(response.read())


def submit(url: str, token: str, package: Path) -> str:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="package"; '
            f'filename="{package.name}.zip"\r\nContent-Type: application/zip\r\n\r\n'
        ).encode()
        + zip_bytes(package)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, answer = call(
        url, token, "/api/v1/transfers", body, f"multipart/form-data; boundary={boundary}"
    )
    assert status == 202, answer
    transfer_id: str = answer["id"]
    return transfer_id


def due_tasks() -> list[DBTaskResult]:
    """Tasks waiting or running now (not a fixity audit scheduled for later)."""
    return list(
        DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
            run_after__lte=timezone.now() + timedelta(hours=1),
        )
    )


def bucket_keys(bucket: str) -> list[str]:
    pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


@pytest.fixture
def scene(tmp_path: Path, transactional_db: None, settings: Any) -> Iterator[Scene]:
    settings.AUDIT_KEY_FILE = tmp_path / "audit.key"  # this process writes events too
    server = s3.start_server()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = s3.client(endpoint)
    primary, second = f"kho-{uuid.uuid4().hex[:8]}", f"du-phong-{uuid.uuid4().hex[:8]}"
    client.create_bucket(Bucket=primary)
    client.create_bucket(Bucket=second)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LUUTRU_", "PYTEST_"))}
    env = {
        **base,
        "DJANGO_SETTINGS_MODULE": "luutru.settings",
        "DATABASE_URL": database_url(),
        "SEARCH_BACKEND": "postgres",
        "STORAGE_URL": f"s3://{primary}/kho?endpoint={endpoint}",
        "REPLICA_URL": f"s3://{second}/kho?endpoint={endpoint}",
        # What every machine of one installation shares besides the database and the buckets.
        "SECRET_KEY": "many-machines-" + uuid.uuid4().hex,
        "AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
        "TASK_STALL_SECONDS": "4",
        "AWS_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"],
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    running = Scene(tmp_path, env)
    running.buckets = (primary, second)  # type: ignore[attr-defined]
    try:
        yield running
    finally:
        running.stop()
        server.stop()


def test_two_webs_and_two_workers_share_the_work_and_survive_kills(
    scene: Scene, tmp_path: Path
) -> None:
    agency = make_agency(AGENCY, "Sở Tài nguyên và Môi trường", accept_on_receipt=True)
    clerk = make_user("vanthu", Role.CLERK, agency)
    _row, token = issue_token(clerk, "Hệ thống quản lý văn bản", actor=None)
    packages = [
        package_for(tmp_path / f"goi-{n}", AGENCY, notation=f"{n:02d}", documents=2)
        for n in range(1, TRANSFERS + 1)
    ]
    codes = [f"{AGENCY}.2024.{n:02d}" for n in range(1, TRANSFERS + 1)]

    web_a, web_b = scene.web("web-a", wait=False), scene.web("web-b", wait=False)
    dying = scene.worker("worker-1", die_at_create_records=True)
    scene.ready("web-a", web_a)
    scene.ready("web-b", web_b)
    ids = [submit(web_a if n % 2 else web_b, token, p) for n, p in enumerate(packages[:3])]

    # The second worker joins once the first is inside a transfer: both claim from one queue.
    wait_for(
        lambda: DBTaskResult.objects.filter(status="RUNNING", worker_ids__contains=["worker-1"])
        .exists(),
        f"worker-1 claimed nothing:\n{scene.log('worker-1')}",
    )  # fmt: skip
    scene.worker("worker-2")
    assert dying.wait(timeout=DEADLINE) == -signal.SIGKILL, scene.log("worker-1")
    # What it left: its task marked running, the transfer stopped before its records.
    (orphan,) = DBTaskResult.objects.filter(status="RUNNING", worker_ids__contains=["worker-1"])
    killed = Transfer.objects.get(pk=orphan.args_kwargs["args"][0])
    assert (killed.state, killed.step) == (TransferState.RUNNING, "create_records")

    # A web process dies outright; its replacement (a new machine) and the other web go on.
    scene.kill(scene.processes[0])
    web_c = scene.web("web-c", wait=False)
    scene.worker("worker-3")
    scene.ready("web-c", web_c)
    ids += [submit(web_b, token, packages[3]), submit(web_c, token, packages[4])]

    # The timers, on yet another machine. The task's worker stopped reporting (four seconds at
    # this test's TASK_STALL_SECONDS); the transfer's own silence is ten minutes in production,
    # here its heartbeat is set back by that much, as test_resume does.
    wait_for(
        lambda: (
            not WorkerBeat.objects.filter(
                pk="worker-1", beat_at__gte=timezone.now() - timedelta(seconds=5)
            ).exists()
        ),
        "worker-1 still reports",
    )
    requeued = scene.luutru("tasks", "--requeue-stalled", "--json")["requeued"]
    assert [t["worker"] for t in requeued] == ["worker-1"], requeued
    Transfer.objects.filter(pk=killed.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=11)
    )
    scene.luutru("ingest", "--resume-stalled", "--json")

    def finished() -> bool:
        states = set(Transfer.objects.values_list("state", flat=True))
        return states <= {TransferState.ACCEPTED} and not due_tasks()

    wait_for(finished, f"unfinished: {list(Transfer.objects.values_list('state', 'step'))}")

    # A fixity audit of everything, run by whichever worker takes it.
    scene.luutru("fixity", "--schedule")
    wait_for(lambda: not due_tasks(), "the fixity audit did not run")

    # Every transfer once: accepted, one dossier, one AIP, one set of audit events.
    assert Transfer.objects.count() == TRANSFERS
    assert set(map(str, Transfer.objects.values_list("pk", flat=True))) == set(ids)
    assert sorted(Dossier.objects.values_list("code", flat=True)) == codes
    assert Aip.objects.count() == TRANSFERS
    for action in ("ingest.transfer_receive", "ingest.transfer_valid", "ingest.transfer_accept"):
        assert AuditEvent.objects.filter(action=action).count() == TRANSFERS, action
    assert AuditEvent.objects.filter(action="workers.task_requeue").count() == 1
    assert AuditEvent.objects.filter(action="ingest.transfer_resume").count() <= 1
    killed.refresh_from_db()
    assert killed.state == TransferState.ACCEPTED and killed.attempt == 2

    # Each package travelled through the primary bucket, not a shared folder, and its staged
    # object went once the transfer was accepted.
    primary, second = scene.buckets  # type: ignore[attr-defined]
    assert all(Transfer.objects.values_list("package_object", flat=True))
    assert not [k for k in bucket_keys(primary) if k.startswith("kho/incoming/")]
    assert not list(tmp_path.glob("*/incoming/*.zip"))

    # Each stored file once in each bucket, and the audit found every one of them intact.
    digests = set(StoredFile.objects.values_list("sha256", flat=True))
    for bucket in (primary, second):
        keys = bucket_keys(bucket)
        stored = [k for k in keys if any(k.endswith(d) for d in digests)]
        assert len(stored) == len(set(stored)) == len(digests), (bucket, keys)
    run = FixityRun.objects.get()
    assert (run.state, run.total, run.ok, run.lost) == ("finished", len(digests), len(digests), 0)
    assert not StoredFile.objects.filter(checked_at__isnull=True).exists()

    # Nothing left waiting or running; no worker left marked alive but the two still running.
    assert due_tasks() == []
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()

    # The PostgreSQL engine answers the same from every web process (the embedded index would
    # differ per machine).
    for web in (web_b, web_c):
        for code in codes:
            _status, found = call(web, token, f"/api/v1/search?q={urllib.parse.quote(code)}")
            assert code in {hit["code"] for hit in found["results"]}, (web, code, found)

    # The audit chain, written by five processes, is whole (one key file for all of them).
    verified = scene.luutru("audit", "verify", "--json")
    assert verified["ok"] is True, verified
