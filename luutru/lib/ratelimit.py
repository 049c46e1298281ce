"""Who is calling (the client's address behind our own proxies) and how often: per-address limits.

``client_ip`` trusts ``X-Forwarded-For`` only when the request came from one of
``settings.TRUSTED_PROXIES`` (addresses or networks; none by default), and then takes the
right-most address that is not itself a trusted proxy: anything further left was written by the
client and proves nothing. Every limit (the API's anonymous callers, sign-in attempts, password
reset mail, OAI-PMH, IIIF) and django-axes (``AXES_CLIENT_IP_CALLABLE``) ask it, so one setting
decides whom a limit counts.

``hit`` counts in a fixed one-minute window with ``cache.incr``, which is atomic on shared caches
(per process with the default local-memory cache), and reads the limit on every call so that a
test can change it.
"""

from __future__ import annotations

import functools
import ipaddress
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The caller's address: ``REMOTE_ADDR``, or, when that is a trusted proxy, the right-most
    address of ``X-Forwarded-For`` that is not a trusted proxy."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if not _is_trusted(remote):
        return remote
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    forwarded = [part.strip() for part in header.split(",")]
    for address in reversed([part for part in forwarded if part]):
        if not _is_trusted(address):
            return address
    return remote


def hit(bucket: str, ident: str, limit: int) -> bool:
    """Count one request of ``ident`` in ``bucket``; whether it is within ``limit`` a minute
    (0 = no limit)."""
    if not limit:
        return True
    key = f"rate:{bucket}:{ident}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count <= limit


def seconds_left() -> int:
    """Seconds until the current window ends (for ``Retry-After``)."""
    return max(1, round(60 - time.time() % 60))


def too_many(request: HttpRequest) -> HttpResponse:
    wait = seconds_left()
    response = HttpResponse(
        f"Quá nhiều yêu cầu từ địa chỉ của bạn. Vui lòng thử lại sau {wait} giây.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(wait)
    return response


def per_ip(
    bucket: str, setting: str, *, methods: frozenset[str] | None = None
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Limit a view to ``settings.<setting>`` requests a minute from one address (429 beyond),
    counting only ``methods`` if given (for instance POST for a sign-in form)."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            counted = methods is None or request.method in methods
            if counted and not hit(bucket, client_ip(request), getattr(settings, setting)):
                return too_many(request)
            return view(request, *args, **kwargs)

        return limited

    return decorate
