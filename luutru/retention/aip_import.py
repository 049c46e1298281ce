"""Reading and checking an AIP made by another system to TT 05/2025 form (AIP_hoso), before the
historical archive takes it in (``actions.import_aip``; ``luutru aip import PATH``).

What is checked, every problem named by the file (and the field) it is about, all before
anything is written:

* the root ``METS.xml`` and every ``representations/<rep>/METS.xml`` parse and are valid METS
  (with the E-ARK CSIP extension), and say ``csip:OAISPACKAGETYPE="AIP"`` and an ``OBJID``;
* every file they list (``mets:file`` and ``mets:mdRef``) exists, with the declared size and
  SHA-256; a file of the package no METS lists is refused (fixity of *every* file);
* every PREMIS document is valid PREMIS 3.0, and each file object's ``messageDigest`` matches
  the file it describes;
* ``metadata/descriptive/EAD.xml`` (the dossier) and the ``EAD_doc_*.xml`` of ``rep1`` (its
  documents) hold TT 05 values that ``records.rules.clean_values`` accepts, and the codes are
  not already in the holdings; each document has its data files (a file's name begins with
  the document's mã lưu trữ, as TT 05 names them).

The package layout is that of ``preservation.aip`` (and of the E-ARK CSIP family): a package
exported by this system is read back as it was (round trip).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from lxml import etree

from luutru.lib.vietnamese import nfc
from luutru.preservation.aip import SCHEMAS_DIR
from luutru.preservation.mets import CSIP_NS, METS_NS, XLINK_NS
from luutru.preservation.premis import PREMIS_NS
from luutru.records.models import Document, Dossier, FileRole
from luutru.records.rules import Cleaned, clean_values

NS = {"mets": METS_NS, "xlink": XLINK_NS, "premis": PREMIS_NS}
HREF = f"{{{XLINK_NS}}}href"
CHUNK = 1 << 20
# The AIP spelling of the codes (Phụ lục I) and the element names records.rules knows.
ALIASES = {"arcFileCode": "fileCode", "arcDocCode": "docCode"}
ROLES = {"rep1": FileRole.ORIGINAL, "rep2": FileRole.DERIVATIVE}


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    field: str = ""

    def as_dict(self) -> dict[str, str]:
        out = {"file": self.file, "message": self.message}
        if self.field:
            out["field"] = self.field
        return out

    def __str__(self) -> str:
        where = f"{self.file}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


class PackageRefused(Exception):
    """The package is refused; ``problems`` says why, each naming its file (and field)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class PackageFile:
    rel: str  # path inside the package, posix
    path: Path
    sha256: str
    size: int
    mime: str = ""
    format_name: str = ""
    puid: str = ""
    original_name: str = ""
    signatures: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DocumentIn:
    source: str
    cleaned: Cleaned
    files: list[tuple[PackageFile, str]] = field(default_factory=list)  # (file, role)


@dataclass
class AipPackage:
    root: Path
    objid: str
    owner_code: str
    dossier: Cleaned
    documents: list[DocumentIn]
    files: dict[str, PackageFile]

    @property
    def code(self) -> str:
        return str(self.dossier.fields["code"])


def _parser() -> etree.XMLParser:
    """No entities, no network, no huge nodes: a package cannot be turned against us."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _schema(kind: str) -> etree.XMLSchema:
    if kind == "premis":
        return etree.XMLSchema(etree.parse(str(SCHEMAS_DIR / "premis-v3-0.xsd")))
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="{METS_NS}" schemaLocation="mets.xsd"/>
      <xs:import namespace="{CSIP_NS}" schemaLocation="DILCISExtensionMETS.xsd"/>
    </xs:schema>"""
    return etree.XMLSchema(etree.XML(wrapper.encode(), base_url=f"{SCHEMAS_DIR}/"))


