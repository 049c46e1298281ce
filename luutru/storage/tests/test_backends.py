"""Content-addressed storage: streamed in, verified by reading back, never overwritten.

One contract, run against the local disk and against an S3-compatible server (moto's, on
127.0.0.1, spoken to over HTTP by boto3 as MinIO or Ceph RGW would be): the same tests, the
same expectations. Then the faults only an object store has: a server that goes away in the
middle of an upload, a bucket that refuses writes, a wrong endpoint.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from luutru.storage import testing
from luutru.storage.backends import (
    CHUNK,
    CopyState,
    LocalDiskBackend,
    StorageBackend,
    StorageError,
    StorageUnavailable,
)
from luutru.storage.fixity import check
from luutru.storage.s3 import PART, S3Backend, parse_s3_url

Damage = Callable[[str, bytes], None]


def _disk(tmp_path: Path, name: str) -> tuple[StorageBackend, Damage, Callable[[], list[str]]]:
    disk = LocalDiskBackend(tmp_path / name)

    def damage(sha256: str, data: bytes) -> None:
        path = disk.path(sha256)
        path.chmod(0o644)
        path.write_bytes(data)

    def listing() -> list[str]:
        return sorted(p.name for p in disk.root.rglob("*") if p.is_file())

    return disk, damage, listing


def _s3(name: str) -> tuple[StorageBackend, Damage, Callable[[], list[str]]]:
    bucket = testing.new_bucket(name)
    store = S3Backend.from_url(testing.storage_url(bucket), name=name)
    raw = testing.client()

    def damage(sha256: str, data: bytes) -> None:
        raw.put_object(Bucket=bucket, Key=store.key(sha256), Body=data)

    def listing() -> list[str]:
        found = raw.list_objects_v2(Bucket=bucket).get("Contents", [])
        return sorted(o["Key"].rsplit("/", 1)[-1] for o in found)

    return store, damage, listing


@pytest.fixture(params=["disk", "s3"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make(kind: str, tmp_path: Path, name: str = "kho") -> tuple[StorageBackend, Damage, Any]:
    return _disk(tmp_path, name) if kind == "disk" else _s3(name)


@pytest.fixture
def store(kind: str, tmp_path: Path) -> tuple[StorageBackend, Damage, Any]:
    return make(kind, tmp_path)


def test_a_file_is_stored_under_its_digest_and_reads_back(store: Any) -> None:
    storage, _damage, listing = store
    data = "Biên bản giao nhận hồ sơ".encode() * 1000
    result = storage.put(io.BytesIO(data))
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert (result.size, result.created) == (len(data), True)
    assert listing() == [result.sha256]
    with storage.open(result.sha256) as stored:
        assert stored.read() == data
    assert storage.digest(result.sha256) == result.sha256
    assert storage.exists(result.sha256) and not storage.exists("0" * 64)


def test_the_same_content_is_stored_once_and_never_rewritten(store: Any) -> None:
    storage, _damage, listing = store
    first = storage.put(io.BytesIO(b"noi dung"))
    second = storage.put(io.BytesIO(b"noi dung"), expected_sha256=first.sha256)
    third = storage.put(io.BytesIO(b"noi dung"))
    assert (second.sha256, second.created, third.created) == (first.sha256, False, False)
    assert listing() == [first.sha256]


def test_a_disk_copy_is_read_only_and_never_touched_again(tmp_path: Path) -> None:
    disk = LocalDiskBackend(tmp_path / "kho")
    first = disk.put(io.BytesIO(b"noi dung"))
    path = disk.path(first.sha256)
    mtime = path.stat().st_mtime_ns
    disk.put(io.BytesIO(b"noi dung"))
    assert path.stat().st_mtime_ns == mtime
    assert not path.stat().st_mode & 0o222, "stored files are read-only"


def test_an_existing_object_is_not_uploaded_again(tmp_path: Path) -> None:
    bucket = testing.new_bucket()
    storage = S3Backend.from_url(testing.storage_url(bucket))
    sha = storage.put(io.BytesIO(b"mot lan")).sha256
    raw = testing.client()
    before = raw.head_object(Bucket=bucket, Key=storage.key(sha))["LastModified"]
    storage.put(io.BytesIO(b"mot lan"))
    assert raw.head_object(Bucket=bucket, Key=storage.key(sha))["LastModified"] == before


def test_a_declared_digest_that_differs_is_refused_and_nothing_is_kept(store: Any) -> None:
    storage, _damage, listing = store
    with pytest.raises(StorageError, match="khác mã đã khai"):
        storage.put(io.BytesIO(b"abc"), expected_sha256="0" * 64)
    assert listing() == []


def test_a_large_file_with_a_wrong_declared_digest_leaves_nothing(store: Any) -> None:
    storage, _damage, listing = store
    data = b"x" * (PART + 100)
    with pytest.raises(StorageError, match="khác mã đã khai"):
        storage.put(io.BytesIO(data), expected_sha256="0" * 64)
    assert listing() == []


def test_a_corrupted_stored_copy_is_detected_not_silently_trusted(store: Any) -> None:
    storage, damage, _listing = store
    result = storage.put(io.BytesIO(b"ban goc"))
    damage(result.sha256, b"bi hong")
    with pytest.raises(StorageError, match="đọc lại không khớp"):
        storage.put(io.BytesIO(b"ban goc"))


def test_large_files_are_streamed_in_chunks(store: Any) -> None:
    storage, _damage, _listing = store

    class CountingReader(io.BytesIO):
        biggest = 0

        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            CountingReader.biggest = max(CountingReader.biggest, len(chunk))
            return chunk

        def seekable(self) -> bool:
            return False  # a network upload: the digest is not known before the end

    data = bytes(range(256)) * (2 * PART // 256) + b"tail"
    result = storage.put(CountingReader(data), durable=False)
    storage.sync()
    assert CountingReader.biggest <= PART
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert storage.digest(result.sha256) == result.sha256
    with storage.open(result.sha256) as stored:
        assert len(stored.read(CHUNK)) == CHUNK, "reads come in whole chunks"


def test_bad_digests_never_become_names(store: Any) -> None:
    storage, _damage, _listing = store
    for bad in ("../../etc/passwd", "ABC", "g" * 64):
        with pytest.raises(StorageError):
            storage.exists(bad)


def test_each_copy_reports_its_state(store: Any) -> None:
    storage, damage, _listing = store
    good = storage.put(io.BytesIO(b"ban tot")).sha256
    bad = storage.put(io.BytesIO(b"se bi hong")).sha256
    damage(bad, b"da bi hong")
    assert storage.state(good) == CopyState.OK
    assert storage.state(bad) == CopyState.BAD
    assert storage.state("0" * 64) == CopyState.MISSING


def test_a_damaged_copy_is_replaced_only_by_bytes_that_match_its_name(store: Any) -> None:
    storage, damage, listing = store
    sha = storage.put(io.BytesIO(b"noi dung goc")).sha256
    damage(sha, b"noi dung hong")
    with pytest.raises(StorageError, match="không khớp"):
        storage.restore(sha, io.BytesIO(b"noi dung khac"))
    with storage.open(sha) as stored:
        assert stored.read() == b"noi dung hong", "a wrong source changes nothing"
    assert listing() == [sha]
    storage.restore(sha, io.BytesIO(b"noi dung goc"))
    assert storage.state(sha) == CopyState.OK
    assert listing()[0] == sha
    assert listing()[1].startswith(f"{sha}."), "the damaged bytes are kept as evidence"
    assert len(listing()) == 2


def test_fixity_repairs_a_replica_that_returns_different_bytes(kind: str, tmp_path: Path) -> None:
    primary, _d, _l = make(kind, tmp_path, "kho-chinh")
    replica, damage, _listing = make(kind, tmp_path, "kho-du-phong")
    sha = primary.put(io.BytesIO(b"ho so goc")).sha256
    replica.put(io.BytesIO(b"ho so goc"))
    damage(sha, b"ho so sai")
    result = check(sha, primary, replica)
    assert (result.primary, result.replica, result.repaired) == ("ok", "bad", ["replica"])
    with replica.open(sha) as stored:
        assert stored.read() == b"ho so goc"


def test_a_disk_replica_that_is_not_mounted_is_unavailable(tmp_path: Path) -> None:
    gone = LocalDiskBackend(tmp_path / "chua-gan", create=False)
    assert gone.state("0" * 64) == CopyState.UNAVAILABLE
    with pytest.raises(StorageUnavailable):
        gone.put(io.BytesIO(b"x"))


def test_a_wrong_endpoint_is_reported_in_vietnamese_and_stores_nothing() -> None:
    server = testing.start_server()
    url = testing.endpoint(server)
    server.stop()  # nothing listens on that port any more
    storage = S3Backend.from_url(f"s3://khong-co/kho?endpoint={url}")
    with pytest.raises(StorageUnavailable, match=r"Không kết nối được kho chính.*endpoint"):
        storage.put(io.BytesIO(b"du lieu"))
    assert storage.state(hashlib.sha256(b"du lieu").hexdigest()) == CopyState.UNAVAILABLE
    assert not storage.available()


def test_a_missing_bucket_is_unavailable() -> None:
    storage = S3Backend.from_url(testing.storage_url("chua-tao-bucket-nay"))
    with pytest.raises(StorageUnavailable, match="Không có bucket chua-tao-bucket-nay"):
        storage.put(io.BytesIO(b"du lieu"))
    assert storage.state("0" * 64) == CopyState.UNAVAILABLE


def test_a_bucket_without_write_permission_refuses_clearly() -> None:
    bucket = testing.new_bucket()
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }]}  # fmt: skip
    testing.client().put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    storage = S3Backend.from_url(testing.storage_url(bucket))
    with pytest.raises(StorageError, match="không có quyền"):
        storage.put(io.BytesIO(b"khong ghi duoc"))
    assert not storage.exists(hashlib.sha256(b"khong ghi duoc").hexdigest())


def test_a_server_lost_in_the_middle_of_an_upload_leaves_no_object() -> None:
    """The object store goes away after the first part: an error, and no object by that name."""
    bucket = testing.new_bucket()
    doomed = testing.start_server()  # moto keeps one state per process: the bucket is there too
    storage = S3Backend.from_url(f"s3://{bucket}/kho?endpoint={testing.endpoint(doomed)}")
    data = b"z" * (3 * PART)

    class FailingNetwork(io.BytesIO):
        reads = 0

        def read(self, size: int | None = -1) -> bytes:
            FailingNetwork.reads += 1
            if FailingNetwork.reads == 2:
                doomed.stop()  # the first part is on the server; the rest cannot follow
            return super().read(size)

    with pytest.raises(StorageUnavailable, match="Không kết nối được"):
        storage.put(FailingNetwork(data), expected_sha256=hashlib.sha256(data).hexdigest())
    survivor = S3Backend.from_url(testing.storage_url(bucket))
    assert not survivor.exists(hashlib.sha256(data).hexdigest())


def test_storage_urls_are_checked() -> None:
    location = parse_s3_url("s3://luu-tru/kho/chinh?endpoint=https://s3.example.vn:9000")
    assert (location.bucket, location.prefix) == ("luu-tru", "kho/chinh/")
    assert location.endpoint == "https://s3.example.vn:9000"
    for bad in ("s3:///kho", "s3://b/k?endpont=https://x", "s3://b/k?endpoint=ftp://x"):
        with pytest.raises(StorageError):
            parse_s3_url(bad)


def test_the_deploy_check_names_a_storage_that_cannot_be_reached(tmp_path: Path) -> None:
    from django.test import override_settings

    from luutru.storage.checks import storages_reachable

    good = testing.storage_url(testing.new_bucket())
    with override_settings(STORAGE_URL=good, REPLICA_URL="", REPLICA_CREATE=True):
        assert storages_reachable() == []
    missing = tmp_path / "o-dia-chua-gan"
    with override_settings(STORAGE_URL=good, REPLICA_ROOT=missing, REPLICA_CREATE=False):
        (problem,) = storages_reachable()
    assert problem.id == "luutru.storage.E002"
    assert f"Không truy cập được kho dự phòng tại {missing}" in problem.msg


def test_what_a_killed_writer_left_is_removed_once_old_and_stored_files_stay(
    kind: str, tmp_path: Path
) -> None:
    """A writer killed mid-way leaves a temporary file (disk) or an unfinished multipart upload
    (S3); both go once older than the cut-off, a fresh one (a write in progress) stays, and no
    stored file is touched."""
    storage, _damage, _listing = make(kind, tmp_path)
    kept = storage.put(io.BytesIO(b"giu lai"))
    if isinstance(storage, LocalDiskBackend):
        storage.incoming.mkdir(parents=True, exist_ok=True)
        stale = storage.incoming / "a-killed-writer"
        stale.write_bytes(b"nua chung")
        old = (datetime.now(UTC) - timedelta(days=3)).timestamp()
        os.utime(stale, (old, old))
        (storage.incoming / "a-write-in-progress").write_bytes(b"dang ghi")
    else:
        assert isinstance(storage, S3Backend)
        storage.client.create_multipart_upload(Bucket=storage.bucket, Key=storage.key("a" * 64))

    if kind == "disk":  # (moto dates every upload 2010: only the disk shows a fresh one kept)
        assert storage.remove_partial_writes(datetime.now(UTC) - timedelta(days=1)) == 1
    assert storage.remove_partial_writes(datetime.now(UTC) + timedelta(minutes=1)) == 1
    assert storage.remove_partial_writes(datetime.now(UTC) + timedelta(minutes=1)) == 0
    if isinstance(storage, S3Backend):
        uploads = storage.client.list_multipart_uploads(Bucket=storage.bucket)
        assert uploads.get("Uploads", []) == []
    else:
        assert list(storage.incoming.iterdir()) == []
    assert storage.state(kept.sha256) == CopyState.OK


def test_a_staged_package_waits_apart_from_stored_files_written_once() -> None:
    """An uploaded package on its way to a worker (``incoming/<name>``): never under a stored
    file's key, streamed in parts when large, refused when its digest differs or its name is
    taken, listed for the leftovers sweep and removed when done."""
    bucket = testing.new_bucket()
    store = S3Backend.from_url(testing.storage_url(bucket))
    package = os.urandom(PART + 1000)  # two parts
    digest = hashlib.sha256(package).hexdigest()

    assert store.put_staged("goi.zip", io.BytesIO(package), digest) == len(package)

    assert store.staged_location("goi.zip") == f"s3://{bucket}/kho/incoming/goi.zip"
    with store.open_staged("goi.zip") as staged:
        assert staged.read() == package
    with pytest.raises(StorageError, match=r"Đã có gói lưu tạm goi\.zip"):
        store.put_staged("goi.zip", io.BytesIO(b"khac"), hashlib.sha256(b"khac").hexdigest())
    with pytest.raises(StorageError, match="khác mã đã khai"):
        store.put_staged("sai.zip", io.BytesIO(package), "0" * 64)
    with pytest.raises(StorageError, match="không hợp lệ"):
        store.put_staged("../ab/cd/x", io.BytesIO(b"x"), hashlib.sha256(b"x").hexdigest())
    assert list(store.staged()) == ["goi.zip"]
    assert not store.exists(digest), "a staged package is not a stored file"
    assert testing.client().list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []

    store.remove_staged("goi.zip")
    assert store.staged() == {}
    with pytest.raises(FileNotFoundError):
        store.open_staged("goi.zip")
