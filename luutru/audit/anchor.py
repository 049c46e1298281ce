"""The anchor of the audit chain outside the database (neo nhật ký ngoài cơ sở dữ liệu).

The SHA-256 chain (models.py) shows an edit made by hand, but someone who can write the
database can also recompute every digest and the recorded head. Two things the database does
not hold stop that (ADR 0010):

- a secret key in a file (``AUDIT_KEY_FILE``, 32 random bytes made on first use with mode
  0600), with which every event's digest is signed (HMAC-SHA256, ``AuditEvent.mac``): a
  rewritten event cannot get a valid signature without the key;
- signed checkpoints (điểm neo: sequence number and head digest) appended as JSON lines to
  ``audit-checkpoints.jsonl`` in the folders of ``AUDIT_CHECKPOINT_DIRS`` and beside the
  backups (``luutru audit checkpoint --out``): deleting the newest events, which leaves every
  remaining signature valid, no longer matches the last checkpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

CHECKPOINT_FILE = "audit-checkpoints.jsonl"
_KEY_BYTES = 32
_EVENT_CONTEXT = b"luutru-audit-event\n"
_CHECKPOINT_CONTEXT = b"luutru-audit-checkpoint\n"


class AnchorError(Exception):
    """The key cannot be read or written; the message is Vietnamese, for the operator."""


def key_path() -> Path:
    return Path(settings.AUDIT_KEY_FILE)


def load_key(*, create: bool) -> bytes | None:
    """The signing key, or None when the file does not exist and ``create`` is false.

    Writers create it (``create=True``) on the first event; checks never do, so a key that
    went missing is reported rather than silently replaced. Read on every call: one small
    file, and a test or an operator may change ``AUDIT_KEY_FILE``.
    """
    path = key_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if not create:
            return None
        raw = _create_key(path)
    except OSError as exc:
        raise AnchorError(f"Không đọc được khóa neo nhật ký {path}: {exc.strerror}.") from None
    key = raw.strip()
    try:
        decoded = bytes.fromhex(key.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        decoded = b""
    if len(decoded) < 16:
        raise AnchorError(
            f"Tệp khóa neo nhật ký {path} không hợp lệ: cần ít nhất 32 chữ số thập lục phân."
        )
    return decoded


def _create_key(path: Path) -> bytes:
    raw = secrets.token_hex(_KEY_BYTES).encode("ascii") + b"\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once keep the key of whichever wrote first.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    except OSError as exc:
        raise AnchorError(f"Không tạo được khóa neo nhật ký {path}: {exc.strerror}.") from None
    with os.fdopen(fd, "wb") as out:
        out.write(raw)
        out.flush()
        os.fsync(out.fileno())
    return raw


def sign_event(key: bytes, event_hash: str) -> str:
    """HMAC-SHA256 of an event's digest (which covers its content and the chain before it)."""
    return hmac.new(key, _EVENT_CONTEXT + event_hash.encode("ascii"), hashlib.sha256).hexdigest()


def _sign_checkpoint(key: bytes, seq: int, head: str, written_at: str) -> str:
    message = _CHECKPOINT_CONTEXT + f"{seq}\n{head}\n{written_at}".encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head: str
    written_at: str
    mac: str
    source: str  # the file and line it was read from, for messages

    def as_json(self) -> str:
        return json.dumps(
            {"seq": self.seq, "head": self.head, "written_at": self.written_at, "mac": self.mac}
        )


@dataclass(frozen=True)
class CheckpointProblem:
    source: str
    message: str


def checkpoint_dirs(extra: Iterable[Path] = ()) -> list[Path]:
    """The configured folders (``AUDIT_CHECKPOINT_DIRS``) and any given, without repeats."""
    seen: dict[Path, None] = {}
    for folder in [*settings.AUDIT_CHECKPOINT_DIRS, *extra]:
        seen.setdefault(Path(folder), None)
    return list(seen)


def write_checkpoint(seq: int, head: str, folders: Sequence[Path]) -> Checkpoint:
    """Append one signed checkpoint to ``audit-checkpoints.jsonl`` in each folder."""
    key = load_key(create=True)
    assert key is not None
    written_at = timezone.now().isoformat(timespec="seconds")
    point = Checkpoint(seq, head, written_at, _sign_checkpoint(key, seq, head, written_at), "")
    line = (point.as_json() + "\n").encode()
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / CHECKPOINT_FILE, "ab") as out:
                out.write(line)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise AnchorError(
                f"Không ghi được điểm neo nhật ký vào {folder}: {exc.strerror}."
            ) from None
    return point


def read_checkpoints(
    folders: Sequence[Path], key: bytes | None
) -> tuple[list[Checkpoint], list[CheckpointProblem]]:
    """Every checkpoint in the folders, and every line that is not a validly signed one.

    Without the key nothing can be trusted: every line is then a problem.
    """
    points: list[Checkpoint] = []
    problems: list[CheckpointProblem] = []
    for folder in folders:
        path = folder / CHECKPOINT_FILE
        try:
            lines = path.read_bytes().splitlines()
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(CheckpointProblem(str(path), f"không đọc được ({exc.strerror})"))
            continue
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            source = f"{path}, dòng {number}"
            point = _parse(raw, source)
            if point is None:
                problems.append(CheckpointProblem(source, "dòng không đúng định dạng điểm neo"))
            elif key is None:
                problems.append(CheckpointProblem(source, "không có khóa neo để kiểm tra chữ ký"))
            elif not hmac.compare_digest(
                point.mac, _sign_checkpoint(key, point.seq, point.head, point.written_at)
            ):
                problems.append(
                    CheckpointProblem(source, "chữ ký không khớp khóa neo (điểm neo bị sửa)")
                )
            else:
                points.append(point)
    return points, problems


def _parse(raw: bytes, source: str) -> Checkpoint | None:
    try:
        data = json.loads(raw)
        seq, head, written_at, mac = data["seq"], data["head"], data["written_at"], data["mac"]
    except (ValueError, TypeError, KeyError):
        return None
    if not (
        isinstance(seq, int)
        and all(isinstance(value, str) and value.isascii() for value in (head, written_at, mac))
    ):
        return None
    return Checkpoint(seq, head, written_at, mac, source)
