"""The media sample packages (ingest/tests/media_packages.py) ingested, accepted and
published, for portal tests: a dossier of two photos, a recording and a film with captions;
a dossier of three photos, the third one Sử dụng có điều kiện."""

from __future__ import annotations

from luutru.ingest.actions import accept_transfer, ingest, receive_package
from luutru.ingest.models import TransferState
from luutru.ingest.tests.media_packages import media_samples
from luutru.organizations import actions
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import publish

SIP_DOSSIER = "000.00.16.H30.2023.07"
PHOTO_DOSSIER = "000.00.16.H30.2023.08"


def ingest_media_samples() -> list[Dossier]:
    """Both packages in the holdings; the public records published."""
    parent = actions.create_agency(
        actor=None, code="000.00.00.H30", name="Ủy ban nhân dân tỉnh Hậu Giang", kind="other"
    )
    agency = actions.create_agency(
        actor=None,
        code="000.00.16.H30",
        name="Sở Nông nghiệp và Phát triển nông thôn",
        kind="department",
        parent=parent,
    )
    for name in ("sip_media", "spreadsheet_photos"):
        transfer = ingest(receive_package(media_samples() / name, agency=agency, actor=None))
        assert transfer.state == TransferState.RECEIVED, transfer.errors
        accept_transfer(transfer, None)
    dossiers = list(Dossier.objects.filter(code__in=[SIP_DOSSIER, PHOTO_DOSSIER]).order_by("code"))
    publish(*dossiers)
    return dossiers


def item(code: str) -> Document:
    return Document.objects.get(archival_code=code)
