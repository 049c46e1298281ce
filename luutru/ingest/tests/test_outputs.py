"""The inventory (mục lục hồ sơ) and handover record (biên bản giao nhận) of a transfer."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import unittest
from typing import Any
from zoneinfo import ZoneInfo

import pikepdf
from openpyxl import load_workbook

from luutru.ingest import outputs
from luutru.ingest.models import Transfer, TransferState
from luutru.records.models import DatePrecision, Document, Dossier
from luutru.test import BaseTestCase

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TITLES = (
    "Hồ sơ về việc giao đất, cho thuê đất năm 2024",
    "Hồ sơ quyết toán ngân sách địa phương năm 2024 của Sở Tài chính",
)


def make_dossier(agency: Any, fonds: Any, code: str, title: str, **extra: Any) -> Dossier:
    values: dict[str, Any] = {
        "retention": "01",
        "access_regime": "01",
        "languages": "01",
        "start_date": datetime.date(2024, 1, 2),
        "end_date": datetime.date(2024, 12, 30),
        "total_docs": 2,
        "page_count": 7,
    }
    values.update(extra)
    return Dossier.objects.create(agency=agency, fonds=fonds, code=code, title=title, **values)


def make_document(
    agency: Any, dossier: Dossier | None, ordinal: int | None, **extra: Any
) -> Document:
    values: dict[str, Any] = {
        "retention": "01",
        "doc_type": "02",
        "number": f"{100 + (ordinal or 0)}",
        "notation": "QĐ-STC",
        "issued_date": datetime.date(2024, 3, ordinal or 20),
        "issuer": "Sở Tài chính",
        "summary": f"Về việc phê duyệt phương án bồi thường đợt {ordinal}",
        "languages": "01",
        "page_count": 3,
        "access_regime": "01",
    }
    values.update(extra)
    return Document.objects.create(agency=agency, dossier=dossier, ordinal=ordinal, **values)


def pdf_text(data: bytes) -> str:
    """The PDF's text as a reader would copy it: pdftotext when installed, pikepdf otherwise."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        result = subprocess.run(  # noqa: S603 - a fixed local tool reading our own bytes
            [pdftotext, "-raw", "-enc", "UTF-8", "-", "-"],
            input=data,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode("utf-8")
    raise unittest.SkipTest("pdftotext (poppler-utils) is not installed")


class OutputsTestCase(BaseTestCase):
    transfer: Transfer

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        agency = cls.agency_a
        first = make_dossier(agency, cls.fonds_a, "000.00.03.H62.2024.01", TITLES[0])
        second = make_dossier(
            agency,
            cls.fonds_a,
            "000.00.03.H62.2024.02",
            TITLES[1],
            retention="05",
            access_regime="02",
            total_docs=3,
            page_count=12,
            start_date=datetime.date(2023, 11, 1),
            start_precision=DatePrecision.MONTH,
        )
        documents = [
            make_document(agency, first, 1, archival_code="H62.003.2024.01.001"),
            make_document(agency, first, 2, archival_code="H62.003.2024.01.002", page_count=4),
            make_document(agency, second, 1, archival_code="H62.003.2024.02.001", doc_type="14"),
            make_document(agency, second, 2, archival_code="H62.003.2024.02.002"),
            make_document(agency, second, 3, archival_code="H62.003.2024.02.003"),
            make_document(
                agency,
                None,
                None,
                identifier="000.00.03.H62-240315-0001",
                doc_type="22",
                summary="Về việc đôn đốc nộp lưu hồ sơ điện tử",
                page_count=2,
            ),
        ]
        cls.transfer = Transfer.objects.create(
            agency=agency,
            submitted_by=cls.clerk_a,
            package_name="so-tai-chinh-2024.zip",
            package_path="so-tai-chinh-2024.zip",
            form="tt05_sip",
            state=TransferState.ACCEPTED,
            dossier_count=2,
            document_count=6,
            file_count=6,
            finished_at=datetime.datetime(2026, 3, 5, 9, 30, tzinfo=HANOI),
        )
        received = datetime.datetime(2026, 3, 5, 8, 15, tzinfo=HANOI)
        Transfer.objects.filter(pk=cls.transfer.pk).update(created_at=received)
        cls.transfer.refresh_from_db()
        cls.transfer.dossiers.add(first, second)
        cls.transfer.documents.add(*documents)


