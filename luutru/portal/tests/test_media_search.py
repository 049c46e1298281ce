"""Search finds photos, recordings and films (issue 21) and offers the facet "Loại tài liệu"
(văn bản, ảnh, ghi âm, phim) on the portal, the staff search page and the API; a photo's row
shows its thumbnail, only where the public may see the photo."""

from __future__ import annotations

from typing import ClassVar

from luutru.portal.tests.media_samples import PHOTO_DOSSIER, SIP_DOSSIER, ingest_media_samples
from luutru.search import services
from luutru.test import BaseTestCase

PHOTO = f"{SIP_DOSSIER}.0000001"
SOUND = f"{SIP_DOSSIER}.0000003"
FILM = f"{SIP_DOSSIER}.0000004"
RESTRICTED_PHOTO = f"{PHOTO_DOSSIER}.0000003"


class MediaSearchTests(BaseTestCase):
    staff_url: ClassVar[str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ingest_media_samples()

    def setUp(self) -> None:
        super().setUp()
        services.reindex()

    def test_the_api_finds_media_and_counts_and_filters_them_by_kind(self) -> None:
        body = self.client.get("/api/v1/search", {"q": "khanh thanh cau Cai Tu"}).json()
        codes = {r["code"] for r in body["results"]}
        self.assertTrue({PHOTO, SOUND, FILM} <= codes, codes)
        kinds = {f["value"]: (f["label"], f["count"]) for f in body["facets"]["kind"]}
        self.assertEqual(kinds["audio"], ("Ghi âm", 1))
        self.assertEqual(kinds["video"], ("Phim", 1))
        self.assertEqual(kinds["photo"][0], "Ảnh")
        photos = self.client.get("/api/v1/search", {"q": "", "kind": "photo"}).json()
        self.assertIn(PHOTO, {r["code"] for r in photos["results"]})
        self.assertEqual({r["kind"] for r in photos["results"]}, {"document"})
        self.assertNotIn(SOUND, {r["code"] for r in photos["results"]})
        self.assertNotIn(RESTRICTED_PHOTO, {r["code"] for r in photos["results"]})
        heard = self.client.get("/api/v1/search", {"kind": ["audio", "video"]}).json()
        self.assertEqual({r["code"] for r in heard["results"]}, {SOUND, FILM})
        refused = self.client.get("/api/v1/search", {"kind": "map"})
        self.assertEqual(refused.status_code, 422)

    def test_the_portal_offers_the_kind_facet_and_shows_photo_thumbnails(self) -> None:
        page = self.client.get("/tra-cuu/", {"q": "khánh thành"})
        self.assertContains(page, "Loại tài liệu")
        self.assertContains(page, 'name="kind" value="photo"')
        self.assertContains(page, f'src="/iiif/{PHOTO}/trang/1/200.jpg"')
        self.assertNotContains(page, f'src="/iiif/{SOUND}/')
        only = self.client.get("/tra-cuu/", {"q": "khánh thành", "kind": "video"})
        self.assertContains(only, FILM)
        self.assertNotContains(only, f"<code>{PHOTO}</code>")

    def test_staff_get_the_facet_and_no_thumbnail_of_a_photo_the_public_may_not_see(
        self,
    ) -> None:
        self.login(self.admin)
        page = self.client.get("/quan-tri/tra-cuu/", {"q": "ảnh", "kind": "photo"})
        self.assertContains(page, "Loại tài liệu")
        self.assertContains(page, RESTRICTED_PHOTO)
        self.assertNotContains(page, f"/iiif/{RESTRICTED_PHOTO}/")
        self.assertContains(page, f"/iiif/{PHOTO}/trang/1/200.jpg")
