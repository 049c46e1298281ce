"""Backup (sao lưu) and restore (phục hồi) of the database and the stored files.

A backup is one folder::

    PATH/manifest.json             written last: its presence means the backup is complete
    PATH/database.sqlite3          SQLite: a snapshot by sqlite3's online backup API
    PATH/database.dump             PostgreSQL: pg_dump --format=custom (one MVCC snapshot)
    PATH/files/ab/cd/<sha256>      every stored file the snapshot references, verified

Consistency: the database is snapshotted first, then every blob it references is copied.
Blobs are content-addressed and never change or disappear, so files written after the
snapshot are simply not needed, and every row of the snapshot finds its bytes. The folder is
built under ``PATH.partial-<pid>`` and renamed into place at the end, so a crash (power cut,
Ctrl+C, a full disk) never leaves a half backup under PATH, and an earlier backup in another
folder is never touched. ADR 0006 says why pg_dump and the SQLite backup API.

Restore goes into an empty install (a fresh data directory or database): the database is
put back, then migrated, and every file is written into the primary storage and the replica,
each copy verified against its name. ``luutru fixity --all`` and ``luutru audit verify``
then pass with every digest equal to the source's.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from luutru.audit.actions import record
from luutru.preservation.actions import notify_administrators
from luutru.preservation.models import AuditAction, BackupRecord, Incident, IncidentKind
from luutru.storage.actions import put_file, sync_storage
from luutru.storage.backends import CHUNK
from luutru.storage.services import backend, replica

FORMAT = "luutru-backup/1"
WORKERS = 2


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is Vietnamese."""


