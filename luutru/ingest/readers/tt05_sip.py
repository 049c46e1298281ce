"""TT 05/2025 SIP (gói nộp lưu, E-ARK CSIP based): METS + EAD.xml + one EAD_doc_*.xml per document.

Layout (packages.md §1, regulations.md §1.1)::

    <OBJID>/METS.xml                                  csip:OAISPACKAGETYPE="SIP"
    <OBJID>/metadata/descriptive/EAD.xml              hồ sơ (file level), root <simpledc>
    <OBJID>/representations/rep1/METS.xml             fileSec: data files, SHA-256, MIME
    <OBJID>/representations/rep1/data/<files>
    <OBJID>/representations/rep1/metadata/descriptive/EAD_doc_<mã lưu trữ>.xml
    <OBJID>/representations/rep1/metadata/descriptive/EAD_pic_<mã lưu trữ>.xml    photo, negative
    <OBJID>/representations/rep1/metadata/descriptive/EAD_media_<mã lưu trữ>.xml  audio, video

A photo (EAD_pic) or a recording (EAD_media) is read like a document, with its own element set
(``DocumentRecord.level`` = ``photo`` / ``media``), and finds its files by the same rules.

How a document (tài liệu) finds its data files, first rule that applies wins:

1. ``mets:file/@DMDID`` names the document's dmdSec;
2. a structMap ``div`` whose ``@DMDID`` names exactly that one document holds ``fptr``s to them;
3. the file name: its stem is the document's mã lưu trữ (``docCode``) or the ``<name>`` of
   ``EAD_doc_<name>.xml``, alone or followed by ``.``, ``_``, ``-`` or a space (attachments).

The Ministry's sample packages only support rule 3: their structMap puts every dmdSec on one
"Metadata" div and every fptr on one "Data" div, and their files carry no DMDID.

Known variants of the Ministry's sample package are accepted (regulations.md §1.1): any
``MDTYPE`` (EAD, DC, OTHER), ``@USER`` for ``@USE``, lower-case XSD and metadata file names,
``mets.xml`` for ``METS.xml``, element names in any case. XML is parsed without entities,
network or huge text nodes; the schemas the package names are never fetched.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from luutru.ingest.readers.base import (
    DOCUMENT_ELEMENTS,
    DOSSIER_ELEMENTS,
    MEDIA_ELEMENTS,
    PHOTO_ELEMENTS,
    DocumentRecord,
    DossierRecord,
    FileRef,
    PackageContents,
    Problem,
    Source,
)
from luutru.lib.vietnamese import nfc

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
NS = {"mets": METS_NS, "xlink": XLINK_NS}
_HREF = f"{{{XLINK_NS}}}href"

# The AIP spelling of the two codes, so that a package exported by an AIP-minded tool still reads.
_ALIASES = {"arcfilecode": "fileCode", "arcdoccode": "docCode"}
_DOSSIER_NAMES = {name.lower(): name for name in DOSSIER_ELEMENTS} | {"arcfilecode": "fileCode"}
_DOCUMENT_NAMES = {name.lower(): name for name in DOCUMENT_ELEMENTS} | _ALIASES
# The descriptive file's prefix (lower case) -> the element set it is read with, and its names.
_RECORD_KINDS = {
    "ead_doc_": ("document", _DOCUMENT_NAMES),
    "ead_pic_": ("photo", {name.lower(): name for name in PHOTO_ELEMENTS} | _ALIASES),
    "ead_media_": ("media", {name.lower(): name for name in MEDIA_ELEMENTS} | _ALIASES),
}


def _record_prefix(name: str) -> str | None:
    """``ead_doc_``, ``ead_pic_`` or ``ead_media_`` when a file name is a record's, else None."""
    folded = name.casefold()
    if not folded.endswith(".xml"):
        return None
    return next((p for p in _RECORD_KINDS if folded.startswith(p)), None)


_NAME_SEPARATORS = "._- "
_HASH_CHUNK = 1 << 20


