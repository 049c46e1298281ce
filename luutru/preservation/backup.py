"""Backup (sao lưu) and restore (phục hồi) of the database and the stored files.

A backup is one folder::

    PATH/manifest.json             written last: its presence means the backup is complete
    PATH/database.sqlite3          SQLite: a snapshot by sqlite3's online backup API
    PATH/database.dump             PostgreSQL: pg_dump --format=custom (one MVCC snapshot)
    PATH/digests.txt               every digest the snapshot references, one a line
    PATH/files/ab/cd/<sha256>      the stored files copied by this backup, verified

An incremental backup (``since=`` an earlier backup, ``luutru backup PATH --since EARLIER``)
has a full database snapshot but copies only the files the earlier backup does not hold; its
manifest names that base (a path relative to PATH) and the base manifest's SHA-256, so a chain
is restored only when every link is the one it was made against. Stored files never change,
so "not in the base" is exactly "added since". Files are read from whichever storage holds
them, a folder or an S3 bucket alike.

Consistency: the database is snapshotted first, then every blob it references is copied.
Blobs are content-addressed and never change or disappear, so files written after the
snapshot are simply not needed, and every row of the snapshot finds its bytes. The folder is
built under ``PATH.partial-<pid>`` and renamed into place at the end, so a crash (power cut,
Ctrl+C, a full disk) never leaves a half backup under PATH, and an earlier backup in another
folder is never touched. ADR 0006 says why pg_dump and the SQLite backup API.

Restore goes into an empty install (a fresh data directory or database). It first checks that
the chain holds every digest the snapshot references, then writes each file into the primary
storage and the replica (folders or buckets), each copy verified against its name, then puts
the database back and migrates it. ``luutru fixity --all`` and ``luutru audit verify``
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

FORMAT = "luutru-backup/2"
READABLE_FORMATS = {"luutru-backup/1", FORMAT}
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
    base: Path | None = None
    referenced: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "database": self.database,
            "files": self.files,
            "bytes": self.bytes,
            "missing": self.missing,
            "referenced": self.referenced,
            "base": str(self.base) if self.base else None,
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
            digests = [
                row[0]
                for row in copy.execute(f"SELECT {STORED_NAMES} FROM storage_storedfile")  # noqa: S608 - a constant
            ]
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
        cursor.execute(f"SELECT {STORED_NAMES} FROM storage_storedfile")  # noqa: S608 - a constant
        digests = [row[0] for row in cursor.fetchall()]
    return target.name, digests


# The blobs storage holds: a sealed file's ciphertext rather than its plaintext (ADR 0011).
STORED_NAMES = "CASE WHEN sealed_sha256 = '' THEN sha256 ELSE sealed_sha256 END"


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
        temp.unlink(missing_ok=True)  # a copy that was bad or broke off while being read
    return None


def backup(
    path: Path,
    *,
    since: Path | None = None,
    actor_name: str = "",
    on_progress: Callable[[int, int], None] | None = None,
) -> BackupResult:
    """Write a complete, consistent backup to ``path`` (which must not exist yet).

    With ``since`` (an earlier complete backup), only the files that backup does not hold
    are copied; the database is dumped in full every time.
    """
    path = path.resolve()
    if path.exists() and any(path.iterdir()):
        raise BackupError(
            f"Thư mục {path} đã có dữ liệu; hãy chọn một thư mục mới cho bản sao lưu."
        )
    held: set[str] = set()
    base_manifest = None
    if since is not None:
        since = since.resolve()
        base_manifest = read_manifest(since)
        held = _held_by(since, base_manifest)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f"{path.name}.partial-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a backup that crashed
    work = path.parent / f"{path.name}.partial-{os.getpid()}"
    work.mkdir()
    result = BackupResult(path=path, database=engine(), base=since)
    try:
        db_file, referenced = _snapshot_database(work)
        result.referenced = len(referenced)
        (work / "digests.txt").write_text("".join(f"{d}\n" for d in sorted(referenced)))
        digests = [d for d in referenced if d not in held]
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
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "database": database,
            "files": result.files,
            "bytes": result.bytes,
            "referenced": result.referenced,
            "missing": result.missing,
            "started_at": result.started_at.isoformat(),
            "finished_at": result.finished_at.isoformat(),
        }
        if since is not None:
            manifest["base"] = {
                "path": os.path.relpath(since, path),
                "manifest_sha256": hashlib.sha256((since / "manifest.json").read_bytes())
                .hexdigest(),
            }  # fmt: skip
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


def _digests_of(path: Path, manifest: dict[str, Any]) -> set[str]:
    """The digests a backup's snapshot references (format 1 had no list: its own files)."""
    listing = path / "digests.txt"
    if listing.is_file():
        return set(listing.read_text().split())
    return {blob.name for blob in _blobs(path)}


