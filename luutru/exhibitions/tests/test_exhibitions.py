"""Online exhibitions: curating and states, the publish window, the access rules at render
time, the public pages, the API and the load command."""

from __future__ import annotations

import datetime
import importlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luutru.exhibitions import actions, services
from luutru.exhibitions.models import Anniversary, Exhibition, Item, Section, State
from luutru.records.actions import withdraw_records
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.test import BaseTestCase

NATIONAL_DAYS = importlib.import_module("luutru.exhibitions.migrations.0002_national_days").DAYS


class ExhibitionTestCase(BaseTestCase):
    dossier: Dossier
    shown: Document
    second: Document
    unpublished: Document

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # The national days are seeded by a migration, but a browser test's flush
        # (transactional_db) in the same worker empties the table: seed them again if so.
        for day, month, name, since in NATIONAL_DAYS:
            Anniversary.objects.get_or_create(
                day=day, month=month, defaults={"name": name, "since": since}
            )
        cls.dossier = make_dossier(cls.agency_a, 1, fonds=cls.fonds_a)
        cls.shown = make_document(cls.agency_a, cls.dossier, 1, summary="Tuyên ngôn độc lập")
        cls.second = make_document(cls.agency_a, cls.dossier, 2, summary="Lễ mít tinh 2/9")
        publish(cls.dossier)
        private = make_dossier(cls.agency_a, 2, fonds=cls.fonds_a, access_regime="02")
        cls.unpublished = make_document(cls.agency_a, private, 1, access_regime="02")

    def make_exhibition(self, *, published: bool = True, **values: Any) -> Exhibition:
        exhibition = actions.create_exhibition(
            title="Mùa thu cách mạng",
            summary="Tư liệu về Cách mạng Tháng Tám",
            actor=None,
            **values,
        )
        section = actions.add_section(exhibition, title="Ngày độc lập", actor=None)
        actions.add_item(
            section,
            code=self.shown.archival_code,
            caption="Bản tuyên ngôn",
            caption_en="The declaration",
            actor=None,
        )
        actions.add_item(section, code=self.second.archival_code, actor=None)
        if published:
            actions.submit_for_review(exhibition, actor=None)
            actions.publish_exhibition(exhibition, actor=None)
        return exhibition


