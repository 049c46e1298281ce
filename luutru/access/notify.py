"""E-mails to readers at each step of their use of the archives (thông báo cho độc giả).

One function per step; each takes IDs, re-reads the rows and sends one message from the
Vietnamese template ``templates/access/email/<name>.txt`` (its first line is the subject).
``actions`` calls them with ``transaction.on_commit``: a message goes only for a change that
was saved. A reader without an e-mail address is skipped. Links are absolute when
``SITE_URL`` is set.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from luutru.access.models import AccessRequest, ItemDecision
from luutru.accounts.models import Reader, User


def link(name: str, *args: Any) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


def send(template: str, user: User, context: dict[str, Any]) -> bool:
    """Render ``access/email/<template>.txt`` for ``user`` and send it; whether it was sent."""
    if not user.email:
        return False
    text = render_to_string(
        f"access/email/{template}.txt",
        {"user": user, "site_name": settings.SITE_NAME, **context},
    )
    subject, _, body = text.strip().partition("\n")
    send_mail(subject.strip(), body.strip() + "\n", None, [user.email])
    return True


def account_decided(reader_id: int) -> None:
    """The account was approved or refused (with the reason)."""
    reader = Reader.objects.select_related("user").get(pk=reader_id)
    if reader.approved_at is not None:
        send("account_approved", reader.user, {"reader": reader, "url": link("access:request-new")})
    elif reader.refused_at is not None:
        send("account_refused", reader.user, {"reader": reader, "url": link("portal:about")})


def _request_context(request: AccessRequest) -> dict[str, Any]:
    items = list(request.items.all())
    return {
        "req": request,
        "approved": [i for i in items if i.decision == ItemDecision.APPROVED],
        "refused": [i for i in items if i.decision == ItemDecision.REFUSED],
        "url": link("access:request-detail", request.pk),
    }


def request_decided(request_id: int) -> None:
    """Approved (which items, which refused and why) or rejected (why)."""
    request = AccessRequest.objects.select_related("reader").get(pk=request_id)
    name = "request_rejected" if request.status == "rejected" else "request_approved"
    send(name, request.reader, _request_context(request))


def request_delivered(request_id: int) -> None:
    request = AccessRequest.objects.select_related("reader").get(pk=request_id)
    deliveries = [d for d in request.deliveries.all() if d.purged_at is None]
    send(
        "request_delivered", request.reader, {**_request_context(request), "deliveries": deliveries}
    )


def request_expiring(request_id: int) -> None:
    request = AccessRequest.objects.select_related("reader").get(pk=request_id)
    deliveries = [d for d in request.deliveries.all() if d.purged_at is None]
    until = max((d.expires_at for d in deliveries), default=None)
    send("request_expiring", request.reader, {**_request_context(request), "until": until})
