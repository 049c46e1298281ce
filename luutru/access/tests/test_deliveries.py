"""Pages and deliveries: registration, a request from ?ma=, approval, the watermarked reading
copy, the "BẢN SAO" copy, the certified copy verified with pyHanko, expiry, and bad input."""

from __future__ import annotations

import datetime
import io
import tempfile
from pathlib import Path
from typing import ClassVar

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from luutru.access import actions
from luutru.access.models import (
    AccessRequest,
    Delivery,
    DeliveryForm,
    LogAction,
    Purpose,
    Status,
    UseLog,
)
from luutru.access.tests.helpers import SECRET_TEXT, attach_pdf, demo_signing, small_pdf
from luutru.accounts.models import Reader
from luutru.lib.pages import render_page
from luutru.lib.signatures import verify_pdf_signatures
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier
from luutru.test import BaseTestCase, make_user

NOT_YOURS = "Không tìm thấy trang"  # the one 404 page: nothing about why


def ink(image: Image.Image, box: tuple[float, float, float, float]) -> int:
    """Dark pixels in a box given as fractions of the page (left, top, right, bottom)."""
    w, h = image.size
    crop = image.convert("L").crop(
        (int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h))
    )
    return crop.point(lambda value: 255 if value < 128 else 0).histogram()[255]


def forged(token: str) -> str:
    """The token with its last character changed."""
    return token[:-1] + ("Z" if token[-1] != "Z" else "Y")