def _held_by(path: Path, manifest: dict[str, Any]) -> set[str]:
    """Digests a complete backup (with its chain) holds: referenced, less those it missed."""
    return _digests_of(path, manifest) - set(manifest.get("missing", []))


def chain(path: Path) -> list[Path]:
    """A backup and the bases it builds on, newest first, each checked against its link."""
    links = [path.resolve()]
    manifest = read_manifest(links[0])
    while base := manifest.get("base"):
        folder = (links[-1] / base["path"]).resolve()
        if folder in links:
            raise BackupError(f"Chuỗi sao lưu tại {path} bị vòng lặp.")
        manifest = read_manifest(folder)
        actual = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
        if actual != base["manifest_sha256"]:
            raise BackupError(
                f"Bản sao lưu gốc {folder} không phải bản mà {links[-1]} được lập dựa trên "
                "(manifest khác): không khôi phục được chuỗi này."
            )
        links.append(folder)
    return links


def _locate(links: list[Path], needed: set[str]) -> tuple[dict[str, Path], list[str]]:
    """Where in the chain each needed blob is, and the digests that are nowhere."""
    found: dict[str, Path] = {}
    for folder in links:
        for sha256 in needed - found.keys():
            blob = _blob_path(folder, sha256)
            if blob.is_file():
                found[sha256] = blob
    return found, sorted(needed - found.keys())


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
    if data.get("format") not in READABLE_FORMATS:
        raise BackupError(f"Định dạng bản sao lưu không hỗ trợ: {data.get('format')!r}.")
    return data


def _blobs(path: Path) -> Iterator[Path]:
    yield from (p for p in (path / "files").glob("*/*/*") if p.is_file())


def verify_backup(path: Path) -> list[str]:
    """Problems found by re-hashing the database file and every blob (empty when whole).

    For an incremental backup, its bases are checked too, and every digest the snapshot
    references must be held somewhere in the chain.
    """
    try:
        links = chain(path)
    except BackupError as exc:
        return [str(exc)]
    problems = []
    for folder in links:
        manifest = read_manifest(folder)
        database = folder / manifest["database"]["file"]
        if not database.is_file() or _sha256_file(database) != manifest["database"]["sha256"]:
            problems.append(f"Tệp cơ sở dữ liệu {database} hỏng hoặc thiếu.")
        count = 0
        for blob in _blobs(folder):
            count += 1
            if _sha256_file(blob) != blob.name:
                problems.append(
                    f"Tệp {blob.name} trong bản sao lưu {folder} không khớp mã SHA-256."
                )
        if count != manifest["files"]:
            problems.append(
                f"Bản sao lưu {folder} có {count} tệp, manifest ghi {manifest['files']}."
            )
    newest = read_manifest(links[0])
    _found, absent = _locate(links, _held_by(links[0], newest))
    problems += [f"Không bản sao lưu nào trong chuỗi giữ tệp {sha256}." for sha256 in absent]
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
    links = chain(path)
    found, absent = _locate(links, _held_by(path, manifest))
    if absent:
        raise BackupError(
            f"Chuỗi sao lưu thiếu {len(absent)} tệp mà cơ sở dữ liệu cần (ví dụ {absent[0]}); "
            "không khôi phục gì."
        )
    blobs = list(found.values())
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
