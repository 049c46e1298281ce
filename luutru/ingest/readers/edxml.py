"""edXML messages (QCVN 102:2016 and the older eDoc form): one document per message, unfiled.

A package is a folder of ``.edxml``/``.xml`` messages (regulations.md §6). The header gives the
document's metadata; the base64 attachments become its files, decoded into ``scratch``.

Messages can carry scanned documents of tens of megabytes in one text node, which a hardened
tree parser refuses (``huge_tree=False`` caps a text node at 10 MB) and a lenient one would hold
in memory twice. So each message is parsed once through a parser *target*: the header goes into
a small tree read with XPath, while attachment bodies stream through a base64 decoder straight to
disk, a megabyte at a time. No entities, no network.

Values are read, not judged: the document type is passed as its name (``Quyết định``) for the
validator to map to its code, dates are turned from ISO ``YYYY-MM-DD`` into ``DD/MM/YYYY``.
Besides TT 05 elements, ``values`` keeps ``documentId`` (the message's DocumentId),
``fromOrganId``, ``toOrganIds`` (comma-joined), ``signer`` and ``signerPosition``, so that the
pipeline can tell incoming from outgoing documents for the submitting agency. A message marked
secret (độ mật: ``OtherInfo/Secret``) gives ``mode`` 03 (*Mật*), see ``secrecy_mode``.
"""

from __future__ import annotations

import binascii
import re
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from luutru.ingest.readers.base import DocumentRecord, FileRef, PackageContents, Problem, Source
from luutru.lib.vietnamese import fold, nfc

QCVN_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
EDOC_NS = "http://www.go.vn/eDoc"
_ROOT_NAMES = {"edxml", "edxmlenvelope"}  # a root spelled so is edXML even in a namespace we lack
_SUFFIXES = {".edxml", ".xml"}
_READ_CHUNK = 1 << 20
_HEADER_TEXT_LIMIT = 16 << 20  # characters outside attachments: a header, not a payload
_DESCRIPTION_MAX = 500  # TT 05 document `description`; longer Content is the letter's body
_WHITESPACE = str.maketrans("", "", " \t\r\n\f\v")
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")

# element -> where the header keeps it, relative to MessageHeader, first non-empty leaf wins.
# DocumentType/Type and TypeDetail are QCVN's own codes (1 = văn bản hành chính, …), not TT 05's
# typeName codes, so only the name is taken; the eDoc form puts the name in DocumentType itself.
_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # QCVN's DocumentId ("000.00.00.H30,2023/03/03,564/UBND-NV") identifies the message, not
    # TT 05's docId (mã định danh tài liệu, 25 characters, "H30.00.15.2023.11.2"): kept apart.
    ("documentId", ("DocumentId",)),
    ("codeNumber", ("Code/CodeNumber",)),
    ("codeNotation", ("Code/CodeNotation",)),
    ("issuedDate", ("PromulgationInfo/PromulgationDate",)),
    ("organName", ("From/OrganName",)),
    ("fromOrganId", ("From/OrganId",)),
    ("typeName", ("DocumentType/TypeName", "DocumentType")),
    ("subject", ("Subject",)),
    ("numberOfPage", ("OtherInfo/PageAmount",)),
    ("signer", ("SignerInfo/FullName", "SignerInfo/Signer")),
    ("signerPosition", ("SignerInfo/Position",)),
)

# The secrecy mark (độ mật). QCVN 102:2016 has no element of its own for it; e-office systems
# that carry it write ``OtherInfo/Secret`` beside ``OtherInfo/Priority`` (độ khẩn).
_SECRECY_PATHS = ("OtherInfo/Secret", "Secret")
_NOT_SECRET = frozenset({"", "0", "thuong", "binh thuong", "khong", "khong mat", "none"})
_KNOWN_SECRET = frozenset({"1", "2", "3", "mat", "toi mat", "tuyet mat", "do mat"})


