"""Receiving a package and running it through the pipeline."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from luutru.accounts.models import signed_in_user
from luutru.audit.actions import Actor, record
from luutru.ingest.models import AuditAction, Transfer
from luutru.ingest.pipeline import run_transfer
from luutru.ingest.tasks import ingest_transfer
from luutru.organizations.models import Agency

CHUNK = 1024 * 1024


@transaction.atomic
def receive_package(
    path: Path, *, agency: Agency, actor: Actor, dry_run: bool = False, name: str = ""
) -> Transfer:
    """Register a package (a folder or a .zip on this server) as a transfer from an agency."""
    transfer = Transfer.objects.create(
        agency=agency,
        submitted_by=signed_in_user(actor),
        package_name=name or path.name,
        package_path=str(path.resolve()),
        dry_run=dry_run,
    )
    record(
        AuditAction.TRANSFER_RECEIVE,
        actor=actor,
        target=transfer,
        message=(
            f"Nhận gói “{transfer.package_name}” của {agency.name}"
            + (" để kiểm tra thử." if dry_run else ".")
        ),
        data={"agency": agency.code, "dry_run": dry_run},
    )
    return transfer


def submit_package(
    upload: UploadedFile[bytes], *, agency: Agency, actor: Actor, dry_run: bool = False
) -> Transfer:
    """A package uploaded through the web: saved, registered, and queued for the worker.

    The worker gets the transfer's id only once the row is committed; if registering fails,
    the saved file is removed so no stray package is left behind.
    """
    path = save_upload(upload)
    try:
        with transaction.atomic():
            transfer = receive_package(
                path, agency=agency, actor=actor, dry_run=dry_run, name=upload.name or path.name
            )
            transaction.on_commit(lambda: ingest_transfer.enqueue(str(transfer.pk)))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return transfer


def save_upload(upload: UploadedFile[bytes]) -> Path:
    """Copy an uploaded package to ``INGEST_UPLOAD_DIR/<uuid>.zip``, a chunk at a time.

    Written under a ``.part`` name and renamed when complete, so a half-written upload is never
    mistaken for a package.
    """
    folder = Path(settings.INGEST_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4()}.zip"
    partial = target.with_suffix(".zip.part")
    try:
        with partial.open("xb") as out:
            for chunk in upload.chunks(CHUNK):
                out.write(chunk)
        partial.rename(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def ingest(transfer: Transfer) -> Transfer:
    """Run the pipeline now, in this process (the CLI; the web uses the background task)."""
    return run_transfer(transfer.pk)


def report(transfer: Transfer) -> dict[str, Any]:
    """The transfer's outcome in the JSON shape of docs/interfaces.md."""
    return {
        "accepted": transfer.accepted,
        "transfer": str(transfer.pk),
        "dossiers": transfer.dossier_count,
        "documents": transfer.document_count,
        "files": transfer.file_count,
        "errors": transfer.errors,
        "warnings": transfer.warnings,
    }
