"""The demo's publication (công bố): the head of the provincial archive publishes every Công khai
record the demo loaded, through the same action as the staff page, so the portal, the API,
OAI-PMH, IIIF and search show them. Conditional and secret records stay unpublished. Idempotent:
records already decided on are left alone."""

from __future__ import annotations

from luutru.accounts.models import User
from luutru.organizations.models import Agency
from luutru.records.actions import publish_records
from luutru.records.models import Document, Dossier
from luutru.records.services import awaiting_publication

HEAD = "lanhdao"
REASON = "Công bố tài liệu mẫu của tỉnh Sơn Nam cho người dùng thử."


def publish_demo() -> int:
    """Publish what waits for a decision; return how many dossiers and documents were decided."""
    dossiers, documents = awaiting_publication(Agency.objects.all())
    chosen: list[Dossier | Document] = [*dossiers, *documents]
    if not chosen:
        return 0
    head = User.objects.filter(username=HEAD).first()
    outcome = publish_records(chosen, head, REASON)
    return len(outcome.done)