def xml_parser() -> Any:
    """A parser that cannot be turned against us: no entities, no network, no huge nodes."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _child_ci(folder: Path, name: str) -> Path | None:
    """``folder/name``, or its only case-insensitive match (packages made on Windows)."""
    exact = folder / name
    if exact.exists():
        return exact
    if not folder.is_dir():
        return None
    wanted = name.casefold()
    matches = [p for p in folder.iterdir() if p.name.casefold() == wanted]
    return matches[0] if len(matches) == 1 else None


def _find_ci(base: Path, rel: str) -> Path:
    """``base/rel`` matched part by part ignoring case; the exact join when nothing matches."""
    current = base
    for part in PurePosixPath(rel).parts:
        found = _child_ci(current, part)
        if found is None:
            return base / rel
        current = found
    return current


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_sha256(checksum_type: str | None) -> bool:
    return (checksum_type or "").upper().replace("-", "").replace("_", "") == "SHA256"


def _use(element: Any) -> str:
    """``@USE``, or ``@USER`` as TT 05's holey-file rule misspells it."""
    return str(element.get("USE") or element.get("USER") or "")


def _attr_local(element: Any, local: str) -> str | None:
    """An attribute by local name in any namespace (CSIP extension namespaces vary)."""
    for name, value in element.attrib.items():
        if etree.QName(name).localname == local:
            return str(value)
    return None


def find_package_dir(root: Path) -> Path | None:
    """The ``<OBJID>/`` folder: ``root`` itself, or the one sub-folder that holds a METS.xml."""
    if _child_ci(root, "METS.xml") is not None:
        return root
    if not root.is_dir():
        return None
    candidates = [
        d
        for d in root.iterdir()
        if d.is_dir() and not d.name.startswith((".", "__MACOSX"))
        if _child_ci(d, "METS.xml") is not None
    ]
    return candidates[0] if len(candidates) == 1 else None


@dataclass
class _Entry:
    """One ``mets:file`` of a fileSec, with its location resolved inside the package."""

    rel: str  # posix path relative to the reader's root
    path: Path
    mets: str  # the METS file (relative to the root) that lists it
    file_id: str
    checksum: str | None
    checksum_type: str | None
    mime: str | None
    dmdids: list[str]


@dataclass
class _DocMeta:
    """An EAD_doc (EAD_pic, EAD_media) file as METS names it (dmdSec ID) or as found on disk."""

    path: Path
    rel: str
    dmd_id: str | None = None

    @property
    def prefix(self) -> str:
        return _record_prefix(self.path.name) or "ead_doc_"


