"""Storage backends. Files are named by their SHA-256, written once, verified by reading back.

``LocalDiskBackend`` here and ``S3Backend`` (``luutru.storage.s3``) keep the same contract,
checked by one test suite run against both. Either serves the primary storage and its replica
(bản dự phòng, TT 05/2025 Điều 27): a replica on a disk that is not mounted must not be
silently recreated as an empty folder, so a backend built with ``create=False`` refuses to
work when its root is missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

_SHA256_RE = re.compile(r"[0-9a-f]{64}")
CHUNK = 1024 * 1024  # 1 MiB: large enough for hashlib to release the GIL, small enough to stream


class StorageError(Exception):
    """A write that could not be completed or verified; the message is Vietnamese."""


class StorageUnavailable(StorageError):
    """The storage (usually the replica) cannot be reached: its root is missing or read-only."""


class CopyState:
    """What a fixity check found about one copy of a blob."""

    OK = "ok"
    BAD = "bad"  # present, but its bytes no longer hash to its name
    MISSING = "missing"
    UNAVAILABLE = "unavailable"  # the whole storage cannot be reached


@dataclass(frozen=True)
class PutResult:
    sha256: str
    size: int
    created: bool  # False when identical content was already stored


class StorageBackend(Protocol):
    """What primary storage and replica offer, on a disk or in an object store."""

    name: str

    @property
    def root(self) -> Path | str:
        """Where the copy lives: a folder, or ``s3://bucket/prefix tại endpoint``."""
        ...

    def available(self) -> bool: ...

    def put(
        self, source: BinaryIO, *, expected_sha256: str | None = None, durable: bool = True
    ) -> PutResult: ...

    def sync(self) -> None: ...

    def open(self, sha256: str) -> BinaryIO: ...

    def exists(self, sha256: str) -> bool: ...

    def digest(self, sha256: str) -> str: ...

    def state(self, sha256: str) -> str: ...

    def restore(self, sha256: str, source: BinaryIO) -> None: ...

    def remove(self, sha256: str) -> None: ...

    # Lawful destruction takes a blob out of both copies all or nothing: set aside (undoable),
    # then put back on failure or discard for good once the database change has committed.
    def set_aside(self, sha256: str) -> Any: ...

    def put_back(self, sha256: str, aside: Any) -> None: ...

    def discard(self, aside: Any) -> None: ...

    def remove_partial_writes(self, older_than: datetime) -> int:
        """Remove what writers killed mid-way left (never a stored file): temporary files,
        unfinished uploads, begun before ``older_than``; how many."""
        ...


def sha256_of(stream: BinaryIO) -> tuple[str, int]:
    """Digest and length of a stream, read in chunks (a small file in one read)."""
    first = stream.read(CHUNK)
    hasher, size = hashlib.sha256(first), len(first)
    if size < CHUNK:
        return hasher.hexdigest(), size
    readinto = getattr(stream, "readinto", None)
    if readinto is None:
        while chunk := stream.read(CHUNK):
            hasher.update(chunk)
            size += len(chunk)
        return hasher.hexdigest(), size
    buffer = bytearray(CHUNK)  # one buffer reused for the rest of a large file
    view = memoryview(buffer)
    while count := readinto(buffer):
        hasher.update(view[:count])
        size += count
    return hasher.hexdigest(), size