class InventoryTests(OutputsTestCase):
    def test_the_pdf_lists_every_dossier_with_its_vietnamese_title_and_the_totals(self) -> None:
        data = outputs.inventory_pdf(self.transfer)

        self.assertTrue(data.startswith(b"%PDF"))
        with pikepdf.open(io.BytesIO(data)) as pdf:
            self.assertGreaterEqual(len(pdf.pages), 1)
        text = " ".join(pdf_text(data).split())
        for title in TITLES:
            self.assertIn(title, text)
        self.assertIn("MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU", text)
        self.assertIn("Lưu trữ lịch sử tỉnh", text)
        self.assertIn("Phông Sở Tài chính (H62.003)", text)
        self.assertIn("Vĩnh viễn", text)
        self.assertIn("Sử dụng có điều kiện", text)
        self.assertIn(f"11/2023 {outputs.DASH} 30/12/2024", text)
        self.assertIn("Hai hồ sơ (đơn vị bảo quản)", text)
        self.assertIn("Tổng số hồ sơ: 2", text)
        self.assertIn("Tổng số tài liệu: 6", text)
        self.assertIn("Tổng số trang: 21", text)
        self.assertIn("TÀI LIỆU CHƯA LẬP HỒ SƠ", text)
        self.assertIn("Về việc đôn đốc nộp lưu hồ sơ điện tử", text)
        self.assertIn("Công văn", text)
        self.assertIn("Trang 1/", text)

    def test_the_short_pdf_keeps_the_dossier_list_and_leaves_out_the_documents(self) -> None:
        text = " ".join(pdf_text(outputs.inventory_pdf(self.transfer, documents=False)).split())

        self.assertIn(TITLES[1], text)
        self.assertIn("Tổng số tài liệu: 6", text)
        self.assertNotIn("MỤC LỤC VĂN BẢN, TÀI LIỆU TRONG HỒ SƠ", text)
        self.assertNotIn("Về việc phê duyệt phương án bồi thường", text)
        self.assertIn("II. TÀI LIỆU CHƯA LẬP HỒ SƠ", text)

    def test_the_workbook_has_the_dossiers_their_documents_and_the_totals(self) -> None:
        book = load_workbook(io.BytesIO(outputs.inventory_xlsx(self.transfer)))

        self.assertEqual(
            book.sheetnames, ["Mục lục hồ sơ", "Tài liệu trong hồ sơ", "Tài liệu chưa lập hồ sơ"]
        )
        sheet = book["Mục lục hồ sơ"]
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
        header = rows.index(tuple(c.title for c in outputs.DOSSIER_COLUMNS))
        self.assertEqual(sheet.freeze_panes, f"A{header + 2}")
        first = rows[header + 1]
        self.assertEqual(first[:3], (1, "000.00.03.H62.2024.01", TITLES[0]))
        self.assertEqual(first[5:9], ("Vĩnh viễn", "Công khai", 2, 7))
        self.assertEqual(rows[header + 2][5:9], ("20 năm", "Sử dụng có điều kiện", 3, 12))
        self.assertEqual(rows[header + 3][1], "Cộng")
        self.assertEqual(rows[header + 3][7:9], (5, 19))
        facts = {r[0]: r[2] for r in rows if isinstance(r[0], str)}
        self.assertEqual(facts["Tổng số hồ sơ"], 2)
        self.assertEqual(facts["Tổng số tài liệu"], 6)
        self.assertEqual(facts["Tổng số trang"], 21)

        start = sheet.cell(header + 2, 4)
        self.assertIsInstance(start.value, datetime.datetime)
        self.assertEqual(start.value.date(), datetime.date(2024, 1, 2))
        self.assertEqual(start.number_format, "DD/MM/YYYY")
        self.assertEqual(sheet.cell(header + 3, 4).number_format, "MM/YYYY")
        self.assertTrue(sheet.cell(header + 1, 1).font.b)

        documents = [r for r in book["Tài liệu trong hồ sơ"].iter_rows(values_only=True)]
        summaries = [r[6] for r in documents if r[1] == "000.00.03.H62.2024.02"]
        self.assertEqual(len(summaries), 3)
        unfiled = [r for r in book["Tài liệu chưa lập hồ sơ"].iter_rows(values_only=True)]
        self.assertIn(tuple(c.title for c in outputs.UNFILED_COLUMNS), unfiled)
        issued = datetime.datetime(2024, 3, 20)  # noqa: DTZ001 - Excel dates carry no zone
        self.assertIn(
            (
                1,
                "000.00.03.H62-240315-0001",
                "100/QĐ-STC",
                issued,
                "Công văn",
                "Về việc đôn đốc nộp lưu hồ sơ điện tử",
                "Sở Tài chính",
                2,
            ),
            unfiled,
        )

    def test_an_agency_without_a_historical_archive_hands_over_to_its_own_archive(self) -> None:
        transfer = Transfer.objects.create(
            agency=self.agency_b, package_name="trong.zip", package_path="trong.zip"
        )

        text = " ".join(pdf_text(outputs.inventory_pdf(transfer)).split())
        book = load_workbook(io.BytesIO(outputs.inventory_xlsx(transfer)))

        self.assertIn("Nơi nhận: Lưu trữ hiện hành", text)
        self.assertIn("Tổng số hồ sơ: 0", text)
        self.assertEqual(book.sheetnames, ["Mục lục hồ sơ", "Tài liệu trong hồ sơ"])

    def test_it_reads_the_transfer_in_a_fixed_number_of_queries(self) -> None:
        transfer = Transfer.objects.get(pk=self.transfer.pk)
        outputs.collect(transfer)  # the code lists are read once per process, then cached
        with self.assertNumQueries(4):  # the agency, the two people, the dossiers, the documents
            outputs.collect(transfer)