class Base64Sink:
    """Decodes base64 text as it arrives, in slices of whole 4-character groups, into a file.

    Whitespace (line breaks every 76 characters) is ignored; anything else outside the
    alphabet, padding in the middle, or a dangling character is an error kept in ``error``.
    A missing final padding is tolerated: the length tells what it would have been.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out: BinaryIO | None = path.open("wb")
        self._pending = ""
        self._ended = False  # padding seen: nothing may follow
        self.error: str | None = None
        self.size = 0
        self.head = b""  # the first bytes, to recognise a zip

    def feed(self, text: str) -> None:
        if self.error is not None:
            return
        text = text.translate(_WHITESPACE)
        if not text:
            return
        if self._ended:
            self.error = "còn dữ liệu sau ký tự đệm '='"
            return
        buffer = self._pending + text
        cut = len(buffer) - len(buffer) % 4
        self._pending = buffer[cut:]
        if cut:
            self._decode(buffer[:cut])

    def _decode(self, chunk: str) -> None:
        try:
            data = binascii.a2b_base64(chunk, strict_mode=True)
        except ValueError as exc:  # binascii.Error, or non-ASCII text
            self.error = str(exc)
            return
        self._ended = chunk.endswith("=")
        if len(self.head) < 8:
            self.head += data[: 8 - len(self.head)]
        self.size += len(data)
        assert self._out is not None
        self._out.write(data)

    def close(self) -> None:
        """Decode what is left and close the file; safe to call twice."""
        if self.error is None and self._pending:
            if len(self._pending) % 4 == 1 or self._ended:
                self.error = "độ dài dữ liệu base64 không hợp lệ"
            else:
                self._decode(self._pending + "=" * (-len(self._pending) % 4))
            self._pending = ""
        if self._out is not None:
            self._out.close()
            self._out = None


class _MessageTarget:
    """lxml parser target: the header into a small tree, attachment bodies into Base64Sinks."""

    def __init__(self, workdir: Path) -> None:
        self._builder = etree.TreeBuilder()
        self._stack: list[str] = []
        self._workdir = workdir
        self._sink: Base64Sink | None = None
        self._sink_depth = 0
        self._budget = _HEADER_TEXT_LIMIT
        self.namespace: str | None = None
        # Either one stops the reading: a root element outside the edXML namespaces, or header
        # text beyond the limit. A target's own exception would reach the caller as a syntax
        # error of the rest of the file, so instead the target goes quiet and the caller stops.
        self.foreign_root: etree.QName | None = None
        self.header_too_big = False
        # one slot per Attachment element in document order; a list when it had several bodies
        self.bodies: list[list[Base64Sink]] = []

    @property
    def stopped(self) -> bool:
        return self.foreign_root is not None or self.header_too_big

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self.stopped:
            return
        qname = etree.QName(tag)
        if not self._stack:
            if qname.namespace not in (QCVN_NS, EDOC_NS):
                self.foreign_root = qname
                return
            self.namespace = qname.namespace
        in_ns = qname.namespace == self.namespace
        if in_ns and qname.localname == "Attachment":
            self.bodies.append([])
        elif (
            in_ns
            and self._sink is None
            and self._stack[-1:] == ["Attachment"]
            and qname.localname in ("ContentTransferEncoded", "Content")
        ):
            self._workdir.mkdir(parents=True, exist_ok=True)
            self._sink = Base64Sink(self._workdir / f".part-{sum(map(len, self.bodies))}")
            self._sink_depth = len(self._stack)
            self.bodies[-1].append(self._sink)
        self._stack.append(qname.localname if in_ns else "")
        self._builder.start(tag, attrib)

    def end(self, tag: str) -> None:
        if self.stopped:
            return
        self._stack.pop()
        if self._sink is not None and len(self._stack) == self._sink_depth:
            self._sink.close()
            self._sink = None
        self._builder.end(tag)

    def data(self, text: str) -> None:
        if self._sink is not None:
            self._sink.feed(text)
            return
        if self.stopped:
            return
        self._budget -= len(text)
        if self._budget < 0:
            self.header_too_big = True
            return
        self._builder.data(text)

    def close(self) -> Any:
        return self._builder.close()

    def abort(self) -> None:
        """Close every file left open when parsing stopped half-way."""
        for sinks in self.bodies:
            for sink in sinks:
                sink.close()


def safe_name(name: str, fallback: str) -> str:
    """A file name that stays where it is put: no folders, ``..``, control or reserved chars."""
    base = nfc(name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_CHARS.sub("_", base).strip(" .")
    if not base:
        return fallback
    while len(base.encode()) > 200:  # file systems stop at 255 bytes; keep the extension
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[:-1]}{dot}{ext}" if dot and len(ext) < 16 and stem else base[:-1]
    return base


def iso_to_vn_date(value: str) -> str:
    """``2023-03-03`` (or ``2023/03/03``, with a time) → ``03/03/2023``; else unchanged."""
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ].*)?", value)
    if match:
        year, month, day = match.groups()
        return f"{int(day):02d}/{int(month):02d}/{year}"
    match = re.fullmatch(r"(\d{1,2})[-.](\d{1,2})[-.](\d{4})", value)
    if match:
        day, month, year = match.groups()
        return f"{int(day):02d}/{int(month):02d}/{year}"
    return value


def _package_dir(root: Path) -> Path:
    """``root``, or its only sub-folder when a zip wrapped the messages in one."""
    if _message_files(root):
        return root
    subdirs = [d for d in root.iterdir() if d.is_dir() and not d.name.startswith((".", "__"))]
    return subdirs[0] if len(subdirs) == 1 else root


def _message_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in _SUFFIXES
    )


def _root_namespace(path: Path) -> str | None:
    """The namespace of the file's root element, reading no further than that element."""
    try:
        with path.open("rb") as fh:
            events = etree.iterparse(
                fh, events=("start",), resolve_entities=False, no_network=True, huge_tree=False
            )
            for _, element in events:
                namespace: str | None = etree.QName(element).namespace
                return namespace
    except (etree.XMLSyntaxError, OSError):
        return None
    return None


