"""What the portal publishes: public documents, their public codes and addresses, and the
OAI-PMH register (``OaiRecord``) kept in step with the collection.

Every read here goes through the access policy (``access.policy``): a document is published
when ``documents(None, Use.READ)`` holds it, i.e. it is held, Công khai (its own regime and its
dossier's) and published with its dossier (``records.actions.publish_records``). A withdrawal
(``records_changed``) turns its register row into a tombstone in the same transaction, which
OAI-PMH reports as ``deleted``. A document with neither an archival code nor an identifier has
no public address and is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from luutru.access import policy
from luutru.access.models import Use
from luutru.portal.cache import generation
from luutru.portal.models import OaiRecord
from luutru.records.models import Document

BATCH = 1000


def public_code(document: Document) -> str:
    """The code in the document's public address: its archival code, else its identifier."""
    return document.archival_code or document.identifier


def document_url(document: Document) -> str:
    return reverse("portal:document", args=[public_code(document)])


def coded() -> Q:
    """Documents that have a code to be addressed by."""
    return ~Q(archival_code="") | ~Q(identifier="")


def public_documents() -> QuerySet[Document]:
    """What anyone may read, with a public address."""
    return policy.documents(None, Use.READ).filter(coded())


# How long the figures of one page generation are kept; any change to the records starts a new
# generation, so this only bounds how long an unused entry holds memory.
FIGURES_SECONDS = 300


@dataclass(frozen=True)
class Figures:
    """The home page's "N tài liệu, M hồ sơ đang được công bố"."""

    documents: int
    dossiers: int


def published_figures() -> Figures:
    """How many documents (with a public address) and dossiers the public catalogue lists, the
    same figures for every visitor, anonymous or signed in.

    Why cached: counting through the access joins costs about a second of SQL at a million
    documents. Anonymous visitors mostly get the home page from the page cache, but signed-in
    staff and readers are never served a cached page and would pay the count on every visit.
    The figures are kept under the page generation (``portal.cache.generation``), which every
    publication, withdrawal, ingest or edit moves on at its commit: they are never stale, and
    cost one ``MAX(id)`` lookup and a cache read between changes."""
    cache = caches[settings.PORTAL_CACHE_ALIAS]
    key = f"portal.figures.{generation()}"
    figures: Figures | None = cache.get(key)
    if figures is None:
        figures = Figures(
            documents=policy.documents(None, Use.LIST).filter(coded()).count(),
            dossiers=policy.dossiers(None, Use.LIST).count(),
        )
        cache.set(key, figures, FIGURES_SECONDS)
    return figures


def readers_url(name: str, code: str = "") -> str:
    """Where the readers' flow lives: ``access:request-new`` (a request for ``code``, prefilled
    through ``?ma=``) or ``access:reader-register``."""
    path = reverse(name)
    return f"{path}?{urlencode({'ma': code})}" if code else path


# ---------------------------------------------------------------------------------------------
# The OAI-PMH register


def note_documents(document_ids: Iterable[int]) -> int:
    """Bring the register up to date for these documents (created, changed or deleted):
    public ones are (re)stamped live, others that were published are stamped deleted.
    Idempotent apart from the datestamp; returns the number of rows written."""
    ids = sorted({int(i) for i in document_ids})
    now = timezone.now()
    written = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        public = {
            row[0]: row
            for row in public_documents()
            .filter(pk__in=batch)
            .values_list(
                "pk", "archival_code", "identifier", "agency__code", "dossier__fonds__code"
            )
        }
        with transaction.atomic():
            known = {r.document_id: r for r in OaiRecord.objects.filter(document_id__in=batch)}
            codes = {row[1] or row[2]: pk for pk, *row in public.values() if pk not in known}
            by_code = {r.code: r for r in OaiRecord.objects.filter(code__in=list(codes))}
            new, changed = [], []
            for pk, archival_code, identifier, agency_code, fonds_code in public.values():
                code = archival_code or identifier
                record = known.get(pk) or by_code.get(code)
                if record is None:
                    record = OaiRecord(code=code)
                    new.append(record)
                else:
                    changed.append(record)
                record.code = code
                record.document_id = pk
                record.datestamp = now
                record.deleted = False
                record.agency_code = agency_code or ""
                record.fonds_code = fonds_code or ""
            OaiRecord.objects.bulk_create(new)
            OaiRecord.objects.bulk_update(
                changed, ["code", "document", "datestamp", "deleted", "agency_code", "fonds_code"]
            )
            written += len(new) + len(changed)
            withdrawn = [r.pk for pk, r in known.items() if pk not in public and not r.deleted]
            written += OaiRecord.objects.filter(pk__in=withdrawn).update(
                deleted=True, datestamp=now
            )
    return written


def note_removed(document_ids: Iterable[int]) -> int:
    """Documents about to be deleted from the collection: their records become tombstones."""
    return OaiRecord.objects.filter(document_id__in=list(document_ids), deleted=False).update(
        deleted=True, datestamp=timezone.now()
    )


def sync_register() -> int:
    """Rebuild the register from the collection (``luutru oai_sync``): every public document
    gets a live row, every published one that is no longer public a tombstone. Rows already
    right keep their datestamp."""
    now = timezone.now()
    written = 0
    live_ids = set(OaiRecord.objects.live().values_list("document_id", flat=True))
    public_ids = set(public_documents().values_list("pk", flat=True))
    written += note_documents(public_ids - live_ids)
    gone = live_ids - public_ids
    written += (
        OaiRecord.objects.filter(Q(document_id__in=gone) | Q(document_id__isnull=True))
        .filter(deleted=False)
        .update(deleted=True, datestamp=now)
    )
    return written


# ---------------------------------------------------------------------------------------------
# Signal receivers (connected in PortalConfig.ready)


def _later(ids: list[int]) -> None:
    # In the caller's transaction, not on commit: the register changes with the record or not
    # at all, and tests see it without running commit hooks.
    note_documents(ids)


def on_document_saved(sender: Any, instance: Document, **kwargs: Any) -> None:
    _later([instance.pk])


def on_document_deleted(sender: Any, instance: Document, **kwargs: Any) -> None:
    note_removed([instance.pk])


def on_dossier_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if not created:
        _later(list(Document.objects.filter(dossier=instance).values_list("pk", flat=True)))


def on_records_ingested(sender: Any, document_ids: Iterable[int] = (), **kwargs: Any) -> None:
    _later(list(document_ids))


def on_records_changed(sender: Any, document_ids: Iterable[int] = (), **kwargs: Any) -> None:
    """Publication, withdrawal, a regime change: sent inside the action's transaction."""
    _later(list(document_ids))