class CuratingTests(ExhibitionTestCase):
    def test_states_go_draft_review_published_and_back(self) -> None:
        exhibition = self.make_exhibition(published=False)
        self.assertEqual(exhibition.state, State.DRAFT)
        with self.assertRaises(ValidationError) as refused:
            actions.publish_exhibition(exhibition, actor=self.head)
        self.assertEqual(refused.exception.code, "bad_state")
        actions.submit_for_review(exhibition, actor=self.archivist)
        actions.publish_exhibition(exhibition, actor=self.head)
        self.assertEqual(Exhibition.objects.get().state, State.PUBLISHED)
        actions.return_to_draft(exhibition, actor=self.head)
        self.assertEqual(Exhibition.objects.get().state, State.DRAFT)

    def test_an_archivist_may_not_publish(self) -> None:
        exhibition = self.make_exhibition(published=False)
        actions.submit_for_review(exhibition, actor=self.archivist)
        with self.assertRaises(ValidationError) as refused:
            actions.publish_exhibition(exhibition, actor=self.archivist)
        self.assertEqual(refused.exception.code, "forbidden")

    def test_an_empty_exhibition_cannot_go_to_review(self) -> None:
        exhibition = actions.create_exhibition(title="Trống", actor=self.archivist)
        with self.assertRaises(ValidationError):
            actions.submit_for_review(exhibition, actor=self.archivist)

    def test_only_published_public_documents_can_be_added(self) -> None:
        exhibition = actions.create_exhibition(title="Thử", actor=self.archivist)
        section = actions.add_section(exhibition, title="Một", actor=self.archivist)
        for code in (self.unpublished.archival_code, "KHONG.CO"):
            with self.assertRaises(ValidationError) as refused:
                actions.add_item(section, code=code, actor=self.archivist)
            self.assertEqual(refused.exception.code, "not_public")
        self.assertFalse(section.items.exists())

    def test_a_page_past_the_end_is_refused(self) -> None:
        exhibition = actions.create_exhibition(title="Thử", actor=self.archivist)
        section = actions.add_section(exhibition, title="Một", actor=self.archivist)
        with self.assertRaises(ValidationError) as refused:
            actions.add_item(section, code=self.shown.archival_code, page=9, actor=None)
        self.assertEqual(refused.exception.code, "bad_page")

    def test_the_first_item_becomes_the_cover_and_items_reorder(self) -> None:
        exhibition = self.make_exhibition(published=False)
        exhibition.refresh_from_db()
        self.assertEqual(exhibition.cover_id, self.shown.pk)
        section = exhibition.sections.get()
        first, second = section.items.all()
        actions.reorder_items(section, [second.pk, first.pk], actor=self.archivist)
        self.assertEqual(
            [i.document_id for i in section.items.all()], [self.second.pk, self.shown.pk]
        )

    def test_the_calendar_shows_anniversaries_coming_within_n_days(self) -> None:
        coming = services.upcoming(datetime.date(2026, 8, 20), 30)
        self.assertEqual(
            coming[0].anniversary.name,
            "Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam",
        )
        self.assertEqual(coming[0].days, 13)
        self.assertEqual(coming[0].years, 81)
        actions.add_anniversary(day=25, month=8, name="Ngày tái lập tỉnh", actor=self.archivist)
        names = [c.anniversary.name for c in services.upcoming(datetime.date(2026, 8, 20), 30)]
        self.assertEqual(names[0], "Ngày tái lập tỉnh")
        self.assertNotIn("Ngày Giải phóng miền Nam, thống nhất đất nước", names)
        # Across the new year.
        near = services.upcoming(datetime.date(2026, 12, 20), 50)
        self.assertEqual(near[0].date, datetime.date(2027, 2, 3))


class ReminderTests(ExhibitionTestCase):
    NATIONAL_DAY = datetime.datetime(2026, 9, 2, 8, tzinfo=datetime.UTC)

    def test_curators_are_mailed_30_and_7_days_before_an_uncovered_anniversary(self) -> None:
        due = services.send_reminders(datetime.date(2026, 8, 3))
        self.assertEqual([c.date for c in due], [datetime.date(2026, 9, 2)])
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertIn(self.archivist.email, message.to)
        self.assertIn(self.head.email, message.to)
        self.assertNotIn(self.clerk_a.email, message.to)
        self.assertIn("02/09/2026 (30 ngày nữa): Quốc khánh", message.body)
        self.assertIn("chưa có triển lãm", message.body)
        self.assertEqual(services.send_reminders(datetime.date(2026, 8, 4)), [])
        # A draft planned for the day is named; a published one silences the reminder.
        exhibition = self.make_exhibition(published=False, publish_from=self.NATIONAL_DAY)
        services.send_reminders(datetime.date(2026, 8, 26))
        self.assertIn("đang chuẩn bị: «Mùa thu cách mạng» (bản nháp)", mail.outbox[1].body)
        actions.submit_for_review(exhibition, actor=None)
        actions.publish_exhibition(exhibition, actor=None)
        self.assertEqual(services.send_reminders(datetime.date(2026, 8, 26)), [])
        self.assertEqual(len(mail.outbox), 2)

    def test_the_remind_command_prints_what_it_reminded_of(self) -> None:
        out = io.StringIO()
        call_command("exhibition", "remind", "--json", stdout=out)
        self.assertEqual(json.loads(out.getvalue()).keys(), {"reminded"})

    def test_the_calendar_says_which_coming_days_have_no_exhibition(self) -> None:
        day = timezone.localdate() + datetime.timedelta(days=10)
        actions.add_anniversary(day=day.day, month=day.month, name="Ngày tái lập tỉnh", actor=None)
        opening = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
        self.make_exhibition(published=False, publish_from=opening)
        self.login(self.archivist)
        page = self.client.get(reverse("exhibitions:staff-list"), {"ngay": 366}).content.decode()
        line = page[page.index("Ngày tái lập tỉnh") :].split("</li>")[0]
        self.assertIn("Mùa thu cách mạng</a> (bản nháp)", line)
        self.assertIn("chưa có triển lãm", page)  # the national days, later on