class EdxmlReader:
    """Reads a folder of edXML messages: one unfiled document per message."""

    form = "edxml"

    def detect(self, root: Path) -> bool:
        """A ``.edxml`` file, or an ``.xml`` file whose root is in an edXML namespace."""
        if not root.is_dir():
            return False
        files = _message_files(_package_dir(root))
        if any(p.suffix.lower() == ".edxml" for p in files):
            return True
        return any(_root_namespace(p) in (QCVN_NS, EDOC_NS) for p in files[:20])

    def read(self, root: Path, scratch: Path) -> PackageContents:
        """Every message's document; attachments decoded under ``scratch/<message stem>/``."""
        contents = PackageContents(form=self.form)
        folder = _package_dir(root)
        workdirs: set[str] = set()
        for path in sorted(folder.iterdir()):
            rel = path.relative_to(root).as_posix()
            if path.name.startswith("."):
                continue
            if path.is_symlink():
                contents.problems.append(
                    Problem("unsafe_archive", f"{rel} là liên kết, không nhận.", rel)
                )
            elif path.is_file() and path.suffix.lower() in _SUFFIXES:
                name = safe_name(path.stem, "message")
                if name.casefold() in workdirs:
                    name = safe_name(path.name, "message")
                workdirs.add(name.casefold())
                _read_message(path, rel, scratch / name, contents)
            else:
                contents.warnings.append(
                    Problem(
                        "unlisted_file",
                        f"{rel} không phải thông điệp edXML, không được nhận.",
                        rel,
                    )
                )
        return contents  # no message at all: the pipeline reports the package as empty


def _read_message(path: Path, rel: str, workdir: Path, contents: PackageContents) -> None:
    """Parse one message in a single streaming pass and add its document."""
    target = _MessageTarget(workdir)
    parser = etree.XMLParser(
        target=target, resolve_entities=False, no_network=True, huge_tree=False
    )
    try:
        with path.open("rb") as fh:
            while not target.stopped and (chunk := fh.read(_READ_CHUNK)):
                parser.feed(chunk)
        tree = None if target.stopped else parser.close()
    except (etree.XMLSyntaxError, OSError) as exc:
        contents.problems.append(
            Problem("damaged_file", f"Tệp {rel} hỏng, không đọc được: {exc}", rel)
        )
        return
    finally:
        target.abort()
    root = target.foreign_root
    if root is not None:
        if path.suffix.lower() == ".edxml" or root.localname.casefold() in _ROOT_NAMES:
            contents.problems.append(
                Problem(
                    "damaged_file",
                    f"{rel} không phải thông điệp edXML đọc được (phần tử gốc {root.text}).",
                    rel,
                )
            )
        else:
            contents.warnings.append(
                Problem("unlisted_file", f"Bỏ qua {rel}: không phải thông điệp edXML.", rel)
            )
    elif target.header_too_big:
        contents.problems.append(
            Problem("damaged_file", f"{rel}: phần đầu thông điệp lớn bất thường.", rel)
        )
    else:
        _build_document(tree, target, rel, contents)


