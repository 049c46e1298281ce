"""The TT 05/2025 descriptive records of an AIP: ``EAD.xml`` (hồ sơ) and ``EAD_doc_*.xml``.

Both have the root ``<simpledc>`` with the TT 05 element names, in the AIP form of Phụ lục I
(``arcFileCode``, ``arcDocCode``, ``docOrdinal``). Pure functions from rows to bytes.
"""

from __future__ import annotations

from lxml import etree

from luutru.records.elements import elements
from luutru.records.models import Document, DocumentKind, Dossier
from luutru.records.services import date_display


def _record(pairs: list[tuple[str, object]]) -> bytes:
    root = etree.Element("simpledc")
    for name, value in pairs:
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = "1" if value else "0"
        etree.SubElement(root, name).text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def dossier_record(dossier: Dossier) -> bytes:
    """EAD.xml: the 18 file-level elements (the AIP names ``fileCode`` ``arcFileCode``)."""
    return _record(
        [
            ("arcFileCode", dossier.code),
            ("title", dossier.title),
            ("maintenance", dossier.retention),
            ("mode", dossier.access_regime),
            ("language", dossier.languages),
            ("startDate", date_display(dossier.start_date, dossier.start_precision)),
            ("endDate", date_display(dossier.end_date, dossier.end_precision)),
            ("keyword", dossier.keywords),
            ("totalDoc", dossier.total_docs),
            ("numberOfPaper", dossier.sheet_count),
            ("numberOfPage", dossier.page_count),
            ("format", dossier.physical_condition),
            ("inforSign", dossier.info_mark),
            ("confidenceLevel", dossier.reliability),
            ("paperFileCode", dossier.paper_code),
            ("riskRecovery", dossier.backup_regime),
            ("riskRecoveryStatus", dossier.backup_status if dossier.backup_regime else ""),
            ("description", dossier.description),
        ]
    )


def record_prefix(document: Document) -> str:
    """The descriptive file's name prefix: EAD_doc, EAD_pic (photos) or EAD_media."""
    return {"document": "EAD_doc", "photo": "EAD_pic"}.get(
        DocumentKind(document.kind).level, "EAD_media"
    )


def media_record(document: Document) -> bytes:
    """EAD_pic_ / EAD_media_<mã lưu trữ>.xml: the photo's or recording's elements, in TT 05
    order, from the document's columns and the ``media`` values that have none."""
    level = DocumentKind(document.kind).level
    pairs: list[tuple[str, object]] = []
    for name, spec in elements(level).items():
        if name == "fileCode":
            continue
        if name == "docCode":
            pairs.append(("arcDocCode", document.archival_code))
        elif spec.field == "issued_date":
            pairs.append((name, date_display(document.issued_date)))
        elif spec.field == "backup_status":
            pairs.append((name, document.backup_status if document.backup_regime else ""))
        elif spec.field:
            pairs.append((name, getattr(document, spec.field)))
        else:
            pairs.append((name, document.media.get(name, "")))
    return _record(pairs)


def document_record(document: Document) -> bytes:
    """EAD_doc_<mã lưu trữ>.xml: the document-level elements in their AIP form."""
    if document.kind != DocumentKind.TEXT:
        return media_record(document)
    return _record(
        [
            ("docId", document.identifier),
            ("arcDocCode", document.archival_code),
            ("docOrdinal", document.ordinal),
            ("maintenance", document.retention),
            ("typeName", document.doc_type),
            ("codeNumber", document.number),
            ("codeNotation", document.notation),
            ("issuedDate", date_display(document.issued_date)),
            ("organName", document.issuer),
            ("subject", document.summary),
            ("language", document.languages),
            ("numberOfPage", document.page_count),
            ("inforSign", document.info_mark),
            ("keyword", document.keywords),
            ("mode", document.access_regime),
            ("confidenceLevel", document.reliability),
            ("autograph", document.autograph),
            ("format", document.physical_condition),
            ("riskRecovery", document.backup_regime),
            ("riskRecoveryStatus", document.backup_status if document.backup_regime else ""),
            ("process", document.process),
            ("description", document.description),
        ]
    )


HEADER_ELEMENTS = ("fileCode", "title", "source", "totalDoc", "description")


def tailieu_header(header: dict[str, str], document: Document) -> bytes:
    """EAD.xml of an AIP_tailieu: the package header of TT 05/2025 Phụ lục IV (``fileCode`` =
    mã gói tin, ``title``, ``source`` 0 văn bản đi / 1 văn bản đến, ``totalDoc``,
    ``description``) as the SIP_tailieu gave it, for the one document this package holds.

    ``totalDoc`` counts the documents of this AIP (one); when the SIP declared more and gave no
    note, ``description`` says how many it declared. A document that came without a header (an
    edXML message) gets its own summary as the title.
    """
    values = dict(header)
    declared = values.get("totalDoc", "")
    values["totalDoc"] = "1"
    values.setdefault("title", document.summary)
    if declared and declared != "1" and not values.get("description"):
        values["description"] = f"Gói tin nộp lưu khai {declared} tài liệu."
    return _record([(name, values.get(name, "")) for name in HEADER_ELEMENTS])
