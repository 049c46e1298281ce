"""Photos and recordings on the portal: a gallery served through IIIF with a large image for
zooming, access copies a browser plays (the original untouched), captions, restricted photos
kept off the portal and watermarked in reading copies."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import subprocess
import tempfile
from typing import ClassVar

from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from iiif_prezi3 import Manifest
from PIL import Image

from luutru.access.copies import reading_page
from luutru.access.services import original_bytes
from luutru.portal import media
from luutru.portal.tasks import ACCESS_COPY_TASK_PATH, make_access_copies
from luutru.portal.tests.media_samples import (
    PHOTO_DOSSIER,
    SIP_DOSSIER,
    ingest_media_samples,
    item,
)
from luutru.records.actions import change_access_regime
from luutru.records.models import Document
from luutru.storage.services import open_stored
from luutru.test import BaseTestCase


def streamed(response: object) -> bytes:
    content = getattr(response, "streaming_content", None)
    return b"".join(content) if content is not None else response.content  # type: ignore[attr-defined]


class MediaPortalTests(BaseTestCase):
    film: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ingest_media_samples()
        cls.film = item(f"{SIP_DOSSIER}.0000004")

    def setUp(self) -> None:
        super().setUp()
        # Derived files of its own: no access copy made yet, whatever ran before.
        self.enterContext(override_settings(DERIVED_DIR=tempfile.mkdtemp()))

    def test_a_photo_document_shows_its_gallery_and_opens_in_the_viewer(self) -> None:
        code = f"{SIP_DOSSIER}.0000001"
        page = self.client.get(f"/tai-lieu/{code}/")
        self.assertContains(page, f"/iiif/{code}/trang/1/200.jpg")
        self.assertContains(page, "Nguyễn Văn Ảnh")  # photographer, under its TT 05 name
        self.assertContains(page, "Địa điểm chụp")
        viewer = self.client.get(f"/tai-lieu/{code}/xem/")
        self.assertEqual(viewer.status_code, 200)

    def test_the_manifest_of_photos_paints_each_picture_and_names_a_large_one(self) -> None:
        code = f"{PHOTO_DOSSIER}.0000001"
        response = self.client.get(f"/iiif/{code}/manifest")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        Manifest(**body)  # valid IIIF Presentation 3
        [canvas] = body["items"]
        self.assertEqual((canvas["width"], canvas["height"]), (1200, 900))  # 120 x 90 scaled
        self.assertEqual(
            canvas["rendering"][0]["id"], f"http://testserver/iiif/{code}/trang/1/2400.jpg"
        )
        large = self.client.get(f"/iiif/{code}/trang/1/2400.jpg")
        self.assertEqual(Image.open(io.BytesIO(streamed(large))).size, (2400, 1800))
        self.assertEqual(self.client.get(f"/iiif/{code}/trang/2/1200.jpg").status_code, 404)
        self.assertEqual(self.client.get(f"/iiif/{code}/trang/1/999.jpg").status_code, 404)

    def test_a_restricted_photo_is_not_served_to_the_public(self) -> None:
        code = f"{PHOTO_DOSSIER}.0000003"  # Sử dụng có điều kiện
        self.assertEqual(self.client.get(f"/iiif/{code}/manifest").status_code, 404)
        self.assertEqual(self.client.get(f"/iiif/{code}/trang/1/1200.jpg").status_code, 404)

    def test_a_reading_copy_of_a_restricted_photo_carries_the_agencys_name(self) -> None:
        restricted = item(f"{PHOTO_DOSSIER}.0000003")
        data = original_bytes(restricted)
        assert data is not None
        at = datetime.datetime(2025, 1, 2, 3, 4, tzinfo=datetime.UTC)
        marked = reading_page(data, 0, agency="Sở Nông nghiệp", reader="Nguyễn Văn A", at=at)
        page = Image.open(io.BytesIO(marked)).convert("RGB")
        width, height = page.size
        # The light band at the bottom, where the agency's name is written in red.
        band = page.crop((0, height - height // 12, width, height))
        pixels = band.tobytes()
        reds = [
            i for i in range(0, len(pixels), 3)
            if pixels[i] > 120 and pixels[i + 1] < 60 and pixels[i + 2] < 60
        ]  # fmt: skip
        self.assertGreater(len(reds), 50)  # the picture itself (purple, white) has none

    def test_recordings_play_from_an_access_copy_with_byte_ranges(self) -> None:
        code = self.film.archival_code
        waiting = self.client.get(f"/tai-lieu/{code}/nghe-xem/1")
        self.assertEqual((waiting.status_code, waiting["Retry-After"]), (503, "60"))
        original = self.film.files.get(name__endswith=".mp4").stored
        before = hashlib.sha256(open_stored(original.sha256).read()).hexdigest()
        outcome = make_access_copies.call([self.film.pk, item(f"{SIP_DOSSIER}.0000003").pk])
        self.assertEqual(outcome, {"made": 2, "failed": 0})
        whole = self.client.get(f"/tai-lieu/{code}/nghe-xem/1")
        self.assertEqual((whole.status_code, whole["Content-Type"]), (200, "video/mp4"))
        part = self.client.get(f"/tai-lieu/{code}/nghe-xem/1", HTTP_RANGE="bytes=0-99")
        self.assertEqual(part.status_code, 206)
        self.assertEqual(len(part.content), 100)
        self.assertTrue(part["Content-Range"].startswith("bytes 0-99/"))
        copy = media.access_copy_path(self.film.files.get(name__endswith=".mp4"))
        probe = subprocess.run(  # noqa: S603 (our own arguments)
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", str(copy)],  # noqa: S607
            capture_output=True, check=True, timeout=30,
        )  # fmt: skip
        codecs = {s["codec_name"] for s in json.loads(probe.stdout)["streams"]}
        self.assertEqual(codecs, {"h264", "aac"})
        self.assertEqual(hashlib.sha256(open_stored(original.sha256).read()).hexdigest(), before)
        sound = item(f"{SIP_DOSSIER}.0000003").archival_code
        mp3 = self.client.get(f"/tai-lieu/{sound}/nghe-xem/1")
        self.assertEqual(mp3["Content-Type"], "audio/mpeg")
        page = self.client.get(f"/tai-lieu/{code}/")
        self.assertContains(page, "<video")
        self.assertContains(page, f'src="/tai-lieu/{code}/phu-de/1.vtt"')

    def test_a_copy_not_ready_is_queued_once_not_on_every_request(self) -> None:
        code = self.film.archival_code
        queued = DBTaskResult.objects.filter(task_path=ACCESS_COPY_TASK_PATH)
        queued.delete()
        for _ in range(3):
            response = self.client.get(f"/tai-lieu/{code}/nghe-xem/1")
            self.assertEqual(response.status_code, 503)
        self.assertEqual([r.args_kwargs["args"] for r in queued], [[[self.film.pk]]])
        # Another recording is queued on its own, while the film's task still waits.
        sound = item(f"{SIP_DOSSIER}.0000003")
        self.client.get(f"/tai-lieu/{sound.archival_code}/nghe-xem/1")
        self.assertEqual(queued.all().count(), 2)
        # A task that failed long ago does not stop the copy being asked for again.
        queued.update(
            status=TaskResultStatus.FAILED,
            enqueued_at=timezone.now() - datetime.timedelta(hours=2),
        )
        self.client.get(f"/tai-lieu/{code}/nghe-xem/1")
        self.client.get(f"/tai-lieu/{code}/nghe-xem/1")
        self.assertEqual(queued.filter(status=TaskResultStatus.READY).count(), 1)

    def test_captions_are_served_as_webvtt(self) -> None:
        response = self.client.get(f"/tai-lieu/{self.film.archival_code}/phu-de/1.vtt")
        self.assertEqual(response["Content-Type"], "text/vtt; charset=utf-8")
        self.assertTrue(streamed(response).startswith(b"WEBVTT"))
        photo = f"{SIP_DOSSIER}.0000001"
        self.assertEqual(self.client.get(f"/tai-lieu/{photo}/phu-de/1.vtt").status_code, 404)

    def test_a_public_recording_and_its_captions_may_be_used_by_other_sites(self) -> None:
        # The widget on an agency's website loads them with crossorigin="anonymous".
        code = self.film.archival_code
        other_site = {"Origin": "https://sotaichinh.example.gov.vn"}
        paths = (f"/tai-lieu/{code}/phu-de/1.vtt", f"/tai-lieu/{code}/nghe-xem/1")
        waiting = self.client.get(paths[1], headers=other_site)
        self.assertEqual(waiting.status_code, 503)
        self.assertEqual(waiting["Access-Control-Allow-Origin"], "*")
        make_access_copies.call([self.film.pk])
        whole = self.client.get(paths[1], headers=other_site)
        part = self.client.get(paths[1], HTTP_RANGE="bytes=0-99", headers=other_site)
        captions = self.client.get(paths[0], headers=other_site)
        for response, status in ((captions, 200), (whole, 200), (part, 206)):
            self.assertEqual(response.status_code, status)
            self.assertEqual(response["Access-Control-Allow-Origin"], "*")
            self.assertNotIn("Access-Control-Allow-Credentials", response)

        change_access_regime(self.film, "02", None, "Công văn 5/UBND", "Rà soát lại")
        for path in paths:
            with self.subTest(path):
                self.assertEqual(self.client.get(path, headers=other_site).status_code, 404)

    @override_settings(
        CORS_ALLOWED_ORIGINS=["https://sotaichinh.example.gov.vn"], CORS_ALLOW_ALL_ORIGINS=False
    )
    def test_the_operators_list_of_origins_holds_for_recordings_too(self) -> None:
        code = self.film.archival_code
        path = f"/tai-lieu/{code}/phu-de/1.vtt"
        listed = self.client.get(path, headers={"Origin": "https://sotaichinh.example.gov.vn"})
        other = self.client.get(path, headers={"Origin": "https://khac.example.com"})
        self.assertEqual(listed["Access-Control-Allow-Origin"], "https://sotaichinh.example.gov.vn")
        self.assertNotIn("Access-Control-Allow-Origin", other)
