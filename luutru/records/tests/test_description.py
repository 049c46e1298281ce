"""Description control: archivists correct TT 05 descriptions, file loose documents and move
dossiers; every change is checked by the ingest rules, needs a reason and leaves history."""

from __future__ import annotations

import datetime
import io
from typing import Any, ClassVar

import openpyxl
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luutru.accounts.models import Role, User
from luutru.audit.models import AuditEvent
from luutru.organizations.actions import create_fonds
from luutru.organizations.models import Agency, Fonds, Succession
from luutru.portal.models import OaiRecord
from luutru.records import actions
from luutru.records.models import ChangeKind, DescriptionChange, Document, Dossier
from luutru.records.signals import descriptions_changed
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.test import BaseTestCase, make_agency, make_user

REASON = "Theo biên bản kiểm tra hồ sơ ngày 02/12/2026"


class DescriptionTestCase(BaseTestCase):
    dossier: ClassVar[Dossier]
    first: ClassVar[Document]
    second: ClassVar[Document]
    loose: ClassVar[Document]
    other_archivist: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dossier = make_dossier(cls.agency_a, 11, fonds=cls.fonds_a)
        cls.first = make_document(cls.agency_a, cls.dossier, 1)
        cls.second = make_document(cls.agency_a, cls.dossier, 2, page_count=3)
        cls.loose = make_document(
            cls.agency_a, None, 9, identifier="H62.00.03.2023.9", summary="Công văn về dự toán",
            retention="01", page_count=4,
        )  # fmt: skip
        cls.other_archivist = make_user("luutruvien_b", Role.ARCHIVIST, cls.agency_b)

    def dossier_form(self, **changes: str) -> dict[str, str]:
        """The edit form as the page fills it, with ``changes`` typed over it."""
        self.login(self.archivist)
        page = self.client.get(f"/quan-tri/ho-so/{self.dossier.code}/sua/")
        self.assertEqual(page.status_code, 200)
        form = page.context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        data.update(reason=REASON)
        data.update(changes)
        return data

    def document_form(self, document: Document, **changes: str) -> dict[str, str]:
        self.login(self.archivist)
        page = self.client.get(f"/quan-tri/tai-lieu/{document.pk}/sua/")
        self.assertEqual(page.status_code, 200)
        form = page.context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        data.update(reason=REASON)
        data.update(changes)
        return data

    def refused(self, url: str, data: dict[str, str], field: str, message: str) -> None:
        before = self.snapshot()
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertIn(field, errors)
        self.assertIn(message, " ".join(errors[field]))
        self.assertEqual(self.snapshot(), before)

    def snapshot(self) -> list[Any]:
        return [
            list(Dossier.objects.order_by("pk").values()),
            list(Document.objects.order_by("pk").values()),
            DescriptionChange.objects.count(),
            AuditEvent.objects.filter(action__startswith="records.").count(),
        ]


