"""The edXML reader on the sample messages and on messages the tests write."""

from __future__ import annotations

import base64
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from luutru.ingest.readers.base import PackageContents
from luutru.ingest.readers.edxml import Base64Sink, EdxmlReader, iso_to_vn_date, safe_name
from luutru.test import SAMPLES

EDXML_DIR = SAMPLES / "valid" / "edxml"
INCOMING = "000.00.00.H30_20230303_564-UBND-NV.edxml"
OUTGOING = "000.00.10.H30_20230912_784-QD-SKHDT.edxml"
QCVN = "{http://www.mic.gov.vn/TBT/QCVN_102_2016}"
FAKE_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def read(folder: Path, scratch: Path) -> PackageContents:
    return EdxmlReader().read(folder, scratch)


def b64_lines(data: bytes) -> str:
    """Base64 wrapped at 76 characters, as e-office systems send it."""
    text = base64.b64encode(data).decode()
    return "\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def rewrite_sample(folder: Path, **changes: str) -> Path:
    """The incoming sample message with some QCVN elements' text replaced, in ``folder``."""
    folder.mkdir(exist_ok=True)
    tree = etree.parse(str(EDXML_DIR / INCOMING), etree.XMLParser(huge_tree=True))
    for local, text in changes.items():
        for element in tree.iter(f"{QCVN}{local}"):
            element.text = text
    target = folder / INCOMING
    tree.write(str(target), xml_declaration=True, encoding="UTF-8")
    return target


def edoc_message(name: str = "12-BC-SKHDT.pdf", content: str | None = None) -> str:
    """A message in the older eDoc form (regulations.md §6)."""
    body = b64_lines(FAKE_PDF) if content is None else content
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<EdXMLEnvelope xmlns="http://www.go.vn/eDoc">
  <EdXMLHeader>
    <MessageHeader>
      <From><OrganId>000.00.10.H30</OrganId>
        <OrganName>Sở Kế hoạch và Đầu tư tỉnh Hậu Giang</OrganName></From>
      <To><OrganId>000.00.00.H30</OrganId><OrganName>Ủy ban nhân dân tỉnh Hậu Giang</OrganName></To>
      <Code><CodeNumber>12</CodeNumber><CodeNotation>BC-SKHĐT</CodeNotation></Code>
      <PromulgationInfo><Promulgator>Sở Kế hoạch và Đầu tư</Promulgator>
        <PromulgationDate>15/01/2019</PromulgationDate></PromulgationInfo>
      <DocumentType>Báo cáo</DocumentType>
      <Subject>Báo cáo tình hình thực hiện kế hoạch đầu tư công năm 2018</Subject>
      <SignerInfo><Signer>Trần Văn Ân</Signer><Position>Phó Giám đốc</Position>
        <Competence>KT. GIÁM ĐỐC</Competence></SignerInfo>
      <OtherInfo><PageAmount>3</PageAmount><Appendix>0</Appendix></OtherInfo>
      <DocumentId>000.00.10.H30,2019/01/15,12/BC-SKHĐT</DocumentId>
      <TraceHeaderList><TraceHeader><Time>2019-01-15T09:00:00+07:00</Time>
        <Path><From>000.00.10.H30</From><To>000.00.00.H30</To></Path></TraceHeader>
      </TraceHeaderList>
    </MessageHeader>
  </EdXMLHeader>
  <Manifest>
    <Attachment><Content>{body}</Content><FileName>{name}</FileName><FileType>pdf</FileType>
    </Attachment>
  </Manifest>
