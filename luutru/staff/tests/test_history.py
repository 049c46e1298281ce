"""Back and Forward on the staff pages that htmx updates in place (hx-push-url).

htmx pushes each filtered list's URL into the browser's history. Signed-in pages are never
snapshotted into localStorage (``hx-history="false"``), so Back asks the server again with
``HX-Request`` and ``HX-History-Restore-Request``: that request must get the whole page, with
the site's header and navigation, not the bare fragment a live filter gets.
"""

from __future__ import annotations

from luutru.accounts.models import User
from luutru.audit.actions import record
from luutru.organizations.models import AuditAction
from luutru.records.tests.factory import make_document, make_dossier
from luutru.search import services
from luutru.test import BaseTestCase

HTMX = {"HX-Request": "true"}
RESTORE = {**HTMX, "HX-History-Restore-Request": "true"}

# Each list page with hx-push-url, a query, and the element its partial begins with.
RESULTS, TREE, USERS = '<div id="results"', '<div id="tree"', '<div id="users"'
PUSHED_PAGES = {
    "hồ sơ": ("/quan-tri/ho-so/", {"q": "trụ sở"}, RESULTS),
    "tài liệu chưa lập hồ sơ": ("/quan-tri/tai-lieu/chua-lap-ho-so/", {"q": "kinh phí"}, RESULTS),
    "nhật ký": ("/quan-tri/nhat-ky/", {"q": "Phông"}, RESULTS),
    "cây cơ quan": ("/quan-tri/co-quan/", {"q": "Sở"}, TREE),
    "người dùng": ("/quan-tri/nguoi-dung/", {"q": "vanthu"}, USERS),
    "tra cứu": ("/quan-tri/tra-cuu/", {"q": "kinh phí"}, RESULTS),
}
# The site's header and the staff navigation: what a whole page has and a fragment has not.
HEADER = '<header class="topbar">'
NAV = '<nav class="areas"'


class HistoryRestoreTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_dossier(cls.agency_a, 1, title="Hồ sơ xây dựng trụ sở")
        make_document(cls.agency_a, None, 1, summary="Về việc cấp kinh phí")
        record(AuditAction.FONDS_CREATE, actor=cls.admin, message="Phông mới")

    def setUp(self) -> None:
        super().setUp()
        services.reindex()
        self.login(self.admin)

    def get(self, url: str, params: dict[str, str], headers: dict[str, str]) -> str:
        response = self.client.get(url, params, headers=headers)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def test_a_history_restore_gets_the_whole_page_with_header_and_navigation(self) -> None:
        for name, (url, params, _start) in PUSHED_PAGES.items():
            with self.subTest(name):
                content = self.get(url, params, RESTORE)
                self.assertIn("<html", content)
                self.assertIn(HEADER, content)
                self.assertIn(NAV, content)
                self.assertIn(f'value="{params["q"]}"', content)  # the box shows its query

    def test_a_live_filter_gets_only_the_fragment(self) -> None:
        for name, (url, params, start) in PUSHED_PAGES.items():
            with self.subTest(name):
                content = self.get(url, params, HTMX)
                self.assertTrue(content.lstrip().startswith(start), content[:200])
                self.assertNotIn("<html", content)
                self.assertNotIn(HEADER, content)
                self.assertNotIn(NAV, content)

    def test_no_cache_serves_the_fragment_for_the_page_or_the_reverse(self) -> None:
        for name, (url, params, _start) in PUSHED_PAGES.items():
            with self.subTest(name):
                vary = self.client.get(url, params)["Vary"]
                self.assertIn("HX-Request", vary)
                self.assertIn("HX-History-Restore-Request", vary)


class NoLocalStorageSnapshotTests(BaseTestCase):
    """Pages listing restricted rows carry ``hx-history="false"``: htmx keeps no copy of them
    in localStorage, which outlives signing out on a shared computer."""

    def assert_not_snapshotted(self, user: User, url: str) -> None:
        self.login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertContains(response, 'hx-history="false"', count=1)

    def test_staff_lists_are_never_stored_by_htmx(self) -> None:
        services.reindex()
        for url in (
            "/quan-tri/ho-so/",
            "/quan-tri/tai-lieu/chua-lap-ho-so/",
            "/quan-tri/tra-cuu/?q=x",
            "/quan-tri/nhat-ky/",
            "/quan-tri/khai-thac/",  # readers' requests
            "/quan-tri/nguoi-dung/",
            "/quan-tri/co-quan/",
            "/quan-tri/nop-luu/",
            "/quan-tri/so-hoa/",
        ):
            with self.subTest(url):
                self.assert_not_snapshotted(self.admin, url)

    def test_a_readers_requests_are_never_stored_by_htmx(self) -> None:
        self.assert_not_snapshotted(self.reader, "/doc-gia/")