@dataclass
class BackupResult:
    path: Path
    database: str
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)
    started_at: datetime.datetime = field(default_factory=timezone.now)
    finished_at: datetime.datetime | None = None
    manifest_sha256: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "database": self.database,
            "files": self.files,
            "bytes": self.bytes,
            "missing": self.missing,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {vendor}.")
    return vendor


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: ``PG_BINDIR``, else the newest Debian one, else on PATH."""
    folder = os.environ.get("PG_BINDIR")
    if folder:
        return str(Path(folder) / name)
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: [int(x) for x in p.parts[-3].split(".") if x.isdigit()],
    )
    if candidates:
        return str(candidates[-1])
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"Không tìm thấy {name}; hãy cài gói postgresql-client.")
    return found


def _pg_env_args() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} thất bại: {done.stderr.strip()[-500:]}")


def _sha256_file(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def _snapshot_database(folder: Path) -> tuple[str, list[str]]:
    """Write the database snapshot; the file name and the digests of the stored files."""
    kind = engine()
    if kind == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # one step: a consistent snapshot even with writers about
            digests = [row[0] for row in copy.execute("SELECT sha256 FROM storage_storedfile")]
        finally:
            copy.close()
            source.close()
        return target.name, digests
    target = folder / "database.dump"
    env, args = _pg_env_args()
    _run(
        [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
        env,
        "pg_dump",
    )
    # Read after the dump: a superset of the rows it holds (rows are never deleted).
    with connection.cursor() as cursor:
        cursor.execute("SELECT sha256 FROM storage_storedfile")
        digests = [row[0] for row in cursor.fetchall()]
    return target.name, digests


def _blob_path(folder: Path, sha256: str) -> Path:
    return folder / "files" / sha256[:2] / sha256[2:4] / sha256


def _copy_blob(folder: Path, sha256: str) -> int | None:
    """Copy one blob into the backup from whichever copy is good; its size, or None if lost."""
    target = _blob_path(folder, sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    for storage in (backend(), replica()):
        with contextlib.suppress(OSError):
            hasher, size = hashlib.sha256(), 0
            temp = target.with_suffix(".part")
            with storage.open(sha256) as source, temp.open("wb") as out:
                while chunk := source.read(CHUNK):
                    hasher.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            if hasher.hexdigest() == sha256:
                temp.rename(target)
                return size
            temp.unlink()
    return None


def backup(
    path: Path, *, actor_name: str = "", on_progress: Callable[[int, int], None] | None = None
) -> BackupResult:
    """Write a complete, consistent backup to ``path`` (which must not exist yet)."""
    path = path.resolve()
    if path.exists() and any(path.iterdir()):
        raise BackupError(
            f"Thư mục {path} đã có dữ liệu; hãy chọn một thư mục mới cho bản sao lưu."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f"{path.name}.partial-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a backup that crashed
    work = path.parent / f"{path.name}.partial-{os.getpid()}"
    work.mkdir()
    result = BackupResult(path=path, database=engine())
    try:
        db_file, digests = _snapshot_database(work)
        total = len(digests)
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for done, (sha256, size) in enumerate(
                zip(digests, pool.map(lambda s: _copy_blob(work, s), digests), strict=True),
                start=1,
            ):
                if size is None:
                    result.missing.append(sha256)
                else:
                    result.files += 1
                    result.bytes += size
                if on_progress is not None and (done % 200 == 0 or done == total):
                    on_progress(done, total)
        result.finished_at = timezone.now()
        database = {
            "engine": result.database,
            "file": db_file,
            "sha256": _sha256_file(work / db_file),
        }
        manifest = {
            "format": FORMAT,
            "database": database,
            "files": result.files,
            "bytes": result.bytes,
            "missing": result.missing,
            "started_at": result.started_at.isoformat(),
            "finished_at": result.finished_at.isoformat(),
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        (work / "manifest.json").write_bytes(data)
        result.manifest_sha256 = hashlib.sha256(data).hexdigest()
        os.sync()
        if path.exists():
            path.rmdir()  # an empty folder the operator made for it
        work.rename(path)  # the commit point
    except BaseException as exc:
        shutil.rmtree(work, ignore_errors=True)
        _record_failure(result, exc, actor_name)
        raise
    _record_success(result, actor_name)
    return result


def _record_success(result: BackupResult, actor_name: str) -> None:
    with transaction.atomic():
        row = BackupRecord.objects.create(
            kind="backup",
            path=str(result.path),
            started_at=result.started_at,
            finished_at=result.finished_at or timezone.now(),
            succeeded=not result.missing,
            database=result.database,
            files=result.files,
            bytes=result.bytes,
            manifest_sha256=result.manifest_sha256,
            actor_name=actor_name,
            message=(
                f"Thiếu {len(result.missing)} tệp không còn bản tốt."
                if result.missing
                else "Đầy đủ cơ sở dữ liệu và tệp tin."
            ),
        )
        record(
            AuditAction.BACKUP,
            actor=None,
            target=row,
            message=f"Sao lưu vào {result.path}: {result.files} tệp, {result.bytes} byte.",
            data=result.as_dict(),
        )


def _record_failure(result: BackupResult, exc: BaseException, actor_name: str) -> None:
    reason = str(exc) or type(exc).__name__
    with contextlib.suppress(Exception), transaction.atomic():
        row = BackupRecord.objects.create(
            kind="backup",
            path=str(result.path),
            started_at=result.started_at,
            finished_at=timezone.now(),
            succeeded=False,
            database=result.database,
            files=result.files,
            bytes=result.bytes,
            message=reason,
            actor_name=actor_name,
        )
        incident = Incident.objects.create(
            kind=IncidentKind.BACKUP_FAILED,
            cause=reason,
            message=f"Sao lưu vào {result.path} không hoàn thành: {reason}. Bản sao lưu "
            "trước đó không bị ảnh hưởng; không có bản sao lưu dở dang nào được giữ lại.",
            data={"path": str(result.path), "backup": row.pk},
        )
        record(AuditAction.BACKUP_FAILED, actor=None, target=incident, message=incident.message)
        notify_administrators(incident)


def read_manifest(path: Path) -> dict[str, Any]:
    manifest = path / "manifest.json"
    if not manifest.is_file():
        raise BackupError(f"{path} không phải bản sao lưu hoàn chỉnh (thiếu manifest.json).")
    data: dict[str, Any] = json.loads(manifest.read_text("utf-8"))
    if data.get("format") != FORMAT:
        raise BackupError(f"Định dạng bản sao lưu không hỗ trợ: {data.get('format')!r}.")
    return data


def _blobs(path: Path) -> Iterator[Path]:
    yield from (p for p in (path / "files").glob("*/*/*") if p.is_file())


def verify_backup(path: Path) -> list[str]:
    """Problems found by re-hashing the database file and every blob (empty when whole)."""
    manifest = read_manifest(path)
    problems = []
    database = path / manifest["database"]["file"]
    if not database.is_file() or _sha256_file(database) != manifest["database"]["sha256"]:
        problems.append(f"Tệp cơ sở dữ liệu {database.name} hỏng hoặc thiếu.")
    count = 0
    for blob in _blobs(path):
        count += 1
        if _sha256_file(blob) != blob.name:
            problems.append(f"Tệp {blob.name} trong bản sao lưu không khớp mã SHA-256.")
    if count != manifest["files"]:
        problems.append(f"Bản sao lưu có {count} tệp, manifest ghi {manifest['files']}.")
    return problems


def install_is_empty() -> bool:
    """No stored files and no records yet (a fresh data directory or database)."""
    tables = set(connection.introspection.table_names())
    for table in ("storage_storedfile", "records_dossier", "records_document"):
        if table in tables:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 (fixed names)
                if cursor.fetchone():
                    return False
    return True


@dataclass
class RestoreResult:
    path: Path
    database: str
    files: int = 0
    bytes: int = 0


def restore(
    path: Path, *, force: bool = False, on_progress: Callable[[int, int], None] | None = None
) -> RestoreResult:
    """Put a backup back into this (empty) install: database, then files, then migrate."""
    path = path.resolve()
    started = timezone.now()
    manifest = read_manifest(path)
    kind = manifest["database"]["engine"]
    if kind != engine():
        raise BackupError(
            f"Bản sao lưu là của {kind}, hệ thống đang dùng {engine()}: hãy khôi phục vào "
            "cùng loại cơ sở dữ liệu."
        )
    if not force and not install_is_empty():
        raise BackupError(
            "Hệ thống đã có dữ liệu; chỉ khôi phục vào một bản cài đặt trống "
            "(thư mục dữ liệu mới hoặc cơ sở dữ liệu mới), hoặc dùng --force."
        )
    database = path / manifest["database"]["file"]
    if _sha256_file(database) != manifest["database"]["sha256"]:
        raise BackupError(f"Tệp cơ sở dữ liệu {database.name} của bản sao lưu đã hỏng.")
    result = RestoreResult(path=path, database=kind)
    blobs = list(_blobs(path))
    # Files first: a database that names files not yet in storage is never visible.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for done, size in enumerate(pool.map(_restore_blob, blobs), start=1):
            result.files += 1
            result.bytes += size
            if on_progress is not None and (done % 200 == 0 or done == len(blobs)):
                on_progress(done, len(blobs))
    sync_storage()
    _restore_database(kind, database)
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        row = BackupRecord.objects.create(
            kind="restore",
            path=str(path),
            started_at=started,
            finished_at=timezone.now(),
            database=kind,
            files=result.files,
            bytes=result.bytes,
            manifest_sha256=hashlib.sha256((path / "manifest.json").read_bytes()).hexdigest(),
            message=f"Khôi phục từ bản sao lưu lập lúc {manifest['finished_at']}.",
        )
        Incident.objects.create(
            kind=IncidentKind.RESTORED,
            resolved_at=timezone.now(),
            message=f"Khôi phục hệ thống từ bản sao lưu {path}: {result.files} tệp.",
            resolution="Đã khôi phục cơ sở dữ liệu và tệp tin; các tệp được kiểm tra mã SHA-256.",
            data={"path": str(path), "restore": row.pk},
        )
        record(
            AuditAction.RESTORE,
            actor=None,
            target=row,
            message=f"Khôi phục từ {path}: {result.files} tệp.",
        )
    return result


def _restore_blob(blob: Path) -> int:
    return put_file(blob, expected_sha256=blob.name, durable=False)[1]


def _restore_database(kind: str, database: Path) -> None:
    if kind == "sqlite":
        live = str(settings.DATABASES["default"]["NAME"])
        connections.close_all()
        source = sqlite3.connect(str(database))
        target = sqlite3.connect(live)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    connections.close_all()
    env, args = _pg_env_args()
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            *args,
            str(database),
        ],
        env,
        "pg_restore",
    )
