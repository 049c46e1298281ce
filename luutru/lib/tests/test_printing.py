"""PDFs from templates: the official heading and signatures, and nothing fetched from outside."""

from __future__ import annotations

import copy
import datetime
import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pikepdf
from django.conf import settings
from django.test import SimpleTestCase, override_settings
from PIL import Image

from luutru.lib.printing import Heading, Signer, render, render_pdf


def pdf_text(data: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "pdftotext is missing: make install adds poppler-utils"
    result = subprocess.run(  # noqa: S603 - a fixed local tool reading our own bytes
        [pdftotext, "-raw", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


class OfficialPartsTests(SimpleTestCase):
    def test_the_heading_prints_the_agency_the_national_heading_the_number_and_the_date(
        self,
    ) -> None:
        heading = Heading(
            ("Sở Tài chính",),
            "UBND tỉnh Sơn Nam",
            number="1245/STC-QLNS",
            subject="V/v hướng dẫn xây dựng dự toán",
            place="Sơn Nam",
            day=datetime.date(2026, 12, 4),
        )

        text = pdf_text(render_pdf("printing/heading.html", {"heading": heading}))

        for expected in (
            "UBND TỈNH SƠN NAM", "SỞ TÀI CHÍNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc", "Số: 1245/STC-QLNS", "V/v hướng dẫn xây dựng dự toán",
            "Sơn Nam, ngày 04 tháng 12 năm 2026",
        ):  # fmt: skip
            self.assertIn(expected, text)

    def test_the_signatures_print_recipients_titles_and_names(self) -> None:
        signer = Signer(("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), "Lương Thị Thanh Hà", signed="(Đã ký)")
        context = {"signers": [signer], "recipients": ["Như trên;", "Lưu: VT, QLNS."]}

        result = render("printing/signatures.html", context)

        self.assertEqual(result.pages, 1)
        text = pdf_text(result.data)
        for expected in (
            "Nơi nhận:", "- Như trên;", "- Lưu: VT, QLNS.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
            "(Đã ký)", "Lương Thị Thanh Hà",
        ):  # fmt: skip
            self.assertIn(expected, text)

    def test_a_pdf_a_variant_is_declared_in_the_file(self) -> None:
        heading = Heading(("Sở Tài chính",))
        data = render("printing/heading.html", {"heading": heading}, pdf_variant="pdf/a-2b").data

        with pikepdf.open(io.BytesIO(data)) as pdf:
            self.assertEqual(pdf.open_metadata().pdfa_status, "2B")


class NothingFromOutsideTests(SimpleTestCase):
    def test_files_and_network_urls_in_a_template_are_not_fetched(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            picture = folder / "seal.png"
            Image.new("RGB", (40, 40), "red").save(picture)
            (folder / "outside.html").write_text(
                f'<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
                f'<p>Con dấu</p><img src="{picture.as_uri()}">',
                encoding="utf-8",
            )
            templates: list[dict[str, Any]] = copy.deepcopy(settings.TEMPLATES)
            templates[0]["DIRS"] = [folder, *templates[0]["DIRS"]]
            with override_settings(TEMPLATES=templates):
                data = render_pdf("outside.html", {})

        with pikepdf.open(io.BytesIO(data)) as pdf:
            self.assertEqual(len(pdf.pages[0].get_images()), 0)
        self.assertIn("Con dấu", pdf_text(data))
