"""Uploaded packages on their way from the web process to a worker (issue 22).

On the embedded default (primary storage on the local disk) the web process saves an upload
to ``INGEST_UPLOAD_DIR`` and the worker, on the same machine, reads it there. When the primary
storage is an object store (``STORAGE_URL=s3://…``) web and workers may run on different
machines with their own data directories: the web process then puts the package into the
store under ``incoming/<uuid>.zip`` (``S3Backend.put_staged``, write once), the transfer keeps
its name and SHA-256, and the worker running it streams it back to its own work folder,
checking the digest, before the pipeline opens it. Once the transfer no longer needs it the
staged object is removed (``drop``; ``clean_leftovers`` sweeps what a crash left).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from luutru.ingest.models import Transfer
from luutru.storage.backends import CHUNK, StorageError, StorageUnavailable, sha256_of
from luutru.storage.services import staging

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Staged:
    """A package waiting in the object store: its name under ``incoming/``, digest, address."""

    name: str
    sha256: str
    location: str


def stage(path: Path) -> Staged | None:
    """Put a saved upload into the object store; ``None`` when the primary storage is the
    local disk (the package stays where it is). ``StorageError`` when the store cannot take
    it; nothing is left under its name then (an unfinished upload is aborted)."""
    store = staging()
    if store is None:
        return None
    with path.open("rb") as package:
        sha256, _size = sha256_of(package)
        package.seek(0)
        store.put_staged(path.name, package, sha256)
    return Staged(path.name, sha256, store.staged_location(path.name))


def unstage(name: str) -> None:
    """Remove a staged package, quietly (its transfer was never registered, or is done)."""
    store = staging()
    if store is None or not name:
        return
    try:
        store.remove_staged(name)
    except StorageError:
        log.warning("staged package %s could not be removed; clean_leftovers will", name)


def fetch(transfer: Transfer, target: Path) -> bool:
    """Stream the transfer's staged package to ``target`` (a new file), its SHA-256 checked;
    False when the object is gone from a bucket that answers. A digest that does not match, or a
    store that cannot be reached, is a ``StorageError``/``OSError``: the run fails and can be
    resumed."""
    store = staging()
    if store is None:
        raise StorageError(
            f"Gói “{transfer.package_name}” được lưu tạm trong kho đối tượng "
            f"({transfer.package_path}) nhưng STORAGE_URL của máy này không phải kho đối tượng."
        )
    hasher = hashlib.sha256()
    try:
        with store.open_staged(transfer.package_object) as source, target.open("xb") as out:
            while chunk := source.read(CHUNK):
                hasher.update(chunk)
                out.write(chunk)
    except FileNotFoundError:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        if not store.available():  # a missing bucket, a wrong address: not the sender's fault
            raise StorageUnavailable(
                f"Không đọc được gói “{transfer.package_name}”: không truy cập được "
                f"{store.name} ({store.root})."
            ) from None
        return False
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        raise
    if hasher.hexdigest() != transfer.package_sha256:
        target.unlink()
        raise StorageError(
            f"Gói “{transfer.package_name}” tải về từ {transfer.package_path} không khớp mã "
            f"SHA-256 đã ghi khi nhận ({hasher.hexdigest()} ≠ {transfer.package_sha256})."
        )
    return True


def drop(transfer: Transfer) -> None:
    """Remove the staged package of a transfer that no longer needs it (finished)."""
    if transfer.package_object:
        unstage(transfer.package_object)
