"""Staff pages for dossiers and documents: who may see which, and what they read there."""

from __future__ import annotations

from typing import ClassVar

from luutru.accounts.models import User
from luutru.records import codes
from luutru.records.models import Document, Dossier
from luutru.records.services import signature_verdict
from luutru.records.tests.factory import make_document, make_dossier, make_file
from luutru.test import BaseTestCase

LOGIN = "/tai-khoan/dang-nhap/"


class RecordsTestCase(BaseTestCase):
    dossier: ClassVar[Dossier]
    document: ClassVar[Document]
    loose: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dossier = make_dossier(cls.agency_a, 11)
        cls.document = make_document(cls.agency_a, cls.dossier, 1)
        make_document(cls.agency_a, cls.dossier, 2, doc_type="07", summary="Thông báo kết luận")
        cls.loose = make_document(
            cls.agency_a, None, 9, identifier="H62.00.03.2023.9", summary="Công văn về dự toán"
        )

    def in_scope(self) -> list[User]:
        """Everyone whose scope holds department A (the dossier's agency)."""
        return [self.archivist, self.clerk_a, self.head, self.council, self.kpi, self.admin]

    def pages(self) -> list[str]:
        return [
            "/quan-tri/ho-so/",
            f"/quan-tri/ho-so/{self.dossier.code}/",
            f"/quan-tri/tai-lieu/{self.document.pk}/",
            "/quan-tri/tai-lieu/chua-lap-ho-so/",
        ]


class AccessTests(RecordsTestCase):
    def test_anonymous_visitors_are_sent_to_the_login_page(self) -> None:
        for url in self.pages():
            self.assertRedirects(self.client.get(url), f"{LOGIN}?next={url}", msg_prefix=url)

    def test_readers_are_refused(self) -> None:
        self.login(self.reader)
        for url in self.pages():
            self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_staff_whose_scope_holds_the_agency_see_every_page(self) -> None:
        for user in self.in_scope():
            self.login(user)
            for url in self.pages():
                self.assertEqual(self.client.get(url).status_code, 200, (user, url))

    def test_staff_of_another_agency_find_neither_the_dossier_nor_the_document(self) -> None:
        self.login(self.clerk_b)
        for url in self.pages()[1:3]:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertNotContains(self.client.get("/quan-tri/ho-so/"), self.dossier.code)
        self.assertNotContains(
            self.client.get("/quan-tri/tai-lieu/chua-lap-ho-so/"), "Công văn về dự toán"
        )

    def test_unknown_codes_are_not_found(self) -> None:
        self.login(self.admin)
        for url in ("/quan-tri/ho-so/KHONG-CO/", "/quan-tri/tai-lieu/999999/"):
            self.assertEqual(self.client.get(url).status_code, 404, url)


class DossierPageTests(RecordsTestCase):
    def test_the_detail_names_every_field_in_vietnamese_with_code_labels(self) -> None:
        self.login(self.archivist)
        page = self.client.get(f"/quan-tri/ho-so/{self.dossier.code}/")
        for label in (
            "Mã hồ sơ", "Tiêu đề hồ sơ", "Thời hạn lưu trữ", "Chế độ sử dụng", "Ngôn ngữ",
            "Thời gian bắt đầu", "Thời gian kết thúc", "Từ khóa",
            "Tổng số tài liệu trong hồ sơ", "Số lượng tờ", "Số lượng trang",
            "Tình trạng vật lý", "Ký hiệu thông tin", "Mức độ tin cậy", "Mã hồ sơ gốc giấy",
            "Chế độ dự phòng", "Tình trạng dự phòng", "Ghi chú",
        ):  # fmt: skip
            self.assertContains(page, f"<dt>{label}</dt>", msg_prefix=label)
        for shown in (
            "04 — 30 năm", "01 — Công khai", "01 — Tiếng Việt, 02 — Tiếng Anh", "01 — Tốt",
            "01 — Gốc điện tử", "02 — Chưa dự phòng", "03/01/2023", "28/12/2023",
        ):  # fmt: skip
            self.assertContains(page, shown, msg_prefix=shown)

    def test_the_detail_gives_the_year_the_retention_runs_out(self) -> None:
        self.login(self.archivist)
        page = self.client.get(f"/quan-tri/ho-so/{self.dossier.code}/")
        self.assertContains(page, "Hết hạn năm 2053")  # ended 2023, kept 30 years

    def test_a_permanent_dossier_never_runs_out(self) -> None:
        permanent = make_dossier(self.agency_a, 12, retention="01")
        self.login(self.archivist)
        page = self.client.get(f"/quan-tri/ho-so/{permanent.code}/")
        self.assertContains(page, "01 — Vĩnh viễn")
        self.assertContains(page, "<dt>Hết thời hạn lưu trữ</dt><dd>Vĩnh viễn</dd>", html=False)

    def test_the_detail_lists_its_documents_with_their_type(self) -> None:
        self.login(self.archivist)
        page = self.client.get(f"/quan-tri/ho-so/{self.dossier.code}/")
        self.assertContains(page, "02 — Quyết định")
        self.assertContains(page, "07 — Thông báo")
        self.assertContains(page, f"/quan-tri/tai-lieu/{self.document.pk}/")
        self.assertNotContains(page, "Công văn về dự toán")

    def test_the_list_searches_codes_and_titles_and_answers_htmx_with_a_partial(self) -> None:
        other = make_dossier(self.agency_a, 12, title="Hồ sơ xây dựng trụ sở")
        self.login(self.archivist)
        page = self.client.get("/quan-tri/ho-so/", {"q": "trụ sở"}, HTTP_HX_REQUEST="true")
        self.assertContains(page, other.code)
        self.assertNotContains(page, self.dossier.code)
        self.assertNotContains(page, "<html")
        page = self.client.get("/quan-tri/ho-so/", {"q": ".2023.11"})
        self.assertContains(page, self.dossier.code)
        self.assertNotContains(page, other.code)

    def test_the_list_is_built_in_a_fixed_number_of_queries(self) -> None:
        for number in range(20, 60):
            make_dossier(self.agency_a if number % 2 else self.archive_agency, number)
        self.login(self.archivist)
        codes.entries("retention")  # the code lists are cached per process
        # session, user, permissions, the access policy's scope (roles, memberships, sources,
        # tree), count, page: fixed, whatever the number of dossiers
        with self.assertNumQueries(12):
            page = self.client.get("/quan-tri/ho-so/")
        self.assertContains(page, "41 hồ sơ")


