"""Receiving a package and running it through the pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from luutru.audit.actions import record
from luutru.ingest.models import Transfer
from luutru.ingest.pipeline import run_transfer
from luutru.organizations.models import Agency


@transaction.atomic
def receive_package(
    path: Path, *, agency: Agency, actor: Any, dry_run: bool = False, name: str = ""
) -> Transfer:
    """Register a package (a folder or a .zip on this server) as a transfer from an agency."""
    transfer = Transfer.objects.create(
        agency=agency,
        submitted_by=actor if actor is not None and actor.is_authenticated else None,
        package_name=name or path.name,
        package_path=str(path.resolve()),
        dry_run=dry_run,
    )
    record(
        "ingest.transfer_receive",
        actor=actor,
        target=transfer,
        message=(
            f"Nhận gói “{transfer.package_name}” của {agency.name}"
            + (" để kiểm tra thử." if dry_run else ".")
        ),
        data={"agency": agency.code, "dry_run": dry_run},
    )
    return transfer


def ingest(transfer: Transfer) -> Transfer:
    """Run the pipeline now, in this process (the CLI; the web uses the background task)."""
    return run_transfer(transfer.pk)


def report(transfer: Transfer) -> dict[str, Any]:
    """The transfer's outcome in the JSON shape of interfaces.md."""
    return {
        "accepted": transfer.accepted,
        "transfer": str(transfer.pk),
        "dossiers": transfer.dossier_count,
        "documents": transfer.document_count,
        "files": transfer.file_count,
        "errors": transfer.errors,
        "warnings": transfer.warnings,
    }