</EdXMLEnvelope>
"""


def test_the_samples_read_as_two_documents_with_three_pdf_attachments(tmp_path: Path) -> None:
    contents = read(EDXML_DIR, tmp_path / "scratch")

    assert contents.problems == []
    assert contents.warnings == []
    assert contents.form == "edxml"
    assert contents.dossiers == []
    assert [len(d.files) for d in contents.documents] == [1, 2]
    files = [f for d in contents.documents for f in d.files]
    assert contents.payload == [f.path for f in files]
    for ref in files:
        assert ref.location is not None
        assert ref.location.is_relative_to(tmp_path / "scratch")
        assert ref.on_disk(EDXML_DIR).read_bytes().startswith(b"%PDF")
        assert ref.sha256 is None
        assert ref.mime == "application/pdf"
        assert ref.path_field == "AttachmentName"
    assert files[0].path == f"{INCOMING}/564-UBND-NV.pdf"
    assert files[0].name == "564-UBND-NV.pdf"
    assert files[0].source is not None and files[0].source.file == INCOMING
    assert files[0].location == tmp_path / "scratch" / Path(INCOMING).stem / "564-UBND-NV.pdf"


def test_the_header_gives_the_documents_metadata(tmp_path: Path) -> None:
    incoming, outgoing = read(EDXML_DIR, tmp_path).documents

    assert incoming.source.file == INCOMING
    assert incoming.values["codeNumber"] == "564"
    assert incoming.values["codeNotation"] == "UBND-NV"
    assert incoming.values["issuedDate"] == "03/03/2023"
    assert incoming.values["organName"] == "Ủy ban nhân dân tỉnh Hậu Giang"
    assert incoming.values["typeName"] == "Công văn"
    assert incoming.values["subject"] == (
        "Công văn về việc đôn đốc báo cáo tình hình giải ngân vốn năm 2023"
    )
    assert incoming.values["numberOfPage"] == "1"
    assert incoming.values["signer"] == "Lý Hữu Hương"
    assert incoming.values["fromOrganId"] == "000.00.00.H30"
    assert incoming.values["toOrganIds"] == "000.00.10.H30"
    assert incoming.values["documentId"] == "000.00.00.H30,2023/03/03,564/UBND-NV"
    assert "fileCode" not in incoming.values
    assert incoming.source.label("issuedDate") == "PromulgationInfo/PromulgationDate"
    assert incoming.source.label("subject") == "Subject"
    assert outgoing.values["codeNotation"] == "QĐ-SKHĐT"
    assert outgoing.values["typeName"] == "Quyết định"
    assert outgoing.values["issuedDate"] == "12/09/2023"
    assert outgoing.values["toOrganIds"] == "000.00.00.H30, 000.00.11.H30"


def test_it_detects_edxml_folders_and_nothing_else(tmp_path: Path) -> None:
    reader = EdxmlReader()
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "message.xml").write_text(edoc_message(), "utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "METS.xml").write_text('<mets xmlns="http://www.loc.gov/METS/"/>', "utf-8")

    assert reader.detect(EDXML_DIR)
    assert reader.detect(plain)
    assert not reader.detect(other)


def test_an_edoc_message_reads_too(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "12-BC.xml").write_text(edoc_message(), "utf-8")

    contents = read(folder, tmp_path / "scratch")

    assert contents.problems == []
    (document,) = contents.documents
    assert document.values["typeName"] == "Báo cáo"
    assert document.values["issuedDate"] == "15/01/2019"
    assert document.values["codeNotation"] == "BC-SKHĐT"
    assert document.values["organName"] == "Sở Kế hoạch và Đầu tư tỉnh Hậu Giang"
    assert document.values["signer"] == "Trần Văn Ân"
    assert document.values["signerPosition"] == "Phó Giám đốc"
    assert document.values["numberOfPage"] == "3"
    assert document.source.label("signer") == "SignerInfo/Signer"
    (ref,) = document.files
    assert ref.path == "12-BC.xml/12-BC-SKHDT.pdf"
    assert ref.path_field == "FileName"
    assert ref.mime is None  # FileType "pdf" is an extension, not a MIME type
    assert ref.on_disk(folder).read_bytes() == FAKE_PDF


@pytest.mark.parametrize(
    "body",
    ["JVBERi0x!!!!LjQK", "JVBERi0xLjQKJ", "JVBERi0xLjQK====JVBE", "   "],
    ids=["outside-alphabet", "dangling-character", "data-after-padding", "empty"],
)
def test_corrupt_base64_is_a_damaged_file(tmp_path: Path, body: str) -> None:
    folder = tmp_path / "in"
    rewrite_sample(folder, ContentTransferEncoded=body)

    contents = read(folder, tmp_path / "scratch")

    assert [(p.code, p.file, p.field) for p in contents.problems] == [
        ("damaged_file", INCOMING, "ContentTransferEncoded")
    ]
    assert contents.documents[0].files == []
    assert contents.payload == []


def test_an_attachment_name_cannot_leave_the_scratch_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    rewrite_sample(folder, AttachmentName="../../x.pdf")
    scratch = tmp_path / "scratch"

    contents = read(folder, scratch)

    assert contents.problems == []
    (ref,) = contents.documents[0].files
    assert ref.path == f"{INCOMING}/x.pdf"
    assert ref.name == "../../x.pdf"
    assert ref.location == scratch / Path(INCOMING).stem / "x.pdf"
    assert ref.location.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\Windows\\x.pdf", "x.pdf"),
        ("..", "fallback"),
        ("a:b*c?.pdf", "a_b_c_.pdf"),
        ("Quyết định.pdf", "Quyết định.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_safe_name(name: str, safe: str) -> None:
    assert safe_name(name, "fallback") == safe


def test_a_zipped_attachment_is_kept_whole_with_a_warning(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("564-UBND-NV.pdf", FAKE_PDF)
    folder = tmp_path / "in"
    rewrite_sample(
        folder, ContentTransferEncoded=b64_lines(buffer.getvalue()), AttachmentName="564.zip"
    )

    contents = read(folder, tmp_path / "scratch")

    assert contents.problems == []
    assert [w.code for w in contents.warnings] == ["zipped_attachment"]
    (ref,) = contents.documents[0].files
    assert ref.on_disk(folder).read_bytes() == buffer.getvalue()


def test_an_attachment_larger_than_an_xml_text_node_may_be_streams_through(
    tmp_path: Path,
) -> None:
    data = FAKE_PDF + bytes(9_000_000)  # 12 MB of base64: over libxml2's 10 MB node limit
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.xml").write_text(edoc_message(content=b64_lines(data)), "utf-8")

    contents = read(folder, tmp_path / "scratch")

    assert contents.problems == []
    assert contents.documents[0].files[0].on_disk(folder).read_bytes() == data


def test_malformed_xml_is_a_damaged_file_and_foreign_xml_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EDXML_DIR / OUTGOING, folder)
    (folder / "broken.edxml").write_text("<edXML:edXML xmlns:edXML='x'><unclosed>", "utf-8")
    (folder / "notes.xml").write_text("<ghichu>không phải edXML</ghichu>", "utf-8")

    contents = read(folder, tmp_path / "scratch")

    assert [(p.code, p.file) for p in contents.problems] == [("damaged_file", "broken.edxml")]
    assert [(w.code, w.file) for w in contents.warnings] == [("unlisted_file", "notes.xml")]
    assert len(contents.documents) == 1


def test_a_manifest_entry_without_its_attachment_is_a_missing_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    path = rewrite_sample(folder)
    tree = etree.parse(str(path), etree.XMLParser(huge_tree=True))
    for attachment in tree.iter(f"{QCVN}Attachment"):
        attachment.getparent().remove(attachment)
    tree.write(str(path))

    contents = read(folder, tmp_path / "scratch")

    assert [(p.code, p.field) for p in contents.problems] == [("missing_file", "AttachmentName")]


@pytest.mark.parametrize("size", [1, 3, 5, 77, 1000])
def test_base64_decodes_the_same_whatever_the_chunks(tmp_path: Path, size: int) -> None:
    data = bytes(range(256)) * 50
    text = b64_lines(data)
    sink = Base64Sink(tmp_path / "out")

    for start in range(0, len(text), size):
        sink.feed(text[start : start + size])
    sink.close()

    assert sink.error is None
    assert sink.size == len(data)
    assert sink.path.read_bytes() == data


def test_base64_without_final_padding_is_tolerated(tmp_path: Path) -> None:
    sink = Base64Sink(tmp_path / "out")
    sink.feed(base64.b64encode(b"%PDF-1").decode().rstrip("="))
    sink.close()

    assert sink.error is None
    assert sink.path.read_bytes() == b"%PDF-1"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("2023-03-03", "03/03/2023"),
        ("2023-9-2", "02/09/2023"),
        ("2023-03-03T08:00:00+07:00", "03/03/2023"),
        ("2023/03/03", "03/03/2023"),
        ("03/03/2023", "03/03/2023"),
        ("3-3-2023", "03/03/2023"),
        ("tháng 3", "tháng 3"),
    ],
)
def test_dates_become_dd_mm_yyyy(raw: str, shown: str) -> None:
    assert iso_to_vn_date(raw) == shown


def mark_secret(folder: Path, mark: str) -> Path:
    """The incoming sample message with ``OtherInfo/Secret`` (độ mật) set to ``mark``."""
    folder.mkdir(exist_ok=True)
    tree = etree.parse(str(EDXML_DIR / INCOMING), etree.XMLParser(huge_tree=True))
    other = next(tree.iter(f"{QCVN}OtherInfo"))
    etree.SubElement(other, f"{QCVN}Secret").text = mark
    tree.write(str(folder / INCOMING), xml_declaration=True, encoding="UTF-8")
    return folder


@pytest.mark.parametrize(
    ("mark", "mode"),
    [("Mật", "03"), ("TỐI MẬT", "03"), ("Tuyệt mật", "03"), ("1", "03"), ("Thường", None),
     ("0", None), ("", None)],
)  # fmt: skip
def test_a_message_marked_secret_is_read_as_access_regime_03(
    tmp_path: Path, mark: str, mode: str | None
) -> None:
    contents = read(mark_secret(tmp_path / "goi", mark), tmp_path / "scratch")

    (document,) = contents.documents
    assert document.values.get("mode") == mode
    assert contents.warnings == []
    if mode:
        assert document.source.label("mode") == "OtherInfo/Secret"


def test_a_secrecy_mark_not_understood_is_taken_as_secret_with_a_warning(tmp_path: Path) -> None:
    contents = read(mark_secret(tmp_path / "goi", "Hạn chế"), tmp_path / "scratch")

    assert contents.documents[0].values["mode"] == "03"
    (warning,) = contents.warnings
    assert (warning.code, warning.field) == ("default_value", "OtherInfo/Secret")
    assert "Hạn chế" in warning.message
