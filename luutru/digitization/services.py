"""Reads and storage of digitization: who sees which batch, and its blobs in and out of storage.

The page work — checking and recognising scans on a pool of threads — is ``pages.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from luutru.digitization.models import ScanBatch, ScanBatchQuerySet
from luutru.organizations.models import AgencyQuerySet
from luutru.organizations.services import agencies_in_scope
from luutru.storage.actions import put_bytes, put_file, register_many
from luutru.storage.models import StoredFile
from luutru.storage.services import open_stored

VIEW_BATCH = "digitization.view_scanbatch"
ADD_BATCH = "digitization.add_scanbatch"
MIMES = {"jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff", "pdf": "application/pdf"}


def batches_visible_to(user: Any, scope: AgencyQuerySet | None = None) -> ScanBatchQuerySet:
    """Batches of the agencies in the user's scope; none without the permission."""
    if not user.has_perm(VIEW_BATCH):
        return ScanBatch.objects.none()
    return ScanBatch.objects.of_agencies(agencies_in_scope(user) if scope is None else scope)


def get_batch_for_user(user: Any, pk: Any) -> ScanBatch:
    """The batch, or 404 (unknown or out of scope); 403 without the permission."""
    if not user.has_perm(VIEW_BATCH):
        raise PermissionDenied
    batch = (
        batches_visible_to(user)
        .select_related("dossier", "agency", "operator")
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise Http404("Không tìm thấy lô số hóa.")
    return batch


# ---------------------------------------------------------------------------------------------
# Storing blobs


def store_bytes(data: bytes, kind: str) -> StoredFile:
    """Bytes into content-addressed storage (primary and replica), with their row (idempotent)."""
    sha256, size = put_bytes(data)
    return register_many([{"sha256": sha256, "size": size, "mime": MIMES[kind]}])[sha256]


def store_path(path: Path, kind: str) -> StoredFile:
    sha256, size = put_file(path)
    return register_many([{"sha256": sha256, "size": size, "mime": MIMES[kind]}])[sha256]


def copy_out(sha256: str, target: Path) -> Path:
    """A stored blob copied to a local file (works the same for any storage backend)."""
    with open_stored(sha256) as source, target.open("wb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    return target
