"""The DIP (gói thông tin truy cập, TT 05/2025 Phụ lục V) for an approved request.

E-ARK CSIP family, as the SIP and AIP (packages.md), ZIP transport::

    uuid-<UUID>/METS.xml                                   csip:OAISPACKAGETYPE="DIP"
    uuid-<UUID>/metadata/descriptive/EAD.xml               <simpledc>: the request header
    uuid-<UUID>/representations/rep1/METS.xml
    uuid-<UUID>/representations/rep1/data/<mã lưu trữ>.pdf          certified copies
    uuid-<UUID>/representations/rep1/metadata/descriptive/EAD_doc_<mã lưu trữ>.xml

The header carries the 7 fields third-party transcriptions give (regulations.md §1.1):
``requestID``, ``requestDate``, ``purpose`` (01 cá nhân, 02 công vụ, 03 công vụ đặc biệt),
``purposeContent``, ``feeObjectType``, ``researchTopic``, ``description``. Each document's
``EAD_doc`` has its TT 05 elements with ``arcDocCode`` (DIP spelling). Deliberate differences
from the E-ARK CSIP validator's expectations: no ``schemas/`` folder (the XSDs are not bundled),
and no PREMIS (a DIP is a user copy, not preserved). The PDF/A certification file of Điều 42
(11 items) is not made: its items are not confirmed.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from luutru.access.models import AccessRequest, Purpose
from luutru.records.elements import elements
from luutru.records.models import Document

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
PURPOSE_CODES: dict[str, str] = {
    Purpose.PERSONAL: "01",
    Purpose.OFFICIAL: "02",
    Purpose.SPECIAL: "03",
}
NSMAP = {"mets": METS_NS, "xlink": XLINK_NS, "csip": CSIP_NS}


@dataclass(frozen=True)
class DipFile:
    document: Document
    name: str  # file name inside data/
    data: bytes


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def _xml(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _simpledc(values: Sequence[tuple[str, str]]) -> bytes:
    root = etree.Element("simpledc")
    for name, value in values:
        etree.SubElement(root, name).text = value
    return _xml(root)


def request_header(request: AccessRequest) -> bytes:
    return _simpledc(
        [
            ("requestID", request.number),
            ("requestDate", request.submitted_at.astimezone(VIETNAM).strftime("%d/%m/%Y")),
            ("purpose", PURPOSE_CODES.get(request.purpose, "01")),
            ("purposeContent", request.get_purpose_display()),
            ("feeObjectType", request.get_fee_category_display()),
            ("researchTopic", request.research_topic),
            ("description", f"Bản sao có xác thực theo phiếu yêu cầu số {request.number}."),
        ]
    )


def document_metadata(document: Document) -> bytes:
    values = []
    for element in elements("document").values():
        if element.field is None:
            continue
        raw = getattr(document, element.field)
        if isinstance(raw, datetime.date):
            value = raw.strftime("%d/%m/%Y")
        elif isinstance(raw, bool):
            value = "1" if raw else "0"
        else:
            value = "" if raw is None else str(raw)
        name = "arcDocCode" if element.name == "docCode" else element.name
        values.append((name, value))
    return _simpledc(values)


def _mets(
    objid: str, label: str, kind: str, files: list[tuple[str, str, bytes]], now: datetime.datetime
) -> bytes:
    """A CSIP METS: ``files`` are (id, href, bytes) with their SHA-256."""
    mets = etree.Element(
        f"{{{METS_NS}}}mets",
        nsmap=NSMAP,
        OBJID=objid,
        LABEL=label,
        TYPE="Mixed",
        PROFILE="https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml",
    )
    mets.set(f"{{{CSIP_NS}}}OAISPACKAGETYPE", kind)
    header = etree.SubElement(mets, f"{{{METS_NS}}}metsHdr", CREATEDATE=_iso(now))
    header.set("RECORDSTATUS", "NEW")
    agent = etree.SubElement(header, f"{{{METS_NS}}}agent", ROLE="CREATOR", TYPE="OTHER")
    agent.set("OTHERTYPE", "SOFTWARE")
    etree.SubElement(agent, f"{{{METS_NS}}}name").text = "Lưu trữ số"
    file_sec = etree.SubElement(mets, f"{{{METS_NS}}}fileSec")
    group = etree.SubElement(file_sec, f"{{{METS_NS}}}fileGrp", USE="Data")
    struct = etree.SubElement(mets, f"{{{METS_NS}}}structMap", TYPE="PHYSICAL", LABEL="CSIP")
    root_div = etree.SubElement(struct, f"{{{METS_NS}}}div", LABEL=objid)
    for file_id, href, data in files:
        entry = etree.SubElement(
            group,
            f"{{{METS_NS}}}file",
            ID=file_id,
            MIMETYPE="application/pdf" if href.endswith(".pdf") else "text/xml",
            SIZE=str(len(data)),
            CREATED=_iso(now),
            CHECKSUM=hashlib.sha256(data).hexdigest(),
            CHECKSUMTYPE="SHA-256",
        )
        location = etree.SubElement(entry, f"{{{METS_NS}}}FLocat", LOCTYPE="URL")
        location.set(f"{{{XLINK_NS}}}type", "simple")
        location.set(f"{{{XLINK_NS}}}href", href)
        div = etree.SubElement(root_div, f"{{{METS_NS}}}div", LABEL=href)
        etree.SubElement(div, f"{{{METS_NS}}}fptr", FILEID=file_id)
    return _xml(mets)


def build_dip(
    request: AccessRequest, copies: list[DipFile], now: datetime.datetime | None = None
) -> bytes:
    """The DIP as ZIP bytes."""
    now = now or datetime.datetime.now(tz=VIETNAM)
    objid = f"uuid-{str(uuid.uuid4()).upper()}"
    members: dict[str, bytes] = {"metadata/descriptive/EAD.xml": request_header(request)}
    rep_files: list[tuple[str, str, bytes]] = []
    for number, copy in enumerate(copies, start=1):
        stem = copy.name.rsplit(".", 1)[0]
        data_path = f"data/{copy.name}"
        meta_path = f"metadata/descriptive/EAD_doc_{stem}.xml"
        meta = document_metadata(copy.document)
        members[f"representations/rep1/{data_path}"] = copy.data
        members[f"representations/rep1/{meta_path}"] = meta
        rep_files += [(f"F{number}", data_path, copy.data), (f"M{number}", meta_path, meta)]
    rep_mets = _mets(f"{objid}-rep1", "rep1", "DIP", rep_files, now)
    members["representations/rep1/METS.xml"] = rep_mets
    root_files = [
        ("EAD", "metadata/descriptive/EAD.xml", members["metadata/descriptive/EAD.xml"]),
        ("REP1", "representations/rep1/METS.xml", rep_mets),
    ]
    members["METS.xml"] = _mets(objid, f"Phiếu yêu cầu số {request.number}", "DIP", root_files, now)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members, key=lambda n: (n != "METS.xml", n)):
            archive.writestr(f"{objid}/{name}", members[name])
    return out.getvalue()