class EditTests(DescriptionTestCase):
    def test_an_archivist_edits_a_dossier_and_its_history_shows_before_and_after(self) -> None:
        old_title = self.dossier.title
        data = self.dossier_form(title="Hồ sơ quyết toán ngân sách năm 2023", endDate="12/2023")
        response = self.client.post(f"/quan-tri/ho-so/{self.dossier.code}/sua/", data)
        self.assertRedirects(response, f"/quan-tri/ho-so/{self.dossier.code}/lich-su/")

        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.title, "Hồ sơ quyết toán ngân sách năm 2023")
        self.assertEqual(self.dossier.end_date, datetime.date(2023, 12, 1))
        self.assertEqual(self.dossier.end_precision, "month")
        history = self.client.get(response["Location"]).content.decode()
        for text in (old_title, "Hồ sơ quyết toán ngân sách năm 2023", REASON, "luutruvien",
                     "Tiêu đề hồ sơ", "28/12/2023", "12/2023"):  # fmt: skip
            self.assertIn(text, history)
        event = AuditEvent.objects.get(action="records.description_change")
        self.assertEqual(event.actor_id, self.archivist.pk)
        changes = event.data["changes"]
        self.assertEqual(
            changes[f"dossier:{self.dossier.pk}:title"],
            {"from": old_title, "to": "Hồ sơ quyết toán ngân sách năm 2023"},
        )
        self.assertEqual(event.data["reason"], REASON)

    def test_an_archivist_edits_a_document_and_the_api_and_oai_show_it(self) -> None:
        publish(self.dossier)  # the public doors show published records only
        data = self.document_form(self.first, subject="Về việc điều chỉnh dự toán năm 2023")
        response = self.client.post(f"/quan-tri/tai-lieu/{self.first.pk}/sua/", data)
        self.assertRedirects(response, f"/quan-tri/tai-lieu/{self.first.pk}/lich-su/")
        history = self.client.get(response["Location"]).content.decode()
        self.assertIn("Về việc phân bổ dự toán ngân sách đợt 1", history)
        self.assertIn("Về việc điều chỉnh dự toán năm 2023", history)

        self.login(None)
        api = self.client.get(f"/api/v1/documents/{self.first.archival_code}").json()
        self.assertEqual(api["subject"], "Về việc điều chỉnh dự toán năm 2023")
        row = OaiRecord.objects.get(document=self.first)
        self.assertGreater(row.datestamp, self.first.created_at)

    def test_a_new_dossier_code_carries_its_documents_archival_codes(self) -> None:
        new = "000.00.03.H62.2023.99"
        actions.change_description(
            self.dossier, values={"fileCode": new}, reason=REASON, actor=self.archivist
        )
        self.first.refresh_from_db()
        self.assertEqual(self.first.archival_code, f"{new}.0000001")
        self.dossier.refresh_from_db()
        self.assertEqual((self.dossier.year, self.dossier.notation), (2023, "99"))
        self.assertTrue(
            DescriptionChange.objects.filter(document=self.first, element="docCode").exists()
        )

    def test_a_changed_ordinal_gives_the_document_its_new_archival_code(self) -> None:
        actions.change_description(
            self.second, values={"docOrdinal": "5"}, reason=REASON, actor=self.archivist
        )
        self.second.refresh_from_db()
        self.assertEqual(self.second.archival_code, f"{self.dossier.code}.0000005")

    def test_saving_the_form_unchanged_changes_nothing(self) -> None:
        before = self.snapshot()
        self.client.post(f"/quan-tri/ho-so/{self.dossier.code}/sua/", self.dossier_form())
        self.assertEqual(self.snapshot(), before)


