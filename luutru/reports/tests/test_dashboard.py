"""The dashboard at /quan-tri/bao-cao/ and the pages beside it: who may open them, what they
show, and the public door counter."""

from __future__ import annotations

import datetime
import io
import subprocess
import tempfile
from pathlib import Path

import openpyxl
from django.urls import reverse
from django.utils import timezone

from luutru.records.tests.factory import make_document, make_dossier
from luutru.reports import actions
from luutru.reports.models import Attendance, Course, DoorCount, ReportForm, Target
from luutru.test import BaseTestCase

URL = "/quan-tri/bao-cao/"


class DashboardTests(BaseTestCase):
    def setUp(self) -> None:
        dossier = make_dossier(self.agency_a, 1, reliability="01")
        make_document(self.agency_a, dossier, 1, reliability="01")
        make_document(self.agency_a, dossier, 2, reliability="02")

    def test_the_kpi_viewer_sees_indicators_against_targets(self) -> None:
        self.login(self.kpi)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertIn("Tài liệu số gốc điện tử", body)
        self.assertIn("50,0 %", body)  # 1 of the 2 documents received this year
        self.assertIn('<span class="badge">chưa đạt</span>', body)  # below the 80 % target
        self.assertIn("<svg", body)
        self.assertIn(self.agency_a.name, body)  # the comparison of agencies
        self.assertIn(reverse("staff:search"), body)  # drill-down to the records
        self.assertIn("không có dữ liệu", body)  # e.g. no requests served

    def test_administrators_see_it_and_may_change_targets(self) -> None:
        self.login(self.admin)
        lagging = '<span class="badge">chưa đạt</span>'
        # Born digital 50 % < 80 % in the table and in the comparison; agencies in the system.
        self.assertContains(self.client.get(URL), lagging, count=3)
        target = Target.objects.get(key="born_digital_share")
        response = self.client.post(
            reverse("reports:target-edit", args=[target.pk]), {"value": "40", "note": "thử"}
        )
        self.assertEqual(response.status_code, 302)
        target.refresh_from_db()
        self.assertEqual(target.value, 40)
        self.assertContains(self.client.get(URL), lagging, count=1)

    def test_clerks_readers_and_visitors_are_kept_out(self) -> None:
        for user in (self.clerk_a, self.archivist, self.reader):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)
        self.login(None)
        self.assertEqual(self.client.get(URL).status_code, 302)

    def test_the_kpi_viewer_may_not_change_targets_or_training(self) -> None:
        self.login(self.kpi)
        target = Target.objects.get(key="born_digital_share")
        edit = reverse("reports:target-edit", args=[target.pk])
        self.assertEqual(self.client.post(edit, {"value": "1"}).status_code, 403)
        self.assertEqual(
            self.client.post(reverse("reports:training"), {"title": "x"}).status_code, 403
        )
        self.assertFalse(Course.objects.exists())

    def test_a_bad_agency_code_or_year_is_explained_not_a_crash(self) -> None:
        self.login(self.kpi)
        response = self.client.get(URL, {"co-quan": "000.00.99.H99", "nam": "abc"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Không tìm thấy cơ quan")

    def test_a_future_year_says_no_data(self) -> None:
        self.login(self.kpi)
        response = self.client.get(URL, {"nam": timezone.localdate().year + 2})
        self.assertContains(response, "không có dữ liệu")
        self.assertNotContains(response, 'class="num">0,0 %')

    def test_an_agency_is_chosen_by_its_code(self) -> None:
        self.login(self.kpi)
        response = self.client.get(URL, {"co-quan": self.agency_b.code})
        self.assertContains(response, "toàn tỉnh" if False else self.agency_b.name)

    def test_htmx_gets_only_the_figures_for_the_chosen_agency(self) -> None:
        self.login(self.kpi)
        response = self.client.get(URL, {"co-quan": self.agency_a.code}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        self.assertTrue(body.lstrip().startswith('<div id="figures">'))
        self.assertIn("Sở Tài chính", body)
        self.assertNotIn("<html", body)

    def test_the_day_snapshot_is_read_when_taken(self) -> None:
        actions.take_snapshot()
        self.login(self.kpi)
        response = self.client.get(URL)
        self.assertContains(response, "Số liệu tổng hợp lúc")
        self.assertContains(response, "50,0 %")
        # A document received after the snapshot shows once an administrator takes it again.
        make_document(self.agency_a, None, 9, reliability="01")
        self.assertContains(self.client.get(URL), "50,0 %")
        self.assertEqual(self.client.post(reverse("reports:refresh")).status_code, 403)
        self.login(self.admin)
        self.client.post(reverse("reports:refresh"))
        self.assertContains(self.client.get(URL), "66,7 %")

    def test_the_page_costs_the_same_queries_however_many_agencies(self) -> None:
        actions.take_snapshot()
        self.login(self.kpi)
        self.client.get(URL)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as before:
            self.client.get(URL)
        from luutru.test import make_agency

        for n in range(5, 9):
            make_agency(f"000.00.{n:02d}.H62", f"Sở số {n}", self.province)
        actions.take_snapshot()
        with CaptureQueriesContext(connection) as after:
            self.client.get(URL)
        self.assertEqual(len(before), len(after))

    def test_the_menu_item_is_live_for_the_kpi_viewer_only(self) -> None:
        self.login(self.kpi)
        self.assertContains(self.client.get(reverse("staff:home")), f'href="{URL}"')
        self.login(self.clerk_a)
        self.assertNotContains(self.client.get(reverse("staff:home")), f'href="{URL}"')


class TrainingPageTests(BaseTestCase):
    def test_an_administrator_records_a_course_a_session_and_a_completion(self) -> None:
        self.login(self.admin)
        response = self.client.post(reverse("reports:training"), {"title": "Lưu trữ điện tử"})
        course = Course.objects.get()
        self.assertRedirects(response, reverse("reports:course", args=[course.pk]))
        self.client.post(
            reverse("reports:course", args=[course.pk]),
            {"starts_on": "2026-03-02", "ends_on": "2026-03-04", "place": "Hội trường"},
        )
        session = course.sessions.get()
        self.client.post(
            reverse("reports:attendance", args=[session.pk]),
            {"username": self.clerk_a.username, "completed": "on"},
        )
        self.assertTrue(Attendance.objects.get(user=self.clerk_a).completed)
        page = self.client.get(reverse("reports:course", args=[course.pk]))
        self.assertContains(page, "Đã hoàn thành")

    def test_a_reader_cannot_be_enrolled(self) -> None:
        course = actions.create_course(title="Khóa A", actor=None)
        session = actions.create_session(
            course, starts_on=datetime.date(2026, 1, 5), ends_on=datetime.date(2026, 1, 6),
            actor=None,
        )  # fmt: skip
        self.login(self.admin)
        self.client.post(
            reverse("reports:attendance", args=[session.pk]), {"username": self.reader.username}
        )
        self.assertFalse(Attendance.objects.exists())


class TalliesPageTests(BaseTestCase):
    def test_an_administrator_records_a_paper_handover(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            reverse("reports:tallies"),
            {"giay-agency": self.agency_b.pk, "giay-received_on": "2026-02-10",
             "giay-dossiers": "12", "giay-boxes": "2", "giay-shelf_metres": "0.5"},
        )  # fmt: skip
        self.assertEqual(response.status_code, 302)
        self.assertContains(self.client.get(reverse("reports:tallies")), "0,50")

    def test_the_kpi_viewer_reads_but_does_not_record(self) -> None:
        self.login(self.kpi)
        self.assertEqual(self.client.get(reverse("reports:tallies")).status_code, 200)
        response = self.client.post(
            reverse("reports:tallies"), {"phong-doc-agency": self.agency_a.pk}
        )
        self.assertEqual(response.status_code, 403)


class ExportTests(BaseTestCase):
    def setUp(self) -> None:
        dossier = make_dossier(self.agency_a, 1, reliability="01")
        make_document(self.agency_a, dossier, 1, reliability="01")

    def test_the_excel_export_opens_and_holds_the_figures(self) -> None:
        form = ReportForm.objects.get(code="TK-TLLT")
        self.login(self.kpi)
        response = self.client.get(reverse("reports:export-xlsx", args=[form.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("TK-TLLT", response["Content-Disposition"])
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
        self.assertIn(form.title.upper(), cells)
        self.assertIn("Hồ sơ trong kho", cells)
        self.assertIn(1, cells)  # one dossier held
        self.assertTrue(any("chưa được đối chiếu" in str(c) for c in cells))

    def test_the_pdf_export_carries_the_official_heading(self) -> None:
        form = ReportForm.objects.get(code="CT-QĐ458")
        self.login(self.admin)
        response = self.client.get(
            reverse("reports:export-pdf", args=[form.pk]), {"co-quan": self.agency_a.code}
        )
        self.assertEqual(response.status_code, 200)
        with tempfile.TemporaryDirectory() as folder:
            pdf = Path(folder) / "bao-cao.pdf"
            pdf.write_bytes(response.content)
            text = subprocess.run(  # noqa: S603 - a fixed local tool on our own file
                ["/usr/bin/pdftotext", "-layout", str(pdf), "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text)
        self.assertIn("SỞ TÀI CHÍNH", text)
        self.assertIn("Tài liệu số gốc điện tử", text)
        self.assertIn("100", text)  # the one document received is born digital
        self.assertIn("Không có dữ", text)  # no paper dossier: nothing to divide by

    def test_an_administrator_reconfigures_a_form_and_the_export_follows(self) -> None:
        form = ReportForm.objects.get(code="TK-TLLT")
        edit = reverse("reports:form-edit", args=[form.pk])
        self.login(self.kpi)
        self.assertEqual(self.client.get(edit).status_code, 403)
        self.login(self.admin)
        bad = self.client.post(
            edit, {"title": "Biểu", "rows": "Hồ sơ | khong_co", "columns": ["value"]}
        )
        self.assertContains(bad, "Dòng 1")
        self.client.post(
            edit,
            {"title": "Biểu thống kê hồ sơ", "rows": "Số hồ sơ đang giữ | holdings_dossiers",
             "columns": ["value"], "confirmed": "on"},
        )  # fmt: skip
        response = self.client.get(reverse("reports:export-xlsx", args=[form.pk]))
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
        self.assertIn("Số hồ sơ đang giữ", cells)
        self.assertNotIn("Tài liệu trong kho", cells)
        self.assertFalse(any("chưa được đối chiếu" in str(c) for c in cells))

    def test_a_clerk_cannot_export(self) -> None:
        form = ReportForm.objects.get(code="TK-TLLT")
        self.login(self.clerk_a)
        self.assertEqual(
            self.client.get(reverse("reports:export-xlsx", args=[form.pk])).status_code, 403
        )


class DoorCountTests(BaseTestCase):
    def test_public_doors_are_counted_per_day_without_personal_data(self) -> None:
        self.client.get("/")
        self.client.get("/")
        self.client.get("/api/v1/search", {"q": "ngân sách"})
        self.client.get("/oai", {"verb": "Identify"})
        self.login(self.kpi)
        self.client.get(URL)  # staff pages are not a public door
        today = timezone.localdate()
        counts = dict(DoorCount.objects.filter(day=today).values_list("door", "count"))
        self.assertEqual(counts, {"portal": 2, "api": 1, "oai": 1})
        self.assertEqual(
            {f.name for f in DoorCount._meta.get_fields()}, {"id", "day", "door", "count"}
        )

    def test_missing_pages_are_not_counted(self) -> None:
        self.client.get("/ho-so/KHONG-CO/")
        self.assertFalse(DoorCount.objects.exists())
