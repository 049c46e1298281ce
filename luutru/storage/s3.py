"""S3-compatible object storage: MinIO, Ceph RGW and the S3 services of Vietnamese clouds.

``s3://bucket/prefix?endpoint=https://host:port`` names a bucket and a key prefix; keys are
``prefix/ab/cd/<sha256>`` as on disk. Credentials come from the usual AWS variables
(``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, or a profile). Query parameters:

- ``endpoint``: the server (omit for AWS itself); path-style addressing is used with one.
- ``region``: sent in the signature (``us-east-1`` unless ``AWS_DEFAULT_REGION`` says).
- ``verify=checksum``: trust the server's own SHA-256 check of what it received instead of
  reading every new object back. Only for servers that refuse a wrong
  ``x-amz-checksum-sha256`` (AWS S3, MinIO, Ceph RGW 18+); ADR 0009 says how to tell.

The contract is the local disk's: an object is written once under its digest, an existing
one is verified and left alone (``If-None-Match: *`` also stops a racing writer), the only
overwrite is ``restore`` with bytes that hash to the name, the damaged object copied first to
``prefix/.quarantine/``. Network failures, refused permissions and a wrong endpoint become
Vietnamese messages; reading failures are ``OSError``\\ s (``FileNotFoundError`` for a
missing object, ``ConnectionError`` for a server that cannot be reached) so that callers
fall back to the other copy exactly as they do for a disk.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import os
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from luutru.storage.backends import (
    _SHA256_RE,
    CHUNK,
    CopyState,
    PutResult,
    StorageError,
    StorageUnavailable,
    sha256_of,
)

# Parts of a multipart upload: at least 5 MiB (S3's minimum), small enough to hold in memory.
PART = 8 * 1024 * 1024
# Uploaded packages on their way to a worker (``S3Backend.put_staged``), under the prefix.
STAGING = "incoming/"
_MISSING = {"NoSuchKey", "404", "NotFound"}
_DENIED = {"AccessDenied", "403", "Forbidden", "AllAccessDisabled"}
_BAD_CREDENTIALS = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken"}


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # "" or ending in "/"
    endpoint: str | None
    region: str
    verify: str  # "readback" or "checksum"

    def describe(self) -> str:
        where = f" tại {self.endpoint}" if self.endpoint else ""
        return f"s3://{self.bucket}/{self.prefix}{where}"


def parse_s3_url(url: str) -> S3Location:
    """``s3://bucket/prefix?endpoint=…&region=…&verify=…``; a clear error for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise StorageError(
            f"Địa chỉ kho S3 không hợp lệ: {url!r}; cần dạng "
            "s3://bucket/thu-muc?endpoint=https://may-chu:cong."
        )
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - {"endpoint", "region", "verify"})
    if unknown:
        raise StorageError(f"Tham số không hỗ trợ trong {url!r}: {', '.join(unknown)}.")
    endpoint = query.get("endpoint", [""])[-1] or None
    if endpoint and urlsplit(endpoint).scheme not in {"http", "https"}:
        raise StorageError(f"endpoint trong {url!r} phải bắt đầu bằng https:// (hoặc http://).")
    verify = query.get("verify", ["readback"])[-1]
    if verify not in {"readback", "checksum"}:
        raise StorageError(f"verify trong {url!r} chỉ nhận readback hoặc checksum.")
    prefix = parts.path.strip("/")
    region = query.get("region", [""])[-1] or os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    return S3Location(parts.netloc, f"{prefix}/" if prefix else "", endpoint, region, verify)


@functools.lru_cache(maxsize=16)
def _client(endpoint: str | None, region: str) -> Any:
    """One client per server: boto3 clients are thread-safe and slow to build."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
        s3={"addressing_style": "path"} if endpoint else {},
        # We send our own SHA-256 (below); no extra CRC32 on every request.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name=region, config=config
    )


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def _read_full(source: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes: fewer only at the end of the stream (raw streams read short)."""
    data = source.read(size)
    if not data or len(data) == size:
        return data
    pieces = [data]
    remaining = size - len(data)
    while remaining and (more := source.read(remaining)):
        pieces.append(more)
        remaining -= len(more)
    return b"".join(pieces)


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    error = response.get("Error", {})
    return str(error.get("Code") or response.get("ResponseMetadata", {}).get("HTTPStatusCode"))


