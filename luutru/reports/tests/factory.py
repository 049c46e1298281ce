"""Plain factory functions for the evaluation tests: rows as the other apps' actions leave
them, dated inside a chosen year (``created_at`` is set on insert, so it is moved after)."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.db.models import Model
from django.utils import timezone

from luutru.access.models import AccessRequest, Delivery, DeliveryForm, Purpose, RequestItem
from luutru.accounts.models import User
from luutru.ingest.models import Transfer
from luutru.organizations.models import Agency
from luutru.records.models import Document, Dossier


def moment(year: int, month: int = 6, day: int = 15) -> datetime.datetime:
    return datetime.datetime(year, month, day, 9, 0, tzinfo=timezone.get_current_timezone())


def dated(row: Model, at: datetime.datetime) -> None:
    type(row)._default_manager.filter(pk=row.pk).update(created_at=at)


def make_transfer(agency: Agency, at: datetime.datetime, **extra: Any) -> Transfer:
    values: dict[str, Any] = {
        "package_name": "goi.zip", "package_path": "/khong-co/goi.zip", "state": "accepted",
    }  # fmt: skip
    values.update(extra)
    transfer = Transfer.objects.create(agency=agency, **values)
    dated(transfer, at)
    return transfer


def make_request(
    reader: User,
    record: Dossier | Document,
    at: datetime.datetime,
    *,
    online: bool,
    decided_late: bool = False,
) -> AccessRequest:
    """A request submitted, decided and served on ``at`` (decided late: after its due day)."""
    decided = at + datetime.timedelta(days=30 if decided_late else 1)
    request = AccessRequest.objects.create(
        reader=reader, purpose=Purpose.PERSONAL, research_topic="Nghiên cứu lịch sử địa phương",
        form=DeliveryForm.READING if online else DeliveryForm.CERTIFIED, status="delivered",
        submitted_at=at, due_on=(at + datetime.timedelta(days=8)).date(),
        decided_at=decided, delivered_at=decided,
    )  # fmt: skip
    RequestItem.objects.create(
        request=request,
        code=str(record),
        dossier=record if isinstance(record, Dossier) else None,
        document=record if isinstance(record, Document) else None,
        regime="01",
    )
    if online:
        Delivery.objects.create(
            request=request, form=DeliveryForm.READING, token=secrets.token_hex(16),
            expires_at=decided + datetime.timedelta(days=15),
            purge_at=decided + datetime.timedelta(days=20),
        )  # fmt: skip
    return request