class HandoverTests(OutputsTestCase):
    def test_the_pdf_is_the_handover_form_with_the_counts_and_the_evidence(self) -> None:
        data = outputs.handover_pdf(self.transfer)

        self.assertTrue(data.startswith(b"%PDF"))
        with pikepdf.open(io.BytesIO(data)) as pdf:
            self.assertGreaterEqual(len(pdf.pages), 1)
        text = " ".join(pdf_text(data).split())
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "ỦY BAN NHÂN DÂN TỈNH",
            "SỞ TÀI CHÍNH",
            "ngày 05 tháng 3 năm 2026",
            "BIÊN BẢN",
            "Giao nhận hồ sơ, tài liệu",
            "Luật Lưu trữ số 33/2024/QH15",
            "Nghị định số 30/2020/NĐ-CP",
            "BÊN GIAO: Sở Tài chính",
            "BÊN NHẬN: Lưu trữ lịch sử tỉnh",
            "từ 11/2023 đến 30/12/2024",
            "Tổng số hồ sơ: 2 (hai hồ sơ)",
            "từ mã 000.00.03.H62.2024.01 đến mã 000.00.03.H62.2024.02",
            "Tổng số tài liệu: 6, trong đó 1 tài liệu chưa lập hồ sơ",
            "Tổng số tệp tin trong hồ sơ: 6",
            str(self.transfer.pk),
            "ĐẠI DIỆN BÊN GIAO",
            "ĐẠI DIỆN BÊN NHẬN",
            "Mục lục hồ sơ, tài liệu nộp lưu kèm theo",
        ):
            self.assertIn(expected, text)

    def test_the_workbook_carries_the_same_facts_with_typed_dates_and_counts(self) -> None:
        book = load_workbook(io.BytesIO(outputs.handover_xlsx(self.transfer)))
        sheet = book.active
        assert sheet is not None
        facts = {row[0].value: row[2] for row in sheet.iter_rows() if isinstance(row[0].value, str)}

        self.assertEqual(facts["Bên nhận"].value, "Lưu trữ lịch sử tỉnh")
        self.assertEqual(facts["Tổng số hồ sơ"].value, 2)
        self.assertEqual(facts["Tổng số tài liệu"].value, 6)
        self.assertEqual(facts["Tổng số tệp tin"].value, 6)
        self.assertEqual(facts["Mã lần nộp lưu"].value, str(self.transfer.pk))
        handed_over = facts["Ngày giao nhận"]
        self.assertIsInstance(handed_over.value, datetime.datetime)  # a real date, not text
        self.assertEqual(handed_over.value.date(), datetime.date(2026, 3, 5))
        self.assertEqual(handed_over.number_format, "DD/MM/YYYY")
        self.assertIn("ĐẠI DIỆN BÊN GIAO", facts)

    def test_a_package_name_that_looks_like_a_formula_stays_text_in_the_workbook(self) -> None:
        name = '=HYPERLINK("http://attacker.example","Mở")'
        Transfer.objects.filter(pk=self.transfer.pk).update(package_name=name)
        transfer = Transfer.objects.get(pk=self.transfer.pk)

        book = load_workbook(io.BytesIO(outputs.handover_xlsx(transfer)))
        sheet = book.active
        assert sheet is not None
        facts = {row[0].value: row[2] for row in sheet.iter_rows() if isinstance(row[0].value, str)}

        self.assertEqual(facts["Gói"].value, f"{name} (gói SIP theo TT 05/2025)")
        self.assertEqual(facts["Gói"].data_type, "s")  # text, not a formula Excel would run


