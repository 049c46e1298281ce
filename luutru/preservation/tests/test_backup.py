"""Backup and restore, run as an operator would: real processes, real data directories.

A source install ingests the TT 05 sample and audits it; ``luutru backup`` writes a backup; a
backup that crashes half-way (the process dies) leaves the earlier backup whole and nothing
under its own name; ``luutru restore`` into a fresh install gives a system where ``luutru
fixity --all`` and ``luutru audit verify`` pass and every digest equals the source's.

On the PostgreSQL half of the suite (``DATABASE_URL`` set) the two installs are two fresh
databases on the same server, so pg_dump and pg_restore are exercised for real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from luutru.test import SAMPLES

ROOT = Path(settings.BASE_DIR)
SPEC = json.loads((SAMPLES / "expected.json").read_text("utf-8"))["valid/sip_tt05.zip"]

# Everything one install does runs in one process: Django starts in seconds on a busy machine.
SOURCE = """
import django, io, json, os, sys
from pathlib import Path
django.setup()
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from luutru.preservation.backup import backup
spec, package, folder = json.loads(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
call_command("migrate", verbosity=0)
call_command("agency", "add", spec["parent"]["code"], spec["parent"]["name"])
call_command("agency", "add", spec["code"], spec["name"], "--parent", spec["parent"]["code"])
call_command("ingest", package, "--agency", spec["code"], "--json", stdout=io.StringIO())
call_command("fixity", "--all", "--json", stdout=io.StringIO())
out = {"before": digests()}
first, second = folder / "sao-luu-1", folder / "sao-luu-2"
text = io.StringIO()
call_command("backup", str(first), "--json", stdout=text)
out["first"] = json.loads(text.getvalue())
# A backup whose process dies (as on a power cut) after copying the files, before it is done.
connections.close_all()
child = os.fork()
if child == 0:
    backup(second, on_progress=lambda done, total: os._exit(9) if done == total else None)
    os._exit(0)
out["crash_status"] = os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])
out["after_crash"] = {"second_exists": second.exists(),
                      "leftovers": len(list(folder.glob("sao-luu-2.partial-*")))}
call_command("restore", str(first), "--check", stdout=io.StringIO())
call_command("backup", str(second), stdout=io.StringIO())
out["leftovers_after_next"] = len(list(folder.glob("sao-luu-2.partial-*")))
try:
    call_command("backup", str(second), stdout=io.StringIO())
    out["refused"] = ""
except CommandError as exc:
    out["refused"] = str(exc)
print(json.dumps(out))
"""
TARGET = """
import django, io, json, sys
django.setup()
from django.core.management import call_command
from django.core.management.base import CommandError
first = sys.argv[1]
out = {}
text = io.StringIO()
call_command("restore", first, stdout=text)
out["restored"] = text.getvalue()
text = io.StringIO()
try:
    call_command("fixity", "--all", "--json", stdout=text)
except SystemExit as exc:
    out["fixity_exit"] = exc.code
out["fixity"] = json.loads(text.getvalue())
try:
    call_command("audit", "verify", stdout=io.StringIO())
    out["audit_ok"] = True
except SystemExit:
    out["audit_ok"] = False
out["after"] = digests()
try:
    call_command("restore", first, stdout=io.StringIO())
    out["again"] = ""
except CommandError as exc:
    out["again"] = str(exc)
print(json.dumps(out))
"""
DIGESTS = """
import hashlib
def digests():
    from luutru.audit.models import AuditEvent
    from luutru.storage.models import StoredFile
    from luutru.storage.services import backend, replica
    files = {}
    for sha in StoredFile.objects.values_list("sha256", flat=True):
        files[sha] = []
        for storage in (backend(), replica()):
            with storage.open(sha) as stored:
                files[sha].append(hashlib.sha256(stored.read()).hexdigest())
    audit = [list(x) for x in AuditEvent.objects.order_by("seq").values_list("seq", "hash")]
    return {"files": files, "audit": audit}
