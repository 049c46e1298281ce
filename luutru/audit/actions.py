"""The one way to write the audit trail.

Call ``record`` inside the same ``transaction.atomic`` block as the change it describes: if
the change rolls back, so does its event, and the chain never names what did not happen.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from luutru.audit.anchor import load_key, sign_event
from luutru.audit.models import GENESIS_HASH, AuditEvent, AuditHead

if TYPE_CHECKING:
    from django.http import HttpRequest

Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None
"""Who made a change: a signed-in user, the anonymous visitor of a request (``request.user``
before sign-in), or ``None`` for the system itself (tasks, signals, management commands)."""


def record(
    action: StrEnum,
    *,
    actor: Actor,
    message: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the chain. Cost: one locked read, two writes and a small file read
    (the anchor key, which the first event of an installation creates).

    ``action`` is a member of the calling app's ``AuditAction`` (in its ``models.py``), whose
    value is what the trail stores and what the administrators filter by.
    """
    # Normalise through JSON now so the digest is computed over exactly what is stored.
    clean_data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False))
    key = load_key(create=True)  # before the lock: a key that cannot be read fails early
    assert key is not None
    # No savepoint: an event that cannot be written must roll back the change it describes,
    # so a failure here dooms the caller's whole transaction rather than only this block.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        event = AuditEvent(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
            actor_name=actor.get_username() if actor is not None else "",
            action=str(action),
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            object_repr=str(target)[:300] if target is not None else "",
            message=message,
            data=clean_data,
            ip_address=_client_ip(request),
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event.mac = sign_event(key, event.hash)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # First event of a new installation (or a test database that was flushed).
    last = AuditEvent.objects.order_by("-seq").first()
    return AuditHead.objects.create(
        pk=1,
        seq=last.seq if last else 0,
        hash=last.hash if last else GENESIS_HASH,
    )


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
