"""Storage backends. Files are named by their SHA-256, written once, verified by reading back.

Only the local-disk backend exists now; an S3-compatible one will implement the same protocol.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1024 * 1024  # 1 MiB: large enough for hashlib to release the GIL, small enough to stream


class StorageError(Exception):
    """A write that could not be completed or verified; the message is Vietnamese."""


@dataclass(frozen=True)
class PutResult:
    sha256: str
    size: int
    created: bool  # False when identical content was already stored


class StorageBackend(Protocol):
    def put(
        self, source: BinaryIO, *, expected_sha256: str | None = None, durable: bool = True
    ) -> PutResult: ...

    def sync(self) -> None: ...

    def open(self, sha256: str) -> BinaryIO: ...

    def exists(self, sha256: str) -> bool: ...

    def digest(self, sha256: str) -> str: ...

    def remove(self, sha256: str) -> None: ...


def sha256_of(stream: BinaryIO) -> tuple[str, int]:
    """Digest and length of a stream, read in chunks."""
    hasher, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        hasher.update(chunk)
        size += len(chunk)
    return hasher.hexdigest(), size


class LocalDiskBackend:
    """Files under ``root/ab/cd/<sha256>``, read-only once written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.incoming = root / ".incoming"

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
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
        """
        self.incoming.mkdir(parents=True, exist_ok=True)
        temp = self.incoming / uuid.uuid4().hex
        try:
            sha256, size, reread = _write_hashing_twice(source, temp, durable=durable)
            if reread != sha256:
                raise StorageError(f"Tệp {sha256} đọc lại không khớp với dữ liệu vừa ghi.")
            if expected_sha256 is not None and sha256 != expected_sha256.lower():
                raise StorageError(
                    f"Mã SHA-256 của tệp ({sha256}) khác mã đã khai ({expected_sha256})."
                )
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

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def digest(self, sha256: str) -> str:
        """Re-hash the stored bytes (for fixity checks)."""
        return self._read_back(self.path(sha256))[0]

    def remove(self, sha256: str) -> None:
        """Delete a blob; only for blobs no StoredFile row names (an interrupted ingest)."""
        with contextlib.suppress(FileNotFoundError):
            self.path(sha256).unlink()


def _write_hashing_twice(
    source: BinaryIO, target: Path, *, durable: bool = True
) -> tuple[str, int, str]:
    """Copy ``source`` to ``target``; the digest of the input and of a read-back.

    A source that fits in one chunk is copied inline: threads cost more than they save there.
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
        return hashlib.sha256(first).hexdigest(), len(first), hashlib.sha256(reread).hexdigest()
    return _write_large(first, source, target, durable=durable)


def _write_large(
    first: bytes, source: BinaryIO, target: Path, *, durable: bool
) -> tuple[str, int, str]:
    """The threaded copy: input hashed on one thread, the written bytes read back on another."""
    chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
    written = threading.Condition()
    state = {"written": 0, "done": False}
    input_hash, reread_hash = hashlib.sha256(), hashlib.sha256()

    def hash_input() -> None:
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
        workers = [threading.Thread(target=hash_input), threading.Thread(target=read_back)]
        for worker in workers:
            worker.start()
        try:
            chunk = first
            while chunk:
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
            chunks.put(None)
            with written:
                state["done"] = True
                written.notify_all()
            for worker in workers:
                worker.join()
    return input_hash.hexdigest(), size, reread_hash.hexdigest()