class WindowAndAccessTests(ExhibitionTestCase):
    def test_the_window_puts_an_exhibition_up_and_takes_it_down(self) -> None:
        now = timezone.now()
        exhibition = self.make_exhibition(
            publish_from=now + datetime.timedelta(days=2),
            publish_until=now + datetime.timedelta(days=5),
        )
        url = reverse("exhibitions:detail", args=[exhibition.slug])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotIn(exhibition, Exhibition.objects.on_show(now))
        self.assertIn(exhibition, Exhibition.objects.on_show(now + datetime.timedelta(days=3)))
        later = now + datetime.timedelta(days=6)
        self.assertNotIn(exhibition, Exhibition.objects.on_show(later))
        self.assertIn(exhibition, Exhibition.objects.past(later))
        Exhibition.objects.filter(pk=exhibition.pk).update(
            publish_from=now - datetime.timedelta(days=1)
        )
        response = self.client.get(reverse("exhibitions:list"))
        self.assertContains(response, "Mùa thu cách mạng")

    def test_a_withdrawn_document_disappears_at_once_and_the_curator_is_told(self) -> None:
        exhibition = self.make_exhibition()
        url = reverse("exhibitions:detail", args=[exhibition.slug])
        self.assertContains(self.client.get(url), "Bản tuyên ngôn")
        withdraw_records([self.shown], None, "Rà soát lại")
        response = self.client.get(url)
        self.assertNotContains(response, "Bản tuyên ngôn")
        self.assertContains(response, "Lễ mít tinh 2/9")
        api = self.client.get(f"/api/v1/exhibitions/{exhibition.slug}").json()
        self.assertEqual(
            [i["code"] for i in api["sections"][0]["items"]], [self.second.archival_code]
        )
        self.login(self.archivist)
        staff = self.client.get(reverse("exhibitions:staff-detail", args=[exhibition.pk]))
        self.assertContains(staff, "1 tài liệu đang bị ẩn khỏi triển lãm")
        self.assertContains(staff, self.shown.archival_code)

    def test_the_curator_gets_a_mail_naming_the_withdrawn_item(self) -> None:
        exhibition = self.make_exhibition()
        Exhibition.objects.filter(pk=exhibition.pk).update(created_by=self.archivist)
        other = actions.create_exhibition(title="Không liên quan", actor=self.head)
        with self.captureOnCommitCallbacks(execute=True):
            withdraw_records([self.shown], None, "Rà soát lại")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [self.archivist.email])
        self.assertIn("Mùa thu cách mạng", message.subject)
        self.assertIn(f"- {self.shown.archival_code} (chương «Ngày độc lập»)", message.body)
        self.assertNotIn(self.second.archival_code, message.body)
        self.assertIn(f"/quan-tri/trien-lam/{exhibition.pk}/", message.body)
        self.assertNotIn(other.title, message.subject)
        # Published again: shown again, nobody is mailed.
        with self.captureOnCommitCallbacks(execute=True):
            publish(self.shown)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_tightened_regime_hides_the_item_too(self) -> None:
        exhibition = self.make_exhibition()
        Document.objects.filter(pk=self.second.pk).update(access_regime="02")
        self.assertEqual([i.document_id for i in services.shown_items(exhibition)], [self.shown.pk])


