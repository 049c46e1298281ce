"""The configured storage backend, and reads of stored files."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from luutru.storage.backends import LocalDiskBackend, StorageBackend


def backend() -> StorageBackend:
    """The primary storage (``STORAGE_URL``); the local disk under the data directory by default."""
    return LocalDiskBackend(Path(settings.STORAGE_ROOT))


def open_stored(sha256: str) -> BinaryIO:
    return backend().open(sha256)