def find_root(folder: Path) -> Path:
    """The package folder: ``folder`` itself, or its only sub-folder (a zip of one folder)."""
    if (folder / "METS.xml").is_file():
        return folder
    children = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(children) == 1 and children[0].is_dir():
        return children[0]
    return folder


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.files: dict[str, PackageFile] = {}
        self.listed: set[str] = set()
        self.mets_schema = _schema("mets")
        self.premis_schema = _schema("premis")

    def problem(self, file: str, message: str, field_: str = "") -> None:
        self.problems.append(Problem(file, message, field_))

    def rel(self, path: Path) -> str:
        return nfc(path.relative_to(self.root).as_posix())

    def parse(self, path: Path, schema: etree.XMLSchema, what: str) -> Any:
        rel = self.rel(path)
        try:
            tree = etree.parse(str(path), _parser())
        except (etree.XMLSyntaxError, OSError) as exc:
            self.problem(rel, f"Không đọc được tệp XML ({exc}).")
            return None
        if not schema.validate(tree):
            error = schema.error_log.last_error
            self.problem(
                rel, f"Không hợp lệ theo lược đồ {what} (dòng {error.line}: {error.message})."
            )
            return None
        return tree.getroot()

    def read_mets(self, path: Path) -> Any:
        rel = self.rel(path)
        root = self.parse(path, self.mets_schema, "METS")
        if root is None:
            return None
        header = root.find("mets:metsHdr", NS)
        kind = header.get(f"{{{CSIP_NS}}}OAISPACKAGETYPE", "") if header is not None else ""
        if kind.upper() != "AIP":
            self.problem(
                rel,
                f"Loại gói là “{kind or '(không có)'}”: chỉ nhập gói lưu trữ (AIP).",
                "csip:OAISPACKAGETYPE",
            )
        if not (root.get("OBJID") or "").strip():
            self.problem(rel, "Thiếu mã gói.", "OBJID")
        base = path.parent
        for element in root.iterfind(".//mets:file", NS):
            location = element.find("mets:FLocat", NS)
            href = location.get(HREF, "") if location is not None else ""
            self.check_listed(rel, base, href, element, element.get("MIMETYPE", ""))
        for element in root.iterfind(".//mets:mdRef", NS):
            self.check_listed(
                rel, base, element.get(HREF, ""), element, element.get("MIMETYPE", "")
            )
        return root

    def check_listed(self, mets_rel: str, base: Path, href: str, element: Any, mime: str) -> None:
        """One file a METS lists: it is there, inside the package, with its size and digest."""
        name = posixpath.normpath(unquote(href.removeprefix("file://")).replace("\\", "/"))
        target = (base / name).resolve()
        if not href or name.startswith(("/", "..")) or not target.is_relative_to(self.root):
            self.problem(mets_rel, f"Đường dẫn tệp “{href}” nằm ngoài gói.", "xlink:href")
            return
        if not target.is_file():
            self.problem(self.rel_of(target), f"Thiếu tệp mà {mets_rel} khai báo.")
            return
        rel = self.rel_of(target)
        self.listed.add(rel)
        if rel in self.files:
            return
        declared = (element.get("CHECKSUM") or "").lower()
        if (element.get("CHECKSUMTYPE") or "").upper().replace("-", "") != "SHA256" or not declared:
            self.problem(rel, f"{mets_rel} không khai báo mã SHA-256 của tệp.", "CHECKSUM")
            return
        digest, size = _sha256(target), target.stat().st_size
        if digest != declared:
            self.problem(
                rel,
                f"Mã SHA-256 của tệp là {digest}, khác mã {declared} khai báo trong {mets_rel}.",
                "CHECKSUM",
            )
            return
        if (element.get("SIZE") or str(size)) != str(size):
            self.problem(
                rel,
                f"Tệp dài {size} byte, khác kích thước {element.get('SIZE')} khai báo trong "
                f"{mets_rel}.",
                "SIZE",
            )
            return
        self.files[rel] = PackageFile(rel=rel, path=target, sha256=digest, size=size, mime=mime)

    def rel_of(self, target: Path) -> str:
        return nfc(target.relative_to(self.root.resolve()).as_posix())

    def unlisted(self) -> Iterator[str]:
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and path.name != "METS.xml":
                rel = self.rel(path)
                if rel not in self.listed:
                    yield rel

    def read_premis(self, path: Path) -> None:
        root = self.parse(path, self.premis_schema, "PREMIS 3.0")
        if root is None:
            return
        rel = self.rel(path)
        for obj in root.iterfind("premis:object", NS):
            identifier = (
                obj.findtext("premis:objectIdentifier/premis:objectIdentifierValue", "", NS)
            ).strip()
            digest = (
                obj.findtext(
                    "premis:objectCharacteristics/premis:fixity/premis:messageDigest", "", NS
                )
                .strip()
                .lower()
            )
            if not digest:
                continue
            packed = self.files.get(nfc(identifier))
            if packed is None:
                self.problem(
                    rel, f"Đối tượng “{identifier}” không ứng với tệp nào của gói.", "premis:object"
                )
                continue
            if digest != packed.sha256:
                self.problem(
                    packed.rel,
                    f"Mã SHA-256 của tệp là {packed.sha256}, khác mã {digest} ghi trong {rel}.",
                    "premis:messageDigest",
                )
            chars = "premis:objectCharacteristics/premis:format/"
            packed.format_name = obj.findtext(
                f"{chars}premis:formatDesignation/premis:formatName", "", NS
            )[:200]
            packed.puid = obj.findtext(
                f"{chars}premis:formatRegistry/premis:formatRegistryKey", "", NS
            )[:30]
            packed.original_name = obj.findtext("premis:originalName", "", NS)[:255]


def _simpledc(reader: _Reader, path: Path) -> dict[str, str]:
    rel = reader.rel(path)
    try:
        root = etree.parse(str(path), _parser()).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        reader.problem(rel, f"Không đọc được tệp XML ({exc}).")
        return {}
    values: dict[str, str] = {}
    for child in root:
        if isinstance(child.tag, str):
            name = etree.QName(child).localname
            values[ALIASES.get(name, name)] = nfc((child.text or "").strip())
    return values


def _report(reader: _Reader, rel: str, cleaned: Cleaned) -> None:
    for issue in cleaned.issues:
        reader.problem(rel, issue.message, issue.element)


