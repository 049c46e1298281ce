"""What waits for the user on the staff home: one block per kind of work, per permission.

Each block is a handful of aggregate queries over the other apps' QuerySets (never their
views), so the page costs the same number of queries whatever the size of the queues.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from luutru.access import services as access
from luutru.digitization.models import BatchState
from luutru.digitization.services import batches_visible_to
from luutru.ingest.models import Transfer, TransferState, review_days
from luutru.ingest.services import ACCEPT_TRANSFER, ADD_TRANSFER, awaiting_acceptance
from luutru.organizations.models import AgencyQuerySet
from luutru.records.services import awaiting_publication
from luutru.retention.models import Appraisal, Secrecy

PUBLISH_RECORD = "records.publish_record"
VIEW_RETENTION = "retention.view_appraisal"
# The clerk's returned transfers shown on the home page, newest first.
RETURNED_LIMIT = 5


@dataclass(frozen=True)
class Queue:
    """A queue of work: how many wait, the oldest's date and its deadline, how many are late."""

    count: int
    oldest: datetime.date | None = None
    due: datetime.date | None = None
    overdue: int = 0


@dataclass
class Work:
    transfers: Queue | None = None
    returned: list[Transfer] = field(default_factory=list)
    requests: Queue | None = None
    batches: Queue | None = None
    publication: Queue | None = None
    appraisals: Queue | None = None
    secrecy: Queue | None = None

    @property
    def waiting(self) -> bool:
        """Anything at all waits for the user."""
        queues = (
            self.transfers,
            self.requests,
            self.batches,
            self.publication,
            self.appraisals,
            self.secrecy,
        )
        return bool(self.returned) or any(q is not None and q.count for q in queues)


def _transfers(user: Any, scope: AgencyQuerySet, today: datetime.date) -> Queue:
    days = review_days()
    # Overdue once today is past the day of hand-over plus the review period: handed over
    # before the start of (today - days) in local time.
    late_before = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time.min)
    )
    row = awaiting_acceptance(user, scope).aggregate(
        count=Count("pk"),
        oldest=Min("created_at"),
        overdue=Count("pk", filter=Q(created_at__lt=late_before)),
    )
    oldest = timezone.localdate(row["oldest"]) if row["oldest"] else None
    due = oldest + datetime.timedelta(days=days) if oldest else None
    return Queue(row["count"], oldest, due, row["overdue"])


def _requests(user: Any, today: datetime.date) -> Queue:
    row = (
        access.requests_for_staff(user)
        .pending()
        .aggregate(
            count=Count("pk"),
            due=Min("due_on"),
            oldest=Min("submitted_at"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
        )
    )
    oldest = timezone.localdate(row["oldest"]) if row["oldest"] else None
    return Queue(row["count"], oldest, row["due"], row["overdue"])


def work_for(user: Any, scope: AgencyQuerySet, today: datetime.date | None = None) -> Work:
    """The work waiting for ``user`` in ``scope`` (``agencies_in_scope(user)``), by permission."""
    today = today or timezone.localdate()
    work = Work()
    if user.has_perm(ACCEPT_TRANSFER):
        work.transfers = _transfers(user, scope, today)
    if user.has_perm(ADD_TRANSFER):
        work.returned = list(
            Transfer.objects.filter(
                submitted_by_id=user.pk, state=TransferState.RETURNED, agency__in=scope
            )
            .select_related("decided_by")
            .order_by("-decided_at")[:RETURNED_LIMIT]
        )
    if access.can_handle(user):
        work.requests = _requests(user, today)
    if user.has_perm("digitization.view_scanbatch"):
        row = (
            batches_visible_to(user, scope)
            .filter(state=BatchState.REVIEW)
            .aggregate(count=Count("pk"), oldest=Min("created_at"))
        )
        oldest = timezone.localdate(row["oldest"]) if row["oldest"] else None
        work.batches = Queue(row["count"], oldest)
    if user.has_perm(PUBLISH_RECORD):
        dossiers, documents = awaiting_publication(scope)
        work.publication = Queue(
            dossiers.order_by().values("pk").count() + documents.order_by().values("pk").count()
        )
    if user.has_perm(VIEW_RETENTION):
        work.appraisals = Queue(Appraisal.objects.in_progress().filter(agency__in=scope).count())
        row = (
            Secrecy.objects.review_due(today)
            .filter(dossier__agency__in=scope)
            .aggregate(count=Count("pk"), due=Min("review_on"))
        )
        work.secrecy = Queue(row["count"], due=row["due"])
    return work