class RefusalTests(DescriptionTestCase):
    def test_a_bad_date_is_refused_naming_the_field(self) -> None:
        url = f"/quan-tri/ho-so/{self.dossier.code}/sua/"
        self.refused(url, self.dossier_form(startDate="31/02/2023"), "startDate",
                     "“Thời gian bắt đầu” = “31/02/2023” không phải ngày hợp lệ")  # fmt: skip

    def test_an_end_before_the_start_is_refused(self) -> None:
        url = f"/quan-tri/ho-so/{self.dossier.code}/sua/"
        self.refused(url, self.dossier_form(endDate="01/01/2020"), "endDate", "trước")

    def test_an_unknown_code_is_refused_with_the_allowed_ones(self) -> None:
        url = f"/quan-tri/ho-so/{self.dossier.code}/sua/"
        self.refused(url, self.dossier_form(maintenance="99"), "maintenance",
                     "không có trong danh mục thời hạn lưu trữ (01 Vĩnh viễn")  # fmt: skip

    def test_a_duplicate_ordinal_is_refused(self) -> None:
        url = f"/quan-tri/tai-lieu/{self.second.pk}/sua/"
        self.refused(
            url,
            self.document_form(self.second, docOrdinal="1", docCode=""),
            "docOrdinal",
            f"Số thứ tự 1 đã dùng cho một tài liệu khác trong hồ sơ {self.dossier.code}",
        )

    def test_an_archival_code_of_another_dossier_is_refused(self) -> None:
        url = f"/quan-tri/tai-lieu/{self.second.pk}/sua/"
        self.refused(url, self.document_form(self.second, docCode="X.2023.01.0000002"),
                     "docCode", f"phải là mã hồ sơ “{self.dossier.code}”")  # fmt: skip

    def test_a_too_long_value_is_refused(self) -> None:
        url = f"/quan-tri/tai-lieu/{self.first.pk}/sua/"
        self.refused(url, self.document_form(self.first, subject="Trích yếu " * 60), "subject",
                     "vượt quá 500 ký tự cho phép")  # fmt: skip

    def test_an_edit_without_a_reason_is_refused(self) -> None:
        url = f"/quan-tri/ho-so/{self.dossier.code}/sua/"
        self.refused(url, self.dossier_form(title="Tiêu đề mới", reason="  "), "reason",
                     "Cần ghi lý do thay đổi")  # fmt: skip

    def test_a_dossier_code_already_used_is_refused(self) -> None:
        other = make_dossier(self.agency_a, 12)
        url = f"/quan-tri/ho-so/{self.dossier.code}/sua/"
        self.refused(url, self.dossier_form(fileCode=other.code), "fileCode",
                     f"Hồ sơ “{other.code}” đã có trong kho lưu trữ.")  # fmt: skip

    def test_a_loose_document_gets_no_ordinal_by_editing(self) -> None:
        url = f"/quan-tri/tai-lieu/{self.loose.pk}/sua/"
        self.refused(url, self.document_form(self.loose, docOrdinal="3"), "docOrdinal",
                     "Đưa vào hồ sơ")  # fmt: skip


def make_photo(agency: Agency, dossier: Dossier | None, ordinal: int, **extra: Any) -> Document:
    """A photo (EAD_pic) as ingest makes it from a row of the ``anh`` sheet."""
    values: dict[str, Any] = {
        "kind": "photo", "doc_type": "", "page_count": 0, "languages": "",
        "summary": "Lễ khởi công cầu Tân Phú", "issuer": "Nguyễn Văn An",
        "issued_date": datetime.date(2023, 3, 5),
        "media": {"typePic": "02", "photographer": "Nguyễn Văn An", "photoPlace": "Xã Tân Phú",
                  "colour": "01"},
    }  # fmt: skip
    values.update(extra)
    return make_document(agency, dossier, ordinal, **values)


