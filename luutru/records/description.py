"""Describing held records again (sửa mô tả): a record's TT 05 values as text, checked by the
same rules as ingest, and the differences an edit makes.

A dossier or document is turned back into the text an archivist would type in the ingest
spreadsheet (``record_values``); the edited text is merged over it and checked by
``rules.clean_values`` (the one validator of TT 05 values), then against the archive as the
ingest pipeline checks a package against it: a dossier code or document code already used, an
archival code that is not the dossier's code + "." + 7-digit ordinal, an ordinal taken in the
dossier. ``changes`` lists what would change, field by field, with the values as people read
them, for the audit trail and the history (``DescriptionChange``).

A photo (EAD_pic) or a recording (EAD_media) is a ``Document`` of another ``kind``, described by
its own element set (``DocumentKind.level``: "photo", "media"): the same edit, the same checks
(those of ingest's sheets ``anh`` and ``phim_am_thanh``), its elements with no column of their
own read from and written to ``Document.media``, its author kept as the issuer and, for a
recording, its type (01 Âm thanh, 02 Video) deciding audio or video, as ingest does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from luutru.lib.vietnamese import nfc, short_date
from luutru.records.elements import Element, elements
from luutru.records.models import Document, DocumentKind, Dossier
from luutru.records.rules import (
    FILE_CODE_RE,
    Cleaned,
    check_archival_code,
    clean_values,
    defer_missing,
)
from luutru.records.services import EMPTY, code_display, date_display

# The document's fileCode has no field of its own: a document changes dossier by being filed
# (``actions.file_document``), never by editing a value.
READ_ONLY = {
    "document": {"fileCode"},
    "photo": {"fileCode"},
    "media": {"fileCode"},
    "dossier": set(),
}
# Photos and recordings: the element naming the author, kept as the document's issuer too.
AUTHOR = {"photo": "photographer", "media": "recorder"}
AUDIO_TYPE = "01"  # typeMedia 01 Âm thanh (ghi âm); 02 Video (ghi hình)
PRECISION = {"start_date": "start_precision", "end_date": "end_precision"}
# Ingest's default for a document that names no access regime (pipeline.validate).
DEFAULT_DOCUMENT_REGIME = "02"
ARCHIVAL_CODE_LENGTH = 100  # Document.archival_code


def editable(level: str) -> dict[str, Element]:
    """The elements an archivist may edit at this level, in TT 05 order (a photo's or
    recording's elements without a column of their own too: they live in ``media``)."""
    return {
        name: spec
        for name, spec in elements(level).items()
        if (spec.field is not None or level in AUTHOR) and name not in READ_ONLY[level]
    }


def level_of(instance: Dossier | Document) -> str:
    """The element set describing the record: dossier, document (EAD_doc), photo (EAD_pic) or
    media (EAD_media)."""
    if isinstance(instance, Dossier):
        return "dossier"
    return DocumentKind(instance.kind).level


def _raw(spec: Element, instance: Dossier | Document) -> Any:
    if spec.field is None:
        return (getattr(instance, "media", None) or {}).get(spec.name)
    return getattr(instance, spec.field)


def _text(spec: Element, instance: Dossier | Document) -> str:
    """One element's value as typed in the ingest spreadsheet."""
    value = _raw(spec, instance)
    if value is None or value == "":
        return ""
    if spec.kind == "date":
        precision = PRECISION.get(spec.field or "", "")
        return short_date(value, getattr(instance, precision, "day"))
    if spec.kind == "boolean":
        return "1" if value else "0"
    return str(value)


def record_values(instance: Dossier | Document) -> dict[str, str]:
    """Element name → the value as text, for every element of the record (fileCode of a
    document included: its dossier's code)."""
    level = level_of(instance)
    values = {name: _text(spec, instance) for name, spec in editable(level).items()}
    if isinstance(instance, Document):
        values["fileCode"] = instance.dossier.code if instance.dossier else ""
    return values


def shown(spec: Element, instance: Dossier | Document) -> str:
    """One element's value as the record's page shows it ("04 — 30 năm", "03/2024")."""
    raw = _raw(spec, instance)
    if spec.kind in {"code", "codes"}:
        return code_display(spec.code_list or "", raw)
    if spec.kind == "date":
        precision = PRECISION.get(spec.field or "", "")
        return date_display(raw, getattr(instance, precision, "day"))
    if spec.kind == "boolean":
        return "Có" if raw else "Không"
    return EMPTY if raw in (None, "") else str(raw)


def label_of(level: str) -> Callable[[str], str]:
    """Fields named by their TT 05 Vietnamese names (the edit form's labels)."""
    specs = elements(level)
    return lambda name: specs[name].label if name in specs else name


def check(
    instance: Dossier | Document,
    values: Mapping[str, str],
    label: Callable[[str], str] | None = None,
) -> Cleaned:
    """The record's values with ``values`` merged over them, checked as ingest checks them.

    Keys of ``values`` are element names; elements not given keep their value, read-only ones
    are ignored. ``label`` names fields in messages (the form's labels, a sheet's headers).
    Cost: a few queries for the checks against the archive.
    """
    level = level_of(instance)
    name = label or label_of(level)
    merged = record_values(instance)
    before = dict(merged)
    for element, text in values.items():
        if element in editable(level):
            merged[element] = nfc(str(text or "")).strip()
    cleaned = clean_values(level, merged, name)
    # An element TT 05 now requires but the record never had warns; emptying one is refused.
    defer_missing(cleaned, keep=[e for e in values if before.get(e) and not merged.get(e)])
    if isinstance(instance, Dossier):
        _check_dossier(instance, cleaned, name)
    else:
        _check_document(instance, cleaned, name)
    return cleaned


def _check_dossier(dossier: Dossier, cleaned: Cleaned, label: Callable[[str], str]) -> None:
    code = cleaned.fields.get("code")
    if code and code != dossier.code and Dossier.objects.filter(code=code).exists():
        cleaned.add("duplicate", "fileCode", f"Hồ sơ “{code}” đã có trong kho lưu trữ.")
    if code and code != dossier.code and dossier.documents.exclude(ordinal=None).exists():
        # the documents' archival codes follow the dossier's (code + "." + 7 digits): they
        # must still fit their field
        longest = ARCHIVAL_CODE_LENGTH - len(".0000000")
        if len(code) > longest:
            cleaned.add(
                "too_long", "fileCode",
                f"“{label('fileCode')}” dài {len(code)} ký tự: mã lưu trữ của tài liệu trong hồ "
                f"sơ (mã hồ sơ + 8 ký tự) sẽ vượt quá {ARCHIVAL_CODE_LENGTH} ký tự.",
            )  # fmt: skip


def _check_document(document: Document, cleaned: Cleaned, label: Callable[[str], str]) -> None:
    """What the ingest pipeline checks of a package's document against its dossier and the
    archive (``rules.check_archival_code``, uniqueness), for one document already held."""
    fields = cleaned.fields
    if not fields.get("access_regime"):
        fields["access_regime"] = DEFAULT_DOCUMENT_REGIME
    dossier = document.dossier
    archival = fields.get("archival_code")
    ordinal = fields.get("ordinal")
    if dossier is None:
        if ordinal is not None or (archival and archival != document.archival_code):
            cleaned.add(
                "bad_code", "docOrdinal" if ordinal is not None else "docCode",
                "Tài liệu chưa thuộc hồ sơ nào nên chưa có số thứ tự và mã lưu trữ; hãy lập "
                "hồ sơ cho tài liệu (chức năng “Đưa vào hồ sơ”).",
            )  # fmt: skip
            return
    else:
        file_code = dossier.code
        if ordinal != document.ordinal and archival == document.archival_code:
            # the ordinal changed and the code was left as it was: the code follows
            fields.pop("archival_code", None)
        issue = check_archival_code(file_code, fields)
        if issue is not None:
            cleaned.issues.append(issue)
            return
        ordinal = fields.get("ordinal")
        clash = dossier.documents.filter(ordinal=ordinal).exclude(pk=document.pk)
        if ordinal is not None and clash.exists():
            cleaned.add(
                "duplicate", "docOrdinal",
                f"Số thứ tự {ordinal} đã dùng cho một tài liệu khác trong hồ sơ {file_code}.",
            )  # fmt: skip
    for field_name, element, what in (
        ("archival_code", "docCode", "Mã lưu trữ tài liệu"),
        ("identifier", "docId", "Mã định danh tài liệu"),
    ):
        value = fields.get(field_name)
        taken = Document.objects.filter(**{field_name: value}).exclude(pk=document.pk)
        if value and taken.exists():
            cleaned.add("duplicate", element, f"{what} “{value}” đã có trong kho lưu trữ.")


@dataclass(frozen=True)
class Change:
    """One field an edit changes: the element, its label, the values as the page shows them."""

    element: str
    label: str
    field: str
    before: str
    after: str


def assign(instance: Dossier | Document, cleaned: Cleaned) -> tuple[list[Change], list[str]]:
    """Set the cleaned values on ``instance``; the changes and the model fields to save.

    Elements left empty clear their field (None for numbers and dates that may be empty, ""
    for text, False for flags), as an empty cell means no value in the ingest spreadsheet.
    """
    level = level_of(instance)
    changes: list[Change] = []
    dirty: list[str] = []
    if isinstance(instance, Document):
        instance.media = dict(instance.media or {})
    for name, spec in editable(level).items():
        before = shown(spec, instance)
        if spec.field is None:  # a photo's or recording's element kept in ``media``
            assert isinstance(instance, Document)
            old_value, new_value = instance.media.get(name), cleaned.fields.get(name)
            if (old_value or None) == (new_value or None):
                continue
            if new_value in (None, ""):
                instance.media.pop(name, None)
            else:
                instance.media[name] = new_value
            if "media" not in dirty:
                dirty.append("media")
            changes.append(Change(name, spec.label, "media", before, shown(spec, instance)))
            continue
        old = getattr(instance, spec.field)
        if spec.field in cleaned.fields:
            new: Any = cleaned.fields[spec.field]
        elif spec.kind == "boolean":
            new = False
        elif spec.kind in {"number", "date"}:
            new = None
        else:
            new = ""
        precision_field = PRECISION.get(spec.field)
        old_precision = getattr(instance, precision_field) if precision_field else None
        new_precision = cleaned.fields.get(f"{spec.field}__precision", "day")
        if old == new and (precision_field is None or old_precision == new_precision):
            continue
        setattr(instance, spec.field, new)
        dirty.append(spec.field)
        if precision_field:
            setattr(instance, precision_field, new_precision)
            dirty.append(precision_field)
        changes.append(Change(name, spec.label, spec.field, before, shown(spec, instance)))
    if isinstance(instance, Document) and level in AUTHOR:
        dirty += _media_item_fields(instance, level)
    if isinstance(instance, Dossier) and "code" in dirty:
        match = FILE_CODE_RE.match(instance.code)
        if match:
            instance.year, instance.notation = int(match["year"]), match["notation"][:20]
            dirty += ["year", "notation"]
    return changes, dirty


def media_kind_and_issuer(level: str, values: Mapping[str, Any]) -> tuple[str, str]:
    """What a photo's (``photo``) or recording's (``media``) elements make of it, at ingest and
    when its description is corrected: its kind (typeMedia 01 is sound, else film) and its
    author as the issuer."""
    if level == "photo":
        kind = DocumentKind.PHOTO
    else:
        kind = DocumentKind.AUDIO if values.get("typeMedia") == AUDIO_TYPE else DocumentKind.VIDEO
    return kind, str(values.get(AUTHOR[level]) or "")[:200]


def _media_item_fields(document: Document, level: str) -> list[str]:
    """The fields an edit of a photo's or recording's elements changed in what is derived from
    them (``media_kind_and_issuer``)."""
    kind, issuer = media_kind_and_issuer(level, document.media)
    dirty = []
    if document.issuer != issuer:
        document.issuer = issuer
        dirty.append("issuer")
    if document.kind != kind:
        document.kind = kind
        dirty.append("kind")
    return dirty


def messages_by_element(cleaned: Cleaned) -> dict[str, list[str]]:
    """The problems found, by element name (the edit form's field names)."""
    found: dict[str, list[str]] = {}
    for issue in cleaned.issues:
        found.setdefault(issue.element, []).append(issue.message)
    return found
