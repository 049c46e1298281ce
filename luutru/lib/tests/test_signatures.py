"""Digital signature verification on the signed sample Quyết định, offline.

The sample carries a PAdES signature by "ỦY BAN NHÂN DÂN TỈNH HẬU GIANG" from the test CA in
``tests/data/samples/trust``. Tampered copies are made by the tests: one byte flipped inside the
signed range, and an incremental update that replaces the page content after signing.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from luutru.lib.signatures import SignatureReport, verify_pdf_signatures
from luutru.test import SAMPLES

SIGNED = SAMPLES / "valid" / "spreadsheet_small" / "tai_lieu" / "HS13" / "03_674-QD-UBND.pdf"
UNSIGNED = SAMPLES / "valid" / "spreadsheet_small" / "tai_lieu" / "HS13" / "01_549-TTR-STNMT.pdf"
CA = SAMPLES / "trust" / "ca-thu-nghiem.pem"
SIGNER = "ỦY BAN NHÂN DÂN TỈNH HẬU GIANG"


def only(reports: list[SignatureReport]) -> SignatureReport:
    assert len(reports) == 1, reports
    return reports[0]


def test_the_signed_sample_is_valid_and_trusted_with_the_test_ca() -> None:
    report = only(verify_pdf_signatures(SIGNED, [CA]))
    assert report.field == "ChuKySo"
    assert report.signer is not None and SIGNER in report.signer
    assert report.intact and report.valid and report.trusted and report.covers_whole_file
    assert report.signed_at == datetime(2023, 6, 26, 2, 15, tzinfo=UTC)
    assert report.signed_at.tzinfo is not None
    assert "09:15 ngày 26/06/2023" in report.summary  # shown in Vietnam time
    assert "hợp lệ" in report.summary
    assert report.details["reason"] == "Ký số văn bản phát hành"
    assert report.details["revocation_info"] == "unavailable"  # not a failure
    assert report.details["digest_algorithm"] == "sha256"


def test_without_trust_roots_the_signature_is_intact_but_not_trusted() -> None:
    report = only(verify_pdf_signatures(SIGNED, []))
    assert report.intact and report.valid
    assert not report.trusted
    assert "không xác thực được" in report.summary


def test_a_byte_flipped_inside_the_signed_range_breaks_integrity(tmp_path: Path) -> None:
    data = bytearray(SIGNED.read_bytes())
    data[12] ^= 0x01  # the binary comment on line 2: still a readable PDF, different bytes
    tampered = tmp_path / "sua.pdf"
    tampered.write_bytes(bytes(data))

    report = only(verify_pdf_signatures(tampered, [CA]))
    assert not report.intact and not report.valid and not report.trusted
    assert report.signer is not None and SIGNER in report.signer  # still reported
    assert "KHÔNG còn nguyên vẹn" in report.summary


def test_content_replaced_in_an_incremental_update_is_not_valid(tmp_path: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(SIGNED.read_bytes()))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (Da sua) Tj ET")
    )
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    modified = tmp_path / "sua_sau_khi_ky.pdf"
    modified.write_bytes(out.getvalue())

    report = only(verify_pdf_signatures(modified, [CA]))
    assert report.intact  # the signed revision itself is untouched…
    assert not report.covers_whole_file  # …but something was appended
    assert not report.valid
    assert report.details["modification_level"] == "OTHER"
    assert "sửa đổi sau khi ký" in report.summary


def test_an_unsigned_pdf_has_no_signatures() -> None:
    assert verify_pdf_signatures(UNSIGNED, [CA]) == []


@pytest.mark.parametrize("content", [b"", b"%PDF-1.4\ngarbage", b"not a pdf"])
def test_unreadable_files_without_a_signature_give_nothing(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hong.pdf"
    path.write_bytes(content)
    assert verify_pdf_signatures(path, [CA]) == []


def test_a_damaged_signed_pdf_is_reported_not_raised(tmp_path: Path) -> None:
    data = SIGNED.read_bytes()
    start = data.index(b"/ByteRange")
    broken = tmp_path / "hong_co_chu_ky.pdf"
    broken.write_bytes(b"%PDF-1.3\n" + data[start - 200 : start + 400])  # no xref, no trailer
    report = only(verify_pdf_signatures(broken, [CA]))
    assert not (report.intact or report.valid or report.trusted)
    assert "Không kiểm tra được chữ ký số" in report.summary


def test_an_unreadable_trust_root_is_named_in_the_details(tmp_path: Path) -> None:
    bad_root = tmp_path / "khong_phai_chung_thu.pem"
    bad_root.write_text("không phải chứng thư")
    report = only(verify_pdf_signatures(SIGNED, [bad_root, CA]))
    assert report.trusted  # the good root still counts
    assert report.details["trust_root_errors"] == [
        "Không đọc được chứng thư gốc tin cậy «khong_phai_chung_thu.pem»."
    ]
