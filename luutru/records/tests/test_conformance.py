"""TT 05/2025 conformance of the element rules: document-type abbreviations with their
diacritics, code lists by code or label, required and conditional elements."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from luutru.records import codes
from luutru.records.rules import Cleaned, clean_values

DOSSIER = {
    "fileCode": "000.00.12.H62.2024.01", "title": "Hồ sơ đất đai", "maintenance": "01",
    "mode": "01", "language": "01", "startDate": "01/01/2024", "endDate": "31/12/2024",
    "totalDoc": "1", "numberOfPage": "1", "riskRecovery": "0",
}  # fmt: skip
DOCUMENT = {
    "docId": "H62.00.12.2024.01.1", "typeName": "02", "issuedDate": "05/03/2024",
    "organName": "UBND tỉnh", "subject": "Về việc giao đất", "numberOfPage": "1",
    "riskRecovery": "0", "process": "0",
}  # fmt: skip


def dossier(**values: str) -> Cleaned:
    return clean_values("dossier", {**DOSSIER, **values}, lambda name: name)


def document(**values: str) -> Cleaned:
    return clean_values("document", {**DOCUMENT, **values}, lambda name: name)


def problems(cleaned: Cleaned) -> list[tuple[str, str]]:
    return [(i.code, i.element) for i in cleaned.issues]


def warned(cleaned: Cleaned) -> list[tuple[str, str]]:
    return [(i.code, i.element) for i in cleaned.warnings]


class DocumentTypeTests(TestCase):
    def doc_type(self, value: str) -> Any:
        return document(typeName=value).fields.get("doc_type")

    def test_abbreviations_are_read_as_nd30_appendix_iii_spells_them(self) -> None:
        """NĐ 30/2020/NĐ-CP Phụ lục III: BGN Bản ghi nhớ, BTT Bản thỏa thuận, HĐ Hợp đồng,
        HD Hướng dẫn, QĐ Quyết định, QyĐ Quy định, TTr Tờ trình, BC Báo cáo, KH Kế hoạch,
        TB Thông báo, ĐA Đề án, DA Dự án; Công văn has none, clerks write CV."""
        expected = {
            "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận", "HĐ": "Hợp đồng", "HD": "Hướng dẫn",
            "QĐ": "Quyết định", "QyĐ": "Quy định", "TTr": "Tờ trình", "BC": "Báo cáo",
            "KH": "Kế hoạch", "TB": "Thông báo", "ĐA": "Đề án", "DA": "Dự án", "CV": "Công văn",
            "Công văn": "Công văn", "hợp đồng": "Hợp đồng", "HOP DONG": "Hợp đồng",
        }  # fmt: skip
        for value, label in expected.items():
            self.assertEqual(codes.label("document_type", self.doc_type(value)), label, value)

    def test_the_diacritics_of_an_abbreviation_decide_its_type(self) -> None:
        """NĐ 30/2020 Phụ lục III: HĐ (Hợp đồng) and HD (Hướng dẫn) are different types;
        reading without diacritics filed contracts as guidance."""
        self.assertNotEqual(self.doc_type("HĐ"), self.doc_type("HD"))
        self.assertEqual(self.doc_type("DA"), "13")  # Dự án, not Đề án

    def test_an_unknown_type_is_a_warning_on_its_row_not_a_silent_guess(self) -> None:
        """TT 05/2025 Phụ lục III typeName: the value must come from the list; one that does not
        is kept as 32 Khác and the archivist is told which value it was."""
        cleaned = document(typeName="Nghị định thư")
        self.assertEqual(problems(cleaned), [])
        self.assertEqual(warned(cleaned), [("unknown_code", "typeName")])
        self.assertEqual(cleaned.fields["doc_type"], "32")
        self.assertIn("Nghị định thư", cleaned.warnings[0].message)

    def test_an_ambiguous_type_names_both_readings(self) -> None:
        """'Dá' (neither ĐA nor DA as spelt) could be Đề án or Dự án: a warning, never a guess."""
        cleaned = document(typeName="Dá")
        self.assertEqual(warned(cleaned), [("ambiguous_code", "typeName")])
        self.assertIn("Đề án", cleaned.warnings[0].message)
        self.assertIn("Dự án", cleaned.warnings[0].message)


class CodeListTests(TestCase):
    def test_every_code_list_takes_its_label_with_or_without_diacritics(self) -> None:
        """TT 05/2025 Phụ lục III riskRecoveryStatus: 01 Đã dự phòng, 02 Chưa dự phòng; the
        element's length (2) is the code's, so a label is not 'too long'."""
        for value in ("02", "Chưa dự phòng", "chua du phong"):
            cleaned = dossier(riskRecovery="1", riskRecoveryStatus=value)
            self.assertEqual(problems(cleaned), [], value)
            self.assertEqual(cleaned.fields["backup_status"], "02", value)
        for list_name, entries in [(n, codes.entries(n)) for n in ("retention", "reliability")]:
            for code, (label, _extra) in entries.items():
                self.assertEqual(codes.to_code(list_name, label), code)

    def test_a_value_outside_the_list_is_still_refused(self) -> None:
        self.assertIn(
            ("bad_code", "riskRecoveryStatus"),
            problems(dossier(riskRecovery="1", riskRecoveryStatus="Đang làm")),
        )


class RequiredElementTests(TestCase):
    def test_a_document_needs_its_identifier_and_backup_regime(self) -> None:
        """TT 05/2025 Phụ lục III (EAD_doc): docId and riskRecovery are required."""
        self.assertEqual(problems(document(docId="")), [("missing_field", "docId")])
        self.assertEqual(problems(document(riskRecovery="")), [("missing_field", "riskRecovery")])

    def test_a_digitized_dossier_needs_its_sheet_count(self) -> None:
        """TT 05/2025 Phụ lục III: numberOfPaper (số lượng tờ) for digitized dossiers
        (confidenceLevel 02)."""
        digitized = dossier(confidenceLevel="02", paperFileCode="H62.01.02.003")
        self.assertEqual(problems(digitized), [("missing_field", "numberOfPaper")])
        self.assertEqual(problems(dossier(confidenceLevel="01")), [])

    def test_a_born_digital_document_is_asked_for_its_process_element(self) -> None:
        """TT 05/2025 Phụ lục III: process is required for confidenceLevel 01 and 03."""
        without = {k: v for k, v in DOCUMENT.items() if k != "process"}
        for level in ("01", "03"):
            cleaned = clean_values("document", {**without, "confidenceLevel": level}, str)
            self.assertEqual(warned(cleaned), [("missing_field", "process")], level)
        digitized = clean_values("document", {**without, "confidenceLevel": "02"}, str)
        self.assertEqual(warned(digitized), [])

    def test_a_backup_regime_needs_its_status_for_documents_too(self) -> None:
        """TT 05/2025 Phụ lục III: riskRecoveryStatus when riskRecovery = 1, 'as for the file'."""
        self.assertEqual(
            problems(document(riskRecovery="1")), [("missing_field", "riskRecoveryStatus")]
        )


class FileCodeTests(TestCase):
    def test_a_file_code_is_agency_year_and_number(self) -> None:
        """NĐ 30/2020/NĐ-CP Phụ lục VI (FileCode = OrganId + FileCatalog + FileNotation) and
        TT 05/2025 fileCode: mã định danh cơ quan + năm hình thành + số và ký hiệu hồ sơ."""
        for good in (
            "000.00.12.H62.2024.01",
            "000.00.12.H62.2024.VB.0001",
            "000.00.12.H62.2024.QĐ1",
        ):
            cleaned = dossier(fileCode=good)
            self.assertEqual(problems(cleaned), [], good)
            self.assertEqual(cleaned.fields["code"], good)

    def test_a_file_code_that_does_not_parse_is_refused_not_kept(self) -> None:
        """NĐ 30/2020: a code without its year or number cannot be told apart from another
        agency's; it is a bad_code, never silently accepted."""
        for bad in ("000.00.12.H62-2024-01", "HS01", "000.00.12.H62.24.01", "000.00.12.H62.2024"):
            cleaned = dossier(fileCode=bad)
            self.assertEqual(problems(cleaned), [("bad_code", "fileCode")], bad)
            self.assertNotIn("code", cleaned.fields)