def read_package(folder: Path) -> AipPackage:
    """Check the unpacked package in ``folder`` and read its dossier, documents and files.
    Raises ``PackageRefused`` naming every problem found. Cost: one read of every file."""
    root = find_root(folder).resolve()
    reader = _Reader(root)
    mets_path = root / "METS.xml"
    if not mets_path.is_file():
        raise PackageRefused([Problem("METS.xml", "Gói thiếu tệp METS.xml ở thư mục gốc.")])
    mets = reader.read_mets(mets_path)
    if mets is None:
        raise PackageRefused(reader.problems)
    reps = sorted(p.parent for p in root.glob("representations/*/METS.xml"))
    for rep in reps:
        if reader.rel(rep / "METS.xml") not in reader.listed:
            reader.problem(reader.rel(rep / "METS.xml"), "METS.xml gốc không khai báo tệp này.")
        reader.read_mets(rep / "METS.xml")
    for rel in reader.unlisted():
        reader.problem(rel, "Tệp không được khai báo trong METS của gói.")
    premis_root = root / "metadata/preservation/PREMIS.xml"
    if not premis_root.is_file():
        reader.problem("metadata/preservation/PREMIS.xml", "Gói thiếu tệp PREMIS.xml.")
    premis_files = [premis_root] if premis_root.is_file() else []
    premis_files += sorted(root.glob("representations/*/metadata/preservation/PREMIS*.xml"))
    for path in premis_files:
        reader.read_premis(path)
    if reader.problems:
        raise PackageRefused(reader.problems)

    ead = root / "metadata/descriptive/EAD.xml"
    if not ead.is_file():
        raise PackageRefused(
            [Problem("metadata/descriptive/EAD.xml", "Gói thiếu thông tin hồ sơ.")]
        )
    dossier = clean_values("dossier", _simpledc(reader, ead), lambda name: name)
    _report(reader, reader.rel(ead), dossier)
    code = str(dossier.fields.get("code") or "")
    if code and Dossier.objects.filter(code=code).exists():
        reader.problem(reader.rel(ead), f"Hồ sơ mã {code} đã có trong kho.", "arcFileCode")
    documents: list[DocumentIn] = []
    descriptive = sorted(root.glob("representations/rep1/metadata/descriptive/EAD_doc_*.xml"))
    for path in descriptive:
        values = _simpledc(reader, path)
        values.setdefault("fileCode", code)
        cleaned = clean_values("document", values, lambda name: name)
        _report(reader, reader.rel(path), cleaned)
        archival = cleaned.fields.get("archival_code")
        if archival and Document.objects.filter(archival_code=archival).exists():
            reader.problem(
                reader.rel(path), f"Tài liệu mã {archival} đã có trong kho.", "arcDocCode"
            )
        documents.append(DocumentIn(source=reader.rel(path), cleaned=cleaned))
    if not documents:
        reader.problem("representations/rep1", "Gói không có tài liệu nào (EAD_doc_*.xml).")
    _attach_files(reader, root, documents)
    if reader.problems:
        raise PackageRefused(reader.problems)
    owner = mets.find("mets:metsHdr/mets:agent[@ROLE='IPOWNER']/mets:note", NS)
    return AipPackage(
        root=root,
        objid=mets.get("OBJID", "").strip(),
        owner_code=(owner.text or "").strip() if owner is not None else "",
        dossier=dossier,
        documents=documents,
        files=reader.files,
    )


def _attach_files(reader: _Reader, root: Path, documents: list[DocumentIn]) -> None:
    """Each data file to its document: the file's name begins with the document's mã lưu
    trữ (``<mã>.pdf``, ``<mã>-2.pdf``), the longest match winning; signature evidence kept
    in ``metadata/preservation/signatures/<name>.json`` goes with its file."""
    keys = sorted(
        ((str(d.cleaned.fields.get("archival_code") or ""), d) for d in documents),
        key=lambda pair: -len(pair[0]),
    )
    for rel, packed in sorted(reader.files.items()):
        parts = PurePosixPath(rel).parts
        if len(parts) != 4 or parts[0] != "representations" or parts[2] != "data":
            continue
        stem = PurePosixPath(rel).name
        owner = next(
            (
                d
                for key, d in keys
                if key and stem.startswith(key) and stem[len(key) : len(key) + 1] in ".-_ "
            ),
            None,
        )
        if owner is None:
            reader.problem(
                rel, "Tệp không ứng với tài liệu nào (tên tệp phải bắt đầu bằng mã lưu trữ)."
            )
            continue
        evidence = root / parts[0] / parts[1] / "metadata/preservation/signatures" / f"{stem}.json"
        if evidence.is_file():
            try:
                packed.signatures = list(json.loads(evidence.read_text("utf-8"))["signatures"])
            except (ValueError, KeyError, TypeError):
                reader.problem(reader.rel(evidence), "Không đọc được kết quả xác thực chữ ký số.")
        owner.files.append((packed, ROLES.get(parts[1], FileRole.ORIGINAL)))
    for document in documents:
        if not any(role == FileRole.ORIGINAL for _f, role in document.files):
            reader.problem(document.source, "Tài liệu không có tệp tin nào trong rep1/data.")
