"""Suggestions read from a digitized document's OCR text: number and notation, date, issuing
agency and document type, laid out as NĐ 30/2020 Phụ lục I prescribes; what is not there
stays empty, never guessed."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from luutru.digitization.suggest import Suggestion, suggest

TYPES = {"02": "Quyết định", "14": "Báo cáo", "20": "Biên bản", "22": "Công văn",
         "30": "Bản đồ", "32": "Khác"}  # fmt: skip

# What Tesseract gives for a two-column header: each line holds both columns.
DECISION = """ỦY BAN NHÂN DÂN TỈNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ TÀI CHÍNH Độc lập - Tự do - Hạnh phúc
Số: 123/QĐ-STC Hậu Giang, ngày 05 tháng 3 năm 2024

QUYẾT ĐỊNH
Về việc phân bổ dự toán ngân sách nhà nước năm 2024
Căn cứ Nghị định số 163/2016/NĐ-CP ngày 21 tháng 12 năm 2016 của Chính phủ;"""


class SuggestTests(SimpleTestCase):
    def test_a_decision_gives_number_notation_date_issuer_and_type(self) -> None:
        """NĐ 30/2020 Phụ lục I: số và ký hiệu (“Số: 123/QĐ-STC”), địa danh và thời gian
        ban hành, tên cơ quan ban hành (top left, under its parent), tên loại văn bản."""
        self.assertEqual(
            suggest(DECISION, TYPES),
            Suggestion(number="123", notation="QĐ-STC", issued_date=datetime.date(2024, 3, 5),
                       issuer="SỞ TÀI CHÍNH", doc_type="02",
                       summary="Về việc phân bổ dự toán ngân sách nhà nước năm 2024"),
        )  # fmt: skip

    def test_columns_on_separate_lines_and_a_legal_document_notation(self) -> None:
        """NĐ 30/2020 Phụ lục I: a legal document's notation carries its year
        (“12/2024/NQ-HĐND”); the number is the part before the first slash."""
        text = """HỘI ĐỒNG NHÂN DÂN
TỈNH HẬU GIANG
Số: 12/2024/NQ-HĐND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Vị Thanh, ngày 9 tháng 12 năm 2024
BÁO CÁO
Tình hình thực hiện"""
        found = suggest(text, TYPES)
        self.assertEqual((found.number, found.notation), ("12", "2024/NQ-HĐND"))
        self.assertEqual(found.issued_date, datetime.date(2024, 12, 9))
        self.assertEqual(found.issuer, "HỘI ĐỒNG NHÂN DÂN TỈNH HẬU GIANG")  # one name, two lines
        self.assertEqual(found.doc_type, "14")
        self.assertEqual(found.summary, "")  # “Tình hình …” is not the “Về việc” line

    def test_the_body_text_numbers_and_dates_are_not_taken_for_the_documents_own(self) -> None:
        """NĐ 30/2020: only the header's “Số:” is the document's number; “Nghị định số
        163/2016/NĐ-CP” cited in the body is another document's."""
        text = "BIÊN BẢN\nCăn cứ Nghị định số 163/2016/NĐ-CP;\nngày 31 tháng 2 năm 2024"
        found = suggest(text, TYPES)
        self.assertEqual((found.number, found.notation), ("", ""))
        self.assertIsNone(found.issued_date)  # 31/02 is no date
        self.assertEqual(found.doc_type, "20")
        self.assertEqual(found.issuer, "")  # nothing in capitals above the title

    def test_a_cong_van_is_known_by_its_v_v_line_and_nothing_is_invented(self) -> None:
        """NĐ 30/2020 Phụ lục I: a công văn has no title, only its “V/v” summary."""
        found = suggest("SỞ NỘI VỤ\nSố: 45/SNV-VP\nV/v nộp lưu hồ sơ", TYPES)
        self.assertEqual(found.doc_type, "22")
        self.assertEqual(found.summary, "nộp lưu hồ sơ")
        self.assertEqual(suggest("", TYPES), Suggestion())
        self.assertEqual(suggest("chữ mờ không đọc được", TYPES), Suggestion())
