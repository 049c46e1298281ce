"""PREMIS 3.0 documents (objects, events, agents) as small pure functions.

Each builder takes plain values and returns an element; ``document`` wraps them in
``<premis version="3.0">`` in the order the schema asks (objects, events, agents). Event types
are the Library of Congress vocabulary terms (``models.EventType``), with their id.loc.gov URI.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from luutru.preservation.mets import iso

PREMIS_NS = "http://www.loc.gov/premis/v3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"premis": PREMIS_NS, "xsi": XSI_NS}
# Technical metadata of photos, audio and video (Pillow, ffprobe) in objectCharacteristicsExtension,
# which PREMIS leaves open (processContents="lax"): our own small vocabulary, documented here.
TECH_NS = "urn:luutru:technical:1"
EVENT_TYPE_URI = "http://id.loc.gov/vocabulary/preservation/eventType/"
EVENT_TYPE_CODES = {
    "ingestion": "ing",
    "format identification": "for",
    "validation": "val",
    "digital signature validation": "dig",
    "information package creation": "inf",
    "fixity check": "fix",
    "replication": "rep",
    "migration": "mig",
    "transfer": "tra",
    "accession": "acc",
}


@dataclass(frozen=True)
class FileObject:
    identifier: str  # the file's path inside the package, unique in it
    size: int
    sha256: str
    format_name: str
    puid: str = ""
    original_name: str = ""
    derived_from: str = ""  # identifier of the file this one was migrated from
    event_ids: Sequence[str] = ()
    # width, height, duration (s), container, streams [{codec_type, codec_name…}], exif {…}
    technical: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EventRecord:
    identifier: str
    type: str
    date_time: datetime.datetime
    detail: str
    outcome: str
    outcome_detail: str
    agent_id: str
    object_ids: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class AgentRecord:
    identifier: str
    name: str
    type: str  # software | organization | person


def _p(name: str) -> str:
    return f"{{{PREMIS_NS}}}{name}"


def _text(parent: etree._Element, name: str, value: str) -> etree._Element:
    element = etree.SubElement(parent, _p(name))
    element.text = value
    return element


def _identifier(parent: etree._Element, kind: str, type_: str, value: str) -> None:
    element = etree.SubElement(parent, _p(f"{kind}Identifier"))
    _text(element, f"{kind}IdentifierType", type_)
    _text(element, f"{kind}IdentifierValue", value)


def entity_object(identifier: str, title: str) -> etree._Element:
    """The dossier (hồ sơ) as a PREMIS intellectual entity."""
    element = etree.Element(_p("object"), nsmap=NSMAP)
    element.set(f"{{{XSI_NS}}}type", "premis:intellectualEntity")
    _identifier(element, "object", "URN", identifier)
    _text(element, "originalName", title)
    return element


def representation_object(identifier: str, files: Sequence[str]) -> etree._Element:
    """A representation and the files it includes."""
    element = etree.Element(_p("object"), nsmap=NSMAP)
    element.set(f"{{{XSI_NS}}}type", "premis:representation")
    _identifier(element, "object", "local", identifier)
    if files:
        relationship = etree.SubElement(element, _p("relationship"))
        _text(relationship, "relationshipType", "structural")
        _text(relationship, "relationshipSubType", "includes")
        for sequence, name in enumerate(files, start=1):
            related = etree.SubElement(relationship, _p("relatedObjectIdentifier"))
            _text(related, "relatedObjectIdentifierType", "local")
            _text(related, "relatedObjectIdentifierValue", name)
            _text(related, "relatedObjectSequence", str(sequence))
    return element


def file_object(file: FileObject) -> etree._Element:
    """A file: its SHA-256, size, PRONOM format, original name, and what it came from."""
    element = etree.Element(_p("object"), nsmap=NSMAP)
    element.set(f"{{{XSI_NS}}}type", "premis:file")
    _identifier(element, "object", "local", file.identifier)
    characteristics = etree.SubElement(element, _p("objectCharacteristics"))
    fixity = etree.SubElement(characteristics, _p("fixity"))
    _text(fixity, "messageDigestAlgorithm", "SHA-256")
    _text(fixity, "messageDigest", file.sha256)
    _text(characteristics, "size", str(file.size))
    format_ = etree.SubElement(characteristics, _p("format"))
    designation = etree.SubElement(format_, _p("formatDesignation"))
    _text(designation, "formatName", file.format_name or "không xác định")
    if file.puid:
        registry = etree.SubElement(format_, _p("formatRegistry"))
        _text(registry, "formatRegistryName", "PRONOM")
        _text(registry, "formatRegistryKey", file.puid)
        _text(registry, "formatRegistryRole", "specification")
    if file.technical:
        extension = etree.SubElement(characteristics, _p("objectCharacteristicsExtension"))
        extension.append(technical_characteristics(file.technical))
    if file.original_name:
        _text(element, "originalName", file.original_name)
    if file.derived_from:
        relationship = etree.SubElement(element, _p("relationship"))
        _text(relationship, "relationshipType", "derivation")
        _text(relationship, "relationshipSubType", "is source of")
        related = etree.SubElement(relationship, _p("relatedObjectIdentifier"))
        _text(related, "relatedObjectIdentifierType", "local")
        _text(related, "relatedObjectIdentifierValue", file.derived_from)
    for event_id in file.event_ids:
        _identifier(element, "linkingEvent", "UUID", event_id)
    return element


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def technical_characteristics(technical: Mapping[str, Any]) -> etree._Element:
    """``<tech:media>``: dimensions, duration, codecs, bit depth, EXIF text, as Pillow and
    ffprobe read them at ingest (keys in camelCase: ``bits_per_sample`` → ``bitsPerSample``)."""
    root = etree.Element(f"{{{TECH_NS}}}media", nsmap={"tech": TECH_NS})
    for key, value in technical.items():
        if value is None or value == "" or value == [] or value == {}:
            continue
        if key == "streams":
            for stream in value:
                element = etree.SubElement(root, f"{{{TECH_NS}}}stream")
                for name, item in stream.items():
                    etree.SubElement(element, f"{{{TECH_NS}}}{_camel(name)}").text = str(item)
        elif key == "exif":
            for name, item in value.items():
                tag = etree.SubElement(root, f"{{{TECH_NS}}}exif", name=str(name))
                tag.text = str(item)
        elif isinstance(value, list):
            etree.SubElement(root, f"{{{TECH_NS}}}{_camel(key)}").text = " ".join(map(str, value))
        else:
            etree.SubElement(root, f"{{{TECH_NS}}}{_camel(key)}").text = str(value)
    return root


def event(record: EventRecord) -> etree._Element:
    """One event with its outcome, the agent that did it and the objects it touched."""
    element = etree.Element(_p("event"), nsmap=NSMAP)
    _identifier(element, "event", "UUID", record.identifier)
    kind = _text(element, "eventType", record.type)
    kind.set("authority", "eventType")
    kind.set("authorityURI", "http://id.loc.gov/vocabulary/preservation/eventType")
    code = EVENT_TYPE_CODES.get(record.type)
    if code:
        kind.set("valueURI", EVENT_TYPE_URI + code)
    _text(element, "eventDateTime", iso(record.date_time))
    if record.detail:
        detail = etree.SubElement(element, _p("eventDetailInformation"))
        _text(detail, "eventDetail", record.detail)
    outcome = etree.SubElement(element, _p("eventOutcomeInformation"))
    _text(outcome, "eventOutcome", record.outcome)
    if record.outcome_detail:
        note = etree.SubElement(outcome, _p("eventOutcomeDetail"))
        _text(note, "eventOutcomeDetailNote", record.outcome_detail)
    linking = etree.SubElement(element, _p("linkingAgentIdentifier"))
    _text(linking, "linkingAgentIdentifierType", "local")
    _text(linking, "linkingAgentIdentifierValue", record.agent_id)
    _text(linking, "linkingAgentRole", "executing program")
    for object_id in record.object_ids:
        linked = etree.SubElement(element, _p("linkingObjectIdentifier"))
        _text(linked, "linkingObjectIdentifierType", "local")
        _text(linked, "linkingObjectIdentifierValue", object_id)
    return element


def agent(record: AgentRecord) -> etree._Element:
    element = etree.Element(_p("agent"), nsmap=NSMAP)
    _identifier(element, "agent", "local", record.identifier)
    _text(element, "agentName", record.name)
    _text(element, "agentType", record.type)
    return element


def document(
    objects: Sequence[etree._Element],
    events: Sequence[etree._Element] = (),
    agents: Sequence[etree._Element] = (),
    *,
    schemas: str = "../../schemas",
) -> bytes:
    """``<premis version="3.0">`` holding the given objects, events and agents, in that order.

    ``schemas`` is the relative path from the document to the package's ``schemas/`` folder.
    """
    root = etree.Element(_p("premis"), nsmap=NSMAP)
    root.set("version", "3.0")
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{PREMIS_NS} {schemas}/premis-v3-0.xsd")
    for element in [*objects, *events, *agents]:
        root.append(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
