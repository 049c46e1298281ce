"""The clerk's upload pages: blank forms to download, the agency chosen for them, a report in
plain Vietnamese with how to fix each problem, a dry run called a check, no stale banner."""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
from io import StringIO
from pathlib import Path

import openpyxl
from django.core.management import call_command

from luutru.ingest.blanks import CODES_SHEET, GUIDE_SHEET, blank_xlsx
from luutru.ingest.explanations import EXPLANATIONS, explain
from luutru.ingest.models import TransferState
from luutru.ingest.tests.factory import DOSSIER, document, fill_blank, write_blank_package
from luutru.ingest.tests.test_views import TransferTestCase, make_transfer
from luutru.test import BaseTestCase

BLANK = "/quan-tri/nop-luu/mau/{}.xlsx"
INTERFACES = Path(__file__).resolve().parents[3] / "docs" / "interfaces.md"


class BlankFormTests(BaseTestCase):
    def test_a_clerk_downloads_both_blank_forms_with_instructions_and_code_lists(self) -> None:
        self.login(self.clerk_a)
        for role, sheet in (("ho_so", "Hồ sơ"), ("tai_lieu", "Tài liệu")):
            response = self.client.get(BLANK.format(role))
            self.assertEqual(response.status_code, 200)
            self.assertIn(f'filename="{role}.xlsx"', response["Content-Disposition"])
            workbook = openpyxl.load_workbook(io.BytesIO(response.content))
            self.assertEqual(workbook.sheetnames, [sheet, GUIDE_SHEET, CODES_SHEET])
            guide = " ".join(
                str(c.value) for row in workbook[GUIDE_SHEET].iter_rows() for c in row if c.value
            )
            self.assertIn("nén thành một tệp .zip", guide)

    def test_coded_columns_offer_the_code_list_as_a_drop_down(self) -> None:
        workbook = openpyxl.load_workbook(io.BytesIO(blank_xlsx("ho_so")))
        ws = workbook["Hồ sơ"]
        headers = {c.value: c.column_letter for c in ws[1]}
        self.assertIn("Mã hồ sơ *", headers)  # required columns are marked
        self.assertIn("Từ khóa", headers)
        lists = {str(v.sqref).split(":")[0]: v.formula1 for v in ws.data_validations.dataValidation}
        retention = lists[f"{headers['Thời hạn lưu trữ *']}2"]
        self.assertIn(CODES_SHEET, retention)
        column = re.search(r"\$([A-Z]+)\$2", retention).group(1)  # type: ignore[union-attr]
        labels = [c.value for c in workbook[CODES_SHEET][column][1:] if c.value]
        self.assertEqual(labels[0], "Vĩnh viễn")
        self.assertEqual(len(labels), 7)
        self.assertEqual(lists[f"{headers['Chế độ dự phòng *']}2"], '"1,0"')

    def test_filled_in_blank_forms_are_accepted_by_the_reader(self) -> None:
        code = f"{self.agency_a.code}.2024.07"
        dossier = {**DOSSIER, "Mã hồ sơ": code, "Thời hạn lưu trữ": "10 năm"}
        rows = [document(n) for n in (1, 2)]
        for n, row in enumerate(rows, start=1):
            row.update({"Mã hồ sơ": code, "Mã định danh tài liệu": f"H62.03.2024.07.{n}"})
        for row in rows:
            row["Ngày, tháng, năm tài liệu"] = row.pop("Ngày tháng năm tài liệu")
            row["Tên cơ quan, tổ chức, cá nhân ban hành"] = row.pop("Tên cơ quan, tổ chức ban hành")
        dossier["Số lượng trang"] = "3"
        rows[1]["Số lượng trang"] = "2"
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        write_blank_package(
            folder,
            fill_blank(blank_xlsx("ho_so"), [dossier]),
            fill_blank(blank_xlsx("tai_lieu"), rows),
            rows,
        )
        out = StringIO()
        with self.settings(INGEST_WORK_DIR=folder / "work", STORAGE_ROOT=folder / "kho"):
            call_command(
                "ingest", str(folder), "--agency", self.agency_a.code, "--json", stdout=out
            )
        report = json.loads(out.getvalue())
        self.assertEqual(report["errors"], [])
        self.assertTrue(report["accepted"])
        self.assertEqual((report["dossiers"], report["documents"]), (1, 2))
        self.assertNotIn("unknown_column", {w.get("code") for w in report["warnings"]})

    def test_readers_and_anonymous_visitors_get_no_blank_form(self) -> None:
        self.login(self.reader)
        self.assertEqual(self.client.get(BLANK.format("ho_so")).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(BLANK.format("ho_so")).status_code, 302)
        self.login(self.clerk_a)
        self.assertEqual(self.client.get(BLANK.format("khac")).status_code, 404)  # no such form