class DeliveryTests(BaseTestCase):
    dossier: ClassVar[Dossier]
    restricted: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dossier = make_dossier(cls.agency_a, 1)
        cls.restricted = make_document(
            cls.agency_a, cls.dossier, 2, access_regime="02", summary="Quyết định hạn chế 7731"
        )
        attach_pdf(cls.restricted)
        actions.approve_reader(Reader.objects.get(user=cls.reader), actor=cls.archivist)

    def approved(self, form: str) -> AccessRequest:
        request = actions.submit_request(
            self.reader,
            codes=[self.restricted.archival_code],
            purpose=Purpose.PERSONAL,
            fee_category="standard",
            research_topic="Ngân sách",
            form=form,
        )
        actions.approve_request(request, actor=self.head)
        return actions.deliver(request, actor=self.head)

    def test_a_reader_registers_and_requests_the_code_of_the_portal_link(self) -> None:
        self.login(None)
        response = self.client.post(
            reverse("access:reader-register"),
            {
                "full_name": "Trần Thị Bình",
                "date_of_birth": "1985-02-03",
                "id_number": "079185001234",
                "address": "45 Lê Lợi, Huế",
                "phone": "0905123456",
                "email": "binh@example.vn",
                "organization": "",
                "purpose": "Tra cứu hồ sơ đất đai của gia đình",
                "username": "tranthibinh",
                "password": "mot-mat-khau-dai-2026",
                "consent": "on",
            },
        )
        self.assertRedirects(response, reverse("access:reader-home"))
        page = self.client.get(reverse("access:reader-home"))
        self.assertContains(page, "đang chờ cơ quan lưu trữ duyệt")
        reader = Reader.objects.get(user__username="tranthibinh")
        self.assertEqual(reader.id_number, "079185001234")
        self.assertIsNotNone(reader.consent_at)
        self.assertIn("13/2023/NĐ-CP", reader.consent_text)
        # The head sees it on the staff page with its 1-working-day deadline, and approves it.
        self.login(self.head)
        staff = self.client.get(reverse("access:staff-home"))
        self.assertContains(staff, "Trần Thị Bình")
        self.assertContains(staff, "ngày làm việc")
        self.client.post(reverse("access:staff-reader-approve", args=[reader.pk]))
        self.client.force_login(reader.user)
        form = self.client.get(reverse("access:request-new"), {"ma": self.restricted.archival_code})
        self.assertContains(form, self.restricted.archival_code)
        response = self.client.post(
            reverse("access:request-new"),
            {
                "codes": self.restricted.archival_code,
                "purpose": "personal",
                "fee_category": "standard",
                "research_topic": "Lịch sử ngân sách",
                "form": "reading",
                "days": "7",
            },
        )
        made = AccessRequest.objects.get(reader=reader.user)
        self.assertRedirects(response, reverse("access:request-detail", args=[made.pk]))
        self.assertEqual(made.days, 7)
        # The reader cannot list the restricted record yet: its title does not show.
        self.assertNotContains(self.client.get(response["Location"]), "hạn chế 7731")

    def test_registration_refuses_bad_identity_details_in_vietnamese(self) -> None:
        self.login(None)
        response = self.client.post(
            reverse("access:reader-register"),
            {"full_name": "X", "date_of_birth": "2999-01-01", "id_number": "12ab", "phone": "?"},
        )
        self.assertContains(response, "Số CCCD gồm đúng 12 chữ số.")
        self.assertContains(response, "Ngày sinh không hợp lệ.")
        self.assertContains(response, "Số điện thoại không hợp lệ.")

    def test_the_head_approves_on_the_staff_page_and_the_deadline_shows(self) -> None:
        request = actions.submit_request(
            self.reader,
            codes=[self.restricted.archival_code],
            purpose=Purpose.OFFICIAL,
            fee_category="exempt",
            research_topic="x",
            form=DeliveryForm.READING,
        )
        self.login(self.archivist)
        page = self.client.get(reverse("access:staff-request", args=[request.pk]))
        self.assertContains(page, "cần lãnh đạo")
        self.assertContains(page, "ngày làm việc")
        self.login(self.head)
        self.client.post(reverse("access:staff-decide", args=[request.pk]), {"decision": "approve"})
        request.refresh_from_db()
        self.assertEqual(request.status, Status.DELIVERED)
        self.assertEqual(request.deliveries.count(), 1)

    def test_the_reading_copy_shows_watermarked_pages_and_no_original(self) -> None:
        request = self.approved(DeliveryForm.READING)
        delivery = request.deliveries.get()
        self.login(self.reader)
        viewer = self.client.get(reverse("access:reading-copy", args=[delivery.token]))
        self.assertEqual(viewer.status_code, 200)
        self.assertIn("no-store", viewer["Cache-Control"])
        html = viewer.content.decode()
        self.assertNotIn(".pdf", html)
        self.assertNotIn(self.restricted.files.get().stored.sha256, html)
        self.assertNotIn("download", html.lower())
        page_url = reverse("access:reading-page", args=[delivery.token, self.restricted.pk, 1])
        self.assertIn(page_url, html)
        image = self.client.get(page_url)
        self.assertEqual(image["Content-Type"], "image/jpeg")
        self.assertEqual(image["Content-Disposition"], "inline")
        picture = Image.open(io.BytesIO(image.content))
        plain = render_page(small_pdf(), 0, width=picture.width)
        # The bottom band carries the watermark: ink there that the original page lacks.
        band = (0.2, 0.93, 0.8, 1.0)
        self.assertGreater(ink(picture, band), ink(plain, band) + 200)
        self.assertTrue(
            UseLog.objects.filter(user=self.reader, action=LogAction.PAGE, document=self.restricted)
        )
        # Another reader holding the token gets nothing, nor does a page the PDF lacks.
        self.client.force_login(make_user("docgia_khac"))
        self.assertEqual(self.client.get(page_url).status_code, 403)  # not a reader at all
        other = make_user("docgia_khac2")
        Reader.objects.create(user=other)
        self.client.force_login(other)
        refused = self.client.get(page_url)
        self.assertContains(refused, NOT_YOURS, status_code=404)
        self.login(self.reader)
        missing_page = reverse("access:reading-page", args=[delivery.token, self.restricted.pk, 99])
        self.assertEqual(self.client.get(missing_page).status_code, 404)

    def test_forged_expired_and_purged_tokens_give_the_same_404(self) -> None:
        request = self.approved(DeliveryForm.READING)
        delivery = request.deliveries.get()
        self.login(self.reader)
        for token in ("A" * 43, "x", "..%2F..%2Fetc%2Fpasswd", forged(delivery.token)):
            response = self.client.get(f"/doc-gia/ban-doc/{token}/")
            self.assertContains(response, NOT_YOURS, status_code=404)
            self.assertNotIn(SECRET_TEXT, response.content.decode())
        Delivery.objects.filter(pk=delivery.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        response = self.client.get(reverse("access:reading-copy", args=[delivery.token]))
        self.assertContains(response, NOT_YOURS, status_code=404)

    def test_cleanup_deletes_reading_copies_five_days_after_expiry(self) -> None:
        request = self.approved(DeliveryForm.READING)
        later = timezone.now() + datetime.timedelta(days=15 + 5, minutes=1)
        self.assertEqual(actions.purge_expired(later), 1)
        self.assertIsNotNone(request.deliveries.get().purged_at)
        request.refresh_from_db()
        self.assertEqual(request.status, Status.CLOSED)
        self.assertEqual(actions.purge_expired(later), 0)  # idempotent
        call_command("access_cleanup", verbosity=0)

    def test_the_plain_copy_is_marked_and_downloadable(self) -> None:
        request = self.approved(DeliveryForm.COPY)
        delivery = request.deliveries.get()
        self.login(self.reader)
        response = self.client.get(reverse("access:copy-download", args=[delivery.token]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        page = render_page(data, 0, width=600)
        original = render_page(small_pdf(), 0, width=600)
        top_right = (0.6, 0.0, 1.0, 0.12)
        self.assertGreater(ink(page, top_right), ink(original, top_right) + 50)
        self.assertTrue(UseLog.objects.filter(action=LogAction.COPY, user=self.reader).exists())
        # The grant is asked too: once closed, the link is dead.
        actions.close_request(request, actor=self.head)
        again = self.client.get(reverse("access:copy-download", args=[delivery.token]))
        self.assertEqual(again.status_code, 404)

    def test_the_certified_copy_verifies_against_the_archive_certificate(self) -> None:
        files = demo_signing()
        request = self.approved(DeliveryForm.CERTIFIED)
        delivery = request.deliveries.get()
        path = actions.delivery_path(delivery)
        reports = verify_pdf_signatures(path, files.chain)
        self.assertEqual(len(reports), 1)
        report = reports[0]
        self.assertTrue(report.intact and report.valid and report.trusted, report.summary)
        self.assertEqual(report.signer, "Trung tâm Lưu trữ lịch sử tỉnh")
        # Against another CA the same file is intact but not trusted.
        with tempfile.TemporaryDirectory() as other:
            from luutru.access.signing import write_demo_certificate

            stranger = write_demo_certificate(Path(other), "Người lạ")
            self.assertFalse(verify_pdf_signatures(path, stranger.chain)[0].trusted)

    def test_other_readers_requests_are_not_found(self) -> None:
        request = self.approved(DeliveryForm.READING)
        other = make_user("docgia_khac")
        Reader.objects.create(user=other)
        self.client.force_login(other)
        for pk in (request.pk, request.pk + 1000):
            response = self.client.get(reverse("access:request-detail", args=[pk]))
            self.assertContains(response, NOT_YOURS, status_code=404)
            self.assertNotIn(self.restricted.archival_code, response.content.decode())


class DipTests(BaseTestCase):
    def test_the_dip_holds_the_request_header_metadata_and_certified_copies(self) -> None:
        import zipfile

        from lxml import etree

        files = demo_signing()
        dossier = make_dossier(self.agency_a, 3, access_regime="02")
        first = make_document(self.agency_a, dossier, 1)
        attach_pdf(first)
        attach_pdf(make_document(self.agency_a, dossier, 2), small_pdf("Trang khác"), "b.pdf")
        actions.approve_reader(Reader.objects.get(user=self.reader), actor=self.archivist)
        request = actions.submit_request(
            self.reader,
            codes=[dossier.code],
            purpose=Purpose.SPECIAL,
            fee_category="exempt",
            research_topic="Đề tài DIP",
            form=DeliveryForm.DIP,
        )
        actions.approve_request(request, actor=self.head)
        actions.deliver(request, actor=self.head)
        delivery = request.deliveries.get()
        self.assertTrue(delivery.file_name.endswith(".zip"))
        with zipfile.ZipFile(actions.delivery_path(delivery)) as package:
            names = package.namelist()
            root = names[0].split("/")[0]
            self.assertTrue(root.startswith("uuid-"))
            mets = etree.fromstring(package.read(f"{root}/METS.xml"))
            self.assertEqual(
                mets.get("{https://DILCIS.eu/XML/METS/CSIPExtensionMETS}OAISPACKAGETYPE"), "DIP"
            )
            header = etree.fromstring(package.read(f"{root}/metadata/descriptive/EAD.xml"))
            self.assertEqual(header.findtext("purpose"), "03")
            self.assertEqual(header.findtext("researchTopic"), "Đề tài DIP")
            pdfs = [n for n in names if n.endswith(".pdf")]
            self.assertEqual(len(pdfs), 2)
            docs = [n for n in names if "/EAD_doc_" in n]
            meta = etree.fromstring(package.read(docs[0]))
            self.assertEqual(meta.findtext("arcDocCode"), first.archival_code)
            with tempfile.TemporaryDirectory() as scratch:
                copy = Path(scratch) / "copy.pdf"
                copy.write_bytes(package.read(pdfs[0]))
                report = verify_pdf_signatures(copy, files.chain)[0]
            self.assertTrue(report.valid and report.trusted, report.summary)
            # Every file is listed in its METS with its SHA-256.
            rep = etree.fromstring(package.read(f"{root}/representations/rep1/METS.xml"))
            sums = {
                f.find("{http://www.loc.gov/METS/}FLocat").get(
                    "{http://www.w3.org/1999/xlink}href"
                ): f.get("CHECKSUM")
                for f in rep.iter("{http://www.loc.gov/METS/}file")
            }
            import hashlib

            for href, digest in sums.items():
                data = package.read(f"{root}/representations/rep1/{href}")
                self.assertEqual(hashlib.sha256(data).hexdigest(), digest, href)


class StatisticsTests(BaseTestCase):
    def test_reading_room_statistics_count_by_reader_item_and_agency(self) -> None:
        dossier = make_dossier(self.agency_a, 4)
        document = make_document(self.agency_a, dossier, 1, summary="Tờ trình thống kê 3321")
        for _ in range(3):
            actions.log_use(self.reader, LogAction.PAGE, document=document, detail="1")
        other = make_document(self.agency_b, None, identifier="B-9", summary="Ngoài phạm vi 4410")
        actions.log_use(self.reader, LogAction.VIEW, document=other)
        self.login(self.head)
        page = self.client.get(reverse("access:staff-statistics"))
        self.assertContains(page, "Người dùng docgia")
        self.assertContains(page, "Tờ trình thống kê 3321")
        self.assertContains(page, "Sở Tài chính")
        self.assertNotContains(page, "Ngoài phạm vi 4410")  # agency B is outside the head's scope
        day = timezone.localdate() + datetime.timedelta(days=2)
        later = self.client.get(reverse("access:staff-statistics"), {"tu": day.isoformat()})
        self.assertNotContains(later, "Tờ trình thống kê 3321")
        # The staff view of a document is logged too.
        self.login(self.archivist)
        self.client.get(reverse("records:document-detail", args=[document.pk]))
        self.assertTrue(
            UseLog.objects.filter(user=self.archivist, action=LogAction.VIEW, document=document)
        )
