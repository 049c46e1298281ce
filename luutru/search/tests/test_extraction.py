"""Text of born-digital files: what is read, what is refused and why, within bounds."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import time
import unicodedata
import zipfile
from pathlib import Path

import pikepdf
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from weasyprint import HTML

from luutru.accounts.models import Role
from luutru.records.models import DocumentFile
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.search import services
from luutru.search.extraction import (
    DOCX_MIME,
    ExtractionError,
    candidates,
    extract_file,
    extract_path,
)
from luutru.search.models import ExtractionStatus
from luutru.storage.actions import put_bytes, register_many
from luutru.test import make_agency, make_user, pass_second_factor

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
VIETNAMESE = "Quyết định về việc giao chỉ tiêu kế hoạch phát triển kinh tế năm 2024"


def text_pdf(text: str = VIETNAMESE, pages: int = 1) -> bytes:
    """A born-digital PDF with a text layer, laid out by WeasyPrint."""
    body = "".join(f'<p style="page-break-after: always">{text} {i}</p>' for i in range(pages))
    data = HTML(string=f"<html><body>{body}</body></html>").write_pdf()
    assert data is not None
    return bytes(data)


def blank_pdf(pages: int) -> bytes:
    """A PDF of empty pages: no text layer at all (as a scan's)."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def docx(document_xml: str) -> bytes:
    """A minimal DOCX built by hand: the zip with word/document.xml is what is read."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return out.getvalue()


def paragraphs(*texts: str) -> str:
    runs = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in texts)
    return f'<w:document xmlns:w="{W_NS}"><w:body>{runs}</w:body></w:document>'


class ExtractPathTests(SimpleTestCase):
    def setUp(self) -> None:
        self.dir = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def write(self, name: str, data: bytes) -> Path:
        path = self.dir / name
        path.write_bytes(data)
        return path

    def test_the_text_layer_of_a_pdf_is_read_in_nfc(self) -> None:
        found = extract_path(self.write("a.pdf", text_pdf(pages=2)), "pdf")
        self.assertIn("giao chỉ tiêu kế hoạch", found.text)
        self.assertTrue(unicodedata.is_normalized("NFC", found.text))
        self.assertEqual((found.pages, found.reason), (2, ""))

    def test_a_pdf_without_text_layer_is_refused_with_a_reason(self) -> None:
        with self.assertRaisesMessage(ExtractionError, "không có lớp chữ"):
            extract_path(self.write("scan.pdf", blank_pdf(2)), "pdf")

    def test_a_5000_page_pdf_is_read_up_to_the_page_limit_quickly(self) -> None:
        path = self.write("long.pdf", text_pdf(pages=1))
        pdf = pikepdf.open(path, allow_overwriting_input=True)
        page = pdf.pages[0]
        for _ in range(4999):
            pdf.pages.append(page)
        pdf.save(path)
        started = time.monotonic()
        with override_settings(SEARCH_EXTRACT_MAX_PAGES=50):
            found = extract_path(path, "pdf")
        self.assertLess(time.monotonic() - started, 20)
        self.assertEqual(found.pages, 50)
        self.assertIn("5.000 trang", found.reason)
        self.assertIn("giao chỉ tiêu", found.text)

    def test_garbage_glyphs_are_refused(self) -> None:
        garbage = "\ue000\ue001\ue002 \ufffd\ufffd \ue003\ue004 " * 30
        with self.assertRaisesMessage(ExtractionError, "không đọc được"):
            extract_path(self.write("g.pdf", text_pdf(garbage)), "pdf")

    def test_docx_paragraphs_are_read_and_nfd_becomes_nfc(self) -> None:
        nfd = unicodedata.normalize("NFD", "Tờ trình đề nghị phê duyệt")
        found = extract_path(
            self.write("a.docx", docx(paragraphs(nfd, "Dự toán năm 2024"))), "docx"
        )
        self.assertEqual(found.text, "Tờ trình đề nghị phê duyệt\nDự toán năm 2024")

    def test_a_docx_bomb_is_refused_not_read(self) -> None:
        deep = f'<w:document xmlns:w="{W_NS}">' + "<w:p>" * 5000 + "</w:p>" * 5000
        deep += "</w:document>"
        with self.assertRaisesMessage(ExtractionError, "lồng quá sâu"):
            extract_path(self.write("deep.docx", docx(deep)), "docx")
        huge = paragraphs("chữ " * 2_000_000)  # ~8 MB of XML compressing to a few KB
        path = self.write("huge.docx", docx(huge))
        self.assertLess(path.stat().st_size, 200_000)
        limit = override_settings(SEARCH_EXTRACT_MAX_XML=1_000_000)
        with limit, self.assertRaisesMessage(ExtractionError, "quá giới hạn"):
            extract_path(path, "docx")

    def test_xml_entities_are_not_expanded(self) -> None:
        laughs = (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "hahahahaha">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>Biên bản &b; bàn giao</r>'
        )
        found = extract_path(self.write("a.xml", laughs.encode()), "xml")
        self.assertNotIn("hahaha", found.text)
        self.assertIn("bàn giao", found.text)

    def test_long_text_is_cut_and_reported(self) -> None:
        with override_settings(SEARCH_EXTRACT_MAX_CHARS=100):
            found = extract_path(self.write("a.docx", docx(paragraphs("đất đai " * 100))), "docx")
        self.assertEqual(len(found.text), 100)
        self.assertIn("chỉ giữ phần đầu", found.reason)


def stored(data: bytes, mime: str) -> int:
    sha256, size = put_bytes(data)
    return register_many([{"sha256": sha256, "size": size, "mime": mime}])[sha256].pk


class ExtractFileTests(TestCase):
    def setUp(self) -> None:
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        isolated = self.settings(SEARCH_INDEX_DIR=tmp / "search")
        isolated.enable()
        self.addCleanup(isolated.disable)
        agency = make_agency("000.00.12.H62", "Sở Tài chính")
        self.dossier = make_dossier(agency, 1)
        self.document = make_document(agency, self.dossier, 1)
        publish(self.dossier)

    def attach(self, name: str, data: bytes, mime: str) -> DocumentFile:
        return DocumentFile.objects.create(
            document=self.document, stored_id=stored(data, mime), name=name
        )

    def test_extracted_text_is_kept_and_found_failures_are_reported(self) -> None:
        good = self.attach("qd.docx", docx(paragraphs("hợp tác xã nông nghiệp")), DOCX_MIME)
        scan = self.attach("scan.pdf", blank_pdf(1), "application/pdf")
        self.attach("anh.jpg", b"\xff\xd8", "image/jpeg")
        self.assertEqual(candidates([self.document.pk]), [good.pk, scan.pk])
        self.assertEqual(extract_file(good).status, ExtractionStatus.DONE)
        failed = extract_file(scan)
        self.assertEqual(failed.status, ExtractionStatus.FAILED)
        self.assertIn("không có lớp chữ", failed.reason)
        self.assertEqual(candidates([self.document.pk]), [])
        services.reindex()
        hits = services.search(None, "hợp tác xã nông nghiệp").hits
        self.assertEqual([h.code for h in hits], [self.document.archival_code])
        self.assertIn("<mark>", hits[0].snippet)

    def test_the_document_page_shows_what_could_not_be_extracted(self) -> None:
        extract_file(self.attach("scan.pdf", blank_pdf(1), "application/pdf"))
        archivist = make_user("luutruvien", Role.ARCHIVIST, self.document.agency)
        self.client.force_login(archivist)
        pass_second_factor(self.client, archivist)
        page = self.client.get(reverse("records:document-detail", args=[self.document.pk]))
        self.assertContains(page, "Không trích xuất được: Tệp PDF không có lớp chữ")

    def test_reindex_text_extracts_files_already_held_and_indexes_them(self) -> None:
        self.attach("qd.docx", docx(paragraphs("kè sông Hậu")), DOCX_MIME)
        self.attach("scan.pdf", blank_pdf(1), "application/pdf")
        out = io.StringIO()
        call_command("reindex", "--text", "--json", stdout=out)
        self.assertEqual(json.loads(out.getvalue())["extracted"], {"done": 1, "failed": 1})
        hits = services.search(None, "ke song Hau").hits
        self.assertEqual([h.code for h in hits], [self.document.archival_code])