def _leaf_text(context: Any, path: str, ns: dict[str, str]) -> str | None:
    """The text of the first element at ``path`` that has no child elements; None if absent."""
    steps = "/".join(f"e:{step}" for step in path.split("/"))
    for element in context.xpath(steps, namespaces=ns):
        if len(element) == 0:
            return nfc(element.text or "")
    return None


def _build_document(tree: Any, target: _MessageTarget, rel: str, out: PackageContents) -> None:
    ns = {"e": str(target.namespace)}
    edoc = target.namespace == EDOC_NS
    headers = tree.xpath(".//e:MessageHeader", namespaces=ns)
    if not headers:
        if tree.xpath(".//e:*[starts-with(local-name(), 'Status')]", namespaces=ns):
            out.warnings.append(
                Problem(
                    "unlisted_file", f"Bỏ qua {rel}: thông điệp trạng thái, không văn bản.", rel
                )
            )
        else:
            out.problems.append(
                Problem("damaged_file", f"{rel} không có phần MessageHeader.", rel, None)
            )
        return
    header = headers[0]
    values: dict[str, str] = {}
    labels: dict[str, str] = {}
    for element, paths in _FIELDS:
        labels[element] = paths[0]
        for candidate in paths:
            text = _leaf_text(header, candidate, ns)
            if text:
                values[element], labels[element] = text, candidate
                break
    if "issuedDate" in values:
        values["issuedDate"] = iso_to_vn_date(values["issuedDate"])
    to_ids = [nfc(t) for t in header.xpath("e:To/e:OrganId/text()", namespaces=ns) if nfc(t)]
    if to_ids:
        values["toOrganIds"], labels["toOrganIds"] = ", ".join(to_ids), "To/OrganId"
    _read_secrecy(header, ns, rel, values, labels, out)
    content = _leaf_text(header, "Content", ns)
    if content and len(content) <= _DESCRIPTION_MAX:
        values["description"], labels["description"] = content, "Content"

    # A message without attachments is reported by validation, under this field name.
    labels["path"] = "FileName" if edoc else "AttachmentName"
    record = DocumentRecord(source=Source(file=rel, row=None, labels=labels), values=values)
    record.files = _attachments(tree, target, rel, ns, edoc, out)
    out.documents.append(record)
    out.payload.extend(f.path for f in record.files)


def secrecy_mode(mark: str) -> str | None:
    """TT 05 ``mode`` (chế độ sử dụng) for a message's secrecy mark (độ mật): ``03`` *Mật* for
    Mật, Tối mật, Tuyệt mật (also their level numbers 1-3), None for an unmarked document
    ("", "0", "Thường", "Không"). A mark not understood is taken as secret too: a document
    wrongly held back is corrected by an archivist, a secret wrongly shown cannot be."""
    folded = fold(mark)
    if folded in _NOT_SECRET:
        return None
    return "03"


def _read_secrecy(
    header: Any,
    ns: dict[str, str],
    rel: str,
    values: dict[str, str],
    labels: dict[str, str],
    out: PackageContents,
) -> None:
    """A message marked secret arrives as access regime 03 (Mật), never 02 by default."""
    for path in _SECRECY_PATHS:
        mark = _leaf_text(header, path, ns)
        if mark is None:
            continue
        mode = secrecy_mode(mark)
        if mode is not None:
            values["mode"], labels["mode"] = mode, path
            if fold(mark) not in _KNOWN_SECRET:
                out.warnings.append(
                    Problem(
                        "default_value",
                        f"{rel}: độ mật “{mark}” không rõ; tạm đặt chế độ sử dụng “Mật” đến khi "
                        "lưu trữ viên xác định.",
                        rel,
                        None,
                        path,
                    )
                )
        return


