"""Writing files into storage (primary and replica) and registering them."""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

from luutru.lib import formats
from luutru.lib.formats import FormatInfo
from luutru.storage.backends import (
    CHUNK,
    LocalDiskBackend,
    PutResult,
    StorageBackend,
    StorageError,
    StorageUnavailable,
)
from luutru.storage.models import StoredFile
from luutru.storage.services import backend, open_stored, replica


def put_file(
    path: Path, *, expected_sha256: str | None = None, durable: bool = True
) -> tuple[str, int]:
    """Store a file twice, in the primary storage and in the replica, each copy verified.

    Idempotent: the same content is stored once per storage. A small file is read once and
    written twice inline; a large one is streamed into both storages at the same time, each
    from its own read of the file (the second read comes from the page cache), so the replica
    costs a second core rather than a second pass. A replica that cannot be reached refuses
    the write: nothing is accepted with fewer than two copies.
    """
    primary, second = backend(), replica()
    if path.stat().st_size < CHUNK:
        return put_bytes(path.read_bytes(), expected_sha256=expected_sha256, durable=durable)
    with ThreadPoolExecutor(max_workers=1) as pool:
        copy = pool.submit(_put_path, second, path, expected_sha256, durable)
        result = _put_path(primary, path, expected_sha256, durable)
        copied = copy.result()
    if copied.sha256 != result.sha256:
        raise StorageError(f"Tệp {path.name} đổi nội dung trong khi đang được lưu hai bản.")
    return result.sha256, result.size


def put_bytes(
    data: bytes, *, expected_sha256: str | None = None, durable: bool = True
) -> tuple[str, int]:
    """As ``put_file``, for content already in memory: both copies written and verified."""
    result = backend().put(io.BytesIO(data), expected_sha256=expected_sha256, durable=durable)
    replica().put(io.BytesIO(data), expected_sha256=result.sha256, durable=durable)
    return result.sha256, result.size


def _put_path(
    storage: StorageBackend, path: Path, expected: str | None, durable: bool
) -> PutResult:
    with path.open("rb") as source:
        return storage.put(source, expected_sha256=expected, durable=durable)


def sync_storage() -> None:
    """Flush both storages: one ``os.sync`` covers every disk; object stores need nothing."""
    primary = backend()
    primary.sync()
    second = replica()
    if not (isinstance(primary, LocalDiskBackend) and isinstance(second, LocalDiskBackend)):
        second.sync()


def remove_partial_writes(older_than: datetime) -> dict[str, int]:
    """What killed writers left in both storages (temporary files of ``.incoming`` on a disk,
    unfinished multipart uploads in a bucket) begun before ``older_than``: counts by storage.
    A storage that cannot be reached is skipped (its leftovers wait for the next run)."""
    counts = {}
    for storage in (backend(), replica()):
        if not storage.available():
            continue
        counts[storage.name] = storage.remove_partial_writes(older_than)
    return counts


def seal_files(sha256s: list[str]) -> list[str]:
    """Seal these files (ADR 0011): store the ciphertext in both copies, record its name on
    the row, then remove the plaintext from both copies; the digests sealed now.

    Idempotent and crash-safe: a file already sealed is skipped (its plaintext removed if a
    crash, or a later package holding the same bytes, left it there); the plaintext goes only
    after the row naming the ciphertext is committed, so a crash leaves a readable file.
    Refused (``SealingError``) without ``MAT_KEY_FILE``. Cost: a read, an encryption and two
    verified writes of each file.
    """
    from django.db import transaction

    from luutru.storage.sealing import load_key, seal_stream

    key = load_key()
    sealed: list[str] = []
    for row in StoredFile.objects.filter(sha256__in=sorted(set(sha256s))).order_by("pk"):
        if not row.sealed_sha256:
            with (
                tempfile.NamedTemporaryFile(dir=_scratch_dir()) as cipher,
                open_stored(row.sha256) as plain,
            ):
                digest = seal_stream(
                    plain, cast(BinaryIO, cipher), plain_sha256=row.sha256, key=key
                )
                if digest != row.sha256:
                    raise StorageError(f"Tệp {row.sha256} đọc ra không khớp mã SHA-256 của nó.")
                cipher.flush()
                name, _size = put_file(Path(cipher.name))
            with transaction.atomic():
                StoredFile.objects.filter(pk=row.pk).update(sealed_sha256=name)
            sealed.append(row.sha256)
        for storage in (backend(), replica()):
            with contextlib.suppress(FileNotFoundError):
                storage.remove(row.sha256)
    return sealed


