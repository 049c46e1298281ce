"""Verification of the audit chain (kiểm tra tính toàn vẹn của nhật ký)."""

from __future__ import annotations

from dataclasses import dataclass

from luutru.audit.models import GENESIS_HASH, AuditEvent, AuditHead


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""


def verify_chain(chunk_size: int = 5000) -> ChainReport:
    """Walk the whole chain in order and name the first broken link.

    Reads every row once, streaming in chunks; memory stays flat however long the trail is.
    """
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            return ChainReport(
                False,
                checked,
                expected_prev,
                expected_seq,
                f"Thiếu sự kiện số {expected_seq}: chuỗi nhảy từ {expected_seq - 1} "
                f"sang {event.seq} (có thể đã bị xóa).",
            )
        if event.prev_hash != expected_prev:
            return ChainReport(
                False,
                checked,
                expected_prev,
                event.seq,
                f"Sự kiện số {event.seq} không nối với sự kiện trước nó "
                "(mã băm của sự kiện trước không khớp: có sự kiện bị xóa, chèn hoặc sửa).",
            )
        if event.compute_hash() != event.hash:
            return ChainReport(
                False,
                checked,
                expected_prev,
                event.seq,
                f"Nội dung sự kiện số {event.seq} đã bị sửa sau khi ghi "
                "(mã băm tính lại không khớp mã băm đã lưu).",
            )
        expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1

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
    return ChainReport(True, checked, expected_prev)


def _first_unconfirmed(head_seq: int, last_seq: int) -> int:
    """Where the chain and its recorded head part ways."""
    if head_seq > last_seq:
        return last_seq + 1  # rows after last_seq were deleted
    if head_seq < last_seq:
        return head_seq + 1  # rows after head_seq were added outside the system
    return last_seq  # same length, different last digest: the last row was replaced
