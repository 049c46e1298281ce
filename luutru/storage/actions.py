"""Writing files into storage and registering them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from luutru.storage.models import StoredFile
from luutru.storage.services import backend


def put_file(
    path: Path, *, expected_sha256: str | None = None, durable: bool = True
) -> tuple[str, int]:
    """Stream a file into storage (idempotent: the same content is stored once)."""
    with path.open("rb") as source:
        result = backend().put(source, expected_sha256=expected_sha256, durable=durable)
    return result.sha256, result.size


def sync_storage() -> None:
    backend().sync()


def register_many(files: list[dict[str, Any]]) -> dict[str, StoredFile]:
    """Rows for many stored files at once (dicts with sha256, size, mime, puid, format_name)."""
    wanted = {f["sha256"]: f for f in files}
    existing = {s.sha256: s for s in StoredFile.objects.filter(sha256__in=list(wanted))}
    missing = [StoredFile(**f) for sha, f in wanted.items() if sha not in existing]
    StoredFile.objects.bulk_create(missing, batch_size=1000)
    existing.update(
        {s.sha256: s for s in StoredFile.objects.filter(sha256__in=[m.sha256 for m in missing])}
    )
    return existing
