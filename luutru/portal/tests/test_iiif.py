"""IIIF Presentation 3: a manifest per public document, page images rendered once and cached."""

from __future__ import annotations

import io
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from iiif_prezi3 import Manifest
from PIL import Image

from luutru.portal.tests.samples import Collection, make_collection
from luutru.test import BaseTestCase


class IiifTests(BaseTestCase):
    records: ClassVar[Collection]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.records = make_collection(cls.agency_a, cls.agency_b, cls.fonds_a)

    def manifest(self, code: str) -> dict[str, object]:
        response = self.client.get(f"/iiif/{code}/manifest", HTTP_ORIGIN="https://xa.example.vn")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/ld+json"))
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        return response.json()

    def test_the_manifest_validates_and_has_one_canvas_per_page(self) -> None:
        code = self.records.land.archival_code
        body = self.manifest(code)
        self.assertEqual(body["@context"], "http://iiif.io/api/presentation/3/context.json")
        parsed = Manifest(**body)  # iiif-prezi3's pydantic model of the specification
        self.assertEqual(parsed.label, {"vi": [self.records.land.summary]})
        canvases = body["items"]
        assert isinstance(canvases, list)
        self.assertEqual(len(canvases), 3)
        first = canvases[0]
        self.assertEqual(first["id"], f"http://testserver/iiif/{code}/trang/1")
        self.assertEqual((first["width"], first["height"]), (1200, 1699))
        image = first["items"][0]["items"][0]
        self.assertEqual(image["motivation"], "painting")
        self.assertEqual(image["target"], first["id"])
        self.assertEqual(image["body"]["id"], f"http://testserver/iiif/{code}/trang/1/1200.jpg")
        self.assertEqual(self.client.get(f"/iiif/{code}/trang/2").json()["id"], canvases[1]["id"])

    def test_page_images_are_rendered_at_the_manifests_size_and_cached(self) -> None:
        code = self.records.land.archival_code
        response = self.client.get(f"/iiif/{code}/trang/3/1200.jpg")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/jpeg")
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
        self.assertEqual(image.size, (1200, 1699))
        cached = list(Path(settings.DERIVED_DIR).rglob("3-1200.jpg"))
        self.assertEqual(len(cached), 1)
        thumb = self.client.get(f"/iiif/{code}/trang/1/200.jpg")
        self.assertEqual(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size[0], 200)  # type: ignore[attr-defined]

    def test_unknown_codes_odd_sizes_far_pages_and_path_tricks_are_404(self) -> None:
        code = self.records.land.archival_code
        for url in (
            "/iiif/000.00.03.H62.2023.99.0000001/manifest",
            f"/iiif/{self.records.budget.archival_code}/manifest",  # public, but no file
            f"/iiif/{self.records.hidden_by_dossier.archival_code}/manifest",
            f"/iiif/{code}/trang/4/1200.jpg",
            f"/iiif/{code}/trang/0/1200.jpg",
            f"/iiif/{code}/trang/99999999999999999999/1200.jpg",
            f"/iiif/{code}/trang/1/1201.jpg",
            f"/iiif/{code}/trang/1/99999999999.jpg",
            f"/iiif/{code}/trang/9",
            "/iiif/..%2F..%2Fsecret_key/manifest",
            "/iiif/../../etc/passwd/manifest",
            f"/iiif/{code}%2F..%2F/manifest",
            f"/iiif/{'x' * 5000}/manifest",
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