class LocalDiskBackend:
    """Files under ``root/ab/cd/<sha256>``, read-only once written."""

    def __init__(self, root: Path, *, create: bool = True, name: str = "kho chính") -> None:
        self.root = root
        self.incoming = root / ".incoming"
        self.quarantine = root / ".quarantine"
        self.create = create
        self.name = name

    def available(self) -> bool:
        """True when the root exists and is writable (a replica disk that is mounted)."""
        return self.root.is_dir() and os.access(self.root, os.W_OK)

    def _require(self) -> None:
        if not self.create and not self.available():
            raise StorageUnavailable(
                f"Không truy cập được {self.name} tại {self.root} (thư mục không tồn tại "
                "hoặc không ghi được)."
            )

    def path(self, sha256: str) -> Path:
        if not _SHA256_RE.fullmatch(sha256):
            raise StorageError(f"Mã SHA-256 không hợp lệ: {sha256!r}.")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(
        self, source: BinaryIO, *, expected_sha256: str | None = None, durable: bool = True
    ) -> PutResult:
        """Stream ``source`` in, then verify the stored bytes by reading them back.

        ``durable=False`` skips the per-file fsync for callers that store many files and then
        call ``sync()`` once before they record them (an ingest of ten thousand small PDFs).

        The input is hashed on one thread and the written bytes are read back and hashed on
        another, both keeping pace with the writer, so the write path costs about one hashing
        pass on two cores rather than two (hashlib releases the GIL on large buffers).
        With ``expected_sha256`` given, only the read-back is hashed: the bytes on disk matching
        the declared digest is the whole proof, and the replica's writer gets the other core.
        """
        self._require()
        self.incoming.mkdir(parents=True, exist_ok=True)
        temp = self.incoming / uuid.uuid4().hex
        expected = expected_sha256.lower() if expected_sha256 is not None else None
        try:
            sha256, size, reread = _write_hashing_twice(
                source, temp, durable=durable, hash_input=expected is None
            )
            if expected is not None:
                if reread != expected:
                    raise StorageError(
                        f"Mã SHA-256 của tệp ({reread}) khác mã đã khai ({expected_sha256})."
                    )
                sha256 = expected
            elif reread != sha256:
                raise StorageError(f"Tệp {sha256} đọc lại không khớp với dữ liệu vừa ghi.")
            final = self.path(sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(temp, final)  # fails if present: stored files are never overwritten
                created = True
            except FileExistsError:
                created = False
            if created:
                final.chmod(0o444)
            else:
                # Same content already stored: it must still be intact before we rely on it.
                stored_sha, stored_size = self._read_back(final)
                if (stored_sha, stored_size) != (sha256, size):
                    raise StorageError(
                        f"Tệp {sha256} đã lưu trước đó đọc lại không khớp "
                        f"(đọc lại: {stored_sha}, {stored_size} byte)."
                    )
            return PutResult(sha256, size, created)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()

    def _read_back(self, path: Path) -> tuple[str, int]:
        with path.open("rb") as stored:
            return sha256_of(stored)

    def sync(self) -> None:
        """Flush every written file to disk (one call after many ``durable=False`` puts)."""
        os.sync()

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def state(self, sha256: str) -> str:
        """Re-hash one copy: ``CopyState.OK``, ``BAD``, ``MISSING`` or ``UNAVAILABLE``."""
        try:
            digest = self.digest(sha256)
        except FileNotFoundError:
            # Only now ask whether the whole storage is gone: one stat fewer per healthy file.
            return CopyState.MISSING if self.available() else CopyState.UNAVAILABLE
        except OSError:
            return CopyState.BAD  # unreadable sectors count as damaged bytes
        return CopyState.OK if digest == sha256 else CopyState.BAD

    def restore(self, sha256: str, source: BinaryIO) -> None:
        """Replace a damaged or missing copy with verified bytes (the only overwrite there is).

        The new bytes must hash to ``sha256`` before they take the name; the damaged copy is
        moved to ``.quarantine/`` as evidence for the incident record, never deleted.
        """
        self._require()
        self.incoming.mkdir(parents=True, exist_ok=True)
        temp = self.incoming / uuid.uuid4().hex
        try:
            _digest, _size, reread = _write_hashing_twice(source, temp, hash_input=False)
            if reread != sha256:
                raise StorageError(
                    f"Bản dùng để phục hồi tệp {sha256} không khớp mã SHA-256 ({reread})."
                )
            temp.chmod(0o444)
            final = self.path(sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                self.quarantine.mkdir(parents=True, exist_ok=True)
                stamp = uuid.uuid4().hex[:8]
                os.replace(final, self.quarantine / f"{sha256}.{stamp}")
            os.replace(temp, final)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def digest(self, sha256: str) -> str:
        """Re-hash the stored bytes (for fixity checks)."""
        return self._read_back(self.path(sha256))[0]

    def set_aside(self, sha256: str) -> Path | None:
        """Move a blob out of its place into ``.discarded/`` (one rename, undone by
        ``put_back``); ``None`` when this copy does not exist. Refuses an unreachable storage
        whatever ``create`` says: a copy on a disk that is not mounted would outlive the rest."""
        if not self.available():
            raise StorageUnavailable(
                f"Không truy cập được {self.name} tại {self.root} (thư mục không tồn tại "
                "hoặc không ghi được)."
            )
        final = self.path(sha256)
        if not final.exists():
            return None
        discarded = self.root / ".discarded"
        discarded.mkdir(exist_ok=True)
        aside = discarded / f"{sha256}.{uuid.uuid4().hex[:8]}"
        os.replace(final, aside)
        return aside

    def put_back(self, sha256: str, aside: Path) -> None:
        """Undo ``set_aside``."""
        final = self.path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(aside, final)

    def discard(self, aside: Path) -> None:
        """Delete a set-aside blob for good."""
        with contextlib.suppress(FileNotFoundError):
            aside.unlink()

    def remove_partial_writes(self, older_than: datetime) -> int:
        """Temporary files in ``.incoming`` last written before ``older_than``: a write in
        progress keeps its file fresh, so only those of killed writers are this old."""
        if not self.incoming.is_dir():
            return 0
        removed = 0
        cutoff = older_than.timestamp()
        for temp in self.incoming.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if temp.is_file() and temp.stat().st_mtime < cutoff:
                    temp.unlink()
                    removed += 1
        return removed

    def remove(self, sha256: str) -> None:
        """Delete a blob; only for blobs no StoredFile row names (an interrupted ingest)."""
        with contextlib.suppress(FileNotFoundError):
            self.path(sha256).unlink()


def _write_hashing_twice(
    source: BinaryIO, target: Path, *, durable: bool = True, hash_input: bool = True
) -> tuple[str, int, str]:
    """Copy ``source`` to ``target``; the digest of the input and of a read-back.

    A source that fits in one chunk is copied inline: threads cost more than they save there.
    Without ``hash_input`` the first digest is empty and only the read-back is hashed.
    """
    first = source.read(CHUNK)
    if len(first) < CHUNK:
        with target.open("wb", buffering=0) as out:
            view = memoryview(first)
            while view:
                view = view[out.write(view) or 0 :]
            if durable:
                os.fsync(out.fileno())
        with target.open("rb") as stored:
            reread = stored.read()
        input_digest = hashlib.sha256(first).hexdigest() if hash_input else ""
        return input_digest, len(first), hashlib.sha256(reread).hexdigest()
    return _write_large(first, source, target, durable=durable, hash_input=hash_input)


def _write_large(
    first: bytes, source: BinaryIO, target: Path, *, durable: bool, hash_input: bool = True
) -> tuple[str, int, str]:
    """The threaded copy: input hashed on one thread, the written bytes read back on another."""
    chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
    written = threading.Condition()
    state = {"written": 0, "done": False}
    input_hash, reread_hash = hashlib.sha256(), hashlib.sha256()

    def hash_input_chunks() -> None:
        while (chunk := chunks.get()) is not None:
            input_hash.update(chunk)

    def read_back() -> None:
        position = 0

        def more_to_read() -> bool:
            return state["written"] > position or bool(state["done"])

        with target.open("rb", buffering=0) as stored:
            while True:
                with written:
                    written.wait_for(more_to_read)
                    limit, finished = state["written"], state["done"]
                while position < limit:
                    chunk = stored.read(min(CHUNK, limit - position))
                    if not chunk:
                        break
                    reread_hash.update(chunk)
                    position += len(chunk)
                if finished and position >= state["written"]:
                    return

    size = 0
    with target.open("wb", buffering=0) as out:
        workers = [threading.Thread(target=read_back)]
        if hash_input:
            workers.append(threading.Thread(target=hash_input_chunks))
        for worker in workers:
            worker.start()
        try:
            chunk = first
            while chunk:
                if hash_input:
                    chunks.put(chunk)
                view = memoryview(chunk)
                while view:
                    view = view[out.write(view) or 0 :]
                size += len(chunk)
                with written:
                    state["written"] = size
                    written.notify_all()
                chunk = source.read(CHUNK)
            if durable:
                os.fsync(out.fileno())
        finally:
            if hash_input:
                chunks.put(None)
            with written:
                state["done"] = True
                written.notify_all()
            for worker in workers:
                worker.join()
    return (input_hash.hexdigest() if hash_input else ""), size, reread_hash.hexdigest()