@dataclass
class _Reading:
    """State of one read: where we are and what went wrong."""

    root: Path
    pkg: Path
    contents: PackageContents
    entries: dict[str, _Entry] = field(default_factory=dict)
    docs: list[_DocMeta] = field(default_factory=list)
    div_links: dict[str, set[str]] = field(default_factory=dict)  # dmdSec ID -> FILEIDs

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def problem(self, code: str, message: str, file: str, fieldname: str | None = None) -> None:
        self.contents.problems.append(Problem(code, message, file, None, fieldname))

    def warn(self, code: str, message: str, file: str, fieldname: str | None = None) -> None:
        self.contents.warnings.append(Problem(code, message, file, None, fieldname))

    def parse(self, path: Path) -> Any | None:
        """The document's root element, or None after reporting the file as damaged."""
        try:
            return etree.parse(str(path), xml_parser()).getroot()
        except (etree.XMLSyntaxError, OSError) as exc:
            self.problem(
                "damaged_file",
                f"Tệp XML {self.rel(path)} hỏng, không đọc được: {exc}",
                self.rel(path),
            )
            return None

    def resolve(self, href: str | None, mets: Path) -> Path | None:
        """Where ``href`` of the METS file ``mets`` points, or None after reporting why not.

        Paths are URL-decoded and relative to the METS file's folder, and must stay inside that
        folder: a representation's METS describes only its representation, the package METS
        only the package. Anything else (``../``, absolute paths, URLs, links out) is unsafe.
        """
        mets_rel = self.rel(mets)
        if not href or not href.strip():
            self.problem("missing_field", "Thiếu đường dẫn xlink:href.", mets_rel, "xlink:href")
            return None
        parts = urlsplit(href.strip())
        path = unquote(parts.path).replace("\\", "/")
        unsafe = (
            (parts.scheme not in ("", "file"))
            or bool(parts.netloc)
            or path.startswith("/")
            or posixpath.normpath(path).split("/")[0] == ".."
        )
        folder = mets.parent
        if not unsafe:
            target = _find_ci(folder, posixpath.normpath(path))
            unsafe = not target.resolve().is_relative_to(folder.resolve())
        if unsafe:
            self.problem(
                "unsafe_archive",
                f"Đường dẫn {href!r} trong {mets_rel} trỏ ra ngoài gói.",
                mets_rel,
                "xlink:href",
            )
            return None
        return target

    def check_metadata_file(self, el: Any, target: Path, mets: Path) -> bool:
        """A metadata file METS names (EAD, schemas, a representation's METS): there, intact.

        No later stage sees these files, so the reader checks their SHA-256 itself.
        """
        mets_rel, rel = self.rel(mets), self.rel(target)
        if not target.is_file():
            self.problem(
                "missing_file", f"METS nêu tệp {rel} nhưng gói không có.", mets_rel, "xlink:href"
            )
            return False
        checksum = el.get("CHECKSUM")
        if checksum and _is_sha256(el.get("CHECKSUMTYPE")) and _sha256(target) != checksum.lower():
            self.problem(
                "checksum_mismatch",
                f"Mã SHA-256 của tệp {rel} không khớp với giá trị khai trong {mets_rel}.",
                rel,  # a defect of one file names that file (docs/interfaces.md)
                "CHECKSUM",
            )
        return True


class Tt05SipReader:
    """Reads a TT 05/2025 SIP_hoso (also SIP_tailieu: documents then arrive unfiled)."""

    form = "tt05_sip"

    def detect(self, root: Path) -> bool:
        return find_package_dir(root) is not None

    def read(self, root: Path, scratch: Path) -> PackageContents:
        """The package's dossier and documents; ``scratch`` is unused (nothing to decode)."""
        contents = PackageContents(form=self.form)
        pkg = find_package_dir(root)
        if pkg is None:
            contents.problems.append(
                Problem("missing_file", "Không tìm thấy tệp METS.xml của gói SIP.", "METS.xml")
            )
            return contents
        reading = _Reading(root=root, pkg=pkg, contents=contents)
        is_tailieu, ead = _read_package_mets(reading)
        contents.unfiled = is_tailieu
        if ead is not None and not is_tailieu:
            dossier = _read_simpledc(reading, ead, _DOSSIER_NAMES)
            if dossier is not None:
                contents.dossiers.append(DossierRecord(source=dossier[0], values=dossier[1]))
        elif ead is not None:
            _read_tailieu_header(reading, ead)
        reps = pkg / "representations"
        rep_dirs = sorted(d for d in reps.iterdir() if d.is_dir()) if reps.is_dir() else []
        if not rep_dirs:
            reading.problem(
                "missing_file",
                "Gói không có thư mục representations/ chứa tài liệu.",
                reading.rel(pkg / "representations"),
            )
        for rep in rep_dirs:
            _read_representation(reading, rep)
        _build_documents(reading)
        contents.payload = _payload(reading, rep_dirs)
        return contents


