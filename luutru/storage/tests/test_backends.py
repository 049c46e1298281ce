"""Content-addressed storage: streamed in, verified by reading back, never overwritten."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from luutru.storage.backends import (
    CHUNK,
    CopyState,
    LocalDiskBackend,
    StorageError,
    StorageUnavailable,
)


@pytest.fixture
def disk(tmp_path: Path) -> LocalDiskBackend:
    return LocalDiskBackend(tmp_path / "kho")


def test_a_file_is_stored_under_its_digest_and_reads_back(disk: LocalDiskBackend) -> None:
    data = "Biên bản giao nhận hồ sơ".encode() * 1000
    result = disk.put(io.BytesIO(data))
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert (result.size, result.created) == (len(data), True)
    assert disk.path(result.sha256).name == result.sha256
    with disk.open(result.sha256) as stored:
        assert stored.read() == data
    assert disk.digest(result.sha256) == result.sha256


def test_the_same_content_is_stored_once_and_never_rewritten(disk: LocalDiskBackend) -> None:
    first = disk.put(io.BytesIO(b"noi dung"))
    path = disk.path(first.sha256)
    mtime = path.stat().st_mtime_ns
    second = disk.put(io.BytesIO(b"noi dung"))
    assert (second.sha256, second.created) == (first.sha256, False)
    assert path.stat().st_mtime_ns == mtime
    assert not path.stat().st_mode & 0o222, "stored files are read-only"


def test_a_declared_digest_that_differs_is_refused_and_nothing_is_kept(
    disk: LocalDiskBackend,
) -> None:
    with pytest.raises(StorageError, match="khác mã đã khai"):
        disk.put(io.BytesIO(b"abc"), expected_sha256="0" * 64)
    assert [p for p in disk.root.rglob("*") if p.is_file()] == []


def test_a_corrupted_stored_copy_is_detected_not_silently_trusted(disk: LocalDiskBackend) -> None:
    result = disk.put(io.BytesIO(b"ban goc"))
    path = disk.path(result.sha256)
    path.chmod(0o644)
    path.write_bytes(b"bi hong")
    with pytest.raises(StorageError, match="đọc lại không khớp"):
        disk.put(io.BytesIO(b"ban goc"))


def test_large_files_are_streamed_in_chunks(disk: LocalDiskBackend) -> None:
    class CountingReader(io.BytesIO):
        biggest = 0

        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            CountingReader.biggest = max(CountingReader.biggest, len(chunk))
            return chunk

    data = bytes(range(256)) * (3 * CHUNK // 256) + b"tail"
    result = disk.put(CountingReader(data), durable=False)
    disk.sync()
    assert CountingReader.biggest <= CHUNK
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert disk.digest(result.sha256) == result.sha256


def test_bad_digests_never_become_paths(disk: LocalDiskBackend) -> None:
    for bad in ("../../etc/passwd", "ABC", "g" * 64):
        with pytest.raises(StorageError):
            disk.path(bad)


def test_each_copy_reports_its_state(disk: LocalDiskBackend, tmp_path: Path) -> None:
    good = disk.put(io.BytesIO(b"ban tot")).sha256
    bad = disk.put(io.BytesIO(b"se bi hong")).sha256
    path = disk.path(bad)
    path.chmod(0o644)
    path.write_bytes(b"da bi hong")
    assert disk.state(good) == CopyState.OK
    assert disk.state(bad) == CopyState.BAD
    assert disk.state("0" * 64) == CopyState.MISSING
    gone = LocalDiskBackend(tmp_path / "chua-gan", create=False)
    assert gone.state(good) == CopyState.UNAVAILABLE
    with pytest.raises(StorageUnavailable):
        gone.put(io.BytesIO(b"x"))


def test_a_damaged_copy_is_replaced_only_by_bytes_that_match_its_name(
    disk: LocalDiskBackend,
) -> None:
    sha = disk.put(io.BytesIO(b"noi dung goc")).sha256
    path = disk.path(sha)
    path.chmod(0o644)
    path.write_bytes(b"noi dung hong")
    with pytest.raises(StorageError, match="không khớp"):
        disk.restore(sha, io.BytesIO(b"noi dung khac"))
    assert path.read_bytes() == b"noi dung hong", "a wrong source changes nothing"
    disk.restore(sha, io.BytesIO(b"noi dung goc"))
    assert disk.state(sha) == CopyState.OK
    assert not path.stat().st_mode & 0o222
    assert [p.read_bytes() for p in disk.quarantine.iterdir()] == [b"noi dung hong"]