"""


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 (our own interpreter and commands)
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"{args[:3]} → {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def luutru(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run(env, "-m", "luutru.cli", *args, check=check)


@pytest.fixture
def installs(tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Two independent installs (data directory, and database on PostgreSQL)."""
    base = {k: v for k, v in os.environ.items() if k not in {"LUUTRU_DATA_DIR", "REPLICA_URL"}}
    envs = []
    databases = []
    url = os.environ.get("DATABASE_URL", "")
    for name in ("source", "target"):
        data = tmp_path / name
        data.mkdir()
        env = {**base, "LUUTRU_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "luutru.settings"}
        if url:
            database = f"luutru_backup_{name}_{uuid.uuid4().hex[:8]}"
            _admin(url, f'CREATE DATABASE "{database}"')
            databases.append(database)
            env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + database
        else:
            env.pop("DATABASE_URL", None)
        envs.append(env)
    try:
        yield envs[0], envs[1]
    finally:
        for database in databases:
            _admin(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


def script(env: dict[str, str], body: str, *args: str) -> dict[str, Any]:
    done = run(env, "-c", DIGESTS + body, *args)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_backup_restores_into_an_empty_install_with_every_digest_equal(
    installs: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    source, target = installs
    package = str(SAMPLES / "valid" / "sip_tt05.zip")
    made = script(source, SOURCE, json.dumps(SPEC["agency"]), package, str(tmp_path))
    before = made["before"]
    assert len(before["files"]) == 8
    assert made["first"]["files"] == 8 and made["first"]["missing"] == []
    # The crashed backup left nothing under its name, and the first backup stayed whole.
    assert made["crash_status"] == 9
    assert made["after_crash"] == {"second_exists": False, "leftovers": 1}
    assert made["leftovers_after_next"] == 0, "the next backup clears a crashed one's leftovers"
    assert "đã có dữ liệu" in made["refused"]

    # The audit key is not in the backup (it anchors the trail outside the database and its
    # dumps): the operator brings it across from where it is kept, as deploy/README.md says.
    key = "audit.key"
    (Path(target["LUUTRU_DATA_DIR"]) / key).write_bytes(
        (Path(source["LUUTRU_DATA_DIR"]) / key).read_bytes()
    )
    restored = script(target, TARGET, str(tmp_path / "sao-luu-1"))
    assert "8 tệp" in restored["restored"]
    report = restored["fixity"]
    assert "fixity_exit" not in restored
    assert (report["checked"], report["ok"], report["repaired"], report["lost"]) == (8, 8, [], [])
    assert restored["audit_ok"]
    after = restored["after"]
    assert after["files"] == before["files"]
    assert all(primary == copy == sha for sha, (primary, copy) in after["files"].items())
    # The source's audit chain comes back unchanged; the restore is appended to it.
    assert after["audit"][: len(before["audit"])] == before["audit"]
    assert "bản cài đặt trống" in restored["again"]


# Stores files the way ingest does, then backs up: in full, or since an earlier backup.
STORE_AND_BACKUP = """
import django, io, json, sys
from pathlib import Path
django.setup()
from django.core.management import call_command
from luutru.storage.actions import put_bytes, register_many
folder, name, since = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
count, offset = int(sys.argv[4]), int(sys.argv[5])
call_command("migrate", verbosity=0)
rows = []
for number in range(offset, offset + count):
    data = f"Hồ sơ số {number}: ".encode() * (number + 1)
    sha256, size = put_bytes(data)
    rows.append({"sha256": sha256, "size": size, "mime": "text/plain"})
register_many(rows)
text = io.StringIO()
call_command("backup", str(folder / name), *(["--since", since] if since else []), "--json",
             stdout=text)
print(json.dumps({"backup": json.loads(text.getvalue()), "digests": digests()}))
"""
RESTORE = """
import django, io, json, sys
django.setup()
from django.core.management import call_command
text = io.StringIO()
call_command("restore", sys.argv[1], "--check", stdout=text)
call_command("restore", sys.argv[1], stdout=text)
call_command("fixity", "--all", "--json", stdout=(report := io.StringIO()))
print(json.dumps({"fixity": json.loads(report.getvalue()), "digests": digests()}))
"""


def _on_s3(env: dict[str, str]) -> dict[str, str]:
    from luutru.storage import testing

    return {
        **env,
        "STORAGE_URL": testing.storage_url(testing.new_bucket("chinh")),
        "REPLICA_URL": testing.storage_url(testing.new_bucket("du-phong")),
        **{k: v for k, v in os.environ.items() if k.startswith("AWS_")},
    }


@pytest.mark.parametrize("storage", ["disk", "s3"])
def test_incremental_backups_copy_only_new_files_and_restore_as_a_chain(
    installs: tuple[dict[str, str], dict[str, str]], tmp_path: Path, storage: str
) -> None:
    source, target = installs
    if storage == "s3":  # buckets on a real S3 server on loopback, as MinIO would be
        source, target = _on_s3(source), _on_s3(target)
    full = script(source, STORE_AND_BACKUP, str(tmp_path), "day-du", "", "3", "0")
    assert (full["backup"]["files"], full["backup"]["referenced"]) == (3, 3)
    later = script(
        source, STORE_AND_BACKUP, str(tmp_path), "gia-tang", str(tmp_path / "day-du"), "2", "3"
    )
    assert (later["backup"]["files"], later["backup"]["referenced"]) == (2, 5)
    assert len(list((tmp_path / "gia-tang" / "files").glob("*/*/*"))) == 2

    restored = script(target, RESTORE, str(tmp_path / "gia-tang"))
    assert restored["digests"]["files"] == later["digests"]["files"]
    assert all(a == b == sha for sha, (a, b) in restored["digests"]["files"].items())
    assert (restored["fixity"]["checked"], restored["fixity"]["ok"]) == (5, 5)


def test_a_chain_whose_base_was_replaced_is_refused(
    installs: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    source, target = installs
    script(source, STORE_AND_BACKUP, str(tmp_path), "day-du", "", "2", "0")
    script(source, STORE_AND_BACKUP, str(tmp_path), "gia-tang", str(tmp_path / "day-du"), "1", "2")
    manifest = tmp_path / "day-du" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"files": 2', '"files": 2 '))
    done = luutru(target, "restore", str(tmp_path / "gia-tang"), check=False)
    assert done.returncode != 0
    assert "không phải bản mà" in done.stderr
