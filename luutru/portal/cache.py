"""Anonymous public pages served from a cache, retired the moment what they show changes.

A portal page costs about 12 ms of CPU to render, a cached one well under a millisecond, and a
holiday exhibition sends thousands of visitors to the same few pages. ``PageCacheMiddleware``
answers an anonymous GET of a public page from Django's cache, keyed the way Django's own cache
middleware keys pages (the URL and the headers the response varies on), under a prefix that
holds the language and the current generation (the last ``PageChange``):

- any change to records, organisations, exhibitions or portal data (a save, a delete, or the
  records signals that bulk publication and withdrawal send) adds a ``PageChange`` in the same
  transaction, so from its commit on every process renders afresh;
- an exhibition's scheduled start or end caps how long a page may be kept;
- requests with a session cookie or an ``Authorization`` header are never served from the
  cache and never fill it, so a signed-in user sees only their own pages;
- a response that sets a cookie (a CSRF token, a message), is private or is not a 200 is not
  kept.

The search page is kept briefly (``PORTAL_SEARCH_CACHE_SECONDS``): its index is updated in
the background, after the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Min, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_cache_key, learn_cache_key

from luutru.portal.models import PageChange

# Signed-in, per-user or non-page doors; downloads (large files) are served each time.
SKIP_PREFIXES = (
    "/quan-tri/", "/tai-khoan/", "/doc-gia/", "/admin/", "/api/", "/static/", "/i18n/",
    "/oai", "/iiif/",
)  # fmt: skip
DOWNLOAD_SUFFIX = "/tai-ve/"
SEARCH_PREFIX = "/tra-cuu/"
# Apps whose data appear on public pages.
WATCHED_APPS = {"records", "organizations", "exhibitions", "portal"}


PRUNE_EVERY = 1000


# Plain SQL: compiling the same ORM aggregate would cost more than the whole cache hit.
LAST_CHANGE_SQL = f"SELECT MAX(id) FROM {PageChange._meta.db_table}"  # noqa: S608 - constant


def generation() -> int:
    with connection.cursor() as cursor:
        cursor.execute(LAST_CHANGE_SQL)
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


def retire_pages(**kwargs: Any) -> None:
    """Retire every cached public page, from the moment the current transaction commits."""
    change = PageChange.objects.create()
    if change.pk % PRUNE_EVERY == 0:
        PageChange.objects.filter(pk__lt=change.pk).delete()


def on_model_changed(sender: Any, **kwargs: Any) -> None:
    """``post_save`` / ``post_delete`` / ``m2m_changed`` receiver for the watched apps."""
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in WATCHED_APPS or sender is PageChange:
        return
    if sender.__module__ == "__fake__":  # a migration's historical model: no pages yet
        return
    retire_pages()


def _next_schedule_change(now: datetime.datetime) -> datetime.datetime | None:
    """The next moment a published exhibition goes up or comes down."""
    from luutru.exhibitions.models import Exhibition, State

    upcoming = Exhibition.objects.filter(state=State.PUBLISHED).aggregate(
        start=Min("publish_from", filter=Q(publish_from__gt=now)),
        end=Min("publish_until", filter=Q(publish_until__gt=now)),
    )
    moments = [m for m in upcoming.values() if m is not None]
    return min(moments) if moments else None


def _timeout(request: HttpRequest) -> int:
    seconds: int = settings.PORTAL_CACHE_SECONDS
    if request.path.startswith(SEARCH_PREFIX):
        seconds = min(seconds, settings.PORTAL_SEARCH_CACHE_SECONDS)
    now = timezone.now()
    change = _next_schedule_change(now)
    if change is not None:
        seconds = min(seconds, int((change - now).total_seconds()))
    return max(seconds, 0)


def _request_cacheable(request: HttpRequest) -> bool:
    path = request.path
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not path.startswith(SKIP_PREFIXES)
        and not path.endswith(DOWNLOAD_SUFFIX)
    )


def _response_cacheable(response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in control for word in ("private", "no-store", "no-cache"))
    )


class PageCacheMiddleware:
    """Placed before the session, authentication and CSRF middleware, so that a hit costs
    only the generation lookup and the cache read (``settings.MIDDLEWARE``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.PORTAL_CACHE_SECONDS or not _request_cacheable(request):
            return self.get_response(request)
        cache = caches[settings.PORTAL_CACHE_ALIAS]
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        prefix = f"portal.{generation()}.{language}"
        key = get_cache_key(request, prefix, "GET", cache=cache)
        if key is not None:
            cached = cache.get(key)
            # Each entry carries its end on the application's clock (timezone.now), which
            # a scheduled exhibition's start is compared with, not only the cache's own.
            if cached is not None and timezone.now() < cached[0]:
                return cached[1]
        response = self.get_response(request)
        if _response_cacheable(response):
            timeout = _timeout(request)
            if timeout:
                # The response's own headers are left alone: browsers must come back, so
                # that a withdrawal shows on their next request too.
                # Template responses are rendered by now (the handler renders them before
                # the middleware sees them).
                key = learn_cache_key(request, response, timeout, prefix, cache=cache)
                ends = timezone.now() + datetime.timedelta(seconds=timeout)
                cache.set(key, (ends, response), timeout)
        return response
