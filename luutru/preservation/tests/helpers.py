"""Real files in real (temporary) storages for preservation tests: no mocked disks."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.test import override_settings

from luutru.records.models import Document, DocumentFile
from luutru.storage.actions import put_file, register_many
from luutru.storage.backends import LocalDiskBackend
from luutru.storage.models import StoredFile
from luutru.storage.services import backend, replica
from luutru.test import BaseTestCase


def store_bytes(data: bytes, name: str = "tep.bin", **fields: Any) -> StoredFile:
    """Write ``data`` into both storages the way ingest does, and register its row."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        sha256, size = put_file(path)
    values = {"sha256": sha256, "size": size, "mime": "application/octet-stream"}
    values.update(fields)
    return register_many([values])[sha256]


def attach(document: Document, stored: StoredFile, name: str, **extra: Any) -> DocumentFile:
    return DocumentFile.objects.create(document=document, stored=stored, name=name, **extra)


def flip_byte(path: Path, offset: int = 10) -> None:
    """One bit of rot in a stored copy (they are read-only, as on a real disk)."""
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[offset % len(data)] ^= 0x01
    path.write_bytes(bytes(data))
    path.chmod(0o444)


def primary_path(stored: StoredFile) -> Path:
    disk = backend()
    assert isinstance(disk, LocalDiskBackend)
    return disk.path(stored.sha256)


def replica_path(stored: StoredFile) -> Path:
    disk = replica()
    assert isinstance(disk, LocalDiskBackend)
    return disk.path(stored.sha256)


class StorageTestCase(BaseTestCase):
    """Each test gets its own primary and replica folders (an explicit, existing replica)."""

    scratch: Path

    def setUp(self) -> None:
        super().setUp()
        self.scratch = Path(tempfile.mkdtemp(prefix="luutru-preservation-"))
        (self.scratch / "replica").mkdir()
        override = override_settings(
            STORAGE_ROOT=self.scratch / "files",
            REPLICA_ROOT=self.scratch / "replica",
            REPLICA_CREATE=False,
        )
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, self.scratch, True)

    def break_replica(self) -> Path:
        """Unmount the replica: its folder goes away. Returns where it went."""
        away = self.scratch / "replica-unmounted"
        (self.scratch / "replica").rename(away)
        return away

    def mend_replica(self, away: Path) -> None:
        away.rename(self.scratch / "replica")