class DocumentPageTests(RecordsTestCase):
    def test_the_detail_names_every_field_in_vietnamese(self) -> None:
        self.login(self.clerk_a)
        page = self.client.get(f"/quan-tri/tai-lieu/{self.document.pk}/")
        for label in (
            "Số thứ tự", "Mã lưu trữ tài liệu", "Thời hạn lưu trữ", "Tên loại tài liệu",
            "Số của tài liệu", "Ký hiệu của tài liệu", "Ngày, tháng, năm tài liệu",
            "Tên cơ quan, tổ chức, cá nhân ban hành", "Trích yếu nội dung", "Ngôn ngữ",
            "Số lượng trang", "Chế độ sử dụng", "Bút tích", "Quy trình xử lý",
        ):  # fmt: skip
            self.assertContains(page, f"<dt>{label}</dt>", msg_prefix=label)
        self.assertContains(page, "02 — Quyết định")
        self.assertContains(page, "01/03/2023")
        self.assertContains(page, self.dossier.code)

    def test_each_file_shows_its_format_digest_and_pdf_facts(self) -> None:
        file = make_file(self.document, "01_QD-STC.pdf", has_text=False)
        self.login(self.clerk_a)
        page = self.client.get(f"/quan-tri/tai-lieu/{self.document.pk}/")
        self.assertContains(page, "01_QD-STC.pdf")
        self.assertContains(page, file.stored.sha256)
        self.assertContains(page, "fmt/354")
        self.assertContains(page, "application/pdf")
        self.assertContains(page, "PDF/A-1b")
        self.assertContains(page, "47,1\xa0KB")
        self.assertContains(page, "bản quét, cần nhận dạng ký tự")
        self.assertContains(page, "Không có chữ ký số")

    def test_a_signature_gets_a_clear_verdict(self) -> None:
        make_file(
            self.document,
            signatures=[
                {
                    "signer": "ỦY BAN NHÂN DÂN TỈNH",
                    "signed_at": "2023-03-01T08:30:00+07:00",
                    "intact": True,
                    "valid": True,
                    "trusted": True,
                    "covers_whole_file": True,
                    "summary": "Chữ ký hợp lệ.",
                },
                {"signer": "Giả mạo", "intact": False, "valid": False, "trusted": False},
            ],
        )
        self.login(self.clerk_a)
        page = self.client.get(f"/quan-tri/tai-lieu/{self.document.pk}/")
        self.assertContains(page, "Chữ ký hợp lệ, chứng thư số được tin cậy, tệp nguyên vẹn.")
        self.assertContains(page, "ỦY BAN NHÂN DÂN TỈNH")
        self.assertContains(page, "01/03/2023 08:30")
        self.assertContains(page, "Chữ ký không còn nguyên vẹn")

    def test_unfiled_documents_are_listed_apart_in_a_fixed_number_of_queries(self) -> None:
        for n in range(10, 30):
            make_document(self.agency_a, None, n % 28 + 1, summary=f"Công văn số {n}")
        self.login(self.archivist)
        codes.entries("document_type")
        with self.assertNumQueries(12):  # as the dossier list
            page = self.client.get("/quan-tri/tai-lieu/chua-lap-ho-so/")
        self.assertContains(page, "Công văn về dự toán")
        self.assertContains(page, "21 tài liệu")
        self.assertNotContains(page, self.document.summary)


class SignatureVerdictTests(BaseTestCase):
    def test_each_kind_of_evidence_reads_as_one_plain_verdict(self) -> None:
        cases = [
            ({"intact": True, "valid": True, "trusted": True}, "ok"),
            ({"intact": True, "valid": True, "trusted": True, "covers_whole_file": False}, "warn"),
            ({"intact": True, "valid": True, "trusted": False}, "warn"),
            ({"intact": True, "valid": False, "trusted": True}, "bad"),
            ({"intact": False, "valid": False, "trusted": True}, "bad"),
            ({}, "bad"),
        ]
        for evidence, level in cases:
            self.assertEqual(signature_verdict(evidence).level, level, evidence)
