"""Digitized documents are described, not invented: the operator confirms number, notation,
date, issuer and type (suggested from the OCR text), the paper original's sheets and condition,
and may correct the recognised text, which is what search finds."""

from __future__ import annotations

import datetime
import shutil
import tempfile
from pathlib import Path
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from luutru.digitization import actions, samples
from luutru.digitization.models import PageState, ScanBatch, ScanItem, ScanPage
from luutru.digitization.tests.factory import describe_all
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_dossier
from luutru.search import services as search
from luutru.test import BaseTestCase

LIST = "/quan-tri/so-hoa/"


def png(lines: list[str], mode: str = "RGB") -> bytes:
    image = samples.page_image(lines, dpi=200, height_inches=2.6, mode=mode)
    return samples.image_bytes(image, dpi=200)


def form(item: ScanItem, **values: object) -> dict[str, object]:
    """The description form as the browser posts it (blank fields included)."""
    names = ("doc_type", "number", "notation", "issued_date", "issuer", "summary", "sheet_count",
             "physical_condition")  # fmt: skip
    fields: dict[str, object] = dict.fromkeys(names, "")
    fields.update(values)
    return {f"tl{item.position}-{k}": v for k, v in fields.items() if v is not False}


class DescribeTests(BaseTestCase):
    dossier: ClassVar[Dossier]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dossier = make_dossier(cls.agency_a, 3, reliability="", paper_code="")

    def upload(self, lines: list[str], mode: str = "RGB") -> ScanBatch:
        self.login(self.archivist)
        upload = SimpleUploadedFile("trang-01.png", png(lines, mode), "image/png")
        self.client.post(LIST, {"dossier": self.dossier.code, "scans": [upload]})
        batch = ScanBatch.objects.get()
        actions.process_batch(batch.pk)  # what the worker does
        return batch

    def test_the_operator_confirms_what_the_scan_suggests_and_corrects_its_text(self) -> None:
        batch = self.upload(samples.HEADED)
        item = batch.items.get()
        url = f"{LIST}{batch.pk}/"
        page = self.client.get(url)
        # Suggestions read from the text, each beside its field with a one-click button.
        for shown in ("12", "QĐ-STC", "05/03/2024", "SỞ TÀI CHÍNH", "02 Quyết định",
                      "Về việc phân bổ dự toán ngân sách nhà nước năm 2024"):  # fmt: skip
            self.assertContains(page, f"<q>{shown}</q>")
        self.assertContains(page, 'name="goi_y" value="number"')
        # Nothing is filled in for the operator: acceptance waits, saying what is missing.
        self.assertContains(
            page,
            "Tài liệu 1: chưa có tên loại tài liệu, số, ký hiệu, ngày, tháng, năm tài liệu, cơ "
            "quan ban hành, trích yếu nội dung, số lượng tờ bản giấy, tình trạng vật lý bản giấy.",
        )
        refused = self.client.post(f"{url}chap-nhan/", follow=True)
        self.assertContains(refused, "Tài liệu 1: chưa có tên loại tài liệu")
        self.assertFalse(Document.objects.exists())

        # Only the archivist may describe: the head sees the batch, a clerk not even that.
        for who in (self.head, self.clerk_a):
            self.login(who)
            denied = self.client.post(f"{url}tai-lieu/1/mo-ta/", {**form(item), "goi_y": "number"})
            self.assertEqual(denied.status_code, 403)
            self.assertEqual(self.client.post(f"{url}ban-giay/", {}).status_code, 403)
        self.login(self.archivist)
        # “Dùng gợi ý” takes that one suggestion; a blank field stays blank.
        self.client.post(f"{url}tai-lieu/1/mo-ta/", {**form(item), "goi_y": "number"})
        item.refresh_from_db()
        self.assertEqual((item.number, item.notation, item.issuer), ("12", "", ""))

        recognised = item.ocr_text()
        corrected = recognised + "\nBút phê: giao phòng Quản lý ngân sách Vị Thanh thực hiện."
        response = self.client.post(
            f"{url}tai-lieu/1/mo-ta/",
            {**form(item, doc_type="02", number="12", notation="QĐ-STC",
                    issued_date="2024-03-05", issuer="Sở Tài chính",
                    summary="Quyết định phân bổ dự toán ngân sách nhà nước năm 2024",
                    sheet_count="1", physical_condition="02"),
             "tl1-text": corrected},
            follow=True,
        )  # fmt: skip
        self.assertContains(response, "Đã lưu mô tả tài liệu 1.")
        self.client.post(f"{url}ban-giay/", {"paper_code": "H62.K1.G2.H3.15"})
        accepted = self.client.post(f"{url}chap-nhan/", follow=True)
        self.assertContains(accepted, "Đã chấp nhận: 1 tài liệu số hóa.")

        document = Document.objects.get(dossier=self.dossier)
        self.assertEqual(
            (document.doc_type, document.number, document.notation, document.issued_date,
             document.issuer, document.physical_condition),
            ("02", "12", "QĐ-STC", datetime.date(2024, 3, 5), "Sở Tài chính", "02"),
        )  # fmt: skip
        self.assertIn("Số hóa từ bản giấy H62.K1.G2.H3.15 (1 tờ).", document.description)
        search.index_documents([document.pk])
        hits = search.search(self.archivist, "phong quan ly ngan sach Vi Thanh")
        self.assertEqual([h.code for h in hits.hits], [document.archival_code])

    def test_a_document_without_number_is_accepted_once_the_operator_says_so(self) -> None:
        batch = self.upload(samples.REPORT)
        describe_all(batch, number="", notation="")
        with self.assertRaisesMessage(ValidationError, "Tài liệu 1: chưa có số, ký hiệu."):
            actions.accept_batch(batch, actor=self.archivist)
        describe_all(batch, number="", notation="", unnumbered=True)
        [document] = actions.accept_batch(batch, actor=self.archivist)
        self.assertEqual((document.number, document.notation), ("", ""))

    def test_the_paper_dossier_code_is_required_for_a_digitized_record(self) -> None:
        """TT 05/2025 Phụ lục (regulations.md §1.1, paperFileCode): a record whose reliability
        is 02 (Số hóa) carries its paper dossier's code, as ingest already requires."""
        batch = self.upload(samples.REPORT)
        describe_all(batch)
        actions.set_paper_code(batch, "", actor=self.archivist)
        self.assertIn(
            "Chưa có mã hồ sơ gốc giấy: tài liệu số hóa (mức độ tin cậy 02) phải ghi mã hồ sơ "
            "gốc giấy (TT 05/2025).",
            actions.blocking_problems(batch),
        )
        with self.assertRaises(ValidationError):
            actions.accept_batch(batch, actor=self.archivist)
        Dossier.objects.filter(pk=self.dossier.pk).update(paper_code="H62.K1.G1.H9.03")
        batch.refresh_from_db()
        self.assertEqual(actions.description_problems(batch), [])  # the dossier's own code

    @override_settings(DIGITIZATION_LOW_DEPTH="warn")
    def test_a_grey_scan_relaxed_by_the_archive_says_so_in_the_documents_note(self) -> None:
        """TT 05/2025 Điều 8 (regulations.md §2.1): 24-bit colour; an archive that relaxes it
        to a warning has the document's description (ghi chú) record it."""
        batch = self.upload(samples.REPORT, mode="L")
        flags = [(f["code"], f["level"]) for f in ScanPage.objects.get().flags]
        self.assertEqual(flags, [("low_colour_depth", "warning")])
        describe_all(batch)
        [document] = actions.accept_batch(batch, actor=self.archivist)
        self.assertIn("dưới 24 bit màu (8 bit)", document.description)
        self.assertIn("DIGITIZATION_LOW_DEPTH", document.description)