class MediaEditTests(DescriptionTestCase):
    """A photo's or recording's description is edited with its own TT 05 elements (EAD_pic,
    EAD_media), by the same form, rules, history and audit as a text document's."""

    photo: ClassVar[Document]
    recording: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.photo = make_photo(cls.agency_a, None, 21, identifier="H62.00.03.2023.A21")
        cls.recording = make_document(
            cls.agency_a, cls.dossier, 3, kind="audio", doc_type="", page_count=0,
            summary="Ghi âm phiên họp Hội đồng nhân dân", issuer="Trần Thị Bình",
            media={"typeMedia": "01", "recorder": "Trần Thị Bình", "playTime": "00:45:10"},
        )  # fmt: skip

    def test_a_photos_edit_page_shows_the_ead_pic_elements_not_the_text_ones(self) -> None:
        data = self.document_form(self.photo)
        for element in ("typePic", "imageTitle", "photographer", "photoPlace", "photoTime",
                        "colour", "eventName", "filmSize", "docAttached"):  # fmt: skip
            self.assertIn(element, data)
        for element in ("typeName", "subject", "numberOfPage", "organName", "issuedDate"):
            self.assertNotIn(element, data)
        self.assertEqual(
            (data["typePic"], data["photoPlace"], data["imageTitle"], data["photoTime"]),
            ("02", "Xã Tân Phú", "Lễ khởi công cầu Tân Phú", "05/03/2023"),
        )
        page = self.client.get(f"/quan-tri/tai-lieu/{self.photo.pk}/sua/")
        self.assertContains(page, "Sửa mô tả phim, ảnh (EAD_pic)")
        self.assertContains(page, "Địa điểm chụp")
        self.assertNotContains(page, "Trích yếu nội dung")

    def test_an_archivist_corrects_a_photo_and_the_history_and_audit_keep_before_and_after(
        self,
    ) -> None:
        data = self.document_form(
            self.photo, photoPlace="Thị trấn Tân Phú", photographer="Nguyễn Văn Ân",
            colour="Đen trắng", imageTitle="Lễ khởi công cầu Tân Phú mới", filmSize="10x15",
        )  # fmt: skip
        response = self.client.post(f"/quan-tri/tai-lieu/{self.photo.pk}/sua/", data)
        self.assertRedirects(response, f"/quan-tri/tai-lieu/{self.photo.pk}/lich-su/")
        self.photo.refresh_from_db()
        self.assertEqual(
            self.photo.media,
            {"typePic": "02", "photographer": "Nguyễn Văn Ân", "photoPlace": "Thị trấn Tân Phú",
             "colour": "02", "filmSize": "10x15"},
        )  # fmt: skip
        self.assertEqual(self.photo.summary, "Lễ khởi công cầu Tân Phú mới")
        self.assertEqual(self.photo.issuer, "Nguyễn Văn Ân")  # the author, as ingest keeps it
        self.assertEqual((self.photo.kind, self.photo.doc_type), ("photo", ""))
        history = self.client.get(response["Location"]).content.decode()
        for text in ("Địa điểm chụp", "Xã Tân Phú", "Thị trấn Tân Phú", "Màu sắc", "Đen trắng",
                     "Tiêu đề phim ảnh", REASON):  # fmt: skip
            self.assertIn(text, history)
        rows = DescriptionChange.objects.filter(document=self.photo)
        self.assertEqual(
            sorted(rows.values_list("element", flat=True)),
            ["colour", "filmSize", "imageTitle", "photoPlace", "photographer"],
        )
        event = AuditEvent.objects.get(action="records.description_change")
        self.assertEqual(
            event.data["changes"][f"document:{self.photo.pk}:photoPlace"],
            {"from": "Xã Tân Phú", "to": "Thị trấn Tân Phú"},
        )
        self.assertEqual(event.data["reason"], REASON)
        page = self.client.get(f"/quan-tri/tai-lieu/{self.photo.pk}/")
        self.assertContains(page, "Thị trấn Tân Phú")

    def test_a_photos_values_are_checked_as_ingest_checks_its_sheet(self) -> None:
        url = f"/quan-tri/tai-lieu/{self.photo.pk}/sua/"
        for element, value, message in (
            ("typePic", "05", "không có trong danh mục loại tài liệu phim ảnh"),
            ("imageTitle", "", "Thiếu “Tiêu đề phim ảnh”"),
            ("photoTime", "31/02/2023", "“Thời gian chụp” = “31/02/2023” không phải ngày"),
            ("photoPlace", "x" * 301, "vượt quá 300 ký tự cho phép"),
            ("reason", " ", "Cần ghi lý do thay đổi"),
        ):
            with self.subTest(element=element):
                self.refused(url, self.document_form(self.photo, **{element: value}), element,
                             message)  # fmt: skip

    def test_a_recordings_type_makes_it_audio_or_video_as_at_ingest(self) -> None:
        data = self.document_form(self.recording, typeMedia="02", playTime="01:02:03")
        self.assertNotIn("numberOfPage", data)
        self.assertEqual(data["recorder"], "Trần Thị Bình")
        response = self.client.post(f"/quan-tri/tai-lieu/{self.recording.pk}/sua/", data)
        self.assertEqual(response.status_code, 302)
        self.recording.refresh_from_db()
        self.assertEqual(self.recording.kind, "video")
        self.assertEqual(self.recording.media["playTime"], "01:02:03")
        page = self.client.get(f"/quan-tri/tai-lieu/{self.recording.pk}/sua/")
        self.assertContains(page, "Sửa mô tả tài liệu ghi âm, ghi hình (EAD_media)")
        # The recording is filed: its code follows its dossier's, as for a text.
        self.refused(
            f"/quan-tri/tai-lieu/{self.recording.pk}/sua/",
            self.document_form(self.recording, docOrdinal="1", docCode=""),
            "docOrdinal",
            f"Số thứ tự 1 đã dùng cho một tài liệu khác trong hồ sơ {self.dossier.code}",
        )


