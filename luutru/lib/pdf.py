"""What an archive needs to know about a PDF before accepting it, read with pikepdf.

A PDF is refused when it cannot be read (damaged), is locked (encrypted), or carries active
content — JavaScript or launch actions — that would run when a reader opens it years from now.
Embedded files are reported as warnings (PDF/A-3 allows them). Page count, the PDF/A claim in
the XMP metadata and whether any page has a text layer feed the metadata checks and decide
whether OCR is needed.

Every walk is bounded (pages, objects visited, nesting depth) so a hostile file with a huge or
cyclic object graph costs a fixed amount of work, not an unbounded one.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

__all__ = ["PdfReport", "inspect_pdf"]

log = logging.getLogger(__name__)

_MAX_NODES = 20_000  # action and form-field dictionaries visited, in total
_MAX_ANNOT_PAGES = 5_000  # pages whose annotations are examined
_MAX_TEXT_PAGES = 500  # pages searched for a text layer before answering "unknown"
_MAX_FORM_DEPTH = 3  # nested form XObjects followed when looking for text
_TEXT_OPERATORS = "Tj TJ ' \""
_DOCUMENT_TRIGGERS = ("/WC", "/WS", "/DS", "/WP", "/DP")


@dataclass(frozen=True)
class Attachment:
    """A file embedded in a PDF: its name, what it is by content, and whether it can run."""

    name: str
    size: int
    puid: str | None
    format_name: str | None
    executable: bool


# Programs and scripts by PRONOM identifier: Windows PE/DOS executables, ELF, Mach-O, Java.
EXECUTABLE_PUIDS = frozenset(
    {"x-fmt/409", "x-fmt/410", "x-fmt/411", "fmt/899", "fmt/900", "fmt/689", "fmt/690",
     "fmt/692", "fmt/693", "x-fmt/412", "fmt/1245"}
)  # fmt: skip
EXECUTABLE_EXTENSIONS = frozenset(
    {"exe", "dll", "com", "scr", "msi", "bat", "cmd", "ps1", "vbs", "vbe", "js", "jse", "wsf",
     "hta", "jar", "sh", "elf", "app", "lnk", "pif", "cpl"}
)  # fmt: skip
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_ATTACHMENT_READ_LIMIT = 64 * 1024 * 1024  # larger attachments are named, not identified


@dataclass(slots=True)
class PdfReport:
    """The findings for one PDF; ``ok`` is False when any ``problems`` were found.

    ``pdfa`` is the claimed PDF/A part and conformance (``"2B"``), not a validation result.
    ``has_text`` is None when it could not be determined (unreadable, or the first 500 pages
    had no text). ``warnings`` never make ``ok`` False.
    """

    ok: bool
    pages: int | None
    encrypted: bool
    damaged: bool
    javascript: bool
    launch_actions: bool
    embedded_files: bool
    pdfa: str | None
    has_text: bool | None
    has_form: bool = False  # an AcroForm with fields: where signatures live (and nowhere else)
    attachments: list[Attachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def inspect_pdf(path: Path, *, deep: bool = False) -> PdfReport:
    """Inspect ``path``; never raises for a bad file.

    ``deep=True`` also decodes every stream (qpdf's ``--check``), which finds corrupt
    streams but costs time in proportion to the file's data (≈100 ms for a 700 KB scan).
    """
    report = PdfReport(
        ok=False,
        pages=None,
        encrypted=False,
        damaged=False,
        javascript=False,
        launch_actions=False,
        embedded_files=False,
        pdfa=None,
        has_text=None,
    )
    name = path.name
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        report.encrypted = True
        report.problems.append(
            f"Tệp PDF «{name}» được đặt mật khẩu, không mở được; hãy nộp bản không mã hóa."
        )
        return report
    except Exception as exc:  # qpdf reports damage through many exception types
        report.damaged = True
        report.problems.append(f"Tệp PDF «{name}» bị hỏng, không đọc được ({_short(exc)}).")
        return report

    with pdf:
        try:
            _inspect(pdf, report, name, deep=deep)
        except Exception as exc:  # a malformed object graph, wherever it surfaces
            log.debug("PDF inspection failed for %s", path, exc_info=True)
            report.damaged = True
            report.problems.append(f"Tệp PDF «{name}» có cấu trúc hỏng ({_short(exc)}).")
        warnings = pdf.get_warnings()
        if warnings and not report.damaged:
            report.damaged = True
            report.problems.append(
                f"Tệp PDF «{name}» bị hỏng; trình đọc phải dựng lại cấu trúc "
                f"({_short(warnings[0])})."
            )
    report.ok = not report.problems
    return report


def _short(message: object) -> str:
    """An error message without the file path qpdf prefixes, cut to a readable length."""
    text = str(message)
    if ": " in text and text.startswith("/"):
        text = text.split(": ", 1)[1]
    return text[:200]


def _inspect(pdf: pikepdf.Pdf, report: PdfReport, name: str, *, deep: bool) -> None:
    report.pages = len(pdf.pages)
    if pdf.is_encrypted:
        report.encrypted = True
        report.problems.append(
            f"Tệp PDF «{name}» được mã hóa (có mật khẩu chủ sở hữu hoặc hạn chế quyền); "
            "tài liệu lưu trữ không được mã hóa."
        )
    report.pdfa = _pdfa(pdf)

    walker = _ActionWalker()
    root = pdf.Root
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        if "/JavaScript" in names:
            walker.javascript = True
        if "/EmbeddedFiles" in names:
            report.embedded_files = True
    walker.action(root.get("/OpenAction"))
    walker.triggers(root.get("/AA"), _DOCUMENT_TRIGGERS)
    acroform = root.get("/AcroForm")
    if isinstance(acroform, pikepdf.Dictionary):
        fields = acroform.get("/Fields")
        report.has_form = isinstance(fields, pikepdf.Array) and len(fields) > 0
        walker.triggers(acroform.get("/AA"))
        walker.fields(acroform.get("/Fields"))
        if "/XFA" in acroform:
            report.warnings.append(
                f"Tệp PDF «{name}» chứa biểu mẫu XFA (có thể kèm mã lệnh); nên chuyển sang PDF/A."
            )
    for index, page in enumerate(pdf.pages):
        if index >= _MAX_ANNOT_PAGES or walker.exhausted:
            break
        walker.triggers(page.obj.get("/AA"))
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            for annot in annots:
                if not isinstance(annot, pikepdf.Dictionary) or walker.exhausted:
                    continue
                walker.action(annot.get("/A"))
                walker.triggers(annot.get("/AA"))
                if annot.get("/Subtype") == pikepdf.Name.FileAttachment:
                    report.embedded_files = True

    report.javascript = walker.javascript
    report.launch_actions = walker.launch
    if walker.javascript:
        report.problems.append(
            f"Tệp PDF «{name}» chứa mã JavaScript (nội dung tự chạy khi mở); "
            "tài liệu lưu trữ không được chứa nội dung chủ động."
        )
    if walker.launch:
        report.problems.append(
            f"Tệp PDF «{name}» chứa lệnh khởi chạy chương trình (Launch); "
            "tài liệu lưu trữ không được chứa nội dung chủ động."
        )
    if walker.exhausted:
        report.warnings.append(
            f"Tệp PDF «{name}» có quá nhiều hành động hoặc trường biểu mẫu; "
            "chỉ kiểm tra được một phần."
        )
    if report.embedded_files:
        report.attachments = _attachments(pdf)
        listed = ", ".join(
            f"«{a.name}» ({a.format_name or a.puid or 'không rõ định dạng'})"
            for a in report.attachments
        )
        report.warnings.append(
            f"Tệp PDF «{name}» có tệp đính kèm bên trong"
            + (f": {listed}" if listed else "")
            + "; cần xem xét trước khi lưu."
        )
        running = [a.name for a in report.attachments if a.executable]
        if running:
            report.problems.append(
                f"Tệp PDF «{name}» đính kèm chương trình chạy được ({', '.join(running)}); "
                "tài liệu lưu trữ không được chứa nội dung chủ động."
            )
    report.has_text = _has_text(pdf)
    if deep:
        for problem in pdf.check_pdf_syntax():
            report.damaged = True
            report.problems.append(f"Tệp PDF «{name}» bị hỏng: {_short(problem)}")


def _pdfa(pdf: pikepdf.Pdf) -> str | None:
    """The PDF/A part and conformance the XMP metadata declares, e.g. ``"2B"``."""
    try:
        status = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False).pdfa_status
    except Exception:  # malformed XMP is common and not this module's finding
        log.debug("unreadable XMP metadata", exc_info=True)
        return None
    return status or None


class _ActionWalker:
    """Visits action dictionaries (and their ``/Next`` chains) and form fields, bounded."""

    def __init__(self) -> None:
        self.javascript = False
        self.launch = False
        self.budget = _MAX_NODES
        self.seen: set[tuple[int, int]] = set()

    @property
    def exhausted(self) -> bool:
        return self.budget <= 0

    def _visit(self, obj: Any) -> bool:
        """Count a node; False when it was seen already or the budget is spent."""
        if self.budget <= 0:
            return False
        self.budget -= 1
        objgen = getattr(obj, "objgen", (0, 0))
        if objgen != (0, 0):
            if objgen in self.seen:
                return False
            self.seen.add(objgen)
        return True

    def action(self, action: Any) -> None:
        """Check one action (a dictionary, or an array of them in ``/Next``)."""
        pending = [action]
        while pending:
            current = pending.pop()
            if isinstance(current, pikepdf.Array):
                pending.extend(current)
                continue
            if not isinstance(current, pikepdf.Dictionary) or not self._visit(current):
                continue
            kind = current.get("/S")
            if kind == pikepdf.Name.JavaScript or "/JS" in current:
                self.javascript = True
            elif kind == pikepdf.Name.Launch:
                self.launch = True
            if "/Next" in current:
                pending.append(current.get("/Next"))

    def triggers(self, aa: Any, keys: tuple[str, ...] | None = None) -> None:
        """Check an additional-actions (``/AA``) dictionary."""
        if not isinstance(aa, pikepdf.Dictionary):
            return
        for key in keys or tuple(aa.keys()):
            self.action(aa.get(key))

    def fields(self, fields: Any) -> None:
        """Check form fields and their kids for ``/A`` and ``/AA`` actions."""
        pending = [fields]
        while pending and not self.exhausted:
            current = pending.pop()
            if isinstance(current, pikepdf.Array):
                pending.extend(current)
                continue
            if not isinstance(current, pikepdf.Dictionary) or not self._visit(current):
                continue
            self.action(current.get("/A"))
            self.triggers(current.get("/AA"))
            if "/Kids" in current:
                pending.append(current.get("/Kids"))


def _has_text(pdf: pikepdf.Pdf) -> bool | None:
    """Whether any page shows text (``Tj``/``TJ``…), in its content or its form XObjects.

    Fonts alone prove nothing: some producers list a font on every page, scans included.
    Invisible OCR text counts — that is the text layer.
    """
    for index, page in enumerate(pdf.pages):
        if index >= _MAX_TEXT_PAGES:
            return None
        if _shows_text(page, page.obj.get("/Resources"), 0, set()):
            return True
    return False


def _shows_text(content: Any, resources: Any, depth: int, seen: set[tuple[int, int]]) -> bool:
    """Whether ``content`` (a page or form XObject) draws text; bounded by depth and ``seen``."""
    fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
    if isinstance(fonts, pikepdf.Dictionary) and len(fonts) > 0:
        try:
            if pikepdf.parse_content_stream(content, _TEXT_OPERATORS):
                return True
        except pikepdf.PdfError:
            return False
    if depth >= _MAX_FORM_DEPTH or not isinstance(resources, pikepdf.Dictionary):
        return False
    xobjects = resources.get("/XObject")
    if not isinstance(xobjects, pikepdf.Dictionary):
        return False
    for _key, xobject in xobjects.items():
        if not isinstance(xobject, pikepdf.Stream) or xobject.get("/Subtype") != "/Form":
            continue
        if xobject.objgen in seen:
            continue
        seen.add(xobject.objgen)
        # A form without its own resources inherits the page's (PDF 1.1 style).
        form_resources = xobject.get("/Resources", resources)
        if _shows_text(xobject, form_resources, depth + 1, seen):
            return True
    return False


def _attachments(pdf: pikepdf.Pdf) -> list[Attachment]:
    """The embedded files (the /EmbeddedFiles name tree and file-attachment annotations of the
    first pages), each identified by content with PRONOM signatures."""
    specs: list[tuple[str, Any]] = []
    try:
        specs += [(str(key), spec.obj) for key, spec in pdf.attachments.items()]
    except (pikepdf.PdfError, ValueError, TypeError, KeyError) as exc:
        log.info("Unreadable /EmbeddedFiles: %s", exc)
    for index, page in enumerate(pdf.pages):
        if index >= _MAX_ANNOT_PAGES:
            break
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            for annot in annots:
                if (
                    isinstance(annot, pikepdf.Dictionary)
                    and annot.get("/Subtype") == pikepdf.Name.FileAttachment
                    and isinstance(annot.get("/FS"), pikepdf.Dictionary)
                ):
                    fs = annot["/FS"]
                    specs.append((str(fs.get("/UF", fs.get("/F", "tệp đính kèm"))), fs))
    return [_attachment(name, spec) for name, spec in specs]


def _attachment(name: str, spec: Any) -> Attachment:
    from luutru.lib import formats  # FIDO loads its signatures on first use only

    data = b""
    try:
        files = spec.get("/EF")
        stream = files.get("/F") if isinstance(files, pikepdf.Dictionary) else None
        if isinstance(stream, pikepdf.Stream):
            params = stream.get("/Params")
            declared = params.get("/Size") if isinstance(params, pikepdf.Dictionary) else None
            if declared is None or int(declared) <= _ATTACHMENT_READ_LIMIT:
                data = stream.read_bytes()
    except (pikepdf.PdfError, ValueError, TypeError) as exc:
        log.info("Unreadable attachment %s: %s", name, exc)
    info = None
    if data:
        with tempfile.TemporaryDirectory() as folder:
            scratch = Path(folder) / "tep-dinh-kem"
            scratch.write_bytes(data)
            info = formats.identify(scratch)
    puid = info.puid if info else None
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    executable = (
        (puid in EXECUTABLE_PUIDS)
        or extension in EXECUTABLE_EXTENSIONS
        or data.startswith(_EXECUTABLE_MAGIC)
    )
    return Attachment(
        name=name,
        size=len(data),
        puid=puid,
        format_name=info.name if info else None,
        executable=executable,
    )