def _read_package_mets(r: _Reading) -> tuple[bool, Path | None]:
    """The package METS: package type, then where EAD.xml is. Returns (is SIP_tailieu, EAD)."""
    mets = _child_ci(r.pkg, "METS.xml")
    assert mets is not None
    root = r.parse(mets)
    if root is None:
        return False, None
    mets_rel = r.rel(mets)
    if root.tag != f"{{{METS_NS}}}mets":
        r.problem("damaged_file", f"{mets_rel} không phải là tệp METS.", mets_rel)
        return False, None
    headers = root.xpath("mets:metsHdr", namespaces=NS)
    package_type = _attr_local(headers[0], "OAISPACKAGETYPE") if headers else None
    if (package_type or "").strip().upper() != "SIP":
        shown = package_type if package_type is not None else "(không có)"
        r.problem(
            "bad_code",
            f"Loại gói csip:OAISPACKAGETYPE là {shown}, gói nộp lưu phải là SIP.",
            mets_rel,
            "csip:OAISPACKAGETYPE",
        )
    content_type = _attr_local(root, "OTHERCONTENTINFORMATIONTYPE") or ""
    is_tailieu = "tailieu" in content_type.lower().replace("_", "")
    # Metadata files and schemas: present and intact. Data files listed here are read with the
    # representations' own (root METS may list them in packages that have one METS only).
    for el in root.xpath("mets:fileSec//mets:file", namespaces=NS):
        _add_file_entry(r, el, mets)
    ead: Path | None = None
    refs = root.xpath("mets:dmdSec/mets:mdRef", namespaces=NS)
    for ref in refs:
        target = r.resolve(ref.get(_HREF), mets)
        if target is None or not r.check_metadata_file(ref, target, mets):
            continue
        if ead is None or target.name.casefold() == "ead.xml":
            ead = target
    if ead is None and not is_tailieu and not refs:  # else already reported as missing
        fallback = _find_ci(r.pkg, "metadata/descriptive/EAD.xml")
        if fallback.is_file():
            ead = fallback
        else:
            r.problem(
                "missing_file",
                "Gói thiếu tệp metadata/descriptive/EAD.xml (thông tin hồ sơ).",
                r.rel(fallback),
            )
    return is_tailieu, ead


_HEADER_NAMES = {name.lower(): name for name in ("fileCode", "title", "source", "totalDoc",
                                                 "description")}  # fmt: skip


def _read_tailieu_header(r: _Reading, ead: Path) -> None:
    """The SIP_tailieu header (Phụ lục IV): mã gói tin, title, source (0 văn bản đi, 1 văn bản
    đến), document count, note. The title is required; the source must be 0 or 1."""
    parsed = _read_simpledc(r, ead, _HEADER_NAMES)
    if parsed is None:
        return
    source, values = parsed
    r.contents.header, r.contents.header_source = values, source
    if not values.get("title", "").strip():
        r.problem("missing_field", "Thiếu tiêu đề gói tài liệu (title).", source.file, "title")
    if values.get("source", "").strip() not in {"", "0", "1"}:
        r.problem(
            "bad_code",
            f"Nguồn tài liệu “{values['source']}” phải là 0 (văn bản đi) hoặc 1 (văn bản đến).",
            source.file,
            source.label("source"),
        )
    total = values.get("totalDoc", "").strip()
    if total and not total.isdigit():
        r.problem(
            "bad_value",
            f"Số lượng tài liệu “{total}” phải là số nguyên không âm.",
            source.file,
            source.label("totalDoc"),
        )


def _add_file_entry(r: _Reading, el: Any, mets: Path) -> None:
    """Record one ``mets:file``: data files for the documents, metadata checked at once."""
    locations = el.xpath("mets:FLocat", namespaces=NS)
    if not locations:
        r.problem(
            "missing_field",
            f"Tệp {el.get('ID')} trong METS không có FLocat.",
            r.rel(mets),
            "xlink:href",
        )
        return
    target = r.resolve(locations[0].get(_HREF), mets)
    if target is None:
        return
    parts = [p.casefold() for p in target.relative_to(r.pkg).parts]
    in_data = len(parts) >= 4 and parts[0] == "representations" and parts[2] == "data"
    if not (in_data or _use(el.getparent()).casefold().startswith("data")):
        r.check_metadata_file(el, target, mets)
        return
    # Listed by the package METS and again by the representation's: the latter, read later, wins.
    r.entries[r.rel(target)] = _Entry(
        rel=r.rel(target),
        path=target,
        mets=r.rel(mets),
        file_id=str(el.get("ID") or ""),
        checksum=el.get("CHECKSUM"),
        checksum_type=el.get("CHECKSUMTYPE"),
        mime=el.get("MIMETYPE"),
        dmdids=str(el.get("DMDID") or "").split(),
    )