def _scratch_dir() -> str | None:
    """Ciphertext is written beside the storage (never /tmp, often small on servers)."""
    from django.conf import settings

    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def register_many(files: list[dict[str, Any]]) -> dict[str, StoredFile]:
    """Rows for many stored files at once (dicts with sha256, size, mime, puid, format_name)."""
    wanted = {f["sha256"]: f for f in files}
    existing = {s.sha256: s for s in StoredFile.objects.filter(sha256__in=list(wanted))}
    missing = [StoredFile(**f) for sha, f in wanted.items() if sha not in existing]
    for row in missing:
        if not row.puid:  # the archive's own output (scans, OCR, migration) comes unidentified
            describe(row, identify_blob(row.sha256))
    StoredFile.objects.bulk_create(missing, batch_size=1000)
    existing.update(
        {s.sha256: s for s in StoredFile.objects.filter(sha256__in=[m.sha256 for m in missing])}
    )
    return existing


def identify_blob(sha256: str) -> FormatInfo | None:
    """The PRONOM format of a stored blob, read from the primary copy (or the replica); None
    when neither copy can be read. Cost: a copy of the blob to a scratch file."""
    try:
        with open_stored(sha256) as source, tempfile.NamedTemporaryFile() as scratch:
            shutil.copyfileobj(source, scratch, CHUNK)
            scratch.flush()
            return formats.identify(Path(scratch.name))
    except (OSError, StorageError):
        return None


def describe(row: StoredFile, info: FormatInfo | None) -> None:
    """Fill a row's PUID, format name and MIME type from ``info``, keeping a MIME type given."""
    if info is None or not info.puid:
        return
    row.puid = info.puid[:30]
    row.format_name = (info.name or "")[:200]
    row.mime = row.mime or (info.mime or "")[:100]


@dataclass
class Removal:
    """Blobs taken out of both copies by ``remove_files``: ``purge`` deletes them for good
    (after the database change that justified it has committed), ``restore`` puts them back
    (when it rolled back)."""

    moves: list[tuple[StorageBackend, str, Any]] = field(default_factory=list)

    def restore(self) -> None:
        for storage, sha256, aside in reversed(self.moves):
            storage.put_back(sha256, aside)
        self.moves.clear()

    def purge(self) -> None:
        for storage, _sha256, aside in self.moves:
            storage.discard(aside)
        self.moves.clear()


def remove_files(sha256s: list[str], *, sealed: dict[str, str] | None = None) -> Removal:
    """Take blobs out of the primary storage and the replica, all or nothing.

    Both storages must be reachable before anything moves; a move that fails half-way puts
    back what was moved and raises ``StorageError``, so no blob is ever left with one copy.
    The blobs wait in each storage's ``.discarded/`` until the caller calls ``purge`` (on
    commit) or ``restore`` (on rollback). Only for blobs whose ``StoredFile`` rows go too:
    rows reference files, and a row without its file is a loss the fixity audit reports.
    """
    storages = (replica(), backend())
    for storage in storages:
        if not storage.available():
            raise StorageUnavailable(
                f"Không truy cập được {storage.name} tại {storage.root}: chưa xóa tệp nào."
            )
    # A sealed file's blob is its ciphertext (ADR 0011); a plaintext left beside it goes too.
    # ``sealed`` (digest → ciphertext's name) is for callers that deleted the rows already.
    sealed = {
        **dict(
            StoredFile.objects.filter(sha256__in=sha256s)
            .exclude(sealed_sha256="")
            .values_list("sha256", "sealed_sha256")
        ),
        **(sealed or {}),
    }
    names = [name for sha256 in sha256s for name in (sha256, sealed.get(sha256)) if name]
    removal = Removal()
    try:
        for name in names:
            for storage in storages:
                aside = storage.set_aside(name)
                if aside is not None:
                    removal.moves.append((storage, name, aside))
    except OSError as exc:
        removal.restore()
        raise StorageError(f"Không xóa được tệp ở cả hai kho ({exc}); đã khôi phục.") from exc
    except StorageError:
        removal.restore()
        raise
    return removal
