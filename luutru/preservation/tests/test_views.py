"""The preservation pages and the Phụ lục VII records: who may see them, and what they show."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pypdfium2 as pdfium
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from luutru.audit.models import AuditEvent
from luutru.preservation.actions import ensure_aip
from luutru.preservation.audits import run_audit
from luutru.preservation.models import (
    Aip,
    AipVersion,
    BackupRecord,
    FixityRun,
    Incident,
    IncidentKind,
    RunKind,
)
from luutru.preservation.tests.helpers import (
    StorageTestCase,
    attach,
    flip_byte,
    replica_path,
    store_bytes,
)
from luutru.preservation.tests.test_migration import text_pdf
from luutru.records import actions as records_actions
from luutru.records.tests.factory import make_document, make_dossier


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


class PreservationPageTests(StorageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dossier = make_dossier(self.agency_a, title="Hồ sơ giao đất xã Tân Phú Thạnh")
        self.document = make_document(self.agency_a, self.dossier)
        self.stored = store_bytes(
            text_pdf("Quyết định giao đất"),
            "qd.pdf",
            mime="application/pdf",
            puid="fmt/17",
            format_name="Acrobat PDF 1.3",
        )
        attach(self.document, self.stored, "quyet-dinh.pdf")
        flip_byte(replica_path(self.stored))
        self.audit = run_audit(RunKind.ALL).run  # finds and repairs the replica

    def test_staff_without_the_preservation_role_and_readers_are_refused(self) -> None:
        for user in (self.clerk_a, self.council, self.reader):
            self.login(user)
            for url in (
                "/quan-tri/bao-quan/",
                f"/quan-tri/bao-quan/ho-so/{self.dossier.code}/",
                f"/quan-tri/bao-quan/bien-ban/kiem-tra/{self.audit.pk}.pdf",
            ):
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))

    def test_the_dashboard_shows_holdings_cycle_incidents_and_replica_health(self) -> None:
        self.login(self.archivist)
        # + the list of unidentified files, + whether a backup is waiting
        with self.assertNumQueries(18):
            response = self.client.get("/quan-tri/bao-quan/")
        self.assertContains(response, "Bảo quản tài liệu lưu trữ số")
        self.assertContains(response, "fmt/17")
        self.assertContains(response, "Kho dự phòng")
        self.assertContains(response, "truy cập được")
        self.assertContains(response, "100%")  # the one file was checked in this cycle
        self.assertContains(
            response, f'href="/quan-tri/bao-quan/bien-ban/kiem-tra/{self.audit.pk}.pdf"'
        )
        self.assertNotContains(response, "Kiểm tra ngay")  # administrators start audits
        self.break_replica()
        self.assertContains(self.client.get("/quan-tri/bao-quan/"), "không truy cập được")

    def test_the_aip_page_shows_the_premis_events_as_a_timeline_and_downloads(self) -> None:
        self.login(self.archivist)
        response = self.client.get(f"/quan-tri/bao-quan/ho-so/{self.dossier.code}/")
        self.assertContains(response, "Diễn biến bảo quản")
        self.assertContains(response, "fixity check")
        self.assertContains(response, "replication")
        self.assertContains(response, "outcome-failure")
        self.assertContains(response, self.stored.sha256)
        download = self.client.get(f"/quan-tri/bao-quan/ho-so/{self.dossier.code}/aip.zip")
        self.assertEqual(download.status_code, 200)
        archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
        self.assertTrue(any(n.endswith("/METS.xml") for n in archive.namelist()))
        # A dossier outside the user's scope is not found.
        other = make_dossier(self.agency_b, 7)
        self.login(self.head)
        self.assertEqual(
            self.client.get(f"/quan-tri/bao-quan/ho-so/{other.code}/").status_code, 404
        )

    def test_administrators_close_incidents_and_start_audits(self) -> None:
        lost = Incident.objects.create(kind=IncidentKind.FILE_LOST, message="Hỏng cả hai bản.")
        url = f"/quan-tri/bao-quan/su-co/{lost.pk}/"
        self.login(self.archivist)
        self.assertContains(self.client.get("/quan-tri/bao-quan/su-co/"), "Cả hai bản đều hỏng")
        self.assertEqual(self.client.post(url, {"resolution": "x"}).status_code, 403)
        self.assertEqual(self.client.post("/quan-tri/bao-quan/kiem-tra/").status_code, 403)
        self.login(self.admin)
        response = self.client.post(url, {"resolution": "Phục hồi từ bản sao lưu ngày 20/11."})
        self.assertRedirects(response, url)
        lost.refresh_from_db()
        self.assertIsNotNone(lost.resolved_at)
        self.assertContains(self.client.get("/quan-tri/bao-quan/"), "Kiểm tra ngay")
        self.assertRedirects(
            self.client.post("/quan-tri/bao-quan/kiem-tra/"), "/quan-tri/bao-quan/"
        )
        self.assertEqual(DBTaskResult.objects.count(), 1)

    def test_administrators_start_a_backup_in_the_background_once_at_a_time(self) -> None:
        self.login(self.head)
        self.assertNotContains(self.client.get("/quan-tri/bao-quan/"), "Sao lưu ngay")
        self.assertEqual(self.client.post("/quan-tri/bao-quan/sao-luu/").status_code, 403)
        self.login(self.admin)
        self.assertContains(self.client.get("/quan-tri/bao-quan/"), "Sao lưu ngay")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/quan-tri/bao-quan/sao-luu/")
        self.assertRedirects(response, "/quan-tri/bao-quan/")
        queued = DBTaskResult.objects.get()
        self.assertEqual(queued.task_path, "luutru.preservation.tasks.backup_now")
        self.assertEqual(AuditEvent.objects.filter(action="preservation.backup_request").count(), 1)
        page = self.client.get("/quan-tri/bao-quan/")
        self.assertContains(page, "Đang có một lần sao lưu chờ chạy hoặc đang chạy")
        self.assertNotContains(page, "Sao lưu ngay")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/quan-tri/bao-quan/sao-luu/")
        self.assertEqual(DBTaskResult.objects.count(), 1)

    def test_the_appendix_vii_records_are_pdfs_of_what_happened(self) -> None:
        now = timezone.now()
        backup = BackupRecord.objects.create(
            path="/mnt/sao-luu/2026-11-20",
            started_at=now - timedelta(minutes=3),
            finished_at=now,
            database="sqlite",
            files=1234,
            bytes=5 * 1024**3,
            manifest_sha256="ab" * 32,
        )
        repaired = Incident.objects.get(kind=IncidentKind.COPY_REPAIRED)
        self.login(self.archivist)
        base = "/quan-tri/bao-quan/bien-ban"
        pages = {
            f"{base}/kiem-tra/{self.audit.pk}.pdf":
                ["BIÊN BẢN", "Kiểm tra tài liệu lưu trữ số", "Có một bản hỏng, đã sửa: 1"],
            f"{base}/nhat-ky-sao-luu.pdf":
                ["NHẬT KÝ SAO LƯU", "/mnt/sao-luu/2026-11-20", "1234"],
            f"{base}/sao-luu/{backup.pk}.pdf": ["Sao lưu tài liệu lưu trữ số", "5.0 GB"],
            f"{base}/su-co/{repaired.pk}.pdf":
                ["Xử lý sự cố và phục hồi", self.document.archival_code, "Kiểm tra toàn vẹn"],
        }  # fmt: skip
        for url, expected in pages.items():
            response = self.client.get(url)
            self.assertEqual(response["Content-Type"], "application/pdf", url)
            text = "".join(pdf_text(response.content).split())  # table cells wrap lines
            for fragment in expected:
                self.assertIn("".join(fragment.split()), text, url)
        self.assertEqual(FixityRun.objects.count(), 1)


class LooseDocumentAipPageTests(StorageTestCase):
    """A loose document's AIP_tailieu on the staff pages: shown, downloaded, audited; once the
    document is filed, shown as superseded beside a link to its dossier's AIP."""

    def setUp(self) -> None:
        super().setUp()
        self.document = make_document(
            self.agency_a, None, identifier="000.00.03.H62-230301-0007", summary="Ảnh lễ khởi công"
        )
        self.stored = store_bytes(
            b"\xff\xd8\xff\xe0 anh", "anh.jpg", mime="image/jpeg", puid="fmt/43",
            format_name="JPEG File Interchange Format",
        )  # fmt: skip
        attach(self.document, self.stored, "anh-le-khoi-cong.jpg")
        flip_byte(replica_path(self.stored))
        run_audit(RunKind.ALL)  # finds and repairs the replica: events of the document's file
        self.page = f"/quan-tri/bao-quan/tai-lieu/{self.document.pk}/"
        self.zip = f"{self.page}aip.zip"

    def test_the_documents_page_leads_to_its_aip_page_which_shows_package_events_and_fixity(
        self,
    ) -> None:
        self.login(self.archivist)
        detail = self.client.get(f"/quan-tri/tai-lieu/{self.document.pk}/")
        self.assertContains(detail, f'href="{self.page}"')
        response = self.client.get(self.page)
        self.assertContains(response, "Gói lưu trữ tài liệu (AIP_tailieu)")
        self.assertContains(response, "Ảnh lễ khởi công")
        self.assertContains(response, self.stored.sha256)
        self.assertContains(response, "fixity check")
        self.assertContains(response, "replication")
        self.assertContains(response, "chưa có gói lưu trữ")
        self.assertContains(response, f'href="{self.zip}"')

    def test_the_download_is_a_zip_with_the_mets_and_is_in_the_audit_trail(self) -> None:
        self.login(self.archivist)
        download = self.client.get(self.zip)
        self.assertEqual(download.status_code, 200)
        archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
        names = archive.namelist()
        [mets_name] = [n for n in names if n.count("/") == 1 and n.endswith("/METS.xml")]
        self.assertTrue(mets_name.startswith("AIP_tailieu-"), mets_name)
        self.assertIn(b"TT05/2025-AIP_tailieu", archive.read(mets_name))
        aip = Aip.objects.get(document=self.document)
        event = AuditEvent.objects.get(action="preservation.aip_export")
        self.assertEqual((event.actor, event.object_id), (self.archivist, str(self.document.pk)))
        self.assertEqual(event.data["objid"], aip.objid)
        self.assertIn("AIP_tailieu", event.message)
        # The page now shows the package made for the download.
        self.assertContains(self.client.get(self.page), aip.objid)

    def test_users_without_the_preservation_role_are_refused_and_others_agencies_not_found(
        self,
    ) -> None:
        for user in (self.clerk_a, self.council, self.reader):
            self.login(user)
            for url in (self.page, self.zip):
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
        other = make_document(self.agency_b, None, identifier="000.00.04.H62-1")
        self.login(self.archivist)
        for url in (f"/quan-tri/bao-quan/tai-lieu/{other.pk}/",
                    f"/quan-tri/bao-quan/tai-lieu/{other.pk}/aip.zip"):  # fmt: skip
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertFalse(AuditEvent.objects.filter(action="preservation.aip_export").exists())

    def test_once_filed_the_aip_tailieu_shows_as_superseded_beside_the_dossiers_aip(
        self,
    ) -> None:
        loose = ensure_aip(self.document)
        dossier = make_dossier(self.agency_a, title="Hồ sơ ảnh công trình")
        records_actions.file_document(
            self.document, dossier, reason="Lập hồ sơ ảnh", actor=self.archivist
        )
        self.login(self.archivist)
        response = self.client.get(self.page)
        self.assertContains(response, "đã được thay thế")
        self.assertContains(response, "đã thay thế")
        self.assertContains(response, loose.objid)
        kept = AipVersion.objects.get(document=self.document)
        self.assertContains(response, kept.package.sha256)
        self.assertContains(response, f'href="/quan-tri/bao-quan/ho-so/{dossier.code}/"')
        self.assertNotContains(response, f'href="{self.zip}"')
        self.assertContains(response, "information package merging")
        # The document's download address now gives its dossier's package.
        self.assertRedirects(
            self.client.get(self.zip),
            f"/quan-tri/bao-quan/ho-so/{dossier.code}/aip.zip",
            fetch_redirect_response=False,
        )
        # and the dossier's AIP page lists its own superseded version when it had one.
        dossier_page = self.client.get(f"/quan-tri/bao-quan/ho-so/{dossier.code}/")
        self.assertContains(dossier_page, self.stored.sha256)