def _read_representation(r: _Reading, rep: Path) -> None:
    """A representation's METS: its data files, its documents' EAD_doc files, structMap links."""
    mets = _child_ci(rep, "METS.xml")
    doc_paths: dict[Path, _DocMeta] = {}
    if mets is None:
        r.problem("missing_file", f"Thiếu tệp METS.xml của {r.rel(rep)}.", r.rel(rep / "METS.xml"))
    else:
        root = r.parse(mets)
        if root is not None:
            headers = root.xpath("mets:metsHdr", namespaces=NS)
            package_type = _attr_local(headers[0], "OAISPACKAGETYPE") if headers else None
            if package_type is not None and package_type.strip().upper() != "SIP":
                r.problem(
                    "bad_code",
                    f"Loại gói csip:OAISPACKAGETYPE là {package_type}, gói nộp lưu phải là SIP.",
                    r.rel(mets),
                    "csip:OAISPACKAGETYPE",
                )
            for el in root.xpath("mets:fileSec//mets:file", namespaces=NS):
                _add_file_entry(r, el, mets)
            for sec in root.xpath("mets:dmdSec[mets:mdRef]", namespaces=NS):
                ref = sec.xpath("mets:mdRef", namespaces=NS)[0]
                target = r.resolve(ref.get(_HREF), mets)
                if target is None or not r.check_metadata_file(ref, target, mets):
                    continue
                if _record_prefix(target.name):
                    doc_paths[target] = _DocMeta(target, r.rel(target), sec.get("ID"))
            for div in root.xpath("mets:structMap//mets:div[@DMDID]", namespaces=NS):
                dmdids = str(div.get("DMDID")).split()
                fileids = {str(f.get("FILEID")) for f in div.xpath(".//mets:fptr", namespaces=NS)}
                if len(dmdids) == 1 and fileids:
                    r.div_links.setdefault(dmdids[0], set()).update(fileids)
    # EAD_doc (EAD_pic, EAD_media) files the METS forgot are still records of the package.
    descriptive = _find_ci(rep, "metadata/descriptive")
    if descriptive.is_dir():
        for path in sorted(descriptive.iterdir()):
            if _record_prefix(path.name) and path.is_file() and path not in doc_paths:
                doc_paths[path] = _DocMeta(path, r.rel(path))
    r.docs.extend(doc_paths.values())


def _read_simpledc(
    r: _Reading, path: Path, names: dict[str, str]
) -> tuple[Source, dict[str, str]] | None:
    """The elements of a ``<simpledc>`` file under their TT 05 names, whatever their case."""
    root = r.parse(path)
    if root is None:
        return None
    rel = r.rel(path)
    if etree.QName(root).localname.casefold() != "simpledc":
        r.warn("unknown_field", f"Phần tử gốc của {rel} không phải <simpledc>.", rel)
    values: dict[str, str] = {}
    labels: dict[str, str] = {}
    for child in root:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        spelled = etree.QName(child).localname
        element = names.get(spelled.casefold())
        if element is None:
            r.warn("unknown_field", f"Phần tử <{spelled}> không thuộc TT 05/2025.", rel, spelled)
            continue
        text = nfc("".join(child.itertext()))
        # A repeated element (several languages) keeps every value.
        values[element] = f"{values[element]}; {text}" if element in values else text
        labels[element] = spelled
    return Source(file=rel, row=None, labels=labels), values


def _file_ref(r: _Reading, entry: _Entry) -> FileRef:
    sha256: str | None = None
    if entry.checksum and _is_sha256(entry.checksum_type):
        sha256 = entry.checksum.strip().lower()
    elif entry.checksum:
        r.problem(
            "bad_code",
            f"Tệp {entry.rel}: CHECKSUMTYPE {entry.checksum_type} — TT 05/2025 dùng SHA-256.",
            entry.mets,
            "CHECKSUMTYPE",
        )
    return FileRef(
        path=entry.rel,
        sha256=sha256,
        source=Source(file=entry.mets),
        path_field="xlink:href",
        checksum_field="CHECKSUM",
        mime=entry.mime,
    )