class PaperSizeTests(BaseTestCase):
    """Checks on pages already recognised (their size and resolution set as the worker would)."""

    def batch(self, width: int, height: int, dpi: int) -> ScanBatch:
        dossier = make_dossier(self.agency_a, 4, paper_code="H62.K1.G1.H1.04")
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, True)
        path = samples.write(folder / "a.png", samples.page_image())
        batch = actions.create_batch(
            dossier, [actions.ItemSpec(files=[actions.Upload(path, "a.png")])], actor=None,
            source="folder",
        )  # fmt: skip
        ScanPage.objects.filter(item__batch=batch).update(
            state=PageState.DONE, width=width, height=height, dpi=dpi, flags=[]
        )
        ScanBatch.objects.filter(pk=batch.pk).update(state="review", page_done=1)
        batch.refresh_from_db()
        return batch

    def test_a_sheet_larger_than_a3_asks_whether_it_is_a_map(self) -> None:
        """TT 05/2025 Điều 8 (regulations.md §2.1): maps and drawings at 300 dpi whatever type
        the operator picked: a page larger than A3 is questioned on the review page."""
        batch = self.batch(3307, 4677, 200)  # A2 at 200 dpi
        item = batch.items.get()
        [flag] = actions.item_flags(item)
        self.assertEqual(flag.code, "large_page")
        self.assertIn("Tài liệu 1, trang 1: Trang khổ 420x594 mm, lớn hơn A3", flag.message)
        self.login(self.archivist)
        self.assertContains(self.client.get(f"{LIST}{batch.pk}/"), "đây có phải bản đồ")
        describe_all(batch, doc_type="30")  # the operator says it is a map
        item.refresh_from_db()
        self.assertEqual(actions.item_flags(item), [])
        problems = actions.blocking_problems(batch)
        self.assertTrue(any("300 dpi" in p and "bản đồ" in p for p in problems), problems)
