"""METS documents of a TT 05/2025 AIP_hoso or AIP_tailieu (E-ARK CSIP 2.0 family), as small
pure functions. The two forms share one structure; they differ in their content type
(``csip:OTHERCONTENTINFORMATIONTYPE`` ``TT05/2025-AIP_hoso`` / ``TT05/2025-AIP_tailieu``) and,
for AIP_tailieu, the SIP_tailieu package code kept as ``metsHdr/altRecordID``.

The builders take plain values (no database rows) and return bytes, so each is tested alone
and validated against the METS XSD. Where TT 05/2025 deliberately departs from CSIP, the rule
is named here and ``tests/test_aip.py`` expects exactly those departures from the E-ARK
validator:

* TT05-EAD — descriptive metadata is the TT 05 ``<simpledc>`` record (Phụ lục I), referenced
  with ``MDTYPE="EAD"`` as the Thông tư writes it, although its root is not EAD. The E-ARK
  validator does not open the record, so this departure is not one it reports.
* TT05-DMD-DOC — each document's record (``EAD_doc_*.xml``) sits in its representation's
  ``metadata/descriptive`` and is referenced from the representation METS, one dmdSec per
  document (CSIP allows this; noted because some readers expect one record per package).
* TT05-DATES — every date carries the +07:00 offset (Asia/Ho_Chi_Minh), which CSIP allows.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

METS_NS = "http://www.loc.gov/METS/"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"mets": METS_NS, "csip": CSIP_NS, "xlink": XLINK_NS, "xsi": XSI_NS}
PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
CONTENT_TYPE = "TT05/2025-AIP_hoso"
CONTENT_TYPE_TAILIEU = "TT05/2025-AIP_tailieu"
SCHEMA_LOCATION = (
    f"{METS_NS} schemas/mets.xsd {XLINK_NS} schemas/xlink.xsd "
    f"{CSIP_NS} schemas/DILCISExtensionMETS.xsd"
)
VN = datetime.timezone(datetime.timedelta(hours=7))


@dataclass(frozen=True)
class FileEntry:
    """One file the METS lists: where it is (relative to the METS), how big, its SHA-256."""

    id: str
    href: str
    size: int
    sha256: str
    mime: str
    created: datetime.datetime


@dataclass(frozen=True)
class Agent:
    name: str
    role: str = "CREATOR"
    type: str = "ORGANIZATION"
    other_type: str = ""
    note: str = ""
    note_type: str = ""


@dataclass(frozen=True)
class Representation:
    """A representation folder and its METS.xml, as the package METS points to it."""

    name: str  # "rep1"
    mets: FileEntry
    label: str = ""


@dataclass
class PackageParts:
    """Everything the root METS of an AIP lists."""

    objid: str
    label: str
    created: datetime.datetime
    agents: Sequence[Agent]
    descriptive: Sequence[FileEntry]  # metadata/descriptive/EAD.xml
    preservation: Sequence[FileEntry]  # metadata/preservation/PREMIS.xml
    schemas: Sequence[FileEntry] = ()
    documentation: Sequence[FileEntry] = ()
    representations: Sequence[Representation] = field(default_factory=list)
    content_type: str = CONTENT_TYPE
    # metsHdr/altRecordID: other identifiers of the package, (TYPE, value), e.g. the mã gói tin
    # of the SIP_tailieu a loose document came in.
    alt_ids: Sequence[tuple[str, str]] = ()


def iso(moment: datetime.datetime) -> str:
    """ISO 8601 with the Vietnam offset (+07:00), as TT 05 asks (TT05-DATES)."""
    return moment.astimezone(VN).isoformat(timespec="seconds")


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _m(name: str) -> str:
    return _q(METS_NS, name)


def _root(
    objid: str,
    label: str,
    created: datetime.datetime,
    agents: Sequence[Agent],
    content_type: str = CONTENT_TYPE,
    alt_ids: Sequence[tuple[str, str]] = (),
) -> etree._Element:
    root = etree.Element(_m("mets"), nsmap=NSMAP)
    root.set("OBJID", objid)
    root.set("LABEL", label)
    root.set("TYPE", "Mixed")
    root.set("PROFILE", PROFILE)
    root.set(_q(CSIP_NS, "CONTENTINFORMATIONTYPE"), "OTHER")
    root.set(_q(CSIP_NS, "OTHERCONTENTINFORMATIONTYPE"), content_type)
    root.set(_q(XSI_NS, "schemaLocation"), SCHEMA_LOCATION)
    header = etree.SubElement(root, _m("metsHdr"))
    header.set("CREATEDATE", iso(created))
    header.set("LASTMODDATE", iso(created))
    header.set("RECORDSTATUS", "NEW")
    header.set(_q(CSIP_NS, "OAISPACKAGETYPE"), "AIP")
    for agent in agents:
        element = etree.SubElement(header, _m("agent"))
        element.set("ROLE", agent.role)
        element.set("TYPE", agent.type)
        if agent.other_type:
            element.set("OTHERTYPE", agent.other_type)
        etree.SubElement(element, _m("name")).text = agent.name
        if agent.note:
            note = etree.SubElement(element, _m("note"))
            note.text = agent.note
            if agent.note_type:
                note.set(_q(CSIP_NS, "NOTETYPE"), agent.note_type)
    for kind, value in alt_ids:  # METS: altRecordID follows the agents
        etree.SubElement(header, _m("altRecordID"), TYPE=kind).text = value
    return root


def _md_ref(parent: etree._Element, entry: FileEntry, mdtype: str) -> None:
    ref = etree.SubElement(parent, _m("mdRef"))
    ref.set("LOCTYPE", "URL")
    ref.set("MDTYPE", mdtype)
    ref.set(_q(XLINK_NS, "type"), "simple")
    ref.set(_q(XLINK_NS, "href"), entry.href)
    ref.set("MIMETYPE", entry.mime)
    ref.set("SIZE", str(entry.size))
    ref.set("CREATED", iso(entry.created))
    ref.set("CHECKSUM", entry.sha256.upper())
    ref.set("CHECKSUMTYPE", "SHA-256")


def _metadata_sections(
    root: etree._Element,
    descriptive: Sequence[FileEntry],
    preservation: Sequence[FileEntry],
    created: datetime.datetime,
) -> tuple[list[str], list[str]]:
    dmd_ids, amd_ids = [], []
    for entry in descriptive:
        section = etree.SubElement(root, _m("dmdSec"))
        section.set("ID", f"dmd-{entry.id}")
        section.set("CREATED", iso(created))
        section.set("STATUS", "CURRENT")
        _md_ref(section, entry, "EAD")  # TT05-EAD: the Thông tư's MDTYPE for <simpledc>
        dmd_ids.append(f"dmd-{entry.id}")
    if preservation:
        amd = etree.SubElement(root, _m("amdSec"))
        for entry in preservation:
            section = etree.SubElement(amd, _m("digiprovMD"))
            section.set("ID", f"digiprov-{entry.id}")
            section.set("STATUS", "CURRENT")
            if entry.mime == "application/json":  # signature evidence (aip._signature_files)
                _md_ref(section, entry, "OTHER")
                section[-1].set("OTHERMDTYPE", "SIGNATURE-VALIDATION")
            else:
                _md_ref(section, entry, "PREMIS")
            amd_ids.append(f"digiprov-{entry.id}")
    return dmd_ids, amd_ids


def _file(group: etree._Element, entry: FileEntry) -> None:
    element = etree.SubElement(group, _m("file"))
    element.set("ID", entry.id)
    element.set("MIMETYPE", entry.mime)
    element.set("SIZE", str(entry.size))
    element.set("CREATED", iso(entry.created))
    element.set("CHECKSUM", entry.sha256.upper())
    element.set("CHECKSUMTYPE", "SHA-256")
    location = etree.SubElement(element, _m("FLocat"))
    location.set("LOCTYPE", "URL")
    location.set(_q(XLINK_NS, "type"), "simple")
    location.set(_q(XLINK_NS, "href"), entry.href)


def _group(
    file_sec: etree._Element,
    group_id: str,
    use: str,
    entries: Sequence[FileEntry],
    content_type: str = CONTENT_TYPE,
) -> None:
    group = etree.SubElement(file_sec, _m("fileGrp"))
    group.set("ID", group_id)
    group.set("USE", use)
    # eark-validator 1.1.3 runs CSIP63 as "(type = OTHER and other type) or (type != OTHER and
    # no type)", which no group without the attributes can pass; CSIP allows them on any group.
    group.set(_q(CSIP_NS, "CONTENTINFORMATIONTYPE"), "OTHER")
    group.set(_q(CSIP_NS, "OTHERCONTENTINFORMATIONTYPE"), content_type)
    for entry in entries:
        _file(group, entry)


def _div(
    parent: etree._Element, div_id: str, label: str, file_ids: Sequence[str] = ()
) -> etree._Element:
    div = etree.SubElement(parent, _m("div"))
    div.set("ID", div_id)
    div.set("LABEL", label)
    for file_id in file_ids:
        etree.SubElement(div, _m("fptr")).set("FILEID", file_id)
    return div


def _metadata_div(parent: etree._Element, dmd_ids: list[str], amd_ids: list[str]) -> None:
    if not dmd_ids and not amd_ids:
        return
    div = _div(parent, "div-metadata", "Metadata")
    if dmd_ids:
        div.set("DMDID", " ".join(dmd_ids))
    if amd_ids:
        div.set("ADMID", " ".join(amd_ids))


def package_mets(parts: PackageParts) -> bytes:
    """The root METS.xml of an AIP: header, metadata, file groups, the CSIP structMap."""
    content_type = parts.content_type
    root = _root(parts.objid, parts.label, parts.created, parts.agents, content_type, parts.alt_ids)
    dmd_ids, amd_ids = _metadata_sections(
        root, parts.descriptive, parts.preservation, parts.created
    )
    file_sec = etree.SubElement(root, _m("fileSec"))
    file_sec.set("ID", "filesec-1")
    if parts.schemas:
        _group(file_sec, "fg-schemas", "Schemas", parts.schemas, content_type)
    if parts.documentation:
        _group(file_sec, "fg-documentation", "Documentation", parts.documentation, content_type)
    if parts.representations:
        # CSIP 2.0.4 as eark-validator 1.1.3 checks it: one "Representations" file group
        # listing each representation's METS.xml (CSIP114, CSIP62, CSIP63).
        group = etree.SubElement(file_sec, _m("fileGrp"))
        group.set("ID", "fg-representations")
        group.set("USE", "Representations")
        group.set(_q(CSIP_NS, "CONTENTINFORMATIONTYPE"), "OTHER")
        group.set(_q(CSIP_NS, "OTHERCONTENTINFORMATIONTYPE"), content_type)
        for representation in parts.representations:
            _file(group, representation.mets)
    struct = etree.SubElement(root, _m("structMap"))
    struct.set("ID", "structmap-1")
    struct.set("TYPE", "PHYSICAL")
    struct.set("LABEL", "CSIP")
    top = _div(struct, "div-root", parts.objid)
    _metadata_div(top, dmd_ids, amd_ids)
    if parts.schemas:
        _div(top, "div-schemas", "Schemas", [e.id for e in parts.schemas])
    if parts.documentation:
        _div(top, "div-documentation", "Documentation", [e.id for e in parts.documentation])
    if parts.representations:
        # A "Representations" division pointing to the file group (CSIP103, CSIP104), with one
        # division per representation holding its METS pointer (CSIP105 to CSIP112).
        reps = _div(
            top,
            "div-representations",
            "Representations",
            [r.mets.id for r in parts.representations],
        )
        for representation in parts.representations:
            div = _div(reps, f"div-{representation.name}", representation.mets.href)
            pointer = etree.SubElement(div, _m("mptr"))
            pointer.set("LOCTYPE", "URL")
            pointer.set(_q(XLINK_NS, "type"), "simple")
            pointer.set(_q(XLINK_NS, "href"), representation.mets.href)
            pointer.set(_q(XLINK_NS, "title"), "fg-representations")
    return _serialise(root)


def representation_mets(
    objid: str,
    label: str,
    created: datetime.datetime,
    agents: Sequence[Agent],
    descriptive: Sequence[FileEntry],
    preservation: Sequence[FileEntry],
    data: Sequence[FileEntry],
    content_type: str = CONTENT_TYPE,
) -> bytes:
    """A representation's METS.xml: its documents' records, its PREMIS and its data files."""
    root = _root(objid, label, created, agents, content_type)
    dmd_ids, amd_ids = _metadata_sections(root, descriptive, preservation, created)
    file_sec = etree.SubElement(root, _m("fileSec"))
    file_sec.set("ID", "filesec-rep")
    group = etree.SubElement(file_sec, _m("fileGrp"))
    group.set("ID", "fg-data")
    group.set("USE", "Data")
    group.set(_q(CSIP_NS, "CONTENTINFORMATIONTYPE"), "OTHER")
    group.set(_q(CSIP_NS, "OTHERCONTENTINFORMATIONTYPE"), content_type)
    for entry in data:
        _file(group, entry)
    struct = etree.SubElement(root, _m("structMap"))
    struct.set("ID", "structmap-rep")
    struct.set("TYPE", "PHYSICAL")
    struct.set("LABEL", "CSIP")
    top = _div(struct, "div-root", objid)
    _metadata_div(top, dmd_ids, amd_ids)
    _div(top, "div-data", "Data", [e.id for e in data])
    return _serialise(root)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
