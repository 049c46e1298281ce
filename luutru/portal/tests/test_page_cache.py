"""Cached public pages: fast for visitors, never stale after a change, never shared with users.

The cache (portal/cache.py) answers a repeated anonymous GET without rendering; a publication,
withdrawal or edit retires it in the same transaction; signed-in users are never served a
cached page, and pages that set a cookie are never kept.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luutru.exhibitions.models import Exhibition, State
from luutru.portal.cache import _timeout
from luutru.portal.tests.test_pages import PortalTestCase
from luutru.records import actions
from luutru.records.models import Dossier


@override_settings(DOOR_COUNT_FLUSH_SECONDS=3600)
class PageCacheTests(PortalTestCase):
    def queries_for(self, path: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        return len(queries), response.content.decode()

    def test_a_repeated_anonymous_visit_is_answered_from_the_cache(self) -> None:
        path = f"/tai-lieu/{self.records.land.archival_code}/"
        first, page = self.queries_for(path)
        again, cached = self.queries_for(path)
        self.assertGreater(first, 2)
        self.assertEqual(again, 1)  # the generation only
        self.assertEqual(cached, page)

    def test_a_withdrawal_shows_on_the_next_request(self) -> None:
        path = f"/tai-lieu/{self.records.land.archival_code}/"
        self.assertEqual(self.client.get(path).status_code, 200)
        actions.withdraw_records([self.records.land], self.head, "Rà soát lại")
        self.assertEqual(self.client.get(path).status_code, 404)
        self.assertNotContains(self.client.get("/"), self.records.land.summary)

    def test_an_edit_shows_on_the_next_request(self) -> None:
        path = f"/ho-so/{self.records.dossier.code}/"
        self.assertContains(self.client.get(path), self.records.dossier.title)
        dossier = Dossier.objects.get(pk=self.records.dossier.pk)
        dossier.title = "Hồ sơ về việc xây dựng cầu Đông Hòa (đã sửa)"
        dossier.save(update_fields=["title"])
        self.assertContains(self.client.get(path), "cầu Đông Hòa (đã sửa)")

    def test_signed_in_users_never_get_a_cached_page(self) -> None:
        self.client.get("/")  # an anonymous visit fills the cache
        signed_in = self.client_class()
        signed_in.force_login(self.reader)
        with CaptureQueriesContext(connection) as queries:
            page = signed_in.get("/")
        self.assertGreater(len(queries), 1)  # rendered for this user, not taken from the cache
        self.assertContains(page, "Đăng xuất")
        self.assertNotContains(self.client.get("/"), "Đăng xuất")

    def test_a_page_that_sets_a_cookie_is_not_kept(self) -> None:
        path = "/tai-khoan/dang-nhap/"
        first = self.client_class().get(path)
        self.assertIn("csrftoken", first.cookies)
        with CaptureQueriesContext(connection) as queries:
            self.client_class().get(path)
        self.assertNotEqual(len(queries), 1)

    def test_a_scheduled_exhibition_caps_how_long_pages_are_kept(self) -> None:
        start = timezone.now() + datetime.timedelta(seconds=40)
        Exhibition.objects.create(
            title="Triển lãm 2/9", slug="trien-lam-2-9", state=State.PUBLISHED, publish_from=start
        )
        request = self.client.get("/").wsgi_request
        self.assertLessEqual(_timeout(request), 40)
        self.assertGreaterEqual(_timeout(request), 35)