class FilingTests(DescriptionTestCase):
    def test_filing_a_loose_document_gives_it_the_next_ordinal_and_code(self) -> None:
        self.login(self.archivist)
        response = self.client.post(
            f"/quan-tri/tai-lieu/{self.loose.pk}/lap-ho-so/",
            {"dossier": self.dossier.code, "reason": REASON},
        )
        self.assertRedirects(response, f"/quan-tri/tai-lieu/{self.loose.pk}/")
        self.loose.refresh_from_db()
        self.assertEqual(self.loose.dossier, self.dossier)
        self.assertEqual(self.loose.ordinal, 3)
        self.assertEqual(self.loose.archival_code, f"{self.dossier.code}.0000003")
        self.dossier.refresh_from_db()
        self.assertEqual((self.dossier.total_docs, self.dossier.page_count), (3, 9))
        self.assertEqual(self.dossier.retention, "01")  # raised to the document's (permanent)
        self.assertEqual(
            set(DescriptionChange.objects.filter(kind=ChangeKind.FILE).values_list("element",
                                                                                   flat=True)),
            {"fileCode", "docOrdinal", "docCode", "totalDoc", "numberOfPage", "maintenance"},
        )  # fmt: skip
        self.assertTrue(AuditEvent.objects.filter(action="records.document_file").exists())

    def test_a_filed_document_cannot_be_filed_again(self) -> None:
        with self.assertRaises(ValidationError):
            actions.file_document(self.first, self.dossier, reason=REASON, actor=self.archivist)

    def test_filing_into_a_dossier_out_of_scope_is_refused(self) -> None:
        hidden = make_dossier(self.agency_b, 1)
        self.login(self.archivist)
        response = self.client.post(
            f"/quan-tri/tai-lieu/{self.loose.pk}/lap-ho-so/",
            {"dossier": hidden.code, "reason": REASON},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, f"Không tìm thấy hồ sơ “{hidden.code}”", status_code=400)
        self.loose.refresh_from_db()
        self.assertIsNone(self.loose.dossier)


class MoveTests(DescriptionTestCase):
    successor: ClassVar[Agency]
    fonds_b: ClassVar[Fonds]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.successor = make_agency("000.00.30.H62", "Sở Tài chính (sau hợp nhất)", cls.province)
        Succession.objects.create(
            predecessor=cls.agency_a, successor=cls.successor,
            effective_on=datetime.date(2025, 3, 1),
        )  # fmt: skip
        cls.fonds_b = create_fonds(
            actor=None, code="H62.030", name="Phông Sở Tài chính mới", agency=cls.successor
        )

    def test_a_dossier_moves_to_another_fonds_and_its_successor_agency(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            f"/quan-tri/ho-so/{self.dossier.code}/chuyen/",
            {"fonds": self.fonds_b.pk, "agency": self.successor.pk, "reason": REASON},
        )
        self.assertRedirects(response, f"/quan-tri/ho-so/{self.dossier.code}/lich-su/")
        self.dossier.refresh_from_db()
        self.assertEqual((self.dossier.fonds, self.dossier.agency), (self.fonds_b, self.successor))
        self.first.refresh_from_db()
        self.assertEqual(self.first.agency, self.successor)
        history = self.client.get(response["Location"]).content.decode()
        self.assertIn("Phông Sở Tài chính mới", history)
        self.assertIn("Sở Tài chính (sau hợp nhất)", history)
        event = AuditEvent.objects.get(action="records.dossier_move")
        self.assertEqual(event.data["reason"], REASON)

    def test_an_agency_that_is_no_successor_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            actions.move_dossier(
                self.dossier, agency=self.agency_b, reason=REASON, actor=self.admin
            )
        self.assertIn("không phải cơ quan kế thừa", str(caught.exception))
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.agency, self.agency_a)


