"""The one access policy: who may list, read, download or copy which record.

Every path that shows or serves a record asks here — pages, API endpoints, search, file
downloads, thumbnails, IIIF, OAI-PMH, exports. The rules (TT 05/2025 Điều 32-42):

- A record's regime is the stricter of its own and its dossier's (01 Công khai < 02 Sử dụng có
  điều kiện < 03 Mật).
- The public (anyone, signed in or not) may read and copy a record only when it is held (accepted
  into the holdings), Công khai and published (công bố, ``records.actions.publish_records``); a
  filed document also needs its dossier held, Công khai and published
  (``records.models.open_documents_q``). Download of the original is for those whose
  ``public_download`` allows it; otherwise the public reads its pages only.
- The public may also list the description of a held Sử dụng có điều kiện record where its fonds
  lists them (``Fonds.list_conditional``, ``listed_documents_q``): title, dates, code, access
  conditions, never the content. Mật records are never listed.
- Staff (any role but reader) may do everything with records of the agencies in their scope
  (``agencies_in_scope``); administrators and province-wide roles with every record — except
  Mật (03) records, which are need-to-know: staff in scope see that one exists in a list (code
  and title) but open, read, download or copy it only under a staff grant in force for it and
  for that use (``Grant`` with a reason, ``actions.grant_staff_access``), administrators too.
  The KPI viewer is never granted one. Downloading the original needs the grant to say so.
- A reader may use a restricted record only as an approved grant in force says (``Grant``):
  the granted uses, for the granted period. Secret (03) records are never listed to readers.
- Records of a transfer the archive has not yet accepted (``Custody.RECEIVED``) are seen only by
  staff in scope (the submitting agency's and the archive's); nobody else, grant or not.
- Nothing else widens access. Refusals look the same as absence (``get_document_or_404``) so
  that a caller cannot learn which restricted codes exist.

This is the one module of access that the views, urls and api modules of any app may import,
whatever their layer (``tools/layers.py``): the staff pages of ``records`` and ``preservation``
ask it directly, on each request, with no registry filled at start-up and no fallback when it
is not asked. ``log_view`` is here for the same reason: it writes the use log's line for what
such a page showed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from luutru.access.models import Grant, Use
from luutru.organizations.services import Scope, record_scope
from luutru.records.models import (
    Custody,
    Document,
    Dossier,
    listed_documents_q,
    listed_dossiers_q,
    open_documents_q,
    open_dossiers_q,
)
from luutru.records.rules import effective_regime

PUBLIC = "01"
CONDITIONAL = "02"
SECRET = "03"  # noqa: S105 - the regime code "Mật", not a password

__all__ = [
    "CONDITIONAL",
    "PUBLIC",
    "SECRET",
    "Scope",
    "Use",
    "can",
    "documents",
    "dossiers",
    "effective_regime",
    "get_document_or_404",
    "get_dossier_or_404",
    "grant_expiry",
    "is_listed",
    "is_public",
    "log_view",
    "scope",
]


def scope(user: Any) -> Scope:
    """The caller's scope (``organizations.services.record_scope``, which search asks too)."""
    return record_scope(user)


def _public_documents_q(use: Use) -> Q:
    """What the public may ``use`` of the documents (see the module docstring)."""
    if use == Use.LIST:
        return open_documents_q() | listed_documents_q()
    if use == Use.DOWNLOAD:
        return open_documents_q() & Q(public_download=True)
    return open_documents_q()


def _public_dossiers_q(use: Use) -> Q:
    if use == Use.LIST:
        return open_dossiers_q() | listed_dossiers_q()
    return open_dossiers_q()


def _grant_q(user: Any, use: Use, *, prefix: str) -> Q:
    """Records covered by the user's grants in force for ``use`` (``prefix`` "" for documents,
    "dossier" for dossiers)."""
    grants = Grant.objects.in_force().filter(user=user)
    doc_ids: set[int] = set()
    dossier_ids: set[int] = set()
    for document_id, dossier_id, uses in grants.values_list("document_id", "dossier_id", "uses"):
        if use == Use.LIST or use in uses:
            if document_id:
                doc_ids.add(document_id)
            if dossier_id:
                dossier_ids.add(dossier_id)
    if prefix == "dossier":
        return Q(pk__in=dossier_ids)
    return Q(pk__in=doc_ids) | Q(dossier_id__in=dossier_ids)


