"""Sealed blobs: the files of Mật records kept encrypted at rest (ADR 0011).

With ``MAT_KEY_FILE`` set, a blob is *sealed*: its bytes are encrypted with AES-256-GCM under a
key kept in that file, outside the database and outside the backups, and the ciphertext is
stored as a blob of its own (content-addressed by the ciphertext's SHA-256, in both copies)
while the plaintext blob is removed. ``StoredFile.sha256`` stays the plaintext's digest — the
file's identity in PREMIS, METS and every manifest — and ``StoredFile.sealed_sha256`` names the
ciphertext, which fixity audits, replication, backup and restore handle as any other blob.

The format, one header then chunks::

    "LTSMAT1\\n" | key id (8) | nonce prefix (8) | chunk size (4, big-endian)
    chunk i: AES-256-GCM(key, nonce = prefix | i (4, big-endian),
                         aad = header | plaintext SHA-256 (32) | final flag (1)) → bytes + tag

Each chunk (1 MiB of plaintext) is authenticated on its own, so a file streams through without
being held in memory; the final flag stops truncation, the chunk number stops reordering, the
plaintext digest in the associated data stops one sealed file being passed off as another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import struct
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings

from luutru.storage.backends import StorageError

MAGIC = b"LTSMAT1\n"
_HEADER = struct.Struct(">8s8s8sI")
CHUNK = 1024 * 1024
_TAG = 16


class SealingError(StorageError):
    """A sealed blob that cannot be opened: no key, another key, or damaged ciphertext."""


def key_configured() -> bool:
    """True when ``MAT_KEY_FILE`` is set: the files of Mật records are to be sealed."""
    return bool(str(getattr(settings, "MAT_KEY_FILE", "") or ""))


def load_key() -> bytes:
    """The 32-byte key from ``MAT_KEY_FILE``: raw bytes, or 64 hex digits, or base64."""
    name = str(getattr(settings, "MAT_KEY_FILE", "") or "")
    if not name:
        raise SealingError(
            "Chưa đặt MAT_KEY_FILE: không mở được tệp mật đã mã hóa. Hãy trỏ MAT_KEY_FILE tới tệp "
            "khóa đã dùng để mã hóa."
        )
    try:
        data = Path(name).read_bytes()
    except OSError as exc:
        raise SealingError(f"Không đọc được tệp khóa MAT_KEY_FILE={name}: {exc}.") from exc
    if len(data) == 32:
        return data
    text = data.strip()
    try:
        if len(text) == 64:
            return binascii.unhexlify(text)
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) == 32:
        return decoded
    raise SealingError(
        f"Tệp khóa MAT_KEY_FILE={name} phải chứa đúng 32 byte (hoặc 64 chữ số hex, hoặc base64 "
        "của 32 byte). Tạo khóa mới: head -c 32 /dev/urandom > tệp_khóa."
    )


def key_id(key: bytes) -> bytes:
    """Eight bytes that tell which key sealed a blob, without revealing it."""
    return hashlib.sha256(b"luutru-mat-key-id\0" + key).digest()[:8]


def _aesgcm(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _aad(header: bytes, plain_sha256: str, final: bool) -> bytes:
    return header + bytes.fromhex(plain_sha256) + (b"\x01" if final else b"\x00")


def seal_stream(source: BinaryIO, out: BinaryIO, *, plain_sha256: str, key: bytes) -> str:
    """Encrypt ``source`` into ``out``; the SHA-256 of the plaintext read (the caller checks it
    is ``plain_sha256``, which is bound into every chunk)."""
    aes = _aesgcm(key)
    prefix = os.urandom(8)
    header = _HEADER.pack(MAGIC, key_id(key), prefix, CHUNK)
    out.write(header)
    hasher = hashlib.sha256()
    chunk = source.read(CHUNK)
    index = 0
    while True:
        following = source.read(CHUNK) if chunk else b""
        final = not following
        hasher.update(chunk)
        nonce = prefix + index.to_bytes(4, "big")
        out.write(aes.encrypt(nonce, chunk, _aad(header, plain_sha256, final)))
        if final:
            return hasher.hexdigest()
        chunk, index = following, index + 1


class _Unsealing(io.RawIOBase):
    """The plaintext of a sealed blob, decrypted and authenticated a chunk at a time."""

    def __init__(self, raw: BinaryIO, plain_sha256: str, key: bytes) -> None:
        super().__init__()
        self._raw = raw
        header = raw.read(_HEADER.size)
        if len(header) != _HEADER.size:
            raise SealingError(f"Tệp mật {plain_sha256} hỏng: thiếu phần đầu.")
        magic, sealed_by, self._prefix, self._size = _HEADER.unpack(header)
        if magic != MAGIC:
            raise SealingError(f"Tệp {plain_sha256} không phải tệp mật đã mã hóa.")
        if sealed_by != key_id(key):
            raise SealingError(
                f"Tệp mật {plain_sha256} được mã hóa bằng một khóa khác khóa trong MAT_KEY_FILE."
            )
        self._header, self._plain, self._aes = header, plain_sha256, _aesgcm(key)
        self._index = 0
        self._next = raw.read(self._size + _TAG)
        self._buffer = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._buffer and not self._done:
            self._decrypt_next()
        count = min(len(buffer), len(self._buffer))
        buffer[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count

    def _decrypt_next(self) -> None:
        from cryptography.exceptions import InvalidTag

        current = self._next
        self._next = self._raw.read(self._size + _TAG)
        final = not self._next
        if len(current) < _TAG:
            raise SealingError(f"Tệp mật {self._plain} hỏng: bị cắt ngắn.")
        nonce = self._prefix + self._index.to_bytes(4, "big")
        try:
            self._buffer = self._aes.decrypt(nonce, current, _aad(self._header, self._plain, final))
        except InvalidTag:
            raise SealingError(
                f"Tệp mật {self._plain} hỏng hoặc bị sửa (đoạn {self._index + 1} không khớp mã "
                "xác thực)."
            ) from None
        self._index += 1
        self._done = final

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def unseal(raw: BinaryIO, plain_sha256: str, key: bytes | None = None) -> BinaryIO:
    """A buffered reader of the plaintext of the sealed blob ``raw`` (the ciphertext stream)."""
    try:
        reader = _Unsealing(raw, plain_sha256, key if key is not None else load_key())
    except BaseException:
        raw.close()
        raise
    return io.BufferedReader(reader, CHUNK)