class SpreadsheetTests(DescriptionTestCase):
    def export(self, query: str) -> openpyxl.Workbook:
        self.login(self.archivist)
        response = self.client.get(f"/quan-tri/ho-so/bang-tinh/xuat/?{query}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        return openpyxl.load_workbook(io.BytesIO(response.content))

    def upload(self, workbook: openpyxl.Workbook, level: str) -> Any:
        out = io.BytesIO()
        workbook.save(out)
        out.seek(0)
        out.name = "sua-mo-ta.xlsx"
        return self.client.post(
            "/quan-tri/ho-so/bang-tinh/", {"level": level, "workbook": out, "reason": REASON}
        )

    def column(self, sheet: Any, header: str) -> int:
        return [c.value for c in sheet[1]].index(header) + 1

    def test_documents_exported_edited_in_excel_and_imported_are_changed(self) -> None:
        workbook = self.export(f"ho_so={self.dossier.code}")
        sheet = workbook.active
        self.assertEqual(sheet.cell(2, 1).value, self.first.archival_code)
        subject = self.column(sheet, "Trích yếu nội dung")
        sheet.cell(2, subject).value = "Về việc bổ sung dự toán"
        sheet.cell(3, self.column(sheet, "Số lượng trang")).value = 7
        announced: list[dict[str, Any]] = []

        def receiver(sender: Any, **kwargs: Any) -> None:
            announced.append(kwargs)

        descriptions_changed.connect(receiver)
        self.addCleanup(descriptions_changed.disconnect, receiver)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.upload(workbook, "document")
        self.assertRedirects(response, "/quan-tri/ho-so/bang-tinh/")
        # search hears of the whole workbook once
        self.assertEqual(
            [(a["dossier_ids"], a["document_ids"]) for a in announced],
            [([self.dossier.pk], sorted([self.first.pk, self.second.pk]))],
        )
        self.first.refresh_from_db()
        self.second.refresh_from_db()
        self.assertEqual(self.first.summary, "Về việc bổ sung dự toán")
        self.assertEqual(self.second.page_count, 7)
        rows = DescriptionChange.objects.filter(kind=ChangeKind.IMPORT)
        self.assertEqual(rows.count(), 2)
        self.assertEqual(len(set(rows.values_list("batch", flat=True))), 1)
        self.assertEqual(set(rows.values_list("reason", flat=True)), {REASON})
        self.assertEqual(AuditEvent.objects.filter(action="records.description_change").count(), 2)

    def test_photos_and_recordings_travel_in_the_document_workbook_with_their_own_fields(
        self,
    ) -> None:
        photo = make_photo(self.agency_a, self.dossier, 3)
        recording = make_document(
            self.agency_a, self.dossier, 4, kind="audio", doc_type="", page_count=0,
            summary="Ghi âm phiên họp", issuer="Trần Thị Bình",
            media={"typeMedia": "01", "recorder": "Trần Thị Bình", "playTime": "00:45:10"},
        )  # fmt: skip
        workbook = self.export(f"ho_so={self.dossier.code}")
        sheet = workbook.active
        headers = [c.value for c in sheet[1]]
        for header in ("Trích yếu nội dung", "Địa điểm chụp", "Tiêu đề phim ảnh", "Thời lượng",
                       "Tác giả (phim, ảnh)", "Tác giả (ghi âm, ghi hình)"):  # fmt: skip
            self.assertIn(header, headers)
        keys = [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)]
        photo_row = keys.index(photo.archival_code) + 2
        recording_row = keys.index(recording.archival_code) + 2
        self.assertEqual(sheet.cell(photo_row, self.column(sheet, "Địa điểm chụp")).value,
                         "Xã Tân Phú")  # fmt: skip
        self.assertIsNone(sheet.cell(photo_row, self.column(sheet, "Trích yếu nội dung")).value)

        # Unedited, the workbook changes nothing.
        before = self.snapshot()
        self.assertRedirects(self.upload(workbook, "document"), "/quan-tri/ho-so/bang-tinh/")
        self.assertEqual(self.snapshot(), before)

        # A value in a column that is not the record's kind is reported, nothing changes.
        sheet.cell(photo_row, self.column(sheet, "Thời lượng")).value = "00:01:00"
        response = self.upload(workbook, "document")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "“Thời lượng” không dùng cho tài liệu loại “Phim, ảnh”",
                            status_code=400)  # fmt: skip
        self.assertEqual(self.snapshot(), before)

        sheet.cell(photo_row, self.column(sheet, "Thời lượng")).value = None
        sheet.cell(photo_row, self.column(sheet, "Địa điểm chụp")).value = "Thị trấn Tân Phú"
        sheet.cell(recording_row, self.column(sheet, "Thời lượng")).value = "00:46:00"
        sheet.cell(
            recording_row, self.column(sheet, "Loại tài liệu ghi âm ghi hình")
        ).value = "Video"
        self.assertRedirects(self.upload(workbook, "document"), "/quan-tri/ho-so/bang-tinh/")
        photo.refresh_from_db()
        recording.refresh_from_db()
        self.assertEqual(photo.media["photoPlace"], "Thị trấn Tân Phú")
        self.assertEqual((recording.media["playTime"], recording.kind), ("00:46:00", "video"))
        self.assertEqual(
            set(DescriptionChange.objects.filter(kind=ChangeKind.IMPORT).values_list(
                "element", flat=True)),
            {"photoPlace", "playTime", "typeMedia"},
        )  # fmt: skip

    def test_an_unedited_round_trip_changes_nothing(self) -> None:
        workbook = self.export("q=")
        before = self.snapshot()
        self.assertRedirects(self.upload(workbook, "dossier"), "/quan-tri/ho-so/bang-tinh/")
        self.assertEqual(self.snapshot(), before)

    def test_one_bad_row_changes_nothing_and_the_report_names_row_and_column(self) -> None:
        workbook = self.export(f"ho_so={self.dossier.code}")
        sheet = workbook.active
        sheet.cell(2, self.column(sheet, "Trích yếu nội dung")).value = "Trích yếu đã sửa"
        sheet.cell(3, self.column(sheet, "Ngày, tháng, năm tài liệu")).value = "45/13/2023"
        before = self.snapshot()
        response = self.upload(workbook, "document")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.snapshot(), before)
        [problem] = response.context["problems"]
        self.assertEqual((problem.file, problem.row), ("sua-mo-ta.xlsx", 3))
        self.assertEqual(problem.field, "Ngày, tháng, năm tài liệu")
        self.assertIn("không phải ngày hợp lệ", problem.message)
        self.assertContains(response, "không bản ghi nào bị thay đổi", status_code=400)

    def test_an_unknown_key_and_a_duplicate_ordinal_are_reported(self) -> None:
        workbook = self.export(f"ho_so={self.dossier.code}")
        sheet = workbook.active
        sheet.cell(2, 1).value = "KHONG.CO.0000001"
        sheet.cell(3, self.column(sheet, "Số thứ tự")).value = 1
        sheet.cell(3, self.column(sheet, "Mã lưu trữ tài liệu")).value = None
        response = self.upload(workbook, "document")
        problems = [(p.row, p.field) for p in response.context["problems"]]
        # the ordinal taken, and the archival code it would give (the first document's)
        self.assertEqual(
            problems,
            [(2, "Mã tài liệu (khóa, không sửa)"), (3, "Số thứ tự"), (3, "Mã lưu trữ tài liệu")],
        )

    def test_an_import_without_a_reason_is_refused(self) -> None:
        workbook = self.export("q=")
        out = io.BytesIO()
        workbook.save(out)
        out.seek(0)
        out.name = "ho_so.xlsx"
        response = self.client.post(
            "/quan-tri/ho-so/bang-tinh/", {"level": "dossier", "workbook": out, "reason": ""}
        )
        self.assertContains(response, "Cần ghi lý do thay đổi", status_code=400)


