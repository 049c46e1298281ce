"""Photos, sound recordings and films in online exhibitions (issue 21): shown whole (no page),
on the public page, in its embed, in the API and through ``luutru exhibition load``, under the
same access rules as documents."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from luutru.exhibitions import actions
from luutru.exhibitions.models import Exhibition
from luutru.portal.tasks import make_access_copies
from luutru.portal.tests.media_samples import PHOTO_DOSSIER, SIP_DOSSIER, ingest_media_samples
from luutru.records.actions import withdraw_records
from luutru.records.models import Document
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.test import BaseTestCase

PHOTO = f"{SIP_DOSSIER}.0000001"
SOUND = f"{SIP_DOSSIER}.0000003"
FILM = f"{SIP_DOSSIER}.0000004"
RESTRICTED_PHOTO = f"{PHOTO_DOSSIER}.0000003"


class MediaExhibitionTests(BaseTestCase):
    exhibition: ClassVar[Exhibition]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ingest_media_samples()
        cls.exhibition = actions.create_exhibition(title="Cầu Cái Tư", actor=None)
        section = actions.add_section(cls.exhibition, title="Ngày khánh thành", actor=None)
        for code, caption in (
            (SOUND, "Lời phát biểu"),
            (PHOTO, "Cắt băng khánh thành"),
            (FILM, "Phim tư liệu"),
        ):
            actions.add_item(section, code=code, caption=caption, actor=None)
        actions.submit_for_review(cls.exhibition, actor=None)
        actions.publish_exhibition(cls.exhibition, actor=None)

    def setUp(self) -> None:
        super().setUp()
        # Access copies of its own: none made yet, and none left for other tests to find.
        self.enterContext(override_settings(DERIVED_DIR=tempfile.mkdtemp()))

    def test_the_page_shows_the_photo_its_description_and_the_players(self) -> None:
        page = self.client.get(f"/trien-lam/{self.exhibition.slug}/")
        self.assertContains(page, f"/iiif/{PHOTO}/trang/1/1200.jpg")
        self.assertContains(page, f'href="/tai-lieu/{PHOTO}/xem/')  # zoom in the viewer
        self.assertContains(page, "Nguyễn Văn Ảnh")  # photographer
        self.assertContains(page, "Xã Tân Phú Thạnh, huyện Châu Thành A")  # place
        self.assertContains(page, "20/05/2023")
        self.assertContains(page, "<audio")
        self.assertContains(page, f'src="/tai-lieu/{SOUND}/nghe-xem/1"')
        self.assertContains(page, "<video")
        self.assertContains(page, f'src="/tai-lieu/{FILM}/phu-de/1.vtt"')
        self.assertContains(page, "Bản nghe, xem đang được chuẩn bị")
        self.assertNotContains(page, f"/iiif/{SOUND}/")  # a recording has no image
        # The cover is the photo, not the first item (a recording).
        self.assertContains(page, f'og:image" content="http://testserver/iiif/{PHOTO}/')

    def test_once_the_copies_are_made_the_page_no_longer_says_they_are_coming(self) -> None:
        ids = list(
            Document.objects.filter(archival_code__in=[SOUND, FILM]).values_list("pk", flat=True)
        )
        make_access_copies.call(ids)
        page = self.client.get(f"/trien-lam/{self.exhibition.slug}/")
        self.assertNotContains(page, "Bản nghe, xem đang được chuẩn bị")
        self.assertEqual(self.client.get(f"/tai-lieu/{FILM}/nghe-xem/1").status_code, 200)

    def test_the_embed_shows_the_photo_and_the_players(self) -> None:
        page = self.client.get(f"/trien-lam/{self.exhibition.slug}/nhung/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, f"/iiif/{PHOTO}/trang/1/1200.jpg")
        self.assertContains(page, "<audio")
        self.assertContains(page, "<video")

    def test_the_api_gives_each_items_kind_and_media_urls(self) -> None:
        body = self.client.get(f"/api/v1/exhibitions/{self.exhibition.slug}").json()
        items = {item["code"]: item for item in body["sections"][0]["items"]}
        self.assertEqual(
            {code: item["kind"] for code, item in items.items()},
            {SOUND: "audio", PHOTO: "photo", FILM: "video"},
        )
        self.assertEqual(items[FILM]["media"], [f"http://testserver/tai-lieu/{FILM}/nghe-xem/1"])
        self.assertEqual(
            items[FILM]["captions"], [f"http://testserver/tai-lieu/{FILM}/phu-de/1.vtt"]
        )
        self.assertEqual((items[SOUND]["image"], items[SOUND]["manifest"]), ("", ""))
        self.assertTrue(items[PHOTO]["image"].endswith(f"/iiif/{PHOTO}/trang/1/1200.jpg"))
        self.assertEqual(items[PHOTO]["media"], [])

    def test_a_withdrawn_recording_leaves_the_page_and_the_api_at_once(self) -> None:
        withdraw_records([Document.objects.get(archival_code=FILM)], None, "Rà soát")
        page = self.client.get(f"/trien-lam/{self.exhibition.slug}/")
        self.assertNotContains(page, f"/tai-lieu/{FILM}/nghe-xem/1")
        body = self.client.get(f"/api/v1/exhibitions/{self.exhibition.slug}").json()
        self.assertNotIn(FILM, [item["code"] for item in body["sections"][0]["items"]])

    def test_a_page_for_a_photo_is_refused_and_a_restricted_photo_too(self) -> None:
        section = self.exhibition.sections.get()
        with self.assertRaises(ValidationError) as refused:
            actions.add_item(section, code=f"{SIP_DOSSIER}.0000002", page=2, actor=None)
        self.assertEqual(refused.exception.code, "page_for_media")
        self.assertIn("không chọn trang", refused.exception.messages[0])
        with self.assertRaises(ValidationError) as hidden:
            actions.add_item(section, code=RESTRICTED_PHOTO, actor=None)
        self.assertEqual(hidden.exception.code, "not_public")

    def test_the_curator_adds_a_photo_without_a_page_through_the_form(self) -> None:
        self.login(self.archivist)
        section = self.exhibition.sections.get()
        response = self.client.post(
            f"/quan-tri/trien-lam/{self.exhibition.pk}/chuong/{section.pk}/them/",
            {"code": f"{SIP_DOSSIER}.0000002", "page": "", "caption": "Toàn cảnh"},
            follow=True,
        )
        self.assertContains(response, "Đã đưa tài liệu vào triển lãm.")
        self.assertTrue(section.items.filter(caption="Toàn cảnh").exists())

    def test_the_item_edit_form_offers_a_page_for_a_document_and_none_for_media(self) -> None:
        dossier = make_dossier(self.agency_a, 1, fonds=self.fonds_a)
        text = make_document(self.agency_a, dossier, 1, summary="Quyết định khởi công cầu")
        publish(dossier)
        section = self.exhibition.sections.get()
        document_item = actions.add_item(section, code=text.archival_code, actor=None)
        media_items = {code: section.items.get(document__archival_code=code).pk
                       for code in (PHOTO, SOUND, FILM)}  # fmt: skip
        self.login(self.archivist)
        page = self.client.get(f"/quan-tri/trien-lam/{self.exhibition.pk}/")
        self.assertContains(page, f'id="sua-muc-{document_item.pk}-page"')
        self.assertContains(page, f'id="sua-muc-{document_item.pk}-caption"')
        for code, pk in media_items.items():
            with self.subTest(code):
                self.assertNotContains(page, f'id="sua-muc-{pk}-page"')
                self.assertContains(page, f'id="sua-muc-{pk}-caption"')
        # A page posted for a photo all the same is not taken; its caption is.
        photo = media_items[PHOTO]
        response = self.client.post(
            f"/quan-tri/trien-lam/{self.exhibition.pk}/muc/{photo}/sua/",
            {"page": "3", "caption": "Cắt băng khánh thành cầu"},
            follow=True,
        )
        self.assertContains(response, "Đã sửa chú thích.")
        self.assertEqual(
            section.items.filter(pk=photo).values_list("page", "caption").get(),
            (1, "Cắt băng khánh thành cầu"),
        )


class MediaLoadTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ingest_media_samples()

    def load(self, items: list[dict[str, Any]]) -> tuple[dict[str, Any], bool]:
        spec = {"title": "Cầu Cái Tư", "sections": [{"title": "Khánh thành", "items": items}]}
        path = Path(tempfile.mkdtemp()) / "trien-lam.json"
        path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        out = io.StringIO()
        try:
            call_command(
                "exhibition", "load", str(path), "--json", stdout=out, stderr=io.StringIO()
            )
        except CommandError:
            return json.loads(out.getvalue()), True
        return json.loads(out.getvalue()), False

    def test_load_accepts_photos_and_recordings(self) -> None:
        result, failed = self.load([{"code": PHOTO}, {"code": FILM, "caption": "Phim"}])
        self.assertFalse(failed, result)
        self.assertEqual(result["items"], 2)

    def test_load_refuses_a_page_given_for_a_recording(self) -> None:
        result, failed = self.load([{"code": PHOTO}, {"code": SOUND, "page": 1}])
        self.assertTrue(failed)
        [error] = result["errors"]
        self.assertEqual(error["code"], "page_for_media")
        self.assertIn(SOUND, error["message"])
        self.assertIn("bản ghi âm", error["message"])
        self.assertFalse(Exhibition.objects.exists())
