"""Staff pages of ingest: uploads, the transfer list and detail, the report and the downloads."""

from __future__ import annotations

import importlib.util
import io
import shutil
import sys
import tempfile
import types
import zipfile
from pathlib import Path
from typing import Any, ClassVar
from unittest import mock, skipUnless
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from luutru.accounts.models import Role, User
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.pipeline import STEP_LABELS
from luutru.ingest.services import group_report
from luutru.organizations.models import Agency
from luutru.records.tests.factory import make_document, make_dossier
from luutru.test import SAMPLES, BaseTestCase, WorkerTestCase, make_agency, make_user

LOGIN = "/tai-khoan/dang-nhap/"


def make_transfer(agency: Agency, state: str = TransferState.QUEUED, **extra: Any) -> Transfer:
    values: dict[str, Any] = {
        "package_name": "goi-nop-luu.zip",
        "package_path": "/khong-co/goi-nop-luu.zip",
        "state": state,
    }
    values.update(extra)
    return Transfer.objects.create(agency=agency, **values)


def zip_bytes(folder: Path) -> bytes:
    """A package folder zipped in memory, paths relative to the folder."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


class IsolatedFiles:
    """Uploads, work folders and stored files go to a temporary folder per test."""

    def isolate(self, test: Any) -> Path:
        tmp = Path(tempfile.mkdtemp())
        test.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        isolated = test.settings(
            INGEST_UPLOAD_DIR=tmp / "incoming",
            INGEST_WORK_DIR=tmp / "work",
            STORAGE_ROOT=tmp / "kho",
        )
        isolated.enable()
        test.addCleanup(isolated.disable)
        return tmp


class TransferTestCase(BaseTestCase, IsolatedFiles):
    rejected: ClassVar[Transfer]
    accepted: ClassVar[Transfer]
    running: ClassVar[Transfer]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.rejected = make_transfer(
            cls.agency_a,
            TransferState.REJECTED,
            package_name="so-tai-chinh-2023.zip",
            progress=100,
            errors=[
                {
                    "file": "tai_lieu.xlsx",
                    "row": 4,
                    "field": "Tệp tin",
                    "code": "missing_file",
                    "message": "Không có tệp “tai_lieu/HS01/04.pdf” trong gói.",
                },
                {
                    "file": "ho_so.xlsx",
                    "row": 3,
                    "field": "Tiêu đề hồ sơ",
                    "code": "missing_field",
                    "message": "Thiếu Tiêu đề hồ sơ.",
                },
                {
                    "file": "ho_so.xlsx",
                    "row": 2,
                    "field": "Thời hạn lưu trữ",
                    "code": "bad_code",
                    "message": "“Mãi mãi” không có trong danh mục Thời hạn lưu trữ.",
                },
            ],
            warnings=[
                {
                    "file": "ho_so.xlsx",
                    "row": 2,
                    "field": "Tổng số tài liệu trong hồ sơ",
                    "code": "count_mismatch",
                    "message": "Hồ sơ khai 3 tài liệu nhưng gói có 2.",
                },
            ],
        )
        cls.accepted = make_transfer(
            cls.agency_a,
            TransferState.ACCEPTED,
            package_name="ho-so-2022.zip",
            progress=100,
            dossier_count=1,
            document_count=2,
            file_count=2,
        )
        dossier = make_dossier(cls.agency_a, 7)
        cls.accepted.dossiers.add(dossier)
        cls.accepted.documents.add(
            make_document(cls.agency_a, dossier, 1),
            make_document(cls.agency_a, None, 2, summary="Công văn gửi kèm thông điệp"),
        )
        cls.running = make_transfer(
            cls.agency_a, TransferState.RUNNING, step="checksums", progress=42
        )

    def setUp(self) -> None:
        self.tmp = self.isolate(self)

    def detail(self, transfer: Transfer) -> str:
        return f"/quan-tri/nop-luu/{transfer.pk}/"

    def downloads(self, transfer: Transfer) -> list[str]:
        base = self.detail(transfer)
        return [
            base + name for name in ("muc-luc.pdf", "muc-luc.xlsx", "bien-ban.pdf", "bien-ban.xlsx")
        ]


class AccessTests(TransferTestCase):
    def pages(self) -> list[str]:
        return ["/quan-tri/nop-luu/", self.detail(self.rejected), *self.downloads(self.accepted)]

    def test_anonymous_visitors_are_sent_to_the_login_page(self) -> None:
        for url in self.pages():
            self.assertRedirects(self.client.get(url), f"{LOGIN}?next={url}", msg_prefix=url)
        response = self.client.post("/quan-tri/nop-luu/", {})
        self.assertTrue(response["Location"].startswith(LOGIN))

    def test_readers_are_refused(self) -> None:
        self.login(self.reader)
        for url in self.pages():
            self.assertEqual(self.client.get(url).status_code, 403, url)
        self.assertEqual(self.client.post("/quan-tri/nop-luu/", {}).status_code, 403)

    def test_staff_whose_scope_holds_the_agency_see_the_list_and_the_detail(self) -> None:
        for user in (self.archivist, self.clerk_a, self.head, self.council, self.kpi, self.admin):
            self.login(user)
            page = self.client.get("/quan-tri/nop-luu/")
            self.assertContains(page, "so-tai-chinh-2023.zip", msg_prefix=user.username)
            self.assertEqual(self.client.get(self.detail(self.rejected)).status_code, 200, user)

    def test_staff_of_another_agency_neither_list_nor_find_the_transfer(self) -> None:
        self.login(self.clerk_b)
        self.assertNotContains(self.client.get("/quan-tri/nop-luu/"), "so-tai-chinh-2023.zip")
        for url in [self.detail(self.rejected), *self.downloads(self.accepted)]:
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_only_clerks_archivists_and_administrators_get_the_upload_form(self) -> None:
        for user, may in (
            (self.clerk_a, True), (self.archivist, True), (self.admin, True),
            (self.head, False), (self.council, False), (self.kpi, False),
        ):  # fmt: skip
            self.login(user)
            page = self.client.get("/quan-tri/nop-luu/")
            self.assertEqual('name="package"' in page.content.decode(), may, user.username)
            if not may:
                response = self.client.post(
                    "/quan-tri/nop-luu/",
                    {"agency": self.agency_a.pk, "package": upload("a.zip", zip_bytes(self.tmp))},
                )
                self.assertEqual(response.status_code, 403, user.username)
        self.assertEqual(Transfer.objects.count(), 3)

    def test_an_unknown_transfer_is_not_found(self) -> None:
        self.login(self.admin)
        response = self.client.get("/quan-tri/nop-luu/00000000-0000-4000-8000-000000000000/")
        self.assertEqual(response.status_code, 404)


class ListTests(TransferTestCase):
    def test_the_list_shows_states_counts_and_dates_in_a_fixed_number_of_queries(self) -> None:
        for n in range(30):
            make_transfer(self.agency_a if n % 2 else self.archive_agency, package_name=f"g{n}.zip")
        self.login(self.archivist)
        # session, user, permissions x3, scope x3, count, page, the upload form's agencies, and
        # the transfers waiting for the archivist's decision, the clerk role to preselect
        with self.assertNumQueries(13):
            page = self.client.get("/quan-tri/nop-luu/")
        self.assertContains(page, '<span class="badge state-queued">Chờ xử lý</span>', count=25)
        self.assertContains(page, "Trang 1/2")
        older = self.client.get("/quan-tri/nop-luu/", {"trang": 2})  # newest first
        self.assertContains(older, "Trang 2/2")
        self.assertContains(older, '<span class="badge state-rejected">Bị từ chối</span>')
        self.assertContains(older, '<span class="badge state-accepted">Đã tiếp nhận</span>')


class DetailTests(TransferTestCase):
    def test_a_running_transfer_shows_its_step_and_polls_itself(self) -> None:
        self.login(self.clerk_a)
        page = self.client.get(self.detail(self.running))
        self.assertContains(page, STEP_LABELS["checksums"])
        self.assertContains(page, '<progress id="progress" max="100" value="42">')
        self.assertContains(page, 'hx-trigger="every 1s"')
        self.assertContains(page, f'hx-get="{self.detail(self.running)}"')

    def test_htmx_polling_gets_only_the_status_partial(self) -> None:
        self.login(self.clerk_a)
        partial = self.client.get(self.detail(self.running), HTTP_HX_REQUEST="true")
        self.assertContains(partial, 'id="status"')
        self.assertNotContains(partial, "<html")
        self.assertNotContains(partial, "<h1>")

    def test_a_finished_transfer_stops_polling(self) -> None:
        self.login(self.clerk_a)
        for transfer in (self.rejected, self.accepted):
            partial = self.client.get(self.detail(transfer), HTTP_HX_REQUEST="true")
            self.assertNotContains(partial, "hx-trigger")
            self.assertNotContains(partial, "<progress")

    def test_a_rejection_is_reported_by_file_then_row_then_field(self) -> None:
        self.login(self.clerk_a)
        page = self.client.get(self.detail(self.rejected))
        self.assertContains(page, "Bị từ chối: 3 lỗi.")
        html = page.content.decode()
        order = [
            "<code>ho_so.xlsx</code>",
            "Dòng 2",
            "Thời hạn lưu trữ",
            "Mã hoặc giá trị không đúng danh mục",
            "Tổng số tài liệu trong hồ sơ",
            "Số lượng không khớp",
            "Dòng 3",
            "Tiêu đề hồ sơ",
            "Thiếu thông tin bắt buộc",
            "<code>tai_lieu.xlsx</code>",
            "Dòng 4",
            "Không tìm thấy tệp",
        ]
        positions = [html.index(text) for text in order]
        self.assertEqual(positions, sorted(positions))
        self.assertContains(page, "Cảnh báo")
        self.assertNotContains(page, "muc-luc.pdf")

    def test_an_accepted_transfer_links_its_records_and_outputs(self) -> None:
        self.login(self.clerk_a)
        page = self.client.get(self.detail(self.accepted))
        self.assertContains(page, "Đã tiếp nhận: 1 hồ sơ, 2 tài liệu, 2 tệp.")
        dossier = self.accepted.dossiers.get()
        self.assertContains(page, f"/quan-tri/ho-so/{dossier.code}/")
        loose = self.accepted.documents.get(dossier__isnull=True)
        self.assertContains(page, f"/quan-tri/tai-lieu/{loose.pk}/")
        for url in self.downloads(self.accepted):
            self.assertContains(page, f'href="{url}"')

    def test_a_dry_run_says_the_package_is_valid_and_nothing_was_kept(self) -> None:
        checked = make_transfer(
            self.agency_a,
            TransferState.CHECKED,
            dry_run=True,
            dossier_count=2,
            document_count=5,
            file_count=5,
        )
        self.login(self.clerk_a)
        page = self.client.get(self.detail(checked))
        self.assertContains(page, "Gói hợp lệ: 2 hồ sơ, 5 tài liệu, 5 tệp.")
        self.assertContains(page, "chưa lưu gì")
        self.assertNotContains(page, "muc-luc.pdf")

    def test_a_system_failure_is_told_apart_from_a_rejection(self) -> None:
        failed = make_transfer(
            self.agency_a,
            TransferState.FAILED,
            errors=[
                {"file": "", "code": "internal_error", "message": "Lỗi hệ thống khi xử lý gói."}
            ],
        )
        self.login(self.clerk_a)
        page = self.client.get(self.detail(failed))
        self.assertContains(page, "quản trị hệ thống có thể chạy lại")
        self.assertContains(page, "Toàn gói")
        self.assertContains(page, "internal_error")


class GroupReportTests(BaseTestCase):
    def test_problems_about_the_whole_package_or_file_come_first(self) -> None:
        report = group_report(
            [
                {"file": "ho_so.csv", "row": 2, "field": "Mã hồ sơ", "code": "a", "message": "x"},
                {"file": "ho_so.csv", "code": "b", "message": "y"},
                {"file": "", "code": "c", "message": "z"},
            ],
            [],
        )
        self.assertEqual([f.file for f in report.files], ["", "ho_so.csv"])
        self.assertEqual([r.row for r in report.files[1].rows], [None, 2])
        self.assertEqual(report.files[1].errors, 2)

    def test_a_huge_report_keeps_the_errors_first(self) -> None:
        errors = [{"file": "a", "row": n, "code": "e", "message": "m"} for n in range(5)]
        warnings = [{"file": "a", "row": n, "code": "w", "message": "m"} for n in range(5)]
        report = group_report(errors, warnings, limit=6)
        self.assertTrue(report.truncated)
        self.assertEqual((report.shown, report.total, report.files[0].errors), (6, 10, 5))


class DownloadTests(TransferTestCase):
    def fake_outputs(self) -> types.ModuleType:
        module = types.ModuleType("luutru.ingest.outputs")
        for name in ("inventory_pdf", "inventory_xlsx", "handover_pdf", "handover_xlsx"):
            setattr(module, name, mock.Mock(return_value=f"{name} bytes".encode()))
        return module

    def test_each_output_of_an_accepted_transfer_downloads_with_a_vietnamese_name(self) -> None:
        fake = self.fake_outputs()
        self.login(self.archivist)
        expected = {
            "muc-luc.pdf": ("inventory_pdf", "application/pdf", "Mục lục hồ sơ"),
            "muc-luc.xlsx": ("inventory_xlsx", "spreadsheetml", "Mục lục hồ sơ"),
            "bien-ban.pdf": ("handover_pdf", "application/pdf", "Biên bản giao nhận tài liệu"),
            "bien-ban.xlsx": ("handover_xlsx", "spreadsheetml", "Biên bản giao nhận tài liệu"),
        }
        with mock.patch.dict(sys.modules, {"luutru.ingest.outputs": fake}):
            for name, (builder, content_type, title) in expected.items():
                response = self.client.get(self.detail(self.accepted) + name)
                self.assertEqual(response.status_code, 200, name)
                self.assertEqual(response.content, f"{builder} bytes".encode())
                self.assertIn(content_type, response["Content-Type"])
                disposition = response["Content-Disposition"]
                self.assertIn(f"filename*=utf-8''{quote(title)}", disposition)
                self.assertTrue(disposition.startswith("attachment; "), disposition)
                getattr(fake, builder).assert_called_once()
                self.assertEqual(getattr(fake, builder).call_args.args[0].pk, self.accepted.pk)

    def test_a_transfer_that_was_not_accepted_has_no_outputs(self) -> None:
        self.login(self.archivist)
        with mock.patch.dict(sys.modules, {"luutru.ingest.outputs": self.fake_outputs()}):
            for transfer in (self.rejected, self.running):
                for url in self.downloads(transfer):
                    self.assertEqual(self.client.get(url).status_code, 404, url)


class UploadTests(TransferTestCase):
    def post(self, package: SimpleUploadedFile, **extra: Any) -> Any:
        return self.client.post(
            "/quan-tri/nop-luu/", {"agency": self.agency_a.pk, "package": package, **extra}
        )

    def test_a_file_that_is_not_a_zip_is_refused_in_vietnamese(self) -> None:
        self.login(self.clerk_a)
        for name, data in (("ho_so.xlsx", b"PK\x03\x04not really"), ("goi.zip", b"%PDF-1.7")):
            response = self.post(upload(name, data))
            self.assertEqual(response.status_code, 200, name)
            self.assertContains(response, f"Tệp “{name}” không phải tệp nén .zip.")
        self.assertEqual(Transfer.objects.count(), 3)
        self.assertFalse(any((self.tmp / "incoming").glob("*")))

    def test_a_clerk_cannot_submit_for_an_agency_outside_their_scope(self) -> None:
        self.login(self.clerk_a)
        response = self.client.post(
            "/quan-tri/nop-luu/",
            {"agency": self.agency_b.pk, "package": upload("goi.zip", zip_bytes(self.tmp))},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Transfer.objects.count(), 3)

    def test_an_upload_is_saved_registered_and_queued_once_committed(self) -> None:
        self.login(self.clerk_a)
        folder = SAMPLES / "invalid" / "missing_required_field"
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            response = self.post(upload("Gói Sở Tài chính.zip", zip_bytes(folder)), dry_run="on")
        transfer = Transfer.objects.get(package_name="Gói Sở Tài chính.zip")
        self.assertRedirects(response, self.detail(transfer), fetch_redirect_response=False)
        self.assertEqual(len(callbacks), 1)
        self.assertTrue(transfer.dry_run)
        self.assertEqual(transfer.submitted_by, self.clerk_a)
        saved = Path(transfer.package_path)
        self.assertEqual((saved.parent, saved.suffix), (self.tmp / "incoming", ".zip"))
        self.assertTrue(zipfile.is_zipfile(saved))
        task = DBTaskResult.objects.get()
        self.assertEqual(task.task_path, "luutru.ingest.tasks.ingest_transfer")
        self.assertEqual(task.args_kwargs["args"], [str(transfer.pk)])


class WorkerTests(WorkerTestCase, IsolatedFiles):
    """The upload, the real database queue and one pass of the worker, end to end."""

    def setUp(self) -> None:
        self.tmp = self.isolate(self)
        province = make_agency("000.00.00.H30", "Ủy ban nhân dân tỉnh Hậu Giang")
        self.agency = make_agency("000.00.12.H30", "Sở Nội vụ tỉnh Hậu Giang", province)
        self.clerk: User = make_user("vanthu", Role.CLERK, self.agency)

    def test_a_package_missing_a_title_is_rejected_and_reported_by_file_row_and_field(self) -> None:
        self.client.force_login(self.clerk)
        package = zip_bytes(SAMPLES / "invalid" / "missing_required_field")
        response = self.client.post(
            "/quan-tri/nop-luu/",
            {"agency": self.agency.pk, "package": upload("missing_required_field.zip", package)},
        )
        transfer = Transfer.objects.get()
        self.assertRedirects(response, f"/quan-tri/nop-luu/{transfer.pk}/")
        self.assertContains(self.client.get(f"/quan-tri/nop-luu/{transfer.pk}/"), "every 1s")

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.REJECTED)
        partial = self.client.get(f"/quan-tri/nop-luu/{transfer.pk}/", HTTP_HX_REQUEST="true")
        self.assertNotContains(partial, "hx-trigger")
        self.assertContains(partial, "Bị từ chối")
        html = partial.content.decode()
        order = ["<code>ho_so.xlsx</code>", "Dòng 2", "Tiêu đề hồ sơ", "Thiếu thông tin bắt buộc"]
        positions = [html.index(text) for text in order]
        self.assertEqual(positions, sorted(positions))


@skipUnless(
    importlib.util.find_spec("luutru.ingest.outputs"), "luutru.ingest.outputs not written yet"
)
class RealOutputTests(TransferTestCase):
    """The views wired to the real builders; the PDFs themselves are test_outputs.py's job."""

    def test_the_real_inventory_workbook_downloads(self) -> None:
        self.login(self.clerk_a)
        workbook = self.client.get(self.detail(self.accepted) + "muc-luc.xlsx")
        self.assertEqual(workbook.status_code, 200)
        self.assertTrue(zipfile.is_zipfile(io.BytesIO(workbook.content)))
