"""Format migration (chuyển đổi định dạng): PDF to PDF/A-2b, the original kept beside it.

Ghostscript's pdfwrite makes the PDF/A (with an sRGB output intent). OCRmyPDF is not used for
this step: it refuses ``--skip-text`` with the Ghostscript 10.0.0 that Debian 12 ships, and
migration must not add an OCR layer the original did not have. Because Ghostscript rewrites
every page, the result is checked before it is kept: same number of pages, same text on each
page (as PDFium extracts it), and a PDF/A claim in its metadata. A result that fails is not
stored; the failure is a PREMIS event. There is no veraPDF here, so "PDF/A" means the file
declares PDF/A-2B and passed those checks; the event says so.

A signed original stays as it was (its signature is evidence); the PDF/A copy does not carry
the signature, and the event says that too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from django.db.models import Exists, OuterRef, QuerySet

from luutru.lib import formats, pdf
from luutru.lib.pages import PDFIUM_LOCK
from luutru.preservation import actions
from luutru.preservation.models import EventType, Outcome, PremisEvent
from luutru.records.models import DocumentFile, Dossier, FileRole
from luutru.storage.actions import put_file, register_many
from luutru.storage.backends import CHUNK
from luutru.storage.services import open_stored

PDF_MIME = "application/pdf"


@dataclass
class MigrationOutcome:
    file: DocumentFile
    ok: bool
    message: str
    derivative: DocumentFile | None = None


def candidates(dossier: Dossier | None = None) -> QuerySet[DocumentFile]:
    """Original PDFs that are not PDF/A and have no successful migration yet."""
    done = PremisEvent.objects.filter(
        event_type=EventType.MIGRATION, outcome=Outcome.SUCCESS, stored_file=OuterRef("stored")
    )
    files = DocumentFile.objects.filter(role=FileRole.ORIGINAL, pdfa="", stored__mime=PDF_MIME)
    if dossier is not None:
        files = files.filter(document__dossier=dossier)
    return (
        files.exclude(Exists(done))
        .select_related("stored", "document")
        .order_by("document_id", "pk")
    )


def ghostscript() -> str:
    found = shutil.which("gs")
    if found is None:
        raise RuntimeError("Không tìm thấy Ghostscript (gs); hãy cài gói ghostscript.")
    return found


def _icc_profile() -> Path:
    for pattern in (
        "/usr/share/ghostscript/*/iccprofiles/default_rgb.icc",
        "/usr/share/color/icc/ghostscript/default_rgb.icc",
        "/usr/share/color/icc/sRGB.icc",
    ):
        found = sorted(Path("/").glob(pattern.lstrip("/")))
        if found:
            return found[-1]
    raise RuntimeError("Không tìm thấy hồ sơ màu sRGB của Ghostscript.")


def _pdfa_definition(folder: Path, icc: Path) -> Path:
    """Ghostscript's PDFA_def.ps, pointing at the sRGB profile (the PDF/A output intent)."""
    escaped = str(icc).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    text = f"""%!
[ /Title (PDF/A) /DOCINFO pdfmark
/ICCProfile ({escaped}) def
[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark
[{{icc_PDFA}} << /N 3 >> /PUT pdfmark
[{{icc_PDFA}} ICCProfile (r) file /PUT pdfmark
[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark
[{{OutputIntent_PDFA}} <<
  /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {{icc_PDFA}}
  /OutputConditionIdentifier (sRGB)
>> /PUT pdfmark
[{{Catalog}} << /OutputIntents [ {{OutputIntent_PDFA}} ] >> /PUT pdfmark
"""
    path = folder / "pdfa_def.ps"
    path.write_text(text, encoding="ascii")
    return path


def convert(source: Path, target: Path) -> str:
    """Ghostscript pdfwrite to PDF/A-2b; the tool and version used."""
    gs = ghostscript()
    icc = _icc_profile()
    definition = _pdfa_definition(target.parent, icc)
    command = [
        gs,
        "-q",
        "-dBATCH",
        "-dNOPAUSE",
        "-dSAFER",
        f"--permit-file-read={icc}",
        "-dPDFA=2",
        "-dPDFACompatibilityPolicy=1",
        "-sColorConversionStrategy=RGB",
        "-sDEVICE=pdfwrite",
        f"-sOutputFile={target}",
        str(definition),
        str(source),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    if done.returncode != 0 or not target.is_file():
        raise RuntimeError(f"Ghostscript báo lỗi: {(done.stderr or done.stdout).strip()[-300:]}")
    version = subprocess.run([gs, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    return f"Ghostscript {version.stdout.strip()}"


def _page_texts(path: Path) -> list[str]:
    with PDFIUM_LOCK:  # PDFium is not thread-safe (lib.pages)
        return _page_texts_locked(path)


def _page_texts_locked(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            text = page.get_textpage().get_text_range()
            texts.append(re.sub(r"\s+", " ", text).strip())
        return texts
    finally:
        document.close()


def compare(source: Path, target: Path) -> list[str]:
    """Significant properties the copy must keep: pages, text of each page, a PDF/A claim."""
    problems = []
    before, after = _page_texts(source), _page_texts(target)
    if len(before) != len(after):
        problems.append(f"số trang khác nhau ({len(before)} và {len(after)})")
    else:
        changed = [n for n, (a, b) in enumerate(zip(before, after, strict=True), 1) if a != b]
        if changed:
            problems.append(f"chữ trên trang {', '.join(map(str, changed[:5]))} bị thay đổi")
    report = pdf.inspect_pdf(target)
    if not report.pdfa:
        problems.append("tệp kết quả không khai báo PDF/A")
    return problems


def migrate_file(file: DocumentFile) -> MigrationOutcome:
    """Convert one original PDF to PDF/A, check it, store it, and record what happened."""
    with tempfile.TemporaryDirectory(prefix="luutru-pdfa-") as folder:
        work = Path(folder)
        source = work / "goc.pdf"
        with open_stored(file.stored.sha256) as blob, source.open("wb") as out:
            while chunk := blob.read(CHUNK):
                out.write(chunk)
        target = work / "pdfa.pdf"
        try:
            tool = convert(source, target)
            problems = compare(source, target)
        except (RuntimeError, OSError, subprocess.SubprocessError, pdfium.PdfiumError) as exc:
            tool, problems = "Ghostscript", [str(exc)]
        if problems:
            message = "; ".join(problems)
            actions.record_migration_failure(file, tool=tool, reason=message)
            return MigrationOutcome(file, False, message)
        sha256, size = put_file(target)
        info = formats.identify(target)
        report = pdf.inspect_pdf(target)
        stored = register_many(
            [
                {
                    "sha256": sha256,
                    "size": size,
                    "mime": (info.mime or PDF_MIME)[:100],
                    "puid": (info.puid or "")[:30],
                    "format_name": (info.name or "")[:200],
                }
            ]
        )[sha256]
        derivative = actions.record_migration(
            file,
            stored,
            tool=tool,
            pdfa=report.pdfa or "",
            pages=report.pages,
            has_text=report.has_text,
        )
        return MigrationOutcome(file, True, f"PDF/A-{report.pdfa}", derivative)


def migrate_dossier(dossier: Dossier | None = None) -> list[MigrationOutcome]:
    """Every candidate of a dossier (or of the whole holdings), one at a time."""
    return [migrate_file(f) for f in candidates(dossier)]