class HandoverNamesTests(OutputsTestCase):
    """Once the archive accepts, the handover names both sides: the agency and its clerk, the
    archive and the archivist who accepted, and is dated the day of acceptance."""

    def accepted_by_the_archivist(self) -> Transfer:
        self.archivist.position = "Lưu trữ viên chính"
        self.archivist.save(update_fields=["position"])
        accepted_at = datetime.datetime(2026, 3, 9, 10, 0, tzinfo=HANOI)
        Transfer.objects.filter(pk=self.transfer.pk).update(
            decided_by=self.archivist, decided_at=accepted_at
        )
        return Transfer.objects.get(pk=self.transfer.pk)

    def test_the_pdf_names_the_clerk_and_the_archivist(self) -> None:
        text = " ".join(pdf_text(outputs.handover_pdf(self.accepted_by_the_archivist())).split())
        for expected in (
            "BÊN GIAO: Sở Tài chính Ông (bà): Người dùng vanthu_a;",
            "BÊN NHẬN: Lưu trữ lịch sử tỉnh Ông (bà): Người dùng luutruvien; Chức vụ công tác: "
            "Lưu trữ viên chính",
            "ngày 09 tháng 3 năm 2026",
            "Tiếp nhận vào kho lúc: 10:00 09/03/2026",
            "Người tiếp nhận trên hệ thống: Người dùng luutruvien",
        ):
            self.assertIn(expected, text)

    def test_the_workbook_names_them_too(self) -> None:
        book = load_workbook(io.BytesIO(outputs.handover_xlsx(self.accepted_by_the_archivist())))
        sheet = book.active
        assert sheet is not None
        facts = {row[0].value: row[2].value for row in sheet.iter_rows() if row[0].value}
        self.assertEqual(facts["Đại diện bên giao"], "Người dùng vanthu_a")
        self.assertEqual(facts["Đại diện bên nhận"], "Người dùng luutruvien, Lưu trữ viên chính")
        self.assertEqual(facts["Ngày giao nhận"].date(), datetime.date(2026, 3, 9))
        names = [c.value for row in sheet.iter_rows() for c in row if c.style == "lt-sign"]
        self.assertIn("Người dùng luutruvien", names)
