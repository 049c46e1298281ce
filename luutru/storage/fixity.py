"""Fixity (tính toàn vẹn) of one stored blob across its two copies, with repair.

``check`` re-hashes the primary copy and the replica; a copy that is missing or whose bytes
no longer hash to its name is replaced from the other copy, but only when that other copy is
verified good at that moment. When neither copy is good nothing is touched: the blob is
reported lost, for a person to deal with. The record keeping (PREMIS events, incidents, audit
runs) belongs to the preservation app, which calls this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from luutru.storage.backends import CopyState, StorageBackend, StorageError


@dataclass
class FixityResult:
    sha256: str
    primary: str  # CopyState before any repair
    replica: str
    repaired: list[str] = field(default_factory=list)  # "primary" and/or "replica"
    error: str = ""  # why a repair failed

    @property
    def ok(self) -> bool:
        """Both copies were good as found."""
        return self.primary == CopyState.OK and self.replica == CopyState.OK

    @property
    def lost(self) -> bool:
        """No good copy anywhere reachable: nothing could be, or was, repaired."""
        return self.primary != CopyState.OK and self.replica in {CopyState.BAD, CopyState.MISSING}

    @property
    def pending(self) -> bool:
        """The replica could not be reached; the check is to be finished later."""
        return self.replica == CopyState.UNAVAILABLE


def check(
    sha256: str,
    primary: StorageBackend,
    replica: StorageBackend,
    *,
    repair: bool = True,
    name: str = "",
) -> FixityResult:
    """Re-hash both copies of one blob and repair a bad one from the good one.

    ``name``: the blob storage holds when it is not ``sha256`` — a sealed file's ciphertext
    (``StoredFile.stored_name``, ADR 0011), checked and repaired like any blob; the result
    still names the file by ``sha256``.
    Cost: one read of each copy (two reads of the blob), plus one write and read-back for
    each repaired copy.
    """
    result = _check(name or sha256, primary, replica, repair=repair)
    result.sha256 = sha256
    return result


def _check(
    sha256: str, primary: StorageBackend, replica: StorageBackend, *, repair: bool
) -> FixityResult:
    result = FixityResult(sha256, primary.state(sha256), replica.state(sha256))
    if not repair or result.ok or result.lost or result.pending:
        return result
    good, bad, bad_name = (
        (primary, replica, "replica")
        if result.primary == CopyState.OK
        else (replica, primary, "primary")
    )
    try:
        with good.open(sha256) as source:
            bad.restore(sha256, source)
    except (StorageError, OSError) as exc:
        result.error = str(exc)
        return result
    if bad.state(sha256) == CopyState.OK:
        result.repaired.append(bad_name)
    else:
        result.error = f"Bản sửa của tệp {sha256} ở {bad.name} vẫn không khớp sau khi ghi lại."
    return result
