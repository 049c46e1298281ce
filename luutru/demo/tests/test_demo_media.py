"""The demo's photo collection and sound clip: made on the spot, ingested through the real
pipeline, accepted, published with the rest, playable; seeding twice is harmless."""

from __future__ import annotations

from luutru.demo.media import DOSSIER, seed_media
from luutru.demo.province import seed
from luutru.demo.publication import publish_demo
from luutru.demo.tests.test_demo_collection import IsolatedStorageTestCase
from luutru.portal import media
from luutru.records.models import Document, DocumentKind


class DemoMediaTests(IsolatedStorageTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        seed()
        assert seed_media() == 1

    def test_the_photos_and_the_clip_are_in_the_holdings_and_on_the_portal(self) -> None:
        items = Document.objects.filter(dossier__code=DOSSIER).order_by("ordinal")
        self.assertEqual([d.kind for d in items], [DocumentKind.PHOTO] * 4 + [DocumentKind.AUDIO])
        photo = items[0].files.get().technical
        self.assertEqual((photo["width"], photo["height"]), (640, 427))
        clip = items[4].files.get()
        self.assertAlmostEqual(clip.technical["duration"], 3.0, delta=0.1)
        self.assertTrue(media.access_copy_path(clip).exists())
        publish_demo()
        self.assertEqual(
            self.client.get(f"/iiif/{items[0].archival_code}/manifest").status_code, 200
        )
        page = self.client.get(f"/tai-lieu/{items[4].archival_code}/")
        self.assertContains(page, "<audio")
        self.assertEqual(seed_media(), 0)