def _attachments(
    tree: Any,
    target: _MessageTarget,
    rel: str,
    ns: dict[str, str],
    edoc: bool,
    out: PackageContents,
) -> list[FileRef]:
    """The message's attachments as FileRefs, each decoded body renamed to its safe name."""
    name_field, mime_field = ("FileName", "FileType") if edoc else ("AttachmentName", "ContentType")
    body_field = "Content" if edoc else "ContentTransferEncoded"
    references = tree.xpath(".//e:edXMLManifest/e:Reference", namespaces=ns)
    files: list[FileRef] = []
    used: set[str] = set()
    attachments = tree.xpath("descendant-or-self::e:Attachment", namespaces=ns)
    for index, (attachment, bodies) in enumerate(zip(attachments, target.bodies, strict=True), 1):
        reference = _pop_reference(references, attachment, ns)
        sources = [attachment] if reference is None else [attachment, reference]
        name = _first(sources, (name_field, "AttachmentName"), ns) or f"tep-dinh-kem-{index}"
        mime = _first(sources, (mime_field, "ContentType"), ns)
        if edoc and mime and "/" not in mime:
            mime = None  # eDoc FileType is often an extension ("pdf"), not a MIME type
        label = f"{rel}: tệp đính kèm {name}"
        why = _body_defect(bodies)
        if why is not None:
            out.problems.append(Problem("damaged_file", f"{label} {why}.", rel, None, body_field))
            continue
        body = bodies[0]
        safe = safe_name(name, f"tep-dinh-kem-{index}")
        stem, dot, ext = safe.rpartition(".")
        counter = 1
        while safe.casefold() in used:
            counter += 1
            safe = f"{stem}-{counter}{dot}{ext}" if dot else f"{ext}-{counter}"
        used.add(safe.casefold())
        location = body.path.with_name(safe)
        body.path.replace(location)
        if body.head.startswith(_ZIP_MAGIC):
            # "often a zipped file" (QCVN 102): kept whole, as the agency sent it.
            out.warnings.append(
                Problem(
                    "zipped_attachment",
                    f"{label} là tệp nén ZIP; được giữ nguyên, không giải nén.",
                    rel,
                    None,
                    name_field,
                )
            )
        files.append(
            FileRef(
                path=f"{rel}/{safe}",
                sha256=None,
                source=Source(file=rel),
                path_field=name_field,
                mime=mime,
                location=location,
                name=name,
            )
        )
    for reference in references:
        listed = _first([reference], ("AttachmentName", "ContentId"), ns)
        out.problems.append(
            Problem(
                "missing_file",
                f"{rel}: danh mục nêu tệp đính kèm {listed} nhưng thông điệp không có.",
                rel,
                None,
                "AttachmentName",
            )
        )
    return files


def _body_defect(bodies: list[Base64Sink]) -> str | None:
    """Why an attachment's decoded body cannot be used, or None when it can."""
    if len(bodies) > 1:
        return "có nhiều phần nội dung"
    if not bodies:
        return "không có nội dung"
    if bodies[0].error is not None:
        return f"có dữ liệu base64 hỏng ({bodies[0].error})"
    if bodies[0].size == 0:
        return "không có nội dung"
    return None


def _pop_reference(references: list[Any], attachment: Any, ns: dict[str, str]) -> Any | None:
    """The manifest entry for an attachment, by ContentId or else by name; taken off the list."""
    for key in ("ContentId", "AttachmentName"):
        wanted = _leaf_text(attachment, key, ns)
        if not wanted:
            continue
        for i, reference in enumerate(references):
            if _leaf_text(reference, key, ns) == wanted:
                return references.pop(i)
    return None


def _first(elements: list[Any], paths: tuple[str, ...], ns: dict[str, str]) -> str | None:
    for element in elements:
        for path in paths:
            text = _leaf_text(element, path, ns)
            if text:
                return text
    return None