class WhoMayTests(DescriptionTestCase):
    def urls(self) -> list[str]:
        return [
            f"/quan-tri/ho-so/{self.dossier.code}/sua/",
            f"/quan-tri/ho-so/{self.dossier.code}/lich-su/",
            f"/quan-tri/ho-so/{self.dossier.code}/chuyen/",
            f"/quan-tri/tai-lieu/{self.first.pk}/sua/",
            f"/quan-tri/tai-lieu/{self.first.pk}/lich-su/",
            f"/quan-tri/tai-lieu/{self.loose.pk}/lap-ho-so/",
        ]

    def test_clerks_may_not_change_descriptions(self) -> None:
        self.login(self.clerk_a)
        for url in [*self.urls(), "/quan-tri/ho-so/bang-tinh/", "/quan-tri/ho-so/bang-tinh/xuat/"]:
            self.assertEqual(self.client.get(url).status_code, 403, url)
            self.assertEqual(self.client.post(url, {"reason": REASON}).status_code, 403, url)

    def test_an_archivist_of_another_agency_finds_nothing(self) -> None:
        self.login(self.other_archivist)
        for url in self.urls():
            self.assertEqual(self.client.get(url).status_code, 404, url)
        response = self.client.get(f"/quan-tri/ho-so/bang-tinh/xuat/?ho_so={self.dossier.code}")
        self.assertEqual(response.status_code, 404)

    def test_archivists_heads_and_administrators_may(self) -> None:
        for user in (self.archivist, self.head, self.admin):
            self.login(user)
            for url in [*self.urls(), "/quan-tri/ho-so/bang-tinh/"]:
                self.assertEqual(self.client.get(url).status_code, 200, (user, url))

    def test_the_record_pages_link_to_the_edit_page_only_for_those_who_may(self) -> None:
        page = f"/quan-tri/ho-so/{self.dossier.code}/"
        self.login(self.archivist)
        self.assertContains(self.client.get(page), "Sửa mô tả")
        self.login(self.clerk_a)
        self.assertNotContains(self.client.get(page), "Sửa mô tả")


class HistoryQueryTests(DescriptionTestCase):
    def test_the_history_page_costs_the_same_queries_for_one_change_or_many(self) -> None:
        def queries() -> int:
            with CaptureQueriesContext(connection) as done:
                self.client.get(f"/quan-tri/ho-so/{self.dossier.code}/lich-su/")
            return len(done.captured_queries)

        self.login(self.archivist)
        actions.change_description(
            self.first, values={"numberOfPage": "5"}, reason=REASON, actor=self.archivist
        )
        one = queries()
        for number, document in enumerate([self.first, self.second], start=6):
            actions.change_description(
                document, values={"numberOfPage": str(number), "keyword": f"từ khóa {number}"},
                reason=REASON, actor=self.archivist,
            )  # fmt: skip
        self.assertEqual(DescriptionChange.objects.of_dossier(self.dossier).count(), 5)
        self.assertEqual(queries(), one)
