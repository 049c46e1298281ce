"""Backup (sao lưu) and restore at scale: the measured rates, and a terabyte estimated from them.

Eight files of 64 MiB (512 MiB), stored twice as ingest stores them, are backed up in full
(`backup()`: a database snapshot, then every file copied from storage, hashed, and the folder
synced to disk), then restored the way `restore()` does it — every file written into an empty
primary storage and an empty replica, each copy verified against its name — and the backup is
re-hashed as `luutru restore --check` does. The time for 1 TB is each rate scaled linearly
(1 TiB / rate): the work is one streamed pass per copy, so it grows with the bytes, but the
files here come from the page cache and a real terabyte comes from disks or an object store,
so read the estimate as a lower bound on the same hardware.

An incremental backup with nothing new over 10,000 stored files shows what a nightly run costs
when little was added: the database dump and the digest list, no file copied.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.harness import Figure

FILES = 8
SIZE = 64 * 1024 * 1024
SMALL_FILES = 10_000
TIB = 1024**4


def _hours(rate_bytes_per_second: float) -> float:
    return round(TIB / rate_bytes_per_second / 3600, 1)


def run() -> list[Figure]:
    from django.test import override_settings

    from luutru.preservation import backup as backups
    from luutru.storage.actions import put_bytes, put_file, register_many, sync_storage

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        rows = []
        for number in range(FILES):
            path = tmp / f"lon-{number}.bin"
            with path.open("wb") as out:
                for _ in range(SIZE // (16 * 1024 * 1024)):
                    out.write(os.urandom(16 * 1024 * 1024))
            sha256, size = put_file(path, durable=False)
            rows.append({"sha256": sha256, "size": size, "mime": "application/octet-stream"})
            path.unlink()
        sync_storage()
        register_many(rows)
        total = FILES * SIZE

        start = time.perf_counter()
        result = backups.backup(tmp / "day-du")
        seconds = time.perf_counter() - start
        assert result.files == FILES and not result.missing, result
        rate = total / seconds
        figures.append(Figure(
            f"full backup, {FILES} x 64 MiB", round(rate / 1e6), "MB/s",
            note=f"1 TiB ≈ {_hours(rate)} h at this rate",
        ))  # fmt: skip

        start = time.perf_counter()
        problems = backups.verify_backup(tmp / "day-du")
        seconds = time.perf_counter() - start
        assert not problems, problems
        rate = total / seconds
        figures.append(Figure(
            "restore --check (re-hash the backup)", round(rate / 1e6), "MB/s",
            note=f"1 TiB ≈ {_hours(rate)} h",
        ))  # fmt: skip

        # The file half of a restore, into empty storages: both copies written and verified.
        with override_settings(STORAGE_ROOT=tmp / "kho-moi", REPLICA_ROOT=tmp / "du-phong-moi"):
            links = backups.chain(tmp / "day-du")
            found, absent = backups._locate(links, {r["sha256"] for r in rows})
            assert not absent
            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=backups.WORKERS) as pool:
                restored = sum(pool.map(backups._restore_blob, found.values()))
            sync_storage()
            seconds = time.perf_counter() - start
        assert restored == total
        rate = total / seconds
        figures.append(Figure(
            "restore of the files, two copies verified", round(rate / 1e6), "MB/s",
            note=f"1 TiB ≈ {_hours(rate)} h (database restore not included)",
        ))  # fmt: skip

        small = []
        for number in range(SMALL_FILES):
            sha256, size = put_bytes(number.to_bytes(4, "big") * 16, durable=False)
            small.append({"sha256": sha256, "size": size, "mime": "application/octet-stream"})
        sync_storage()
        register_many(small)
        base = backups.backup(tmp / "co-so")
        start = time.perf_counter()
        nightly = backups.backup(tmp / "gia-tang", since=base.path)
        seconds = time.perf_counter() - start
        assert nightly.files == 0 and nightly.referenced == FILES + SMALL_FILES
        figures.append(Figure(
            f"incremental backup, nothing new, {FILES + SMALL_FILES:,} files held",
            round(seconds, 2), "s", note="full database dump + digest list, no file copied",
        ))  # fmt: skip
        shutil.rmtree(tmp, ignore_errors=True)
    return figures
