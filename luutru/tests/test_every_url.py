"""Walk every URL pattern: nothing outside the public list opens for anonymous visitors or readers.

A new staff page that forgets its login or permission check fails here. The JSON API is public
by design: anonymous callers get 200 and public (Công khai) records only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.search import services
from luutru.test import PASSWORD, BaseTestCase, pass_second_factor

# JSON API endpoints: open to anyone, showing anonymous callers public records only.
PUBLIC_API = {
    "api/v1/",
    "api/v1/search",
    "api/v1/openapi.json",
    "api/v1/docs",
}
# JSON API records: a public code gives 200, any other 404 (test_portal_and_record_apis…).
PUBLIC_API_RECORDS = {"api/v1/dossiers/<code>", "api/v1/documents/<code>", "api/v1/agencies/<code>"}
# JSON API for agencies' systems (online transfer): a clerk's token, else 401 (no sign-in page to
# send a machine to); readers' accounts get 403.
# The retention lists (staff with retention.view_appraisal, by token or session) likewise.
TOKEN_API = {
    "api/v1/transfers",
    "api/v1/transfers/<id>",
    "api/v1/retention/due",
    "api/v1/retention/holds",
    "api/v1/retention/transfers",
}
# The public portal (portal app): pages, OAI-PMH and IIIF; record pages answer 404 for codes
# that do not exist or are not public.
PORTAL = {
    "tra-cuu/",
    "co-quan/",
    "co-quan/<str:code>/",
    "phong/<str:code>/",
    "ho-so/<str:code>/",
    "tai-lieu/<str:code>/",
    "tai-lieu/<str:code>/xem/",
    "tai-lieu/<str:code>/tai-ve/",
    "tai-lieu/<str:code>/nghe-xem/<int:number>",
    "tai-lieu/<str:code>/phu-de/<int:number>.vtt",
    "nhung/",
    "gioi-thieu/",
    "oai",
    "iiif/<str:code>/manifest",
    "iiif/<str:code>/trang/<int:number>",
    "iiif/<str:code>/trang/<int:number>/<int:width>.jpg",
}
# Online exhibitions (exhibitions app): published ones are public; drafts answer 404.
EXHIBITIONS = {
    "trien-lam/",
    "trien-lam/<slug:slug>/",
    "trien-lam/<slug:slug>/nhung/",
    "api/v1/exhibitions",
    "api/v1/exhibitions/<slug>",
}
# Pages anyone may open, by route.
PUBLIC = {
    "",
    "i18n/setlang/",
    "tai-khoan/dang-nhap/",
    "tai-khoan/dang-xuat/",
    "tai-khoan/quen-mat-khau/",
    "tai-khoan/quen-mat-khau/da-gui/",
    "tai-khoan/dat-lai-mat-khau/<uidb64>/<token>/",
    "tai-khoan/dat-lai-mat-khau/xong/",
    "doc-gia/dang-ky/",
    "doc-gia/tra-cuu-phieu/",  # number + e-mail: the state only, the same answer for a miss
    *PUBLIC_API,
    *PUBLIC_API_RECORDS,
    *PORTAL,
    *EXHIBITIONS,
    "api/v1/<path:rest>",  # any other API path: a JSON 404
}
# Signed-in pages every user has, readers included.
ANY_USER = {
    "tai-khoan/doi-mat-khau/",
    "tai-khoan/doi-mat-khau/xong/",
    # The second factor is optional for readers (accounts/tests/test_second_factor.py).
    "tai-khoan/xac-thuc-hai-buoc/",
    "tai-khoan/xac-thuc-hai-buoc/dang-ky/",
}
# Readers' own pages (access app): what they show is checked in luutru/access/tests.
READER = {
    "doc-gia/",
    "doc-gia/lich-su/",
    "doc-gia/yeu-cau/moi/",
    "doc-gia/yeu-cau/<int:pk>/",
    "doc-gia/yeu-cau/<int:pk>/huy/",
    "doc-gia/ban-doc/<str:token>/",
    "doc-gia/ban-doc/<str:token>/<int:document>/<int:page>.jpg",
    "doc-gia/ban-sao/<str:token>/",
}


def routes(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[str]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, route)
        else:
            yield route


# Sample values for typed URL parameters; the check runs before any lookup, so they need not exist.
SAMPLES = {"uuid": "00000000-0000-4000-8000-000000000000", "int": "1"}


class EveryUrlTests(BaseTestCase):
    def url_for(self, route: str) -> str:
        def sample(match: re.Match[str]) -> str:
            if match["converter"] in SAMPLES:
                return SAMPLES[match["converter"]]
            return self.fonds_a.code if "phong/" in route else self.agency_a.code

        return "/" + re.sub(r"<(?:(?P<converter>\w+):)?\w+>", sample, route)

    def test_the_walk_finds_the_staff_pages(self) -> None:
        found = set(routes())
        self.assertLessEqual(PUBLIC_API, found)
        self.assertIn("quan-tri/co-quan/<str:code>/", found)
        self.assertIn("quan-tri/nhat-ky/", found)
        self.assertIn("quan-tri/nop-luu/<uuid:pk>/", found)
        self.assertIn("quan-tri/tai-lieu/<int:pk>/", found)
        self.assertIn("quan-tri/so-hoa/<uuid:pk>/", found)
        self.assertIn("quan-tri/bao-quan/", found)
        self.assertIn("quan-tri/bao-quan/ho-so/<str:code>/", found)

    def test_anonymous_visitors_reach_only_public_pages(self) -> None:
        for route in sorted(set(routes()) - PUBLIC - TOKEN_API):
            url = self.url_for(route)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith("/tai-khoan/dang-nhap/"), url)

    def test_anonymous_api_callers_get_public_records_only(self) -> None:
        public = make_dossier(self.agency_a, 1, title="Hồ sơ giao đất công khai")
        make_dossier(self.agency_a, 2, title="Hồ sơ giao đất có điều kiện", access_regime="02")
        make_document(
            self.agency_a, public, 1, summary="Quyết định giao đất mật", access_regime="03"
        )
        publish(public)
        services.reindex()
        for route in sorted(PUBLIC_API):
            url = self.url_for(route)
            self.assertEqual(self.client.get(url, {"q": "giao đất"}).status_code, 200, url)
        body = self.client.get("/api/v1/search", {"q": "giao đất"}).json()
        self.assertEqual([r["code"] for r in body["results"]], [public.code])
        response = self.client.get(self.url_for("api/v1/<path:rest>"))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"]["code"], "not_found")

    def test_portal_and_record_apis_show_public_records_and_hide_the_rest(self) -> None:
        public = make_dossier(self.agency_a, 1, title="Hồ sơ công khai", fonds=self.fonds_a)
        document = make_document(self.agency_a, public, 1)
        restricted = make_dossier(self.agency_a, 2, access_regime="02", fonds=self.fonds_a)
        hidden = make_document(self.agency_a, restricted, 1)
        publish(public)

        def url(route: str, dossier: str, doc: str) -> str:
            def sample(match: re.Match[str]) -> str:
                if match["converter"] == "int":
                    return "1"
                if "co-quan" in route or "agencies" in route:
                    return self.agency_a.code
                if "phong/" in route:
                    return self.fonds_a.code
                return dossier if "ho-so" in route or "dossiers" in route else doc

            return "/" + re.sub(r"<(?:(?P<converter>\w+):)?\w+>", sample, route)

        for route in sorted(PORTAL | PUBLIC_API_RECORDS):
            shown = self.client.get(url(route, public.code, document.archival_code))
            # 404 only where the record has no pages to serve (viewer, PDF, IIIF), or no
            # recording to play or caption (nghe-xem, phu-de).
            self.assertIn(shown.status_code, {200, 404}, route)
            if "/" not in route.removesuffix("/") or "agencies" in route or "iiif" in route:
                continue
            if "xem" in route or "tai-ve" in route or "phu-de" in route:
                continue
            self.assertEqual(shown.status_code, 200, route)
            hidden_url = url(route, restricted.code, hidden.archival_code)
            if "co-quan" not in route and "phong" not in route and "agencies" not in route:
                self.assertEqual(self.client.get(hidden_url).status_code, 404, hidden_url)

    def test_readers_reach_no_staff_page(self) -> None:
        self.login(self.reader)
        for route in sorted(set(routes()) - PUBLIC - ANY_USER - READER - TOKEN_API):
            url = self.url_for(route)
            self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_the_transfer_api_wants_a_token_and_refuses_readers(self) -> None:
        self.assertLessEqual(TOKEN_API, set(routes()))
        transfer = self.url_for("api/v1/transfers/<uuid:id>")
        for user, status in ((None, 401), (self.reader, 403)):
            self.login(user)
            self.assertEqual(self.client.get(transfer).status_code, status, user)
            package = SimpleUploadedFile("goi.zip", b"PK\x05\x06" + bytes(18))
            response = self.client.post("/api/v1/transfers", {"package": package})
            self.assertEqual(response.status_code, status, user)


class LandingTests(BaseTestCase):
    def test_staff_land_on_the_dashboard_and_readers_on_the_public_site(self) -> None:
        for user, landing in ((self.archivist, "/quan-tri/"), (self.reader, "/")):
            self.login(None)
            response = self.client.post(
                "/tai-khoan/dang-nhap/", {"username": user.username, "password": PASSWORD}
            )
            pass_second_factor(self.client, user)  # the archivist's: accounts/tests
            self.assertRedirects(response, landing)

    def test_a_refused_page_explains_itself_in_vietnamese(self) -> None:
        self.login(self.reader)
        response = self.client.get("/quan-tri/")
        self.assertContains(response, "Không có quyền truy cập", status_code=403)
