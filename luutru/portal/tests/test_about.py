"""The archive's name, address, hours, contact, rules and fees: from the administrator's file,
on the footer of every portal page and on the "Giới thiệu / Liên hệ" page."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from luutru.access import reading_room

SETTINGS = """
name = "Trung tâm Lưu trữ lịch sử tỉnh Thanh Hóa"
address = "25 Hạc Thành, Thanh Hóa"
hours = ["Thứ Hai \u2013 Thứ Sáu: 7 giờ 30 \u2013 17 giờ"]
phone = "0237 3850 123"
email = "phongdoc@example.gov.vn"
rules = ["Xuất trình căn cước khi vào phòng đọc."]

[[fees]]
service = "Sao chụp tài liệu giấy"
unit = "trang"
price = "2.000 đồng"
"""


class AboutPageTests(TestCase):
    def test_the_administrators_file_is_shown_on_the_footer_and_the_about_page(self) -> None:
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "phong-doc.toml"
            path.write_text(SETTINGS, encoding="utf-8")
            with override_settings(READING_ROOM_FILE=str(path)):
                home = self.client.get(reverse("portal:home"))
                self.assertContains(home, "Trung tâm Lưu trữ lịch sử tỉnh Thanh Hóa")
                self.assertContains(home, "phongdoc@example.gov.vn")
                self.assertContains(home, "img/favicon.svg")
                about = self.client.get(reverse("portal:about"))
                for text in ("25 Hạc Thành", "7 giờ 30", "Xuất trình căn cước", "2.000 đồng"):
                    self.assertContains(about, text)

    def test_without_a_file_the_defaults_apply(self) -> None:
        with override_settings(READING_ROOM_FILE="/nonexistent/phong-doc.toml"):
            about = self.client.get(reverse("portal:about"))
        self.assertContains(about, "Nội quy phòng đọc")
        self.assertContains(about, "Biểu phí khai thác")


class ReadingRoomFileTests(SimpleTestCase):
    def test_a_broken_file_is_an_error_not_a_silent_default(self) -> None:
        from django.core.exceptions import ImproperlyConfigured

        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "phong-doc.toml"
            path.write_text("name = ", encoding="utf-8")
            with (
                override_settings(READING_ROOM_FILE=str(path)),
                self.assertRaises(ImproperlyConfigured),
            ):
                reading_room.info()


class CitationTests(TestCase):
    def test_a_document_is_cited_by_type_number_date_and_issuer_with_what_it_has(self) -> None:
        import datetime

        from luutru.portal.views import citation
        from luutru.records.models import Document

        document = Document(
            doc_type="02",
            number="356",
            notation="QĐ-UBND",
            issued_date=datetime.date(2024, 3, 5),
            issuer="Ủy ban nhân dân tỉnh",
        )
        self.assertEqual(
            citation(document), "Quyết định số 356/QĐ-UBND ngày 05/03/2024 của Ủy ban nhân dân tỉnh"
        )
        document.number = document.notation = ""
        document.doc_type = "99"  # not in the code list: no made-up word
        self.assertEqual(citation(document), "Văn bản ngày 05/03/2024 của Ủy ban nhân dân tỉnh")