class _ObjectReader(io.RawIOBase):
    """An object's body as a file: network failures while reading become ``ConnectionError``."""

    def __init__(self, body: Any, describe: str) -> None:
        self._body = body
        self._describe = describe

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        from botocore.exceptions import BotoCoreError
        from urllib3.exceptions import HTTPError

        try:
            data = self._body.read(len(buffer))
        except (BotoCoreError, HTTPError) as exc:
            raise ConnectionError(f"Mất kết nối khi đọc {self._describe}: {exc}") from exc
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._body.close()
        super().close()


class S3Backend:
    """Objects under ``prefix/ab/cd/<sha256>`` in one bucket, written once."""

    def __init__(self, location: S3Location, *, name: str = "kho chính") -> None:
        self.location = location
        self.name = name
        self.client = _client(location.endpoint, location.region)

    @classmethod
    def from_url(cls, url: str, *, name: str = "kho chính") -> S3Backend:
        return cls(parse_s3_url(url), name=name)

    @property
    def root(self) -> str:
        return self.location.describe()

    @property
    def bucket(self) -> str:
        return self.location.bucket

    def key(self, sha256: str) -> str:
        if not _SHA256_RE.fullmatch(sha256):
            raise StorageError(f"Mã SHA-256 không hợp lệ: {sha256!r}.")
        return f"{self.location.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def _where(self) -> str:
        return f"{self.name} ({self.location.describe()})"

    def _error(self, exc: Exception, doing: str) -> StorageError:
        """A Vietnamese ``StorageError`` for a boto3/botocore failure."""
        from botocore.exceptions import BotoCoreError, NoCredentialsError

        if isinstance(exc, NoCredentialsError):
            return StorageError(
                f"Chưa có khóa truy cập cho {self._where()}: hãy đặt AWS_ACCESS_KEY_ID và "
                "AWS_SECRET_ACCESS_KEY."
            )
        if isinstance(exc, BotoCoreError):
            return StorageUnavailable(
                f"Không kết nối được {self._where()} khi {doing}: {exc}. Hãy kiểm tra địa chỉ "
                "endpoint trong cấu hình, đường mạng và máy chủ lưu trữ."
            )
        code = _code(exc)
        if code in _DENIED:
            return StorageError(
                f"{self._where()} từ chối {doing}: khóa truy cập không có quyền (AccessDenied). "
                "Hãy cấp quyền s3:GetObject, s3:PutObject, s3:ListBucket trên bucket này."
            )
        if code in _BAD_CREDENTIALS:
            return StorageError(f"{self._where()} không nhận khóa truy cập đang dùng ({code}).")
        if code == "NoSuchBucket":
            return StorageUnavailable(f"Không có bucket {self.bucket} ở {self._where()}.")
        return StorageError(f"{self._where()} báo lỗi {code} khi {doing}: {exc}")

    def available(self) -> bool:
        """True when the bucket answers (the server is up and the bucket exists)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception:  # any failure means "not available"
            return False
        return True

    def exists(self, sha256: str) -> bool:
        return self._head(self.key(sha256)) is not None

    def _head(self, key: str) -> dict[str, Any] | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response: dict[str, Any] = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None
            raise self._error(exc, "kiểm tra tệp") from exc
        except BotoCoreError as exc:
            raise self._error(exc, "kiểm tra tệp") from exc
        return response

    def open(self, sha256: str) -> BinaryIO:
        """A streamed read of one object (``FileNotFoundError`` when it is not there)."""
        return self._get(self.key(sha256), f"tệp {sha256}")

    def _get(self, key: str, label: str) -> BinaryIO:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in _MISSING | {"NoSuchBucket"}:
                raise FileNotFoundError(f"Không có {label} ở {self._where()}.") from exc
            if _code(exc) in _DENIED:
                raise PermissionError(str(self._error(exc, f"đọc {label}"))) from exc
            raise OSError(str(self._error(exc, f"đọc {label}"))) from exc
        except BotoCoreError as exc:
            raise ConnectionError(str(self._error(exc, f"đọc {label}"))) from exc
        reader = _ObjectReader(response["Body"], f"{label} ở {self._where()}")
        return io.BufferedReader(reader, CHUNK)

    def _read_back(self, sha256: str) -> tuple[str, int]:
        with self.open(sha256) as stored:
            return sha256_of(stored)

    def digest(self, sha256: str) -> str:
        """Re-hash the stored bytes, streamed (for fixity checks)."""
        return self._read_back(sha256)[0]

    def state(self, sha256: str) -> str:
        try:
            digest = self.digest(sha256)
        except FileNotFoundError:
            return CopyState.MISSING if self.available() else CopyState.UNAVAILABLE
        except (ConnectionError, PermissionError):
            return CopyState.UNAVAILABLE
        except OSError:
            return CopyState.BAD
        return CopyState.OK if digest == sha256 else CopyState.BAD

    def sync(self) -> None:
        """Nothing to flush: an acknowledged PUT is durable on the server."""

    def put(
        self, source: BinaryIO, *, expected_sha256: str | None = None, durable: bool = True
    ) -> PutResult:
        """Upload ``source`` under its digest, verified; an existing object is kept as is.

        The key is the digest, so an undeclared digest is computed first: a seekable source
        is read twice, any other is spooled to a temporary file. ``durable`` has no meaning
        here (the server acknowledges durable writes only).
        """
        if expected_sha256 is not None:
            return self._put_known(source, expected_sha256.lower())
        if _seekable(source):
            start = source.tell()
            sha256, _size = sha256_of(source)
            source.seek(start)
            return self._put_known(source, sha256)
        with tempfile.TemporaryFile() as spool:
            hasher = hashlib.sha256()
            while chunk := source.read(CHUNK):
                hasher.update(chunk)
                spool.write(chunk)
            spool.seek(0)
            return self._put_known(spool, hasher.hexdigest())

    def _put_known(self, source: BinaryIO, sha256: str) -> PutResult:
        key = self.key(sha256)
        if self._head(key) is not None:
            return PutResult(sha256, self._verify_existing(sha256), created=False)
        size = self._upload(key, source, sha256, overwrite=False)
        if size is None:  # another writer stored it between our HEAD and our PUT
            return PutResult(sha256, self._verify_existing(sha256), created=False)
        if self.location.verify == "readback":
            try:
                reread, reread_size = self._read_back(sha256)
            except OSError as exc:
                raise StorageUnavailable(
                    f"Không đọc lại được tệp {sha256} vừa ghi vào {self._where()}: {exc}"
                ) from exc
            if (reread, reread_size) != (sha256, size):
                with contextlib.suppress(Exception):
                    self.client.delete_object(Bucket=self.bucket, Key=key)  # ours, unrecorded
                raise StorageError(f"Tệp {sha256} đọc lại từ {self._where()} không khớp.")
        return PutResult(sha256, size, created=True)

    def _verify_existing(self, sha256: str) -> int:
        """An object already stored must still be intact before we rely on it."""
        try:
            stored_sha, stored_size = self._read_back(sha256)
        except OSError as exc:
            raise StorageUnavailable(f"Không đọc lại được tệp {sha256}: {exc}") from exc
        if stored_sha != sha256:
            raise StorageError(
                f"Tệp {sha256} đã lưu trước đó ở {self._where()} đọc lại không khớp "
                f"(đọc lại: {stored_sha}, {stored_size} byte)."
            )
        return stored_size

    def _upload(
        self,
        key: str,
        source: BinaryIO,
        sha256: str,
        *,
        overwrite: bool,
        before_commit: Callable[[], None] | None = None,
    ) -> int | None:
        """Stream ``source`` to ``key``; its size, or None when ``key`` appeared meanwhile.

        Each request carries the SHA-256 of its bytes (a small object's whole digest, or each
        part's), which S3 servers check on receipt. A multipart upload whose whole digest is
        not ``sha256`` is aborted, so nothing ever appears under a name it does not match.
        ``before_commit`` runs once the bytes are known to match, just before they take the name.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        condition = {} if overwrite else {"IfNoneMatch": "*"}
        metadata = {"sha256": sha256}
        first = _read_full(source, PART)
        if len(first) < PART:
            digest = hashlib.sha256(first)
            if digest.hexdigest() != sha256:
                raise _mismatch(digest.hexdigest(), sha256)
            if before_commit is not None:
                before_commit()
            try:
                self.client.put_object(
                    Bucket=self.bucket, Key=key, Body=first, Metadata=metadata,
                    ChecksumSHA256=_b64(digest.digest()), **condition,
                )  # fmt: skip
            except ClientError as exc:
                if _code(exc) in {"PreconditionFailed", "412"}:
                    return None
                raise self._error(exc, "ghi tệp") from exc
            except BotoCoreError as exc:
                raise self._error(exc, "ghi tệp") from exc
            return len(first)
        try:
            upload_id = self.client.create_multipart_upload(
                Bucket=self.bucket, Key=key, Metadata=metadata, ChecksumAlgorithm="SHA256"
            )["UploadId"]
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "ghi tệp") from exc
        try:
            parts: list[dict[str, Any]] = []
            hasher, size, chunk = hashlib.sha256(), 0, first
            while chunk:
                hasher.update(chunk)
                part_sum = _b64(hashlib.sha256(chunk).digest())
                response = self.client.upload_part(
                    Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=len(parts) + 1,
                    Body=chunk, ChecksumSHA256=part_sum,
                )  # fmt: skip
                parts.append({"PartNumber": len(parts) + 1, "ETag": response["ETag"],
                              "ChecksumSHA256": part_sum})  # fmt: skip
                size += len(chunk)
                chunk = _read_full(source, PART)
            if hasher.hexdigest() != sha256:
                raise _mismatch(hasher.hexdigest(), sha256)
            if before_commit is not None:
                before_commit()
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id,
                MultipartUpload={"Parts": parts}, **condition,
            )  # fmt: skip
        except BaseException as exc:
            with contextlib.suppress(Exception):
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            if isinstance(exc, ClientError) and _code(exc) in {"PreconditionFailed", "412"}:
                return None
            if isinstance(exc, ClientError | BotoCoreError):
                raise self._error(exc, "ghi tệp") from exc
            raise
        return size

    def restore(self, sha256: str, source: BinaryIO) -> None:
        """Replace a damaged or missing object with bytes that hash to its name.

        Once the new bytes are known to match, the damaged object is copied to
        ``prefix/.quarantine/<sha256>.<stamp>`` as evidence; the new bytes then replace it in
        one PUT (or one completed multipart upload), so a failure half-way leaves the old
        object, never a partial one, and a wrong source changes nothing at all.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        key = self.key(sha256)

        def quarantine() -> None:
            if self._head(key) is None:
                return  # a missing object leaves no evidence to keep
            evidence = f"{self.location.prefix}.quarantine/{sha256}.{uuid.uuid4().hex[:8]}"
            try:
                self.client.copy({"Bucket": self.bucket, "Key": key}, self.bucket, evidence)
            except (ClientError, BotoCoreError) as exc:
                raise self._error(exc, "cách ly bản hỏng") from exc

        try:
            size = self._upload(key, source, sha256, overwrite=True, before_commit=quarantine)
        except StorageError as exc:
            if "khác mã đã khai" in str(exc):
                raise StorageError(
                    f"Bản dùng để phục hồi tệp {sha256} không khớp mã SHA-256."
                ) from exc
            raise
        reread, reread_size = self._read_back(sha256)
        if (reread, reread_size) != (sha256, size):
            raise StorageError(f"Bản phục hồi của tệp {sha256} đọc lại không khớp.")

    def set_aside(self, sha256: str) -> str | None:
        """Copy the object to ``prefix/.discarded/<sha256>.<stamp>`` and delete it from its
        place (undone by ``put_back``); ``None`` when this copy does not exist."""
        from botocore.exceptions import BotoCoreError, ClientError

        key = self.key(sha256)
        if self._head(key) is None:
            return None
        aside = f"{self.location.prefix}.discarded/{sha256}.{uuid.uuid4().hex[:8]}"
        try:
            self.client.copy({"Bucket": self.bucket, "Key": key}, self.bucket, aside)
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "tạm cất tệp để hủy") from exc
        return aside

    def put_back(self, sha256: str, aside: str) -> None:
        """Undo ``set_aside``."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.copy({"Bucket": self.bucket, "Key": aside}, self.bucket, self.key(sha256))
            self.client.delete_object(Bucket=self.bucket, Key=aside)
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "khôi phục tệp đã tạm cất") from exc

    def discard(self, aside: str) -> None:
        """Delete a set-aside object for good."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=aside)
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "xóa tệp đã hủy") from exc

    def remove_partial_writes(self, older_than: datetime) -> int:
        """Abort the multipart uploads under this prefix begun before ``older_than``: a writer
        killed mid-upload leaves its parts billed and invisible, since its own abort never ran."""
        from botocore.exceptions import BotoCoreError, ClientError

        aborted = 0
        try:
            pages = self.client.get_paginator("list_multipart_uploads").paginate(
                Bucket=self.bucket, Prefix=self.location.prefix
            )
            for page in pages:
                for upload in page.get("Uploads", []):
                    if upload["Initiated"] < older_than:
                        self.client.abort_multipart_upload(
                            Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                        )
                        aborted += 1
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "dọn các lần ghi dở") from exc
        return aborted

    def remove(self, sha256: str) -> None:
        """Delete an object; only for blobs no StoredFile row names (an interrupted ingest)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "xóa tệp") from exc

    # Staged packages: an uploaded package travels from the web process to whichever worker
    # runs its transfer through ``prefix/incoming/<name>``, beside the stored files and never
    # under their keys. Written once (like a stored file), removed when its transfer is done.

    def staged_key(self, name: str) -> str:
        if not name or "/" in name or name.startswith("."):
            raise StorageError(f"Tên gói lưu tạm không hợp lệ: {name!r}.")
        return f"{self.location.prefix}{STAGING}{name}"

    def staged_location(self, name: str) -> str:
        """``s3://bucket/prefix/incoming/<name>``: where the package waits, for people to read."""
        return f"s3://{self.bucket}/{self.staged_key(name)}"

    def put_staged(self, name: str, source: BinaryIO, sha256: str) -> int:
        """Stream a package to ``incoming/<name>``, each part checked by the server against its
        SHA-256 and the whole against ``sha256`` before it takes the name; its size. Refused
        when the name is taken (write once)."""
        size = self._upload(self.staged_key(name), source, sha256.lower(), overwrite=False)
        if size is None:
            raise StorageError(f"Đã có gói lưu tạm {name} ở {self._where()}.")
        return size

    def open_staged(self, name: str) -> BinaryIO:
        """A streamed read of a staged package (``FileNotFoundError`` when it is gone)."""
        return self._get(self.staged_key(name), f"gói lưu tạm {name}")

    def remove_staged(self, name: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.staged_key(name))
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, f"xóa gói lưu tạm {name}") from exc

    def staged(self) -> dict[str, datetime]:
        """Every staged package: its name and when it was written."""
        from botocore.exceptions import BotoCoreError, ClientError

        start = f"{self.location.prefix}{STAGING}"
        found: dict[str, datetime] = {}
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=start
            )
            for page in pages:
                for item in page.get("Contents", []):
                    found[item["Key"][len(start) :]] = item["LastModified"]
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "liệt kê các gói lưu tạm") from exc
        return found


def _mismatch(actual: str, declared: str) -> StorageError:
    return StorageError(f"Mã SHA-256 của tệp ({actual}) khác mã đã khai ({declared}).")


def _seekable(source: BinaryIO) -> bool:
    try:
        return bool(source.seekable())
    except (AttributeError, OSError):
        return False
