"""Format identification by content (FIDO's PRONOM signatures, offline) and extension checks.

The files are made by the tests (Pillow, pikepdf, openpyxl, zipfile) plus the sample packages.
Building the signature tables takes about half a second, once per test session.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pikepdf
import pytest
from PIL import Image

from luutru.lib.formats import FormatInfo, _identifier, extension_matches, identify
from luutru.test import SAMPLES

TAI_LIEU = SAMPLES / "valid" / "spreadsheet_small" / "tai_lieu"

PDFA_XMP = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 pdfaid:part="2" pdfaid:conformance="B"/>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def make_pdf(path: Path, *, pdfa: bool = False) -> Path:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if pdfa:
        pdf.Root.Metadata = pdf.make_stream(
            PDFA_XMP, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML
        )
    pdf.save(path, compress_streams=False)
    return path


def make_image(path: Path, fmt: str) -> Path:
    Image.new("RGB", (40, 30), "white").save(path, fmt)
    return path


def make_docx(path: Path) -> Path:
    """The smallest OOXML word-processing package FIDO's container signature accepts."""
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Override PartName="/word/document.xml" '
            f'ContentType="{main}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("formats")
    workbook = openpyxl.Workbook()
    workbook.active.append(["Mã hồ sơ", "Tiêu đề hồ sơ"])
    workbook.save(root / "ho_so.xlsx")
    (root / "mets.xml").write_text('<?xml version="1.0" encoding="UTF-8"?><mets/>', "utf-8")
    with zipfile.ZipFile(root / "goi.zip", "w") as archive:
        archive.writestr("a.txt", "xin chào")
    (root / "ho_so.csv").write_text("Mã hồ sơ,Tiêu đề\n000.00.12.H62.2023.05,Đất đai\n", "utf-8")
    return {
        "pdf": make_pdf(root / "van_ban.pdf"),
        "pdfa": make_pdf(root / "ban_pdfa.pdf", pdfa=True),
        "tif": make_image(root / "trang.tif", "TIFF"),
        "jpg": make_image(root / "anh.jpg", "JPEG"),
        "png": make_image(root / "anh.png", "PNG"),
        "xml": root / "mets.xml",
        "docx": make_docx(root / "to_trinh.docx"),
        "xlsx": root / "ho_so.xlsx",
        "zip": root / "goi.zip",
        "csv": root / "ho_so.csv",
    }


@pytest.mark.parametrize(
    ("kind", "puid", "mime"),
    [("pdf", "fmt/17", "application/pdf"),  # pikepdf writes PDF 1.3
     ("pdfa", "fmt/477", "application/pdf"),  # PDF/A-2b
     ("tif", "fmt/353", "image/tiff"),
     ("jpg", "fmt/43", "image/jpeg"),  # JFIF 1.01
     ("png", "fmt/11", "image/png"),
     ("xml", "fmt/101", "application/xml"),
     ("docx", "fmt/412", None),
     ("xlsx", "fmt/214", None),
     ("zip", "x-fmt/263", "application/zip")],  # PRONOM's ZIP has an x-fmt PUID
)  # fmt: skip
def test_common_archive_formats_get_their_pronom_id(
    files: dict[str, Path], kind: str, puid: str, mime: str | None
) -> None:
    info = identify(files[kind])
    assert info.puid == puid, info
    if mime:
        assert info.mime == mime
    assert info.name
    assert extension_matches(files[kind], info)


def test_office_files_are_identified_from_inside_the_container(files: dict[str, Path]) -> None:
    assert identify(files["docx"]).basis == "container"
    assert identify(files["xlsx"]).mime == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert identify(files["pdf"]).basis == "signature"


def test_the_sample_files_are_what_their_names_say() -> None:
    found: dict[str, set[str | None]] = {}
    for path in sorted(TAI_LIEU.glob("*/*")):
        info = identify(path)
        found.setdefault(path.suffix, set()).add(info.puid)
        assert extension_matches(path, info), path
    assert found == {".pdf": {"fmt/17"}, ".tif": {"fmt/353"}}
    edxml = next((SAMPLES / "valid" / "edxml").glob("*.edxml"))
    assert identify(edxml).puid == "fmt/101"
    assert extension_matches(edxml, identify(edxml))  # .edxml is XML


def test_a_jpeg_named_pdf_is_a_mismatch(files: dict[str, Path], tmp_path: Path) -> None:
    fake = tmp_path / "quyet_dinh.pdf"
    fake.write_bytes(files["jpg"].read_bytes())
    info = identify(fake)
    assert info.mime == "image/jpeg"
    assert not extension_matches(fake, info)


@pytest.mark.parametrize(("kind", "other"), [("tif", "tiff"), ("jpg", "jpeg"), ("jpg", "JPG")])
def test_equivalent_extensions_match(
    files: dict[str, Path], tmp_path: Path, kind: str, other: str
) -> None:
    copy = tmp_path / f"trang.{other}"
    copy.write_bytes(files[kind].read_bytes())
    assert extension_matches(copy, identify(copy))


def test_unrecognised_content_only_matches_text_extensions(
    files: dict[str, Path], tmp_path: Path
) -> None:
    info = identify(files["csv"])
    assert info == FormatInfo(None, None, None)
    assert extension_matches(files["csv"], info)  # CSV has no magic bytes
    garbage = tmp_path / "hong.pdf"
    garbage.write_bytes(b"this is not a PDF at all")
    assert identify(garbage).puid is None
    assert not extension_matches(garbage, identify(garbage))
    assert not extension_matches(tmp_path / "x.png", FormatInfo(None, None, None))
    assert not extension_matches(tmp_path / "x.docx", FormatInfo(None, None, None))
    assert extension_matches(tmp_path / "x.khongbiet", FormatInfo(None, None, None))


def test_empty_and_missing_files_are_findings_not_exceptions(tmp_path: Path) -> None:
    (tmp_path / "rong.pdf").write_bytes(b"")
    assert "rỗng" in (identify(tmp_path / "rong.pdf").problem or "")
    missing = identify(tmp_path / "khong_co.pdf")
    assert missing.puid is None and missing.problem


def test_compiled_matching_agrees_with_fido_itself(files: dict[str, Path]) -> None:
    """The speed-up must not change a single answer."""
    from fido.fido import Fido

    fido = _identifier().fido
    paths = [*files.values(), *sorted(TAI_LIEU.glob("*/*"))[:3]]
    for path in paths:
        with open(path, "rb") as stream:
            bof, eof, _ = fido.get_buffers(stream, path.stat().st_size, seekable=True)
        ours = [fido.get_puid(fmt) for fmt, _ in fido.match_formats(bof, eof)]
        theirs = [fido.get_puid(fmt) for fmt, _ in Fido.match_formats(fido, bof, eof)]
        assert ours == theirs, path
