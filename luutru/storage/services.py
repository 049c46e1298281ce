"""The configured storage backend and its replica, and reads of stored files."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from luutru.storage.backends import LocalDiskBackend, StorageBackend, StorageError
from luutru.storage.s3 import S3Backend  # boto3 itself is imported on first use only


def _open(url: str, root: Path, *, create: bool, name: str) -> StorageBackend:
    if url.startswith("s3://"):
        return S3Backend.from_url(url, name=name)
    return LocalDiskBackend(root, create=create, name=name)


def backend() -> StorageBackend:
    """The primary storage (``STORAGE_URL``); the local disk under the data directory by default."""
    return _open(
        str(getattr(settings, "STORAGE_URL", "")), Path(settings.STORAGE_ROOT),
        create=True, name="kho chính",
    )  # fmt: skip


def staging() -> S3Backend | None:
    """The primary storage when it is an object store (``STORAGE_URL=s3://…``): uploaded
    packages travel through it from the web process to the worker that runs their transfer,
    so that machines need no shared folder. ``None`` on the local disk, which web and worker
    share on one machine."""
    url = str(getattr(settings, "STORAGE_URL", ""))
    if not url.startswith("s3://"):
        return None
    return S3Backend.from_url(url, name="kho chính")


def replica() -> StorageBackend:
    """The second copy (``REPLICA_URL``); ``<LUUTRU_DATA_DIR>/replica`` by default.

    An explicitly configured replica is never created on demand: an unmounted disk must show
    as unavailable rather than fill up an empty folder on the system disk.
    """
    return _open(
        str(getattr(settings, "REPLICA_URL", "")), Path(settings.REPLICA_ROOT),
        create=bool(getattr(settings, "REPLICA_CREATE", True)), name="kho dự phòng",
    )  # fmt: skip


def open_stored(sha256: str) -> BinaryIO:
    """The file's bytes from the primary copy, or the replica's when the primary copy is
    missing or unreadable; a sealed file (ADR 0011) decrypted as it is read.

    No database query unless the plaintext is in neither copy: reads run on worker threads
    (page recognition, derivatives) that must not need a connection of their own.
    """
    try:
        return _open_copy(sha256)
    except (OSError, StorageError):
        from luutru.storage.models import StoredFile
        from luutru.storage.sealing import unseal

        sealed = (
            StoredFile.objects.filter(sha256=sha256).values_list("sealed_sha256", flat=True).first()
        )
        if not sealed:
            raise
    return unseal(_open_copy(sealed), sha256)


def _open_copy(name: str) -> BinaryIO:
    try:
        return backend().open(name)
    except (OSError, StorageError):
        return replica().open(name)