class PublicPageTests(ExhibitionTestCase):
    def test_the_list_shows_current_exhibitions_and_not_drafts(self) -> None:
        self.make_exhibition()
        actions.create_exhibition(title="Bản nháp bí mật", actor=None)
        response = self.client.get("/trien-lam/")
        self.assertContains(response, "Mùa thu cách mạng")
        self.assertNotContains(response, "Bản nháp bí mật")

    def test_the_story_has_images_links_and_open_graph_tags(self) -> None:
        exhibition = self.make_exhibition()
        code = self.shown.archival_code
        response = self.client.get(f"/trien-lam/{exhibition.slug}/")
        self.assertContains(response, '<meta property="og:title" content="Mùa thu cách mạng">')
        self.assertContains(response, reverse("portal:iiif-image", args=[code, 1, 1200]))
        self.assertContains(response, reverse("portal:iiif-manifest", args=[code]))
        self.assertContains(response, reverse("portal:document", args=[code]))
        self.assertContains(
            response, '&lt;iframe src="http://testserver/trien-lam/mua-thu-cach-mang/nhung/"'
        )
        exhibition.refresh_from_db()
        self.assertEqual(exhibition.views, 1)

    def test_the_story_offers_embed_snippets_with_copy_buttons_and_no_inline_script(
        self,
    ) -> None:
        exhibition = self.make_exhibition()
        page = self.client.get(f"/trien-lam/{exhibition.slug}/").content.decode()
        self.assertIn(
            f'&lt;div data-luutru-widget data-exhibition="{exhibition.slug}"&gt;&lt;/div&gt;', page
        )
        self.assertIn('&lt;script src="http://testserver/static/js/widget.js" defer', page)
        self.assertIn('data-copy="embed-code"', page)
        self.assertIn('data-copy="widget-code"', page)
        self.assertIn('<script src="/static/js/exhibition-share.js" defer></script>', page)
        self.assertNotRegex(page, r"<script>|<script [^>]*>[^<]|\son[a-z]+=")
        cover = reverse("portal:iiif-image", args=[self.shown.archival_code, 1, 1200])
        self.assertIn(f'<meta property="og:image" content="http://testserver{cover}">', page)
        self.assertIn(
            '<meta property="og:description" content="Tư liệu về Cách mạng Tháng Tám">', page
        )
        self.assertIn(f"/tai-lieu/{self.shown.archival_code}/xem/#trang-1", page)

    def test_the_widget_page_shows_how_to_embed_an_exhibition(self) -> None:
        exhibition = self.make_exhibition()
        actions.create_exhibition(title="Bản nháp", actor=None)
        page = self.client.get(reverse("portal:embed")).content.decode()
        self.assertIn(f'data-exhibition="{exhibition.slug}"', page)
        self.assertIn(reverse("exhibitions:detail", args=[exhibition.slug]), page)
        self.assertNotIn("Bản nháp", page)

    def test_english_visitors_read_the_english_texts(self) -> None:
        exhibition = self.make_exhibition(title_en="Autumn of revolution")
        self.client.cookies["django_language"] = "en"
        response = self.client.get(f"/trien-lam/{exhibition.slug}/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, '<h1 lang="en">Autumn of revolution</h1>')
        self.assertContains(response, '<p class="caption" lang="en">The declaration</p>')
        # No English written: the Vietnamese text is marked as such for screen readers.
        self.assertContains(response, '<h2 lang="vi">Ngày độc lập</h2>')
        self.assertContains(response, '<p class="caption" lang="vi">Lễ mít tinh 2/9</p>')
        for url in ("/trien-lam/", f"/trien-lam/{exhibition.slug}/nhung/"):
            self.assertContains(self.client.get(url), "Autumn of revolution")

    def test_the_embed_view_may_be_framed(self) -> None:
        exhibition = self.make_exhibition()
        response = self.client.get(f"/trien-lam/{exhibition.slug}/nhung/")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("X-Frame-Options", response.headers)
        self.assertContains(response, "Bản tuyên ngôn")

    def test_drafts_are_404_to_visitors_but_previewed_by_curators(self) -> None:
        exhibition = self.make_exhibition(published=False)
        url = f"/trien-lam/{exhibition.slug}/"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/exhibitions/{exhibition.slug}").status_code, 404)
        self.login(self.archivist)
        self.assertContains(self.client.get(url), "Bản xem trước")


class ApiTests(ExhibitionTestCase):
    def test_the_api_lists_and_details_public_exhibitions(self) -> None:
        exhibition = self.make_exhibition()
        actions.create_exhibition(title="Nháp", actor=None)
        listed = self.client.get("/api/v1/exhibitions").json()
        self.assertEqual([e["slug"] for e in listed], [exhibition.slug])
        self.assertTrue(listed[0]["on_show"])
        body = self.client.get(f"/api/v1/exhibitions/{exhibition.slug}").json()
        item = body["sections"][0]["items"][0]
        self.assertEqual(item["code"], self.shown.archival_code)
        self.assertEqual(item["caption_en"], "The declaration")
        self.assertTrue(item["manifest"].endswith(f"/iiif/{self.shown.archival_code}/manifest"))
        missing = self.client.get("/api/v1/exhibitions/khong-co")
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(missing.json()["error"]["code"], "not_found")


class LoadFiles(ExhibitionTestCase):
    def run_load(self, content: str, suffix: str = ".json") -> tuple[dict[str, Any], bool]:
        path = Path(tempfile.mkdtemp()) / f"trien-lam{suffix}"
        path.write_text(content, encoding="utf-8")
        out = io.StringIO()
        failed = False
        try:
            call_command(
                "exhibition", "load", str(path), "--json", stdout=out, stderr=io.StringIO()
            )
        except CommandError:
            failed = True
        return json.loads(out.getvalue()), failed

    def spec(self, *codes: str) -> dict[str, Any]:
        return {
            "title": "Quốc khánh 2/9",
            "summary": "Tư liệu lưu trữ về ngày Quốc khánh.",
            "publish_from": "2026-08-25",
            "publish_until": "2026-09-10",
            "state": "published",
            "sections": [
                {
                    "title": "Ngày 2/9/1945",
                    "text": "Lời dẫn.",
                    "items": [{"code": code, "caption": f"Tài liệu {code}"} for code in codes],
                }
            ],
        }


class LoadCommandTests(LoadFiles):
    def test_load_prints_the_pinned_json(self) -> None:
        payload, failed = self.run_load(json.dumps(self.spec(self.shown.archival_code)))
        self.assertFalse(failed)
        self.assertEqual(
            payload,
            {"slug": "quoc-khanh-29", "url": "/trien-lam/quoc-khanh-29/", "items": 1, "errors": []},
        )
        exhibition = Exhibition.objects.get()
        self.assertEqual(exhibition.state, State.PUBLISHED)
        self.assertEqual(
            timezone.localtime(exhibition.publish_until).date(), datetime.date(2026, 9, 11)
        )

    def test_load_refuses_an_item_that_is_not_public_and_loads_nothing(self) -> None:
        spec = self.spec(self.shown.archival_code, self.unpublished.archival_code)
        payload, failed = self.run_load(json.dumps(spec))
        self.assertTrue(failed)
        self.assertEqual(payload["slug"], None)
        self.assertEqual(payload["items"], 0)
        self.assertEqual([e["code"] for e in payload["errors"]], ["not_public"])
        self.assertIn(self.unpublished.archival_code, payload["errors"][0]["message"])
        self.assertFalse(Exhibition.objects.exists())
        self.assertFalse(Section.objects.exists())

    def test_load_reads_yaml_and_toml(self) -> None:
        code = self.shown.archival_code
        yaml_text = (
            f"title: Ngày Giải phóng\nsections:\n  - title: Một\n    items:\n      - code: {code}\n"
        )
        payload, failed = self.run_load(yaml_text, ".yaml")
        self.assertFalse(failed, payload)
        self.assertEqual(payload["items"], 1)
        toml_text = (
            'title = "Ngày sinh Bác"\n[[sections]]\ntitle = "Một"\n'
            f'[[sections.items]]\ncode = "{code}"\n'
        )
        payload, failed = self.run_load(toml_text, ".toml")
        self.assertFalse(failed, payload)
        self.assertEqual(payload["slug"], "ngay-sinh-bac")


class BadInputTests(LoadFiles):
    """Each bad file: a clear Vietnamese message naming the item, exit 1, nothing created."""

    def refused(self, spec: dict[str, Any] | str, suffix: str = ".json") -> list[dict[str, str]]:
        content = spec if isinstance(spec, str) else json.dumps(spec, ensure_ascii=False)
        payload, failed = self.run_load(content, suffix)
        self.assertTrue(failed, payload)
        self.assertEqual((payload["slug"], payload["url"], payload["items"]), (None, None, 0))
        self.assertFalse(Exhibition.objects.exists())
        self.assertFalse(Section.objects.exists())
        self.assertFalse(Item.objects.exists())
        return payload["errors"]

    def test_a_bad_date_names_its_field(self) -> None:
        spec = self.spec(self.shown.archival_code)
        spec["publish_from"] = "2026-02-30"
        spec["publish_until"] = "mùng 2 tháng 9"
        errors = self.refused(spec)
        self.assertEqual([e["code"] for e in errors], ["bad_date", "bad_date"])
        self.assertIn("publish_from: «2026-02-30» không phải ngày hợp lệ", errors[0]["message"])
        self.assertIn("publish_until", errors[1]["message"])

    def test_a_bad_date_in_yaml_is_a_bad_date_not_a_broken_file(self) -> None:
        code = self.shown.archival_code
        text = (
            "title: Thử\npublish_from: 2026-02-30\n"
            f"sections:\n  - title: Một\n    items:\n      - code: {code}\n"
        )
        errors = self.refused(text, ".yaml")
        self.assertEqual([e["code"] for e in errors], ["bad_date"])

    def test_an_end_before_the_start_is_refused(self) -> None:
        spec = self.spec(self.shown.archival_code)
        spec["publish_until"] = "2026-08-01"
        self.assertEqual([e["code"] for e in self.refused(spec)], ["bad_date"])

    def test_an_unknown_section_or_field_is_named(self) -> None:
        spec = self.spec(self.shown.archival_code)
        spec["sections"].append({"tieu_de": "Chương lạ", "items": []})
        spec["sections"][0]["itmes"] = []
        spec["chuong"] = []
        errors = self.refused(spec)
        self.assertEqual(
            sorted(e["code"] for e in errors), ["bad_section", "unknown_field", "unknown_field"]
        )
        messages = " ".join(e["message"] for e in errors)
        self.assertIn("«chuong»", messages)
        self.assertIn("Chương 1 «Ngày 2/9/1945»: trường «itmes»", messages)
        self.assertIn("Chương 2: mỗi chương phải có tên", messages)

    def test_a_duplicated_item_is_named(self) -> None:
        code = self.shown.archival_code
        spec = self.spec(code, self.second.archival_code)
        spec["sections"].append({"title": "Hai", "items": [{"code": code, "page": 1}]})
        errors = self.refused(spec)
        self.assertEqual([e["code"] for e in errors], ["duplicate"])
        self.assertIn(f"Tài liệu {code} (trang 1) có hai lần trong tệp", errors[0]["message"])

    def test_restricted_unpublished_and_unknown_items_are_each_named(self) -> None:
        restricted = make_document(
            self.agency_a, self.dossier, 3, summary="Mật", access_regime="03"
        )
        Document.objects.filter(pk=restricted.pk).update(published_at=timezone.now())
        codes = [restricted.archival_code, self.unpublished.archival_code, "000.00.03.H62.X"]
        errors = self.refused(self.spec(self.shown.archival_code, *codes))
        self.assertEqual([e["code"] for e in errors], ["not_public"] * 3)
        for code, error in zip(codes, errors, strict=True):
            self.assertIn(code, error["message"])
        self.assertIn("chưa được công bố công khai hoặc bị hạn chế", errors[0]["message"])
        self.assertIn("Không có tài liệu mã «000.00.03.H62.X»", errors[2]["message"])

    def test_a_bad_page_and_a_missing_code_are_named(self) -> None:
        spec = self.spec()
        spec["sections"][0]["items"] = [
            {"code": self.shown.archival_code, "page": "một"},
            {"caption": "Không có mã"},
            {"code": self.second.archival_code, "page": 7},
        ]
        errors = self.refused(spec)
        self.assertEqual([e["code"] for e in errors], ["bad_page", "missing_field"])
        spec["sections"][0]["items"] = [{"code": self.second.archival_code, "page": 7}]
        errors = self.refused(spec)
        self.assertEqual([e["code"] for e in errors], ["bad_page"])
        self.assertIn(self.second.archival_code, errors[0]["message"])

    def test_html_in_a_caption_is_shown_as_text_never_run(self) -> None:
        spec = self.spec(self.shown.archival_code)
        caption = '<script>alert("x")</script><img src=x onerror=alert(1)> Bản gốc'
        spec["sections"][0]["items"][0]["caption"] = caption
        spec["summary"] = "<b>Đậm</b>"
        payload, failed = self.run_load(json.dumps(spec))
        self.assertFalse(failed, payload)
        Exhibition.objects.update(publish_from=None, publish_until=None)
        for url in (payload["url"], payload["url"] + "nhung/"):
            page = self.client.get(url).content.decode()
            self.assertNotIn("<script>alert", page)
            self.assertNotIn("<img src=x", page)
            self.assertIn("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", page)
        body = self.client.get(f"/api/v1/exhibitions/{payload['slug']}").json()
        self.assertEqual(body["sections"][0]["items"][0]["caption"], caption)


class CuratorRefusalTests(ExhibitionTestCase):
    def test_the_curator_is_told_which_item_was_refused(self) -> None:
        exhibition = actions.create_exhibition(title="Thử", actor=self.archivist)
        section = actions.add_section(exhibition, title="Một", actor=self.archivist)
        self.login(self.archivist)
        add = reverse("exhibitions:item-add", args=[exhibition.pk, section.pk])
        code = self.unpublished.archival_code
        response = self.client.post(add, {"code": code, "page": 1}, follow=True)
        self.assertContains(response, f"Tài liệu {code} chưa được công bố công khai")
        response = self.client.post(add, {"code": "KHONG.CO", "page": 1}, follow=True)
        self.assertContains(response, "Không có tài liệu mã «KHONG.CO»")
        self.client.post(add, {"code": self.shown.archival_code, "page": 1})
        response = self.client.post(add, {"code": self.shown.archival_code, "page": 1}, follow=True)
        self.assertContains(response, "đã có trong triển lãm")
        self.assertEqual(section.items.count(), 1)


class PermissionTests(ExhibitionTestCase):
    def test_only_curators_see_the_staff_pages(self) -> None:
        url = reverse("exhibitions:staff-list")
        self.assertEqual(self.client.get(url).status_code, 302)  # to sign-in
        for user in (self.clerk_a, self.reader, self.council):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 403, user)
        for user in (self.archivist, self.head, self.admin):
            self.login(user)
            self.assertContains(self.client.get(url), "Ngày kỷ niệm sắp tới")

    def test_an_archivist_curates_through_the_pages_and_a_head_publishes(self) -> None:
        self.login(self.archivist)
        response = self.client.post(reverse("exhibitions:staff-create"), {"title": "Ngày 30/4"})
        exhibition = Exhibition.objects.get()
        self.assertRedirects(response, reverse("exhibitions:staff-detail", args=[exhibition.pk]))
        self.client.post(reverse("exhibitions:section-add", args=[exhibition.pk]), {"title": "Một"})
        section = exhibition.sections.get()
        add = reverse("exhibitions:item-add", args=[exhibition.pk, section.pk])
        self.client.post(add, {"code": self.unpublished.archival_code, "page": 1})
        self.assertFalse(section.items.exists())
        self.client.post(add, {"code": self.shown.archival_code, "page": 2, "caption": "Trang 2"})
        self.assertEqual(section.items.get().page, 2)
        step = reverse("exhibitions:transition", args=[exhibition.pk, "gui-duyet"])
        self.client.post(step)
        publish_url = reverse("exhibitions:transition", args=[exhibition.pk, "cong-bo"])
        self.client.post(publish_url)
        self.assertEqual(Exhibition.objects.get().state, State.REVIEW)
        self.login(self.head)
        self.client.post(publish_url)
        self.assertEqual(Exhibition.objects.get().state, State.PUBLISHED)

    def test_a_curator_edits_a_chapter_and_a_caption_later(self) -> None:
        exhibition = self.make_exhibition(published=False)
        later = actions.add_section(exhibition, title="Hai", actor=None)
        section = exhibition.sections.get(number=1)
        item = section.items.get(document=self.shown)
        self.login(self.archivist)
        self.client.post(
            reverse("exhibitions:section-edit", args=[exhibition.pk, later.pk]),
            {"title": "Mở đầu", "text": "Lời dẫn mới", "number": 0},
        )
        self.assertEqual(Section.objects.get(pk=later.pk).title, "Hai")  # 0 is no place
        self.client.post(
            reverse("exhibitions:section-edit", args=[exhibition.pk, later.pk]),
            {"title": "Mở đầu", "text": "Lời dẫn mới", "title_en": "Opening", "number": 1},
        )
        later.refresh_from_db()
        self.assertEqual(
            (later.title, later.title_en, later.text), ("Mở đầu", "Opening", "Lời dẫn mới")
        )
        edit = reverse("exhibitions:item-edit", args=[exhibition.pk, item.pk])
        response = self.client.post(edit, {"page": 5, "caption": "X"}, follow=True)
        self.assertContains(response, f"Tài liệu {self.shown.archival_code} có 2 trang")
        self.client.post(edit, {"page": 2, "caption": "Trang hai", "caption_en": "Page two"})
        item.refresh_from_db()
        self.assertEqual((item.page, item.caption, item.caption_en), (2, "Trang hai", "Page two"))
        other = Exhibition.objects.create(slug="khac", title="Khác")
        wrong = reverse("exhibitions:item-edit", args=[other.pk, item.pk])
        self.assertEqual(self.client.post(wrong, {"page": 1}).status_code, 404)

    def test_a_clerk_cannot_change_an_exhibition(self) -> None:
        exhibition = self.make_exhibition(published=False)
        self.login(self.clerk_a)
        response = self.client.post(
            reverse("exhibitions:section-add", args=[exhibition.pk]), {"title": "Lạ"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(exhibition.sections.count(), 1)

    def test_curators_keep_the_anniversaries(self) -> None:
        self.login(self.archivist)
        self.client.post(
            reverse("exhibitions:anniversary-add"),
            {"day": 12, "month": 10, "name": "Ngày thành lập tỉnh"},
        )
        self.assertTrue(Anniversary.objects.filter(name="Ngày thành lập tỉnh").exists())


@override_settings(PORTAL_CACHE_SECONDS=0)  # the cost of rendering, not of a cached page
class QueryCountTests(ExhibitionTestCase):
    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(captured)

    def test_lists_and_a_story_cost_the_same_whatever_their_size(self) -> None:
        exhibition = self.make_exhibition()
        detail = f"/trien-lam/{exhibition.slug}/"
        for url in ("/trien-lam/", "/api/v1/exhibitions", detail):  # warm the caches
            self.client.get(url)
        small = [self.queries(u) for u in ("/trien-lam/", "/api/v1/exhibitions", detail)]
        self.make_exhibition()
        self.make_exhibition()
        section = exhibition.sections.get()
        more = actions.add_section(exhibition, title="Hai", actor=None)
        actions.add_item(more, code=self.second.archival_code, page=2, actor=None)
        actions.add_item(section, code=self.shown.archival_code, page=2, actor=None)
        large = [self.queries(u) for u in ("/trien-lam/", "/api/v1/exhibitions", detail)]
        self.assertEqual(small, large)
