"""The staff pages: upload scans, watch recognition, review thumbnails and flags, edit pages,
accept; the PDF/A that comes back carries the page's Vietnamese words and the search finds it."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import timedelta
from typing import ClassVar
from unittest.mock import patch

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from luutru.digitization import actions, samples
from luutru.digitization.models import BatchState, ScanBatch, ScanPage
from luutru.digitization.pages import PageJob, recognise
from luutru.digitization.tests.factory import describe_all
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier
from luutru.search import services as search
from luutru.test import BaseTestCase

LIST = "/quan-tri/so-hoa/"


def png(lines: list[str] | None = None, dpi: int = 200, height: float = 2.4) -> bytes:
    return samples.image_bytes(samples.page_image(lines, dpi=dpi, height_inches=height), dpi=dpi)


class UploadAndAcceptTests(BaseTestCase):
    dossier: ClassVar[Dossier]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dossier = make_dossier(cls.agency_a, 3, reliability="", paper_code="")

    def test_a_scanned_page_comes_back_as_a_searchable_pdfa(self) -> None:
        self.login(self.archivist)
        self.assertContains(self.client.get(LIST), "Tải lên ảnh quét")
        upload = SimpleUploadedFile("trang-01.png", png(samples.REPORT), "image/png")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                LIST,
                {
                    "dossier": self.dossier.code,
                    "scans": [upload],
                    "summary": "Báo cáo lưu trữ 2023",
                    "doc_type": "14",
                    "paper_code": "H62.K1.G2.H3.15",
                },
            )
        batch = ScanBatch.objects.get()
        self.assertRedirects(response, f"{LIST}{batch.pk}/")
        task = DBTaskResult.objects.get()
        self.assertEqual(task.task_path, "luutru.digitization.tasks.digitize_batch")
        self.assertEqual(task.args_kwargs["args"], [str(batch.pk)])

        waiting = self.client.get(f"{LIST}{batch.pk}/", headers={"HX-Request": "true"})
        self.assertContains(waiting, 'hx-trigger="every 1s"')
        self.assertContains(waiting, "Đang chờ trong hàng đợi")

        actions.process_batch(batch.pk)  # what the worker does
        page = self.client.get(f"{LIST}{batch.pk}/")
        self.assertContains(page, "Tài liệu 1: chưa có số, ký hiệu, ngày, tháng, năm tài liệu")
        self.assertNotContains(page, 'hx-trigger="every 1s"')
        describe_all(batch, summary="Báo cáo lưu trữ 2023", doc_type="14")
        page = self.client.get(f"{LIST}{batch.pk}/")
        self.assertContains(page, "Mọi trang đạt yêu cầu")
        scan = ScanPage.objects.get()
        self.assertContains(page, f"/trang/{scan.pk}/anh.jpg")
        thumb = self.client.get(f"{LIST}{batch.pk}/trang/{scan.pk}/anh.jpg")
        self.assertEqual(thumb["Content-Type"], "image/jpeg")

        accepted = self.client.post(f"{LIST}{batch.pk}/chap-nhan/", follow=True)
        self.assertContains(accepted, "Đã chấp nhận: 1 tài liệu số hóa.")
        document = Document.objects.get(dossier=self.dossier)
        self.assertEqual(document.reliability, "02")
        self.assertEqual(document.doc_type, "14")
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.paper_code, "H62.K1.G2.H3.15")

        pdf = self.client.get(f"{LIST}{batch.pk}/tai-lieu/1/pdf/")
        self.assertIn(f"{self.dossier.code}.0000001.pdf", pdf["Content-Disposition"])
        data = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
        text = subprocess.run(
            ["/usr/bin/pdftotext", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
        self.assertIn("số hóa mười nghìn trang hồ sơ", text)

        search.index_documents([document.pk])
        hits = search.search(self.archivist, "muoi nghin trang ho so")
        self.assertEqual([h.code for h in hits.hits], [document.archival_code])

        stats = self.client.get(f"{LIST}thong-ke/")
        self.assertContains(stats, self.archivist.full_name)
        self.assertContains(stats, self.agency_a.name)

    def test_a_scan_can_be_attached_to_a_document_already_described(self) -> None:
        described = make_document(self.agency_a, self.dossier, 4, page_count=2)
        self.login(self.archivist)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                LIST,
                {
                    "dossier": self.dossier.code,
                    "document": described.archival_code,
                    "doc_type": "32",
                    "scans": [SimpleUploadedFile("a.png", png(height=1.2))],
                },
            )
        batch = ScanBatch.objects.get()
        actions.process_batch(batch.pk)
        page = self.client.get(f"{LIST}{batch.pk}/")
        self.assertContains(page, "Siêu dữ liệu khai 2 trang nhưng bản quét có 1 trang.")
        # A described document needs only its paper original's sheets and condition.
        self.assertContains(
            page, "Tài liệu 1: chưa có số lượng tờ bản giấy, tình trạng vật lý bản giấy."
        )
        describe_all(batch)
        self.client.post(f"{LIST}{batch.pk}/chap-nhan/")
        described.refresh_from_db()
        self.assertEqual(described.reliability, "02")
        self.assertEqual(Document.objects.filter(dossier=self.dossier).count(), 1)
        self.assertEqual(
            described.files.get(role="original").name, f"{described.archival_code}.pdf"
        )

    def test_bad_uploads_are_refused_with_a_message_per_file_and_nothing_kept(self) -> None:
        self.login(self.archivist)
        response = self.client.post(
            LIST,
            {
                "dossier": self.dossier.code,
                "doc_type": "32",
                "scans": [
                    SimpleUploadedFile("rong.jpg", b"", "image/jpeg"),
                    SimpleUploadedFile("thu.docx", b"PK\x03\x04 van ban", "application/zip"),
                    SimpleUploadedFile("tot.png", png(), "image/png"),
                ],
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tệp “rong.jpg” rỗng")
        self.assertContains(response, "Tệp “thu.docx” không phải ảnh quét")
        self.assertFalse(ScanBatch.objects.exists())

    @override_settings(DIGITIZATION_MAX_PAGES=2)
    def test_an_upload_over_the_page_limit_is_refused_with_the_limit_named(self) -> None:
        self.login(self.archivist)
        files = [SimpleUploadedFile(f"{n}.png", b"x", "image/png") for n in range(3)]
        response = self.client.post(
            LIST, {"dossier": self.dossier.code, "doc_type": "32", "scans": files}
        )
        self.assertContains(response, "Lô có 3 trang, vượt giới hạn 2 trang một lô")
        self.assertFalse(ScanBatch.objects.exists())

    def test_an_unknown_or_foreign_dossier_is_refused(self) -> None:
        foreign = make_dossier(self.agency_b, 4)
        self.login(self.archivist)
        response = self.client.post(
            LIST,
            {
                "dossier": foreign.code,
                "doc_type": "32",
                "scans": [SimpleUploadedFile("a.png", png(), "image/png")],
            },
        )
        self.assertContains(response, f"Không có hồ sơ mã “{foreign.code}” trong phạm vi")
        self.assertFalse(ScanBatch.objects.exists())


class ThreePageBatch(BaseTestCase):
    """A queued batch of one document with three pages (nothing recognised yet)."""

    batch: ClassVar[ScanBatch]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        dossier = make_dossier(cls.agency_a, 5)
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp())
        files = []
        for number in range(3):
            image = samples.page_image([f"Trang số {number + 1}"], height_inches=1.0)
            path = samples.write(folder / f"{number}.png", image)
            files.append(actions.Upload(path, f"trang-{number + 1}.png"))
        cls.batch = actions.create_batch(
            dossier, [actions.ItemSpec(files=files)], actor=cls.archivist
        )

    def names(self) -> list[str]:
        pages = ScanPage.objects.filter(item__batch=self.batch).order_by("position")
        return [p.source_name for p in pages]


class PageEditingTests(ThreePageBatch):
    def test_pages_can_be_moved_removed_and_replaced_before_acceptance(self) -> None:
        self.login(self.archivist)
        pages = {p.source_name: p for p in ScanPage.objects.filter(item__batch=self.batch)}
        base = f"{LIST}{self.batch.pk}/trang/"
        self.client.post(f"{base}{pages['trang-3.png'].pk}/chuyen/", {"to": 1})
        self.assertEqual(self.names(), ["trang-3.png", "trang-1.png", "trang-2.png"])
        self.client.post(f"{base}{pages['trang-1.png'].pk}/bo/")
        self.assertEqual(self.names(), ["trang-3.png", "trang-2.png"])
        new = SimpleUploadedFile("trang-2-quet-lai.png", png(height=1.0), "image/png")
        response = self.client.post(f"{base}{pages['trang-2.png'].pk}/thay/", {"file": new})
        self.assertRedirects(response, f"{LIST}{self.batch.pk}/")
        self.assertEqual(self.names(), ["trang-3.png", "trang-2-quet-lai.png"])
        self.batch.refresh_from_db()
        self.assertEqual(self.batch.page_total, 2)
        self.assertEqual(self.batch.state, BatchState.QUEUED)

    def test_a_corrupt_replacement_leaves_the_page_as_it_was(self) -> None:
        self.login(self.archivist)
        page = ScanPage.objects.filter(item__batch=self.batch).order_by("position").first()
        assert page is not None
        bad = SimpleUploadedFile("hong.png", png()[:300], "image/png")
        response = self.client.post(
            f"{LIST}{self.batch.pk}/trang/{page.pk}/thay/", {"file": bad}, follow=True
        )
        self.assertContains(response, "Ảnh “hong.png” bị hỏng")
        page.refresh_from_db()
        self.assertEqual(page.source_name, "trang-1.png")

    def test_who_may_see_and_change_a_batch(self) -> None:
        url = f"{LIST}{self.batch.pk}/"
        self.login(self.head)  # sees, cannot change
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertNotContains(self.client.get(url), "Bỏ trang")
        self.assertEqual(self.client.post(f"{url}huy/").status_code, 403)
        self.login(self.clerk_a)  # no digitization role
        self.assertEqual(self.client.get(url).status_code, 403)
        self.login(self.admin)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.get(f"{LIST}thong-ke/").status_code, 200)

    def test_a_cancelled_batch_makes_no_document_and_can_no_longer_change(self) -> None:
        self.login(self.archivist)
        response = self.client.post(f"{LIST}{self.batch.pk}/huy/", {"reason": "Quét nhầm hồ sơ"})
        self.assertRedirects(response, f"{LIST}{self.batch.pk}/")
        self.batch.refresh_from_db()
        self.assertEqual(self.batch.state, BatchState.REJECTED)
        page = ScanPage.objects.filter(item__batch=self.batch).first()
        assert page is not None
        refused = self.client.post(f"{LIST}{self.batch.pk}/trang/{page.pk}/bo/", follow=True)
        self.assertContains(refused, "không sửa trang được")
        self.assertFalse(Document.objects.exists())


class StalledBatchTests(ThreePageBatch):
    """A worker killed mid-batch: the page says so and offers to go on; a live one is left be."""

    def run_as_killed_worker(self, minutes_ago: float) -> None:
        when = timezone.now() - timedelta(minutes=minutes_ago)
        ScanBatch.objects.filter(pk=self.batch.pk).update(
            state=BatchState.RUNNING, page_done=1, heartbeat_at=when
        )

    def test_a_batch_whose_worker_stopped_reporting_is_shown_stopped_and_can_go_on(self) -> None:
        self.run_as_killed_worker(minutes_ago=10)
        self.login(self.archivist)
        page = self.client.get(f"{LIST}{self.batch.pk}/")
        self.assertContains(page, "Nhận dạng bị dừng")
        self.assertContains(page, "đã xong 1/3 trang")
        self.assertNotContains(page, 'hx-trigger="every 1s"')  # no endless progress bar
        self.assertContains(self.client.get(LIST), "Nhận dạng bị dừng")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"{LIST}{self.batch.pk}/tiep-tuc/", follow=True)
        self.assertContains(response, "Đã xếp lô vào hàng đợi nhận dạng tiếp.")
        self.batch.refresh_from_db()
        self.assertEqual(self.batch.state, BatchState.QUEUED)
        task = DBTaskResult.objects.get()
        self.assertEqual(task.args_kwargs["args"], [str(self.batch.pk)])

    def test_a_batch_still_reporting_is_not_started_twice(self) -> None:
        self.run_as_killed_worker(minutes_ago=0.2)
        self.login(self.archivist)
        page = self.client.get(f"{LIST}{self.batch.pk}/")
        self.assertContains(page, 'hx-trigger="every 1s"')
        self.assertNotContains(page, "Nhận dạng tiếp")
        response = self.client.post(f"{LIST}{self.batch.pk}/tiep-tuc/", follow=True)
        self.assertContains(response, "đang được nhận dạng (1/3 trang)")
        self.assertFalse(DBTaskResult.objects.exists())

    def test_a_timer_queues_every_stalled_batch_again(self) -> None:
        self.run_as_killed_worker(minutes_ago=10)
        out = io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("digitize", "--resume-stalled", "--json", stdout=out)
        resumed = json.loads(out.getvalue())["resumed"]
        self.assertEqual([r["batch"] for r in resumed], [str(self.batch.pk)])
        self.assertEqual(DBTaskResult.objects.count(), 1)
        out = io.StringIO()
        call_command("digitize", "--resume-stalled", "--json", stdout=out)
        self.assertEqual(json.loads(out.getvalue())["resumed"], [])  # queued now, not stalled

    def test_recognition_reports_while_a_long_page_is_read(self) -> None:
        beats: list[float] = []
        with patch("luutru.digitization.pages.BEAT_SECONDS", 0.05):
            page = ScanPage.objects.filter(item__batch=self.batch).first()
            assert page is not None
            job = PageJob(page.pk, page.original.sha256, page.kind, page.frame)
            [result] = recognise([job], beat=lambda: beats.append(1.0))
        self.assertTrue(result.ok)
        self.assertGreater(len(beats), 1)