def _secret_documents_q() -> Q:
    return Q(access_regime=SECRET) | Q(dossier__access_regime=SECRET)


def documents(user: Any, use: Use = Use.LIST) -> QuerySet[Document]:
    """The documents ``user`` may ``use``."""
    caller = scope(user)
    qs = Document.objects.all()
    if caller.is_staff:
        if caller.agency_ids is not None:
            qs = qs.filter(agency_id__in=caller.agency_ids)
        if use == Use.LIST:
            return qs
        # Need-to-know: a Mật record only under a grant for this use (module docstring).
        return qs.filter(~_secret_documents_q() | _grant_q(user, use, prefix=""))
    allowed = _public_documents_q(use)
    if user is not None and user.is_authenticated and user.is_active:
        granted = _grant_q(user, use, prefix="")
        if use == Use.LIST:
            # Secret records are never listed to readers, grant or not.
            granted &= ~Q(access_regime=SECRET) & ~Q(dossier__access_regime=SECRET)
        allowed |= granted
    return qs.filter(allowed, custody=Custody.HELD)


def dossiers(user: Any, use: Use = Use.LIST) -> QuerySet[Dossier]:
    """The dossiers ``user`` may ``use`` (as a whole: its description and list of documents)."""
    caller = scope(user)
    qs = Dossier.objects.all()
    if caller.is_staff:
        if caller.agency_ids is not None:
            qs = qs.filter(agency_id__in=caller.agency_ids)
        if use == Use.LIST:
            return qs
        return qs.filter(~Q(access_regime=SECRET) | _grant_q(user, use, prefix="dossier"))
    allowed = _public_dossiers_q(use)
    if user is not None and user.is_authenticated and user.is_active:
        granted = _grant_q(user, use, prefix="dossier")
        if use == Use.LIST:
            granted &= ~Q(access_regime=SECRET)
        allowed |= granted
    return qs.filter(allowed, custody=Custody.HELD)


def can(user: Any, use: Use, record: Document | Dossier) -> bool:
    """Whether ``user`` may ``use`` this record."""
    if isinstance(record, Dossier):
        return dossiers(user, use).filter(pk=record.pk).exists()
    return documents(user, use).filter(pk=record.pk).exists()


def is_public(record: Document | Dossier) -> bool:
    """Whether anyone may read the record (what the portal, OAI-PMH and IIIF publish)."""
    return can(None, Use.READ, record)


def is_listed(record: Document | Dossier) -> bool:
    """Whether the public catalogue lists the record's description (public, or a conditional
    record of a fonds that lists them)."""
    return can(None, Use.LIST, record)


NOT_FOUND = _("Không tìm thấy tài liệu, hoặc bạn chưa được phép khai thác tài liệu này.")


def get_document_or_404(user: Any, use: Use = Use.READ, **lookup: Any) -> Document:
    """The document matching ``lookup`` if ``user`` may ``use`` it; otherwise the same 404 as for
    a record that does not exist, so refusals tell nothing about existence."""
    found = documents(user, use).filter(**lookup).select_related("dossier", "agency").first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def get_dossier_or_404(user: Any, use: Use = Use.READ, **lookup: Any) -> Dossier:
    """As ``get_document_or_404`` for dossiers."""
    found = dossiers(user, use).filter(**lookup).select_related("agency", "fonds").first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def grant_expiry(user: Any, record: Document | Dossier) -> Any:
    """When the user's latest grant in force covering ``record`` ends, or ``None``."""
    grants = Grant.objects.in_force().filter(user=user)
    if isinstance(record, Document):
        cover = (
            Q(document=record) | Q(dossier_id=record.dossier_id)
            if record.dossier_id
            else Q(document=record)
        )
    else:
        cover = Q(dossier=record)
    latest = grants.filter(cover).order_by("-valid_until").first()
    return latest.valid_until if latest else None


def log_view(user: Any, record: Document | Dossier) -> None:
    """Write that ``user`` was shown ``record`` to the use log (nhật ký khai thác).

    For pages below access in the layers (the staff record pages), which may import this module
    and nothing else of access; access's own views call ``actions.log_use`` themselves.
    """
    # Imported here: actions imports services, which imports this module.
    from luutru.access.actions import LogAction, log_use

    if isinstance(record, Dossier):
        log_use(user, LogAction.VIEW, dossier=record)
    else:
        log_use(user, LogAction.VIEW, document=record)
