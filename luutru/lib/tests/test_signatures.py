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


def _expired_signer(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA (valid 2019-2040) and a signer certificate valid only during 2020."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("CA thử nghiệm hết hạn"))
        .issuer_name(name("CA thử nghiệm hết hạn"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2019, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("Nguyễn Văn Ký"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2021, 1, 1, tzinfo=UTC))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), True
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "ky.pem", folder / "ky.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


def _signed_in_2020(folder: Path) -> tuple[Path, Path]:
    """A PDF signed on 01/06/2020 with a certificate that expired on 01/01/2021."""
    from unittest import mock

    import pikepdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    ca, cert, key = _expired_signer(folder)
    blank = pikepdf.new()
    blank.add_blank_page()
    source, target = folder / "goc.pdf", folder / "da-ky.pdf"
    blank.save(source)
    signer = signers.SimpleSigner.load(str(key), str(cert), ca_chain_files=(str(ca),))
    assert signer is not None
    then = datetime(2020, 6, 1, 9, 0, tzinfo=UTC)
    frozen = mock.Mock(wraps=datetime)
    frozen.now.return_value = then
    with (
        mock.patch("pyhanko.sign.signers.pdf_signer.datetime", frozen),
        source.open("rb") as inp,
        target.open("wb") as out,
    ):
        signers.sign_pdf(
            IncrementalPdfFileWriter(inp),
            signers.PdfSignatureMetadata(field_name="ChuKy"),
            signer=signer,
            output=out,
        )
    return target, ca


def test_a_signature_valid_when_made_is_not_untrusted_once_its_certificate_expires(
    tmp_path: Path,
) -> None:
    """Luật Giao dịch điện tử 2023 Điều 23 and TT 05/2025 (preserving signed records): a
    signature is judged at its signing time, with the certificate's validity then; expiry
    afterwards does not make it untrusted."""
    signed, ca = _signed_in_2020(tmp_path)
    report = only(verify_pdf_signatures(signed, [ca]))
    assert report.intact and report.valid and report.trusted, report.summary
    assert report.details["validated_at"] == "signing_time"
    assert report.signed_at is not None and report.signed_at.year == 2020


def test_the_evidence_to_recheck_offline_is_kept_with_the_report(tmp_path: Path) -> None:
    """TT 05/2025 (AIP keeps what proves authenticity): the CMS signature and the certificates
    travel with the verdict, enough to validate again without the network."""
    import base64

    from asn1crypto import x509 as asn1_x509

    signed, ca = _signed_in_2020(tmp_path)
    evidence = only(verify_pdf_signatures(signed, [ca])).details["evidence"]
    assert evidence["cms"]
    subjects = [
        asn1_x509.Certificate.load(base64.b64decode(c)).subject.native["common_name"]
        for c in evidence["certificates"]
    ]
    assert "Nguyễn Văn Ký" in subjects