def _name_keys(doc: _DocMeta, values: dict[str, str]) -> set[str]:
    keys = {doc.path.name[len(doc.prefix) : -len(".xml")].casefold()}
    if values.get("docCode"):
        keys.add(values["docCode"].casefold())
    return {k for k in keys if k}


def _name_match(stem: str, keys: set[str]) -> int:
    """Length of the longest key the file stem is named after, 0 when none."""
    stem = nfc(stem).casefold()
    best = 0
    for key in keys:
        if stem == key or (stem.startswith(key) and stem[len(key)] in _NAME_SEPARATORS):
            best = max(best, len(key))
    return best


def _build_documents(r: _Reading) -> None:
    """One DocumentRecord per EAD_doc, each with the data files linked to it."""
    dossier_code = r.contents.dossiers[0].values.get("fileCode") if r.contents.dossiers else None
    read: list[tuple[_DocMeta, DocumentRecord]] = []
    for doc in r.docs:
        level, names = _RECORD_KINDS[doc.prefix]
        parsed = _read_simpledc(r, doc.path, names)
        if parsed is None:
            continue
        source, values = parsed
        if dossier_code and not values.get("fileCode"):
            values["fileCode"] = dossier_code  # SIP_hoso: every document is in the one dossier
        read.append((doc, DocumentRecord(source=source, values=values, level=level)))

    linked: dict[str, int] = {}  # entry rel -> index in read
    by_id = {e.file_id: e for e in r.entries.values() if e.file_id}
    for i, (doc, _) in enumerate(read):
        if doc.dmd_id is None:
            continue
        for entry in r.entries.values():
            if doc.dmd_id in entry.dmdids:
                linked.setdefault(entry.rel, i)
        for file_id in r.div_links.get(doc.dmd_id, set()):
            if file_id in by_id:
                linked.setdefault(by_id[file_id].rel, i)
    keys = [_name_keys(doc, record.values) for doc, record in read]
    for entry in r.entries.values():
        if entry.rel in linked:
            continue
        stem = PurePosixPath(entry.rel).stem
        scores = [_name_match(stem, k) for k in keys]
        best = max(scores, default=0)
        if best and scores.count(best) == 1:
            linked[entry.rel] = scores.index(best)
        elif best:
            r.warn(
                "unlisted_file",
                f"Tên tệp {entry.rel} ứng với nhiều tài liệu; không gắn được vào tài liệu nào.",
                entry.mets,
                "xlink:href",
            )

    for rel in sorted(linked):
        entry, index = r.entries[rel], linked[rel]
        if not entry.path.is_file():
            r.problem(
                "missing_file",
                f"METS nêu tệp {entry.rel} nhưng gói không có.",
                entry.mets,
                "xlink:href",
            )
            continue
        read[index][1].files.append(_file_ref(r, entry))
    # A document left without files is reported by validation, under this field name.
    for _doc, record in read:
        record.source.labels.setdefault("path", "xlink:href")
        r.contents.documents.append(record)
    for rel, entry in r.entries.items():
        if rel not in linked and not entry.path.is_file():
            r.problem(
                "missing_file", f"METS nêu tệp {rel} nhưng gói không có.", entry.mets, "xlink:href"
            )


def _payload(r: _Reading, rep_dirs: list[Path]) -> list[str]:
    """Every file under ``representations/*/data/``; links are refused, not followed."""
    payload: list[str] = []
    for rep in rep_dirs:
        data = _child_ci(rep, "data")
        if data is None or not data.is_dir():
            continue
        for path in sorted(data.rglob("*")):
            if path.is_symlink():
                r.problem("unsafe_archive", f"{r.rel(path)} là liên kết, không nhận.", r.rel(path))
            elif path.is_file():
                payload.append(r.rel(path))
    return payload
