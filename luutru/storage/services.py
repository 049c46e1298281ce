"""The configured storage backend and its replica, and reads of stored files."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from luutru.storage.backends import LocalDiskBackend


def backend() -> LocalDiskBackend:
    """The primary storage (``STORAGE_URL``); the local disk under the data directory by default."""
    return LocalDiskBackend(Path(settings.STORAGE_ROOT))


def replica() -> LocalDiskBackend:
    """The second copy (``REPLICA_URL``); ``<LUUTRU_DATA_DIR>/replica`` by default.

    An explicitly configured replica is never created on demand: an unmounted disk must show
    as unavailable rather than fill up an empty folder on the system disk.
    """
    return LocalDiskBackend(
        Path(settings.REPLICA_ROOT),
        create=bool(getattr(settings, "REPLICA_CREATE", True)),
        name="kho dự phòng",
    )


def open_stored(sha256: str) -> BinaryIO:
    """The primary copy, or the replica's when the primary copy is missing or unreadable."""
    try:
        return backend().open(sha256)
    except OSError:
        return replica().open(sha256)
