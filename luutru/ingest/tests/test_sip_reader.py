"""The TT 05/2025 SIP reader on the sample package and on variants made from it."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from luutru.ingest.readers.base import PackageContents
from luutru.ingest.readers.tt05_sip import Tt05SipReader
from luutru.test import SAMPLES

SIP_ZIP = SAMPLES / "valid" / "sip_tt05.zip"
OBJID = "uuid-4646A43E-16E9-4042-A1F2-5A6C1B7235A4"
REP_METS = "representations/rep1/METS.xml"
DOC_1 = "representations/rep1/metadata/descriptive/EAD_doc_000.00.16.H30.2021.41.0000001.xml"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """The sample SIP unzipped: the ``<OBJID>/`` folder."""
    with zipfile.ZipFile(SIP_ZIP) as archive:
        archive.extractall(tmp_path / "unzipped")
    return tmp_path / "unzipped" / OBJID


def read(root: Path) -> PackageContents:
    return Tt05SipReader().read(root, root.parent / "scratch")


def edit(path: Path, *replacements: tuple[str, str]) -> None:
    text = path.read_text("utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, "utf-8")


def refresh_checksums(pkg: Path) -> None:
    """Recompute every METS CHECKSUM after a test edited files, representations first."""
    for mets in [*sorted(pkg.glob("representations/*/[Mm][Ee][Tt][Ss].xml")), pkg / "METS.xml"]:
        tree = etree.parse(str(mets))
        for element in tree.iter():
            href = element.get("{http://www.w3.org/1999/xlink}href")
            holder = element if element.get("CHECKSUM") else element.getparent()
            if href and holder is not None and holder.get("CHECKSUM"):
                target = mets.parent / href
                if target.is_file():
                    digest = hashlib.sha256(target.read_bytes()).hexdigest().upper()
                    holder.set("CHECKSUM", digest)
        tree.write(str(mets), xml_declaration=True, encoding="UTF-8")


def codes(contents: PackageContents) -> list[tuple[str, str, str | None]]:
    return [(p.code, p.file, p.field) for p in contents.problems]


def test_the_sample_reads_as_one_dossier_of_eight_documents_with_their_files(
    package: Path,
) -> None:
    contents = read(package)

    assert contents.problems == []
    assert contents.warnings == []
    assert contents.form == "tt05_sip"
    assert len(contents.dossiers) == 1
    assert len(contents.documents) == 8
    files = [f for d in contents.documents for f in d.files]
    assert len(files) == 8
    assert sorted(contents.payload) == sorted(f.path for f in files)
    dossier = contents.dossiers[0]
    assert dossier.source.file == "metadata/descriptive/EAD.xml"
    assert dossier.source.row is None
    assert dossier.values["fileCode"] == "000.00.16.H30.2021.41"
    assert dossier.values["title"] == (
        "Hồ sơ dự án kè chống sạt lở bờ kênh Xà No đoạn qua xã Tân Phú Thạnh"
    )
    assert dossier.values["maintenance"] == "01"
    assert dossier.values["startDate"] == "26/02/2021"
    assert dossier.values["endDate"] == "26/12/2021"
    assert dossier.values["description"] == "Người lập hồ sơ: Dương Minh Hương"
    assert dossier.source.label("title") == "title"


def test_each_document_gets_the_data_file_named_after_its_archival_code(package: Path) -> None:
    contents = read(package)

    for document in contents.documents:
        (ref,) = document.files
        assert Path(ref.path).stem == document.values["docCode"]
        assert document.values["fileCode"] == "000.00.16.H30.2021.41"
        assert re.fullmatch(r"[0-9a-f]{64}", ref.sha256 or "")
        assert ref.mime == "application/pdf"
        assert ref.path_field == "xlink:href"
        assert ref.checksum_field == "CHECKSUM"
        assert ref.source is not None and ref.source.file == REP_METS
        assert ref.on_disk(package).is_file()
        assert hashlib.sha256(ref.on_disk(package).read_bytes()).hexdigest() == ref.sha256
    first = contents.documents[0]
    assert first.source.file == DOC_1
    assert first.values["subject"].startswith("Tờ trình đề nghị phê duyệt chủ trương")
    assert first.values["issuedDate"] == "26/02/2021"
    assert first.source.label("path") == "xlink:href"


def test_it_reads_the_package_from_the_folder_that_holds_it(package: Path) -> None:
    parent = package.parent
    reader = Tt05SipReader()

    assert reader.detect(parent) and reader.detect(package)
    contents = reader.read(parent, parent / "scratch")

    assert contents.problems == []
    assert len(contents.documents) == 8
    assert contents.dossiers[0].source.file == f"{OBJID}/metadata/descriptive/EAD.xml"
    ref = contents.documents[0].files[0]
    assert ref.path.startswith(f"{OBJID}/representations/rep1/data/")
    assert ref.on_disk(parent).is_file()
    assert all(p.startswith(f"{OBJID}/") for p in contents.payload)


def test_it_accepts_the_variants_of_the_ministrys_sample(package: Path) -> None:
    for mets in (package / "METS.xml", package / REP_METS):
        text = mets.read_text("utf-8").replace('MDTYPE="EAD"', 'MDTYPE="DC"')
        mets.write_text(text.replace(' USE="', ' USER="'), "utf-8")
    edit(
        package / "METS.xml",
        ('href="schemas/EAD.xsd"', 'href="schemas/ead.xsd"'),
        ('href="schemas/EAD_doc.xsd"', 'href="schemas/ead_doc.xsd"'),
    )
    (package / "schemas/EAD.xsd").rename(package / "schemas/ead.xsd")
    (package / "schemas/EAD_doc.xsd").rename(package / "schemas/ead_doc.xsd")
    edit(package / "metadata/descriptive/EAD.xml", ("<title>", "<Title>"), ("</title>", "</Title>"))
    refresh_checksums(package)
    (package / REP_METS).rename(package / "representations/rep1/mets.xml")

    contents = read(package)

    assert contents.problems == []
    assert len(contents.documents) == 8
    assert sum(len(d.files) for d in contents.documents) == 8
    dossier = contents.dossiers[0]
    assert dossier.values["title"].startswith("Hồ sơ dự án kè")
    assert dossier.source.label("title") == "Title"
    source = contents.documents[0].files[0].source
    assert source is not None and source.file == "representations/rep1/mets.xml"


def test_a_malformed_document_description_is_a_damaged_file(package: Path) -> None:
    path = package / DOC_1
    path.write_bytes(path.read_bytes()[:200])

    contents = read(package)

    assert ("damaged_file", DOC_1, None) in codes(contents)
    assert len(contents.documents) == 7
    # its file is then named by no document: validation reports it as unlisted
    assert len(contents.payload) == 8


def test_an_href_that_leaves_the_package_is_unsafe(package: Path) -> None:
    edit(
        package / REP_METS,
        ('xlink:href="data/000.00.16.H30.2021.41.0000002.pdf"', 'xlink:href="../../etc/passwd"'),
    )

    contents = read(package)

    assert ("unsafe_archive", REP_METS, "xlink:href") in codes(contents)
    assert all("passwd" not in f.path for d in contents.documents for f in d.files)


def test_a_url_or_absolute_href_is_unsafe_too(package: Path) -> None:
    edit(
        package / REP_METS,
        ('xlink:href="data/000.00.16.H30.2021.41.0000002.pdf"', 'xlink:href="/etc/passwd"'),
        ('xlink:href="data/000.00.16.H30.2021.41.0000003.pdf"', 'xlink:href="http://x.vn/a.pdf"'),
    )

    contents = read(package)

    assert codes(contents).count(("unsafe_archive", REP_METS, "xlink:href")) == 2


def test_a_package_that_is_not_a_sip_is_refused(package: Path) -> None:
    edit(package / "METS.xml", ('csip:OAISPACKAGETYPE="SIP"', 'csip:OAISPACKAGETYPE="AIP"'))

    contents = read(package)

    assert ("bad_code", "METS.xml", "csip:OAISPACKAGETYPE") in codes(contents)


def test_a_data_file_listed_in_mets_but_absent_is_missing(package: Path) -> None:
    (package / "representations/rep1/data/000.00.16.H30.2021.41.0000004.pdf").unlink()

    contents = read(package)

    assert codes(contents) == [("missing_file", REP_METS, "xlink:href")]
    assert "0000004.pdf" in contents.problems[0].message
    assert len(contents.payload) == 7


def test_missing_mets_or_ead_is_a_missing_file(package: Path, tmp_path: Path) -> None:
    (package / "metadata/descriptive/EAD.xml").unlink()
    contents = read(package)
    assert ("missing_file", "METS.xml", "xlink:href") in codes(contents)
    assert contents.dossiers == []

    empty = tmp_path / "empty"
    empty.mkdir()
    assert not Tt05SipReader().detect(empty)
    assert codes(read(empty)) == [("missing_file", "METS.xml", None)]


def test_a_changed_metadata_file_fails_its_mets_checksum(package: Path) -> None:
    edit(package / "metadata/descriptive/EAD.xml", ("<maintenance>01", "<maintenance>02"))

    contents = read(package)

    assert codes(contents) == [("checksum_mismatch", "metadata/descriptive/EAD.xml", "CHECKSUM")]


def test_it_never_expands_entities(package: Path) -> None:
    secret = package.parent / "secret.txt"
    secret.write_text("BÍ MẬT", "utf-8")
    ead = package / "metadata/descriptive/EAD.xml"
    edit(
        ead,
        ("<simpledc ", f'<!DOCTYPE simpledc [<!ENTITY x SYSTEM "file://{secret}">]>\n<simpledc '),
        ("<keyword>sạt lở; đê điều", "<keyword>&x;"),
    )
    refresh_checksums(package)

    contents = read(package)

    assert "BÍ MẬT" not in contents.dossiers[0].values.get("keyword", "")


def test_a_sip_of_loose_documents_has_no_dossier(package: Path) -> None:
    edit(package / "METS.xml", ("TT05/2025-SIP_hoso", "TT05/2025-SIP_tailieu"))

    contents = read(package)

    assert contents.problems == []
    assert contents.dossiers == []
    assert len(contents.documents) == 8
    assert all("fileCode" not in d.values for d in contents.documents)