class UploadFormTests(BaseTestCase):
    def test_a_clerks_own_agency_is_preselected(self) -> None:
        self.login(self.clerk_a)
        page = self.client.get("/quan-tri/nop-luu/")
        self.assertEqual(page.context["form"]["agency"].value(), self.agency_a.pk)
        self.assertContains(page, BLANK.format("ho_so"))

    def test_an_archivist_working_for_several_agencies_chooses(self) -> None:
        self.login(self.archivist)
        page = self.client.get("/quan-tri/nop-luu/")
        self.assertIsNone(page.context["form"]["agency"].value())


class ReportWordingTests(TransferTestCase):
    def test_every_code_of_the_contract_has_a_vietnamese_explanation(self) -> None:
        text = INTERFACES.read_text("utf-8")
        contract = text[text.index("The codes are stable") : text.index("### Other shapes")]
        stable = set(re.findall(r"`([a-z_]+)`", contract))
        self.assertGreaterEqual(len(stable), 18)
        self.assertEqual(stable - set(EXPLANATIONS), set())
        self.assertEqual(explain("no_such_code").title, "Vấn đề khác")

    def test_the_report_explains_each_problem_and_shows_no_code(self) -> None:
        self.login(self.clerk_a)
        page = self.client.get(f"/quan-tri/nop-luu/{self.rejected.pk}/")
        self.assertContains(page, "Không tìm thấy tệp")
        self.assertContains(page, "Cách sửa: Kiểm tra đường dẫn ở cột “Tệp tin”")
        visible = re.sub(r"<[^>]+>", " ", page.content.decode())
        for code in ("missing_file", "missing_field", "bad_code", "count_mismatch"):
            self.assertNotIn(code, visible)

    def test_a_dry_run_with_errors_is_a_check_not_a_rejection(self) -> None:
        check = make_transfer(
            self.agency_a,
            TransferState.REJECTED,
            dry_run=True,
            package_name="thu.zip",
            errors=[{"file": "ho_so.xlsx", "row": 2, "code": "bad_date", "message": "Sai ngày."}],
        )
        self.login(self.clerk_a)
        page = self.client.get(f"/quan-tri/nop-luu/{check.pk}/")
        self.assertContains(page, "Kiểm tra: 1 lỗi cần sửa.")
        self.assertContains(page, "Kiểm tra: có lỗi")
        self.assertNotContains(page, "Bị từ chối")
        listing = self.client.get("/quan-tri/nop-luu/")
        self.assertContains(listing, '<span class="badge state-rejected">Kiểm tra: có lỗi</span>')

    def test_the_state_is_refreshed_with_the_polled_status_and_no_banner_says_processing(
        self,
    ) -> None:
        self.login(self.clerk_a)
        running = self.client.get(f"/quan-tri/nop-luu/{self.running.pk}/", HTTP_HX_REQUEST="true")
        self.assertContains(running, "Đang xử lý")
        done = self.client.get(f"/quan-tri/nop-luu/{self.accepted.pk}/")
        self.assertContains(done, '<span class="badge state-accepted">Đã tiếp nhận</span>', 1)
        self.assertNotContains(done, "Đang xử lý")
        self.assertNotContains(done, "hx-trigger")
