"""Verification of the audit chain (kiểm tra tính toàn vẹn của nhật ký)."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from luutru.audit import anchor
from luutru.audit.models import GENESIS_HASH, AuditEvent, AuditHead


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""
    checkpoints: int = 0  # signed checkpoints found outside the database and matched


def verify_chain(chunk_size: int = 5000, checkpoint_dirs: Iterable[Path] = ()) -> ChainReport:
    """Walk the whole chain in order and name the first broken link.

    Each event's digest must chain to the one before, match its content, and carry a valid
    signature by the key outside the database (anchor.py); each signed checkpoint in
    ``AUDIT_CHECKPOINT_DIRS`` and ``checkpoint_dirs`` must name an event of the chain with
    the same digest. Reads every row once, streaming in chunks; memory stays flat however
    long the trail is.
    """
    try:
        key = anchor.load_key(create=False)
    except anchor.AnchorError as exc:
        return ChainReport(False, 0, GENESIS_HASH, None, str(exc))
    points, bad_points = anchor.read_checkpoints(anchor.checkpoint_dirs(checkpoint_dirs), key)
    expected_at: dict[int, anchor.Checkpoint] = {}
    for point in points:
        expected_at.setdefault(point.seq, point)

    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        broken = _event_problem(event, expected_seq, expected_prev, key, expected_at)
        if broken is not None:
            return ChainReport(False, checked, expected_prev, broken[0], broken[1])
        expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1

    last_point = max(points, key=lambda p: p.seq, default=None)
    if last_point is not None and last_point.seq > checked:
        return ChainReport(
            False,
            checked,
            expected_prev,
            checked + 1,
            f"Chuỗi nhật ký kết thúc ở sự kiện số {checked} nhưng điểm neo ghi lúc "
            f"{last_point.written_at} ({last_point.source}) đã xác nhận tới sự kiện số "
            f"{last_point.seq}: các sự kiện từ số {checked + 1} đã bị xóa.",
        )
    if bad_points:
        first = bad_points[0]
        return ChainReport(
            False,
            checked,
            expected_prev,
            None,
            f"Điểm neo nhật ký không dùng được ({first.source}): {first.message}.",
        )

    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (checked, expected_prev):
        return ChainReport(
            False,
            checked,
            expected_prev,
            _first_unconfirmed(head_seq, checked),
            f"Cuối chuỗi không khớp với đầu chuỗi đã ghi nhận: chuỗi kết thúc ở sự kiện số "
            f"{checked} nhưng hệ thống đã ghi tới sự kiện số {head_seq} "
            "(có sự kiện cuối bị xóa, hoặc có sự kiện được chèn ngoài hệ thống).",
        )
    return ChainReport(True, checked, expected_prev, checkpoints=len(points))


def _event_problem(
    event: AuditEvent,
    expected_seq: int,
    expected_prev: str,
    key: bytes | None,
    expected_at: dict[int, anchor.Checkpoint],
) -> tuple[int, str] | None:
    """The first thing wrong with one event, as (the event's number, a Vietnamese message)."""
    if event.seq != expected_seq:
        return expected_seq, (
            f"Thiếu sự kiện số {expected_seq}: chuỗi nhảy từ {expected_seq - 1} "
            f"sang {event.seq} (có thể đã bị xóa)."
        )
    if event.prev_hash != expected_prev:
        return event.seq, (
            f"Sự kiện số {event.seq} không nối với sự kiện trước nó "
            "(mã băm của sự kiện trước không khớp: có sự kiện bị xóa, chèn hoặc sửa)."
        )
    if event.compute_hash() != event.hash:
        return event.seq, (
            f"Nội dung sự kiện số {event.seq} đã bị sửa sau khi ghi "
            "(mã băm tính lại không khớp mã băm đã lưu)."
        )
    if key is None:
        return event.seq, (
            f"Không tìm thấy khóa neo nhật ký {anchor.key_path()} (AUDIT_KEY_FILE) nên "
            f"không kiểm tra được chữ ký của sự kiện số {event.seq}: hãy khôi phục tệp "
            "khóa từ nơi cất giữ."
        )
    if not event.mac:
        return event.seq, (
            f"Sự kiện số {event.seq} không có chữ ký bằng khóa neo ngoài cơ sở dữ liệu "
            "(sự kiện được ghi thẳng vào cơ sở dữ liệu, không qua hệ thống)."
        )
    if not hmac.compare_digest(event.mac, anchor.sign_event(key, event.hash)):
        return event.seq, (
            f"Sự kiện số {event.seq} đã bị viết lại trong cơ sở dữ liệu: chữ ký bằng khóa "
            "neo ngoài cơ sở dữ liệu không khớp (các mã băm đã được tính lại để che giấu, "
            "hoặc tệp khóa neo đã bị thay)."
        )
    point = expected_at.get(event.seq)
    if point is not None and not hmac.compare_digest(point.head, event.hash):
        return event.seq, (
            f"Sự kiện số {event.seq} không khớp điểm neo ghi lúc {point.written_at} "
            f"({point.source}): chuỗi đã bị viết lại sau thời điểm đó."
        )
    return None


def _first_unconfirmed(head_seq: int, last_seq: int) -> int:
    """Where the chain and its recorded head part ways."""
    if head_seq > last_seq:
        return last_seq + 1  # rows after last_seq were deleted
    if head_seq < last_seq:
        return head_seq + 1  # rows after head_seq were added outside the system
    return last_seq  # same length, different last digest: the last row was replaced


def checkpoint(extra_dirs: Iterable[Path] = ()) -> anchor.Checkpoint:
    """Sign the current head and append it to every checkpoint folder (and ``extra_dirs``).

    Reads the recorded head and its event, not the whole chain (``verify_chain`` does that):
    the newest event must carry a valid signature, which a rewrite made in the database
    without the key cannot give it, so a checkpoint never vouches for a rewritten chain.
    """
    head = AuditHead.objects.filter(pk=1).first()
    seq, digest = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if seq:
        key = anchor.load_key(create=False)
        last = AuditEvent.objects.filter(seq=seq).first()
        if (
            key is None
            or last is None
            or last.hash != digest
            or last.compute_hash() != digest
            or not hmac.compare_digest(last.mac, anchor.sign_event(key, digest))
        ):
            raise anchor.AnchorError(
                f"Không ghi điểm neo: sự kiện cuối (số {seq}) không khớp đầu chuỗi hoặc chữ ký "
                "khóa neo. Hãy chạy `luutru audit verify` để tìm chỗ hỏng."
            )
    return anchor.write_checkpoint(seq, digest, anchor.checkpoint_dirs(extra_dirs))
