"""The ingest pipeline: ordered, typed steps over one transfer.

    unpack → read → validate → checksums → formats → media → pdfs → signatures → store →
    create records

The first seven only look; if any of them found an error the transfer is rejected and nothing
has been written but its report. ``store`` writes blobs (content-addressed, so writing twice is
harmless) and ``create_records`` makes every row in one transaction, so records appear all at
once or not at all. A crash anywhere leaves the transfer in the database; running it again
(``resume``) repeats the looking steps, finds its blobs already stored and finishes.

A valid package ends ``received``: its records exist but are not yet in the holdings
(``Custody.RECEIVED``) until the archive accepts them (``actions.accept_transfer``), or at once
when the submitting agency is accepted on receipt (``Agency.accept_on_receipt``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import shutil
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from luutru.audit.actions import record
from luutru.ingest import staging
from luutru.ingest.models import HOLDING_STATES, AuditAction, Transfer, TransferState
from luutru.ingest.readers import bagit_bag, edxml, spreadsheet, tt05_sip
from luutru.ingest.readers.base import (
    DocumentRecord,
    DossierRecord,
    FileRef,
    PackageContents,
    Problem,
    Reader,
    Source,
)
from luutru.ingest.services import code_prefixes
from luutru.lib import archives, formats, media, pdf, signatures
from luutru.lib.vietnamese import nfc
from luutru.organizations.models import Agency
from luutru.records import codes
from luutru.records.description import media_kind_and_issuer
from luutru.records.elements import elements
from luutru.records.models import (
    SECRET_REGIME,
    Custody,
    Document,
    DocumentFile,
    Dossier,
    FilePlanEntry,
    FileRole,
)
from luutru.records.rules import (
    FILE_CODE_RE,
    Cleaned,
    check_archival_code,
    clean_values,
    defer_missing,
    longest_retention,
)
from luutru.storage.actions import put_file, register_many, seal_files, sync_storage
from luutru.storage.backends import StorageError
from luutru.storage.sealing import key_configured

log = logging.getLogger(__name__)
T = TypeVar("T")
CHUNK = 1024 * 1024
# The forms, in the order they are tried (a BagIt bag is unwrapped before any of them).
READERS: list[Reader] = [
    tt05_sip.Tt05SipReader(),
    spreadsheet.SpreadsheetReader(),
    edxml.EdxmlReader(),
]
PDF_PUIDS = {"fmt/14", "fmt/15", "fmt/16", "fmt/17", "fmt/18", "fmt/19", "fmt/20", "fmt/276",
             "fmt/95", "fmt/354", "fmt/476", "fmt/477", "fmt/478", "fmt/479", "fmt/480",
             "fmt/481", "fmt/1451"}  # fmt: skip


@dataclass
class FileFacts:
    """What the checks found about one content file."""

    ref: FileRef
    path: Path
    sha256: str = ""
    size: int = 0
    format: formats.FormatInfo | None = None
    pdf: pdf.PdfReport | None = None
    signatures: list[signatures.SignatureReport] = field(default_factory=list)
    media: media.MediaReport | None = None
    level: str = "document"  # the element set of the record that names the file

    @property
    def is_pdf(self) -> bool:
        info = self.format
        if info is not None and (info.mime == "application/pdf" or info.puid in PDF_PUIDS):
            return True
        return self.path.suffix.lower() == ".pdf"


@dataclass
class Run:
    """The state of one pass of the pipeline over a transfer."""

    transfer: Transfer
    work: Path
    root: Path | None = None
    contents: PackageContents | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    facts: dict[str, FileFacts] = field(default_factory=dict)
    dossiers: list[tuple[DossierRecord, Cleaned]] = field(default_factory=list)
    documents: list[tuple[DocumentRecord, Cleaned]] = field(default_factory=list)
    bagged: bool = False
    attempt: int = 0  # the claim this run holds (``Transfer.attempt`` when it started)
    beaten: float = field(default_factory=time.monotonic)  # when this run last reported

    @property
    def scratch(self) -> Path:
        return self.work / "scratch"

    def error(self, code: str, message: str, source: Source | None = None, **where: Any) -> None:
        self.errors.append(_problem(code, message, source, **where))

    def warn(self, code: str, message: str, source: Source | None = None, **where: Any) -> None:
        self.warnings.append(_problem(code, message, source, **where))


def _problem(code: str, message: str, source: Source | None, **where: Any) -> Problem:
    return Problem(
        code=code,
        message=message,
        file=where.get("file") or (source.file if source else ""),
        row=where.get("row", source.row if source else None),
        field=where.get("field"),
    )


# ---------------------------------------------------------------------------------------------
# The steps


def unpack(run: Run) -> None:
    """Unzip into the work folder, refusing bombs, escapes and links before extracting.

    A package staged in the object store is first fetched into the work folder (each run
    fetches it again: the work folder of a run goes with it).
    """
    if run.transfer.package_object:
        source = run.work / run.transfer.package_object  # ``<uuid>.zip``, as when on disk
        if not staging.fetch(run.transfer, source):
            run.error(
                "missing_file",
                f"Không tìm thấy gói “{run.transfer.package_name}” trong kho "
                f"({run.transfer.package_path}); hãy nộp lại gói.",
                file=run.transfer.package_name,
            )
            return
    else:
        source = Path(run.transfer.package_path)
    if not source.exists():
        run.error("missing_file", f"Không tìm thấy gói “{source}”.", file=source.name)
        return
    if source.is_file():
        if not zipfile.is_zipfile(source):
            run.error(
                "unsafe_archive",
                "Gói phải là một thư mục hoặc một tệp .zip.",
                file=source.name,
            )
            return
        target = run.work / "package"
        try:
            archives.safe_extract_zip(
                source,
                target,
                max_total_bytes=settings.INGEST_MAX_BYTES,
                max_files=settings.INGEST_MAX_FILES,
                max_ratio=settings.INGEST_MAX_RATIO,
            )
        except archives.UnsafeArchive as exc:
            # The specific code (encrypted, damaged_file) tells the sender what to fix.
            run.error(exc.code, str(exc), file=exc.entry or source.name)
            return
        root = target
    else:
        root = source
        for problem in archives.check_tree(root):
            run.error("unsafe_archive", problem, file=source.name)
        if run.errors:
            return
    # A zip of one folder: the package is that folder.
    children = [p for p in root.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(children) == 1 and children[0].is_dir() and not _is_package_root(root):
        root = children[0]
    if bagit_bag.is_bag(root):
        bag_problems = bagit_bag.verify_bag(root)
        run.errors.extend(bag_problems)
        if bag_problems:
            return
        root, run.bagged = root / "data", True
    run.root = root


def _is_package_root(path: Path) -> bool:
    return (path / "bagit.txt").exists() or any(r.detect(path) for r in READERS)


def read(run: Run) -> None:
    """Find the package's form and read its records into the common shape."""
    assert run.root is not None
    run.scratch.mkdir(parents=True, exist_ok=True)
    reader = next((r for r in READERS if r.detect(run.root)), None)
    if reader is None:
        run.error(
            "empty_package",
            "Không nhận ra dạng gói: cần ho_so/tai_lieu (Excel hoặc CSV), gói SIP theo "
            "TT 05/2025 (METS.xml) hoặc thông điệp edXML.",
            file=run.root.name,
        )
        return
    contents = reader.read(run.root, run.scratch)
    if run.bagged:
        contents.form += "+bagit"
    run.contents = contents
    run.errors.extend(contents.problems)
    run.warnings.extend(contents.warnings)
    if not contents.dossiers and not contents.documents:
        run.error("empty_package", "Gói không có hồ sơ hay tài liệu nào.", file=run.root.name)


def validate(run: Run) -> None:
    """Check every value against TT 05/2025, then the records against each other and the archive."""
    assert run.contents is not None
    form = run.contents.form
    prefixes = code_prefixes(run.transfer.agency)
    by_code: dict[str, tuple[DossierRecord, Cleaned]] = {}
    for dossier in run.contents.dossiers:
        cleaned = clean_values("dossier", dossier.values, dossier.source.label)
        _report(run, cleaned, dossier.source)
        run.dossiers.append((dossier, cleaned))
        code = cleaned.fields.get("code")
        if code:
            if code in by_code:
                run.error(
                    "duplicate",
                    f"Mã hồ sơ “{code}” xuất hiện hai lần trong gói.",
                    dossier.source,
                    field=dossier.source.label("fileCode"),
                )
            by_code[code] = (dossier, cleaned)
            if not _owned(code, prefixes):
                run.error(
                    "foreign_code",
                    _foreign_message("Mã hồ sơ", code, run.transfer.agency.code, prefixes),
                    dossier.source,
                    field=dossier.source.label("fileCode"),
                )

    ordinals: Counter[tuple[str, int]] = Counter()
    for document in run.contents.documents:
        values = dict(document.values)
        parent = by_code.get(values.get("fileCode", "").strip())
        if parent is not None:
            # TT 05: a document's backup regime and status are "as for the file" (hồ sơ).
            for inherited in (
                "maintenance",
                "mode",
                "language",
                "riskRecovery",
                "riskRecoveryStatus",
            ):
                if not values.get(inherited):
                    values[inherited] = parent[0].values.get(inherited, "")
        elif form.startswith("edxml"):
            values.setdefault("language", "01")
        cleaned = clean_values(document.level, values, document.source.label)
        if parent is None and form.startswith("edxml"):
            # A message carries no TT 05 docId nor backup regime; the clerk who files the
            # document gives them, and the description edit checks them then.
            defer_missing(cleaned)
        if not cleaned.fields.get("access_regime"):
            # Never publish by default: unfiled documents wait for an archivist's decision.
            cleaned.fields["access_regime"] = "02"
            run.warn(
                "default_value",
                "Tài liệu không ghi chế độ sử dụng; tạm đặt “Sử dụng có điều kiện” đến khi "
                "lưu trữ viên xác định.",
                document.source,
                field=document.source.label("mode"),
            )
        _report(run, cleaned, document.source)
        _check_document_codes(run, document, cleaned, parent, form)
        # A filed document's code must begin with its dossier's (bad_code otherwise), which was
        # checked above; an unfiled one's must begin with the agency's. The docId (mã định danh)
        # is the issuer's and may rightly be another agency's: it is not checked.
        archival = cleaned.fields.get("archival_code")
        if archival and parent is None and not _owned(archival, prefixes):
            run.error(
                "foreign_code",
                _foreign_message("Mã lưu trữ tài liệu", archival, run.transfer.agency.code,
                                 prefixes),
                document.source,
                field=document.source.label("docCode"),
            )  # fmt: skip
        fields = cleaned.fields
        if parent is not None and fields.get("ordinal") is not None:
            ordinals[(parent[1].fields.get("code", ""), fields["ordinal"])] += 1
        run.documents.append((document, cleaned))
        if not document.files:
            run.error(
                "missing_field",
                "Tài liệu không có tệp tin nào.",
                document.source,
                field=document.source.label("path")
                if "path" in document.source.labels
                else "Tệp tin",
            )
    for (code, ordinal), count in ordinals.items():
        if count > 1:
            run.error("duplicate", f"Số thứ tự {ordinal} lặp lại {count} lần trong hồ sơ {code}.")
    _check_document_uniqueness(run)
    _check_header_total(run)
    _check_already_transferred(run)
    _raise_dossier_retention(run)
    _check_totals(run)
    _check_files_listed(run)


def _check_header_total(run: Run) -> None:
    """A SIP_tailieu header's document count against the documents the package holds."""
    assert run.contents is not None
    declared = run.contents.header.get("totalDoc", "").strip()
    source = run.contents.header_source
    if declared.isdigit() and int(declared) != len(run.documents) and source is not None:
        run.warn(
            "count_mismatch",
            f"Gói khai {declared} tài liệu nhưng có {len(run.documents)}.",
            source,
            field=source.label("totalDoc"),
        )


def _report(run: Run, cleaned: Cleaned, source: Source) -> None:
    for issue in cleaned.issues:
        run.error(issue.code, issue.message, source, field=source.label(issue.element))
    for issue in cleaned.warnings:
        run.warn(issue.code, issue.message, source, field=source.label(issue.element))


def _check_document_codes(
    run: Run,
    document: DocumentRecord,
    cleaned: Cleaned,
    parent: tuple[DossierRecord, Cleaned] | None,
    form: str,
) -> None:
    fields, source = cleaned.fields, document.source
    file_code = document.values.get("fileCode", "").strip()
    if not file_code:
        # edXML messages and SIP_tailieu packages bring loose documents (tài liệu chưa lập hồ sơ).
        loose = form.startswith("edxml") or (run.contents is not None and run.contents.unfiled)
        if not loose:
            run.error(
                "missing_field",
                "Tài liệu không gắn với hồ sơ nào.",
                source,
                field=source.label("fileCode"),
            )
        return
    if parent is None:
        run.error(
            "bad_code",
            f"Mã hồ sơ “{file_code}” của tài liệu không có trong danh sách hồ sơ của gói.",
            source,
            field=source.label("fileCode"),
        )
        return
    issue = check_archival_code(file_code, fields)
    if issue is not None:
        run.error(issue.code, issue.message, source, field=source.label(issue.element))


def _check_document_uniqueness(run: Run) -> None:
    for field_name, element, label in (
        ("archival_code", "docCode", "Mã lưu trữ tài liệu"),
        ("identifier", "docId", "Mã định danh tài liệu"),
    ):
        seen: dict[str, DocumentRecord] = {}
        for document, cleaned in run.documents:
            value = cleaned.fields.get(field_name)
            if not value:
                continue
            if value in seen:
                run.error(
                    "duplicate",
                    f"{label} “{value}” xuất hiện hai lần trong gói.",
                    document.source,
                    field=document.source.label(element),
                )
            seen[value] = document


def _owned(code: str, prefixes: list[str]) -> bool:
    """Whether a dossier or document code begins with one of the agency codes (then a dot)."""
    return any(code.startswith(f"{prefix}.") for prefix in prefixes)


def _foreign_message(what: str, code: str, agency_code: str, prefixes: list[str]) -> str:
    others = [p for p in prefixes if p != agency_code]
    allowed = f"mã định danh của cơ quan nộp lưu ({agency_code})"
    if others:
        allowed += f" hoặc của cơ quan tiền thân ({', '.join(others)})"
    return (
        f"{what} “{code}” không bắt đầu bằng {allowed}: hồ sơ, tài liệu này không thuộc cơ quan "
        "nộp lưu. Kiểm tra lại mã, hoặc để cơ quan lập hồ sơ tự nộp."
    )


def _check_already_transferred(run: Run) -> None:
    """Records of the package that the system already has — in the holdings, or waiting in
    another received transfer — give ONE ``already_transferred`` error that says when and by
    which transfer, however many rows they are. Records of a returned transfer were removed,
    so a corrected package passes. Cost: three queries."""
    wanted: dict[str, Source] = {}
    for dossier, cleaned in run.dossiers:
        if cleaned.fields.get("code"):
            wanted.setdefault(cleaned.fields["code"], dossier.source)
    archival: dict[str, Source] = {}
    identifiers: dict[str, Source] = {}
    for document, cleaned in run.documents:
        if cleaned.fields.get("archival_code"):
            archival.setdefault(cleaned.fields["archival_code"], document.source)
        if cleaned.fields.get("identifier"):
            identifiers.setdefault(cleaned.fields["identifier"], document.source)
    dossiers = list(Dossier.objects.filter(code__in=list(wanted)).values_list("pk", "code"))
    documents = list(
        Document.objects.filter(
            Q(archival_code__in=list(archival)) | Q(identifier__in=list(identifiers))
        ).values_list("pk", "archival_code", "identifier")
    )  # fmt: skip
    if not dossiers and not documents:
        return
    found: dict[str, Source] = {code: wanted[code] for _pk, code in dossiers}
    for _pk, code, identifier in documents:
        if code in archival:
            found.setdefault(code, archival[code])
        elif identifier in identifiers:  # one document is one record, however many codes
            found.setdefault(identifier, identifiers[identifier])
    earlier = list(
        Transfer.objects.filter(
            Q(dossiers__in=[pk for pk, _c in dossiers])
            | Q(documents__in=[pk for pk, _a, _i in documents])
        )
        .exclude(pk=run.transfer.pk)
        .distinct()
        .order_by("-created_at")[:2]
    )  # fmt: skip
    codes = sorted(found)
    first = codes[0]
    sample = f"“{first}”" + (f" và {len(codes) - 1} mã khác" if len(codes) > 1 else "")
    message = f"Gói có {len(codes)} hồ sơ, tài liệu đã được nộp trước đây (mã {sample}): "
    if earlier:
        message += _earlier_transfer(earlier[0])
        if len(earlier) > 1:
            message += " (và các lần nộp lưu trước đó)"
        message += "."
    else:
        message += "đã có trong kho lưu trữ."
    message += " Không nộp lại hồ sơ, tài liệu đã nộp."
    if earlier and earlier[0].state == TransferState.RECEIVED:
        message += " Nếu cần sửa, đề nghị lưu trữ trả lại lần nộp lưu đó rồi nộp gói đã sửa."
    run.error("already_transferred", message, found[first], row=None)


def _earlier_transfer(transfer: Transfer) -> str:
    """'trong lần nộp lưu “x.zip” (id) lúc …, đã được tiếp nhận vào kho lúc …'."""
    received = timezone.localtime(transfer.created_at)
    text = (
        f"trong lần nộp lưu “{transfer.package_name}” ({transfer.pk}) lúc "
        f"{received:%H:%M ngày %d/%m/%Y}, "
    )
    if transfer.state != TransferState.ACCEPTED:
        return text + "đang chờ lưu trữ tiếp nhận"
    if transfer.decided_at is None:
        return text + "đã được tiếp nhận vào kho"
    decided = timezone.localtime(transfer.decided_at)
    return text + f"đã được tiếp nhận vào kho lúc {decided:%H:%M ngày %d/%m/%Y}"


def _raise_dossier_retention(run: Run) -> None:
    """A dossier keeps its longest document's retention (TT 05/2025); say so when raised."""
    by_dossier: dict[str, list[str]] = {}
    for document, cleaned in run.documents:
        code = document.values.get("fileCode", "").strip()
        by_dossier.setdefault(code, []).append(cleaned.fields.get("retention", ""))
    for dossier, cleaned in run.dossiers:
        own = cleaned.fields.get("retention", "")
        longest = longest_retention([own, *by_dossier.get(cleaned.fields.get("code", ""), [])])
        if longest and longest != own and own:
            cleaned.fields["retention"] = longest
            run.warn(
                "retention_raised",
                f"Thời hạn lưu trữ của hồ sơ được nâng từ “{codes.label('retention', own)}” lên "
                f"“{codes.label('retention', longest)}” theo tài liệu có thời hạn dài nhất.",
                dossier.source,
                field=dossier.source.label("maintenance"),
            )


def _check_totals(run: Run) -> None:
    counts = Counter(d.values.get("fileCode", "").strip() for d, _c in run.documents)
    for dossier, cleaned in run.dossiers:
        declared = cleaned.fields.get("total_docs")
        code = cleaned.fields.get("code", "")
        if declared is not None and code and declared != counts.get(code, 0):
            run.warn(
                "count_mismatch",
                f"Hồ sơ khai {declared} tài liệu nhưng gói có {counts.get(code, 0)}.",
                dossier.source,
                field=dossier.source.label("totalDoc"),
            )


def _check_files_listed(run: Run) -> None:
    """Every referenced file exists inside the package, and every payload file is referenced."""
    assert run.contents is not None and run.root is not None
    payload = {nfc(p) for p in run.contents.payload}
    by_folded_case = {p.casefold(): p for p in payload}
    referenced: set[str] = set()
    for document, _cleaned in run.documents:
        for ref in document.files:
            where = ref.source or document.source
            path = nfc(ref.path)
            if not path:
                run.error(
                    "missing_field", f"Thiếu “{ref.path_field}”.", where, field=ref.path_field
                )
                continue
            if PurePosixPath(path).is_absolute() or ".." in PurePosixPath(path).parts:
                run.error(
                    "unsafe_archive",
                    f"Đường dẫn “{ref.path}” trỏ ra ngoài gói.",
                    where,
                    field=ref.path_field,
                )
                continue
            on_disk = ref.on_disk(run.root)
            if path not in payload and not on_disk.is_file():
                actual = by_folded_case.get(path.casefold())
                if actual is None:
                    run.error(
                        "missing_file",
                        f"Không có tệp “{ref.path}” trong gói.",
                        where,
                        field=ref.path_field,
                    )
                    continue
                # Lists typed on Windows often differ from the folders only in case.
                run.warn(
                    "path_case",
                    f"Tệp “{ref.path}” có tên thật là “{actual}” (khác chữ hoa, chữ thường).",
                    where,
                    field=ref.path_field,
                )
                path, on_disk = actual, run.root / actual
                ref.path = actual
            referenced.add(path)
            run.facts.setdefault(path, FileFacts(ref=ref, path=on_disk, level=document.level))
    for path in sorted(payload - referenced):
        run.error(
            "unlisted_file", f"Tệp “{path}” có trong gói nhưng không tài liệu nào nêu.", file=path
        )


def checksums(run: Run) -> None:
    """Hash every content file once (chunked, in parallel) and compare with declared digests;
    then recognise the same package sent again, even one without codes (edXML)."""
    for facts in _parallel(run, _hash, run.facts.values()):
        ref = facts.ref
        if ref.sha256 and ref.sha256.lower() != facts.sha256:
            # Declared in a row of a spreadsheet, the digest in that cell is what the file
            # contradicts: the error names the cell (file, row, field) and the file in its
            # message. Declared in a manifest (METS fileSec), it names the file's path.
            in_a_row = ref.source is not None and ref.source.row is not None
            run.error(
                "checksum_mismatch",
                f"Mã SHA-256 của tệp “{ref.path}” không khớp: khai {ref.sha256}, "
                f"thực tế {facts.sha256}.",
                ref.source,
                file=ref.source.file if in_a_row and ref.source else ref.path,
                field=ref.checksum_field,
            )
    if run.errors:
        return
    transfer = run.transfer
    transfer.fingerprint = fingerprint(run)
    transfer.save(update_fields=["fingerprint"])
    same = (
        Transfer.objects.filter(fingerprint=transfer.fingerprint, state__in=HOLDING_STATES)
        .exclude(pk=transfer.pk)
        .order_by("-created_at")
        .first()
    )
    if same is not None:
        run.error(
            "already_transferred",
            f"Gói này đã được nộp {_earlier_transfer(same)}: cùng các tệp tin và cùng hồ sơ, "
            "tài liệu. Không nộp lại gói đã nộp.",
            file="",
        )


def fingerprint(run: Run) -> str:
    """SHA-256 over the package's file digests and its records' codes (edXML: the messages'
    DocumentId), each sorted: equal for the same package however it is zipped or named."""
    keys: set[str] = set()
    for _record, cleaned in run.dossiers:
        keys.add(str(cleaned.fields.get("code") or ""))
    for document, cleaned in run.documents:
        for name in ("archival_code", "identifier"):
            keys.add(str(cleaned.fields.get(name) or ""))
        keys.add(document.values.get("documentId", ""))
    keys.discard("")
    payload = {"files": sorted(f.sha256 for f in run.facts.values()), "records": sorted(keys)}
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


def _hash(facts: FileFacts) -> FileFacts:
    hasher, size = hashlib.sha256(), 0
    with facts.path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            hasher.update(chunk)
            size += len(chunk)
    facts.sha256, facts.size = hasher.hexdigest(), size
    return facts


def identify_formats(run: Run) -> None:
    """PRONOM identifier and MIME type of each file; a file must be what its extension says."""
    for facts in _parallel(run, _identify, run.facts.values()):
        info = facts.format
        if info is None or not info.puid:
            run.warn(
                "unknown_format",
                f"Không nhận dạng được định dạng của tệp “{facts.ref.path}”.",
                facts.ref.source,
                file=facts.ref.path,
                field=facts.ref.path_field,
            )
        elif not formats.extension_matches(facts.path, info):
            run.error(
                "format_mismatch",
                f"Tệp “{facts.ref.path}” có đuôi {facts.path.suffix or '(không có)'} nhưng nội "
                f"dung là {info.name or info.mime or 'định dạng khác'} ({info.puid or '?'}).",
                facts.ref.source,
                file=facts.ref.path,
                field=facts.ref.path_field,
            )


def _identify(facts: FileFacts) -> FileFacts:
    facts.format = formats.identify(facts.path)
    return facts


_MEDIA_KINDS = {"photo": {"image"}, "media": {"audio", "video"}}
_LEVEL_NAMES = {"photo": "Phim, ảnh (EAD_pic)", "media": "Ghi âm, ghi hình (EAD_media)"}


def inspect_media(run: Run) -> None:
    """Photos, sound and film: technical metadata read, damaged or oversized files refused.

    Every image, audio or video file is checked, whatever record names it; a photo record
    (EAD_pic) must hold pictures and a recording (EAD_media) sound or film, and may carry
    WebVTT captions (``.vtt``) beside it.
    """
    candidates = []
    for facts in run.facts.values():
        kind = media.kind_of(facts.path, facts.format.mime if facts.format else None)
        ref = facts.ref
        if facts.level == "media" and facts.path.suffix.lower() == ".vtt":
            continue  # WebVTT captions of a recording (identified as fmt/1454 above)
        if facts.level in _MEDIA_KINDS and kind not in _MEDIA_KINDS[facts.level]:
            run.error(
                "format_mismatch",
                f"{_LEVEL_NAMES[facts.level]} “{ref.path}” không phải tệp "
                f"{'ảnh' if facts.level == 'photo' else 'âm thanh hoặc phim'}.",
                ref.source,
                file=ref.path,
                field=ref.path_field,
            )
        elif kind is not None:
            candidates.append((facts, kind))
    for facts in _parallel(run, _probe_media, [f for f, _k in candidates]):
        report, ref = facts.media, facts.ref
        assert report is not None
        where = {"file": ref.path, "field": ref.path_field}
        if report.too_large:
            run.error("unsafe_archive", report.too_large, ref.source, **where)
        elif report.damaged:
            run.error("damaged_file", report.damaged, ref.source, **where)
        elif report.unchecked:
            run.warn("media_unchecked", report.unchecked, ref.source, **where)


def _probe_media(facts: FileFacts) -> FileFacts:
    kind = media.kind_of(facts.path, facts.format.mime if facts.format else None) or "video"
    facts.media = media.probe(
        facts.path,
        kind,
        max_bytes=settings.MEDIA_MAX_BYTES,
        max_pixels=settings.MEDIA_MAX_PIXELS,
        probe_seconds=settings.MEDIA_PROBE_SECONDS,
        decode_seconds=settings.MEDIA_DECODE_SECONDS,
        ffprobe=settings.FFPROBE_BINARY,
        ffmpeg=settings.FFMPEG_BINARY,
    )
    return facts


def inspect_pdfs(run: Run) -> None:
    """Damaged, encrypted or scripted PDFs are refused; page counts are compared."""
    for facts in _parallel(run, _inspect, [f for f in run.facts.values() if f.is_pdf]):
        report, ref = facts.pdf, facts.ref
        assert report is not None
        if report.damaged:
            run.error(
                "damaged_file",
                f"Tệp PDF “{ref.path}” bị hỏng, không đọc được.",
                ref.source,
                file=ref.path,
                field=ref.path_field,
            )
        elif report.encrypted:
            run.error(
                "encrypted",
                f"Tệp PDF “{ref.path}” được mã hóa hoặc đặt mật khẩu.",
                ref.source,
                file=ref.path,
                field=ref.path_field,
            )
        elif report.javascript or report.launch_actions:
            kind = "JavaScript" if report.javascript else "lệnh chạy chương trình (Launch)"
            run.error(
                "active_content",
                f"Tệp PDF “{ref.path}” chứa {kind}.",
                ref.source,
                file=ref.path,
                field=ref.path_field,
            )
        elif running := [a.name for a in report.attachments if a.executable]:
            run.error(
                "active_content",
                f"Tệp PDF “{ref.path}” đính kèm chương trình chạy được: {', '.join(running)}.",
                ref.source,
                file=ref.path,
                field=ref.path_field,
            )
        if report.embedded_files and not report.damaged:
            listed = ", ".join(
                f"“{a.name}” ({a.format_name or a.puid or 'không nhận dạng được định dạng'})"
                for a in report.attachments
            )
            run.warn(
                "embedded_files",
                f"Tệp PDF “{ref.path}” có tệp đính kèm bên trong: {listed or 'không đọc được'}; "
                "lưu trữ viên cần xem xét.",
                ref.source,
                file=ref.path,
                field=ref.path_field,
            )
    _compare_page_counts(run)


def _compare_page_counts(run: Run) -> None:
    """A document's declared pages against its main file's pages, or all its files' pages."""
    for document, cleaned in run.documents:
        declared = cleaned.fields.get("page_count")
        reports = [run.facts[nfc(r.path)].pdf for r in document.files if nfc(r.path) in run.facts]
        if declared is None or not reports or any(r is None or r.pages is None for r in reports):
            continue  # not all files are readable PDFs: nothing sure to compare
        counted = sum(r.pages or 0 for r in reports if r is not None)
        main = reports[0].pages if reports[0] is not None else None
        # edXML counts the main text only (PageAmount), its appendices apart; others all files.
        if declared not in {counted, main}:
            names = ", ".join(f"“{r.path}”" for r in document.files)
            run.error(
                "page_count_mismatch",
                f"Tài liệu khai {declared} trang nhưng tệp {names} có {counted} trang.",
                document.source,
                field=document.source.label("numberOfPage"),
            )


def _inspect(facts: FileFacts) -> FileFacts:
    facts.pdf = pdf.inspect_pdf(facts.path)
    return facts


def verify_signatures(run: Run) -> None:
    """Digital signatures are verified and kept as evidence; a broken one rejects the package."""
    roots = trust_roots()
    # A PDF without form fields has no signature to verify (a signature is a form field's value).
    candidates = [
        f
        for f in run.facts.values()
        if f.pdf is not None and not f.pdf.damaged and not f.pdf.encrypted and f.pdf.has_form
    ]
    for facts in _parallel(run, lambda f: _verify(f, roots), candidates):
        for report in facts.signatures:
            ref = facts.ref
            if not report.intact or not report.valid:
                run.error(
                    "bad_signature",
                    f"Chữ ký số trong “{ref.path}”: {report.summary}",
                    ref.source,
                    file=ref.path,
                    field=ref.path_field,
                )
            elif not report.trusted:
                run.warn(
                    "untrusted_signature",
                    f"Chữ ký số trong “{ref.path}”: {report.summary}",
                    ref.source,
                    file=ref.path,
                    field=ref.path_field,
                )


def _verify(facts: FileFacts, roots: list[Path]) -> FileFacts:
    facts.signatures = signatures.verify_pdf_signatures(facts.path, roots)
    return facts


def trust_roots() -> list[Path]:
    folder = Path(settings.TRUST_ROOTS_DIR)
    return sorted(folder.glob("*.pem")) + sorted(folder.glob("*.crt")) if folder.is_dir() else []


def store(run: Run) -> None:
    """Write each distinct file into storage (in parallel), then flush them to disk at once.

    The digests written are kept on the transfer as they go, so an abandoned run's blobs can
    be found; storing is idempotent, so a resumed run simply finds them there.
    """
    by_digest = {f.sha256: f for f in run.facts.values()}
    done = set(run.transfer.stored_digests)
    todo = sorted(set(by_digest) - done)
    for start in range(0, len(todo), 500):
        batch = [by_digest[d] for d in todo[start : start + 500]]
        _parallel(run, _put, batch)
        done.update(f.sha256 for f in batch)
        beat(run)
        run.transfer.stored_digests = sorted(done)
        run.transfer.save(update_fields=["stored_digests"])
    sync_storage()


def _put(facts: FileFacts) -> FileFacts:
    put_file(facts.path, expected_sha256=facts.sha256, durable=False)
    return facts


@transaction.atomic
def create_records(run: Run) -> None:
    """Every row of the package in one transaction: visible all at once, or not at all.

    The records are received, not yet held: the transfer waits for the archive's acceptance,
    unless its agency is accepted on receipt, when it is accepted in the same transaction.
    """
    transfer = _still_ours(run)
    agency = transfer.agency
    fonds = agency.fonds.filter(is_open=True).order_by("code").first()
    stored = register_many(
        [
            {
                "sha256": f.sha256,
                "size": f.size,
                "mime": ((f.format.mime or "") if f.format else "")[:100],
                "puid": ((f.format.puid or "") if f.format else "")[:30],
                "format_name": ((f.format.name or "") if f.format else "")[:200],
            }
            for f in run.facts.values()
        ]
    )
    dossiers: dict[str, Dossier] = {}
    for _record, cleaned in run.dossiers:
        dossier = Dossier(
            agency=agency, fonds=fonds, custody=Custody.RECEIVED, **_model_fields(cleaned, Dossier)
        )
        match = FILE_CODE_RE.match(dossier.code)
        if match:
            dossier.year, dossier.notation = int(match["year"]), match["notation"][:20]
        dossier.start_precision = cleaned.fields.get("start_date__precision", "day")
        dossier.end_precision = cleaned.fields.get("end_date__precision", "day")
        dossiers[dossier.code] = dossier
    _link_to_file_plans(agency, dossiers.values())
    Dossier.objects.bulk_create(dossiers.values())
    documents: list[Document] = []
    for document_record, cleaned in run.documents:
        document = Document(
            agency=agency, custody=Custody.RECEIVED, **_model_fields(cleaned, Document)
        )
        document.dossier = dossiers.get(document_record.values.get("fileCode", "").strip())
        document.signer = document_record.values.get("signer", "")[:100]
        document.signer_position = document_record.values.get("signerPosition", "")[:100]
        if document_record.level != "document":
            _describe_media_item(document, document_record.level, cleaned)
        documents.append(document)
    Document.objects.bulk_create(documents)
    files = []
    for document, (document_record, _cleaned) in zip(documents, run.documents, strict=True):
        for ref in document_record.files:
            facts = run.facts[nfc(ref.path)]
            report = facts.pdf
            files.append(
                DocumentFile(
                    document=document,
                    stored=stored[facts.sha256],
                    role=FileRole.ORIGINAL,
                    name=(ref.name or PurePosixPath(ref.path).name)[:255],
                    page_count=report.pages if report else None,
                    pdfa=(report.pdfa or "") if report else "",
                    has_text=report.has_text if report else None,
                    signatures=[_evidence(s) for s in facts.signatures],
                    technical=facts.media.technical if facts.media else {},
                )
            )
    DocumentFile.objects.bulk_create(files)
    transfer.dossiers.add(*dossiers.values())
    transfer.documents.add(*documents)
    if run.contents is not None and run.contents.unfiled:
        transfer.header = {k: v.strip() for k, v in run.contents.header.items() if v.strip()}
    transfer.state = TransferState.RECEIVED
    transfer.dossier_count, transfer.document_count = len(dossiers), len(documents)
    transfer.file_count = len(files)
    transfer.warnings = [w.as_dict() for w in run.warnings]
    transfer.errors = []
    transfer.progress, transfer.step = 100, ""
    transfer.finished_at = timezone.now()
    transfer.save()
    record(
        AuditAction.TRANSFER_VALID,
        actor=transfer.submitted_by,
        target=transfer,
        message=(
            f"Gói “{transfer.package_name}” của {agency.name} hợp lệ, chờ lưu trữ tiếp nhận: "
            f"{len(dossiers)} hồ sơ, {len(documents)} tài liệu, {len(files)} tệp."
        ),
        data={"form": transfer.form, "dossiers": sorted(dossiers), "documents": len(documents)},
    )
    if agency.accept_on_receipt:
        # Imported here: actions runs this pipeline, so it cannot be imported at the top.
        from luutru.ingest.actions import accept_transfer

        transfer = accept_transfer(transfer, None, automatic=True)
    run.transfer = transfer


def _describe_media_item(document: Document, level: str, cleaned: Cleaned) -> None:
    """A photo (EAD_pic) or recording (EAD_media) as a document: its kind, its author as the
    issuer, no pages, and the elements without a column of their own in ``media``."""
    fields = cleaned.fields
    document.kind, document.issuer = media_kind_and_issuer(level, fields)
    document.page_count = 0
    document.doc_type = ""
    document.media = {
        name: value
        for name, spec in elements(level).items()
        if spec.field is None and name != "fileCode" and (value := fields.get(name))
    }


def seal_secret(run: Run) -> None:
    """With ``MAT_KEY_FILE`` set, the files of the package's Mật (03) records are sealed
    (encrypted at rest, ADR 0011) as soon as their records exist. A crash before this leaves
    them readable in the clear until ``luutru seal_secret_files`` (a daily timer) seals them."""
    if not key_configured():
        return
    secret = {
        run.facts[nfc(ref.path)].sha256
        for document, cleaned in run.documents
        if cleaned.fields.get("access_regime") == SECRET_REGIME
        or _dossier_regime(run, document) == SECRET_REGIME
        for ref in document.files
    }
    if secret:
        try:
            seal_files(sorted(secret))
        except StorageError:  # the records are in: the file stays readable, the sweep seals it
            log.exception("sealing the Mật files of transfer %s failed", run.transfer.pk)


def _dossier_regime(run: Run, document: DocumentRecord) -> str:
    code = document.values.get("fileCode", "").strip()
    for record_, cleaned in run.dossiers:
        if record_.values.get("fileCode", "").strip() == code:
            return str(cleaned.fields.get("access_regime", ""))
    return ""


def _link_to_file_plans(agency: Any, dossiers: Iterable[Dossier]) -> None:
    """A dossier that answers an entry of its agency's file plan (same year and notation)."""
    dossiers = list(dossiers)
    years = {d.year for d in dossiers if d.year}
    entries = {
        (e.plan.year, e.notation): e
        for e in FilePlanEntry.objects.filter(
            plan__agency=agency, plan__year__in=years
        ).select_related("plan")
    }
    for dossier in dossiers:
        dossier.plan_entry = entries.get((dossier.year or 0, dossier.notation))


def _evidence(report: signatures.SignatureReport) -> dict[str, Any]:
    """A signature report as JSON, kept on the file as evidence of what was verified."""
    data = dataclasses.asdict(report)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def _model_fields(cleaned: Cleaned, model: type[Any]) -> dict[str, Any]:
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in cleaned.fields.items() if k in names and "__" not in k}


# ---------------------------------------------------------------------------------------------
# Running the steps

Step = Callable[[Run], None]
LOOKING_STEPS: list[tuple[str, str, Step]] = [
    ("unpack", "Giải nén an toàn", lambda run: _beating(run, unpack)),
    ("read", "Đọc siêu dữ liệu", read),
    ("validate", "Kiểm tra theo TT 05/2025", validate),
    ("checksums", "Kiểm tra mã SHA-256", checksums),
    ("formats", "Nhận dạng định dạng", identify_formats),
    ("media", "Kiểm tra ảnh, ghi âm, ghi hình", inspect_media),
    ("pdfs", "Kiểm tra tệp PDF", inspect_pdfs),
    ("signatures", "Xác thực chữ ký số", verify_signatures),
]
WRITING_STEPS: list[tuple[str, str, Step]] = [
    ("store", "Lưu tệp tin", store),
    ("create_records", "Tạo hồ sơ, tài liệu", create_records),
]
STEP_LABELS = {name: label for name, label, _s in LOOKING_STEPS + WRITING_STEPS}
# A transfer in any other state is finished: running it again leaves it alone.
RUNNABLE_STATES = frozenset({TransferState.QUEUED, TransferState.RUNNING, TransferState.FAILED})


class Superseded(Exception):
    """Another run has claimed this transfer since this one started: it went silent for
    ``INGEST_STALL_SECONDS`` and was resumed. The old run stops and writes nothing more."""


def run_transfer(transfer_id: Any, *, take_over: bool = False) -> Transfer:
    """Run (or resume) the whole pipeline for a transfer; safe to call twice.

    The run claims the transfer first (the next ``attempt``, under a row lock): a finished
    transfer is left alone, and so is one another worker is running and still reporting —
    unless ``take_over`` (the operator's ``luutru ingest --resume ID``). The run reports at each
    step and while it works on files (``heartbeat_at``); a run that finds its claim taken stops.
    """
    transfer = _claim(transfer_id, take_over=take_over)
    if transfer is None:
        return Transfer.objects.select_related("agency").get(pk=transfer_id)
    folder = Path(settings.INGEST_WORK_DIR) / str(transfer.pk)
    shutil.rmtree(folder, ignore_errors=True)  # what a killed or superseded run left behind
    work = folder / str(transfer.attempt)
    work.mkdir(parents=True)
    run = Run(transfer=transfer, work=work, attempt=transfer.attempt)
    steps = LOOKING_STEPS + ([] if transfer.dry_run else WRITING_STEPS)
    try:
        for number, (name, _label, step) in enumerate(steps):
            _set_step(run, name, 100 * number // len(steps))
            step(run)
            if run.errors:
                return _finish(run, TransferState.REJECTED)
            if name == "read" and run.contents is not None:
                transfer.form = run.contents.form
                transfer.save(update_fields=["form"])
        if transfer.dry_run:
            return _finish(run, TransferState.CHECKED)
        seal_secret(run)
        return run.transfer
    except Superseded:
        log.warning("run %s of transfer %s was superseded; it stops", run.attempt, transfer.pk)
        return Transfer.objects.select_related("agency").get(pk=transfer.pk)
    except Exception:
        log.exception("ingest of transfer %s failed", transfer.pk)
        run.error("internal_error", "Lỗi hệ thống khi xử lý gói; có thể chạy lại để tiếp tục.")
        try:
            _finish(run, TransferState.FAILED)
        except Superseded:
            return Transfer.objects.select_related("agency").get(pk=transfer.pk)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(OSError):
            folder.rmdir()
        if transfer.package_object:
            _drop_package_when_done(transfer)


def _drop_package_when_done(transfer: Transfer) -> None:
    """Remove the staged package of a finished transfer: it will never be read again (a
    queued, running or failed one may be, after a resume). Best effort: ``clean_leftovers``
    removes what is left."""
    try:
        if Transfer.objects.filter(pk=transfer.pk).exclude(state__in=RUNNABLE_STATES).exists():
            staging.drop(transfer)
    except Exception:  # cleanup only; never hide how the run itself ended
        log.warning("staged package of transfer %s not removed", transfer.pk, exc_info=True)


@transaction.atomic
def _claim(transfer_id: Any, *, take_over: bool) -> Transfer | None:
    """The transfer, now ``running`` under a new attempt, or None when it is not ours to run."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer_id)
    if transfer.state not in RUNNABLE_STATES:
        return None
    if transfer.state == TransferState.RUNNING and not transfer.stalled and not take_over:
        return None  # a live worker has it (a task queued twice)
    transfer.state = TransferState.RUNNING
    transfer.attempt += 1
    transfer.heartbeat_at = timezone.now()
    transfer.save(update_fields=["state", "attempt", "heartbeat_at"])
    # The agency is read after the lock: select_related would lock its row too on PostgreSQL.
    transfer.agency = Agency.objects.get(pk=transfer.agency_id)
    return transfer


BEAT_SECONDS = 15.0  # a running transfer reports at least this often while it works on files


def beat(run: Run) -> None:
    """Report that this run is alive; raise ``Superseded`` if its claim was taken meanwhile."""
    alive = Transfer.objects.filter(
        pk=run.transfer.pk, attempt=run.attempt, state=TransferState.RUNNING
    ).update(heartbeat_at=timezone.now())
    if not alive:
        raise Superseded(run.transfer.pk)
    run.beaten = time.monotonic()


def _set_step(run: Run, step: str, progress: int) -> None:
    beat(run)
    transfer = run.transfer
    transfer.step, transfer.progress = step, progress
    transfer.save(update_fields=["step", "progress"])


def _finish(run: Run, state: str) -> Transfer:
    transfer = run.transfer
    transfer.state = state
    transfer.errors = [e.as_dict() for e in run.errors]
    transfer.warnings = [w.as_dict() for w in run.warnings]
    if state == TransferState.CHECKED:
        transfer.dossier_count, transfer.document_count = len(run.dossiers), len(run.documents)
        transfer.file_count = len(run.facts)
    transfer.progress = 100
    transfer.finished_at = timezone.now()
    with transaction.atomic():
        _still_ours(run)
        transfer.save()
        if state == TransferState.REJECTED:
            record(
                AuditAction.TRANSFER_REJECT,
                actor=transfer.submitted_by,
                target=transfer,
                message=f"Từ chối gói “{transfer.package_name}”: {len(run.errors)} lỗi.",
                data={"codes": sorted({e.code for e in run.errors})},
            )
    return transfer


def _beating(run: Run, step: Step) -> None:
    """Run a step that touches no database (unzipping, verifying a bag: minutes for a large
    package) on a helper thread, reporting from this one at least every ``BEAT_SECONDS``, so a
    long step is never taken for a dead worker."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(step, run)
        while not wait([future], BEAT_SECONDS)[0]:
            beat(run)
        future.result()


def _still_ours(run: Run) -> Transfer:
    """The transfer's row, locked until the end of the transaction, if this run still holds
    the claim; otherwise ``Superseded`` (another run took it over, or finished it)."""
    transfer = Transfer.objects.select_for_update().get(pk=run.transfer.pk)
    if transfer.attempt != run.attempt or transfer.state != TransferState.RUNNING:
        raise Superseded(transfer.pk)
    return transfer


def _parallel(
    run: Run, work: Callable[[FileFacts], FileFacts], items: Iterable[FileFacts]
) -> list[FileFacts]:
    """Per-file checks on a small thread pool: hashing and qpdf release the GIL.

    The run reports (``beat``) from this thread at least every ``BEAT_SECONDS`` meanwhile.
    """
    items = list(items)
    if len(items) < 4:
        done = []
        for item in items:
            done.append(work(item))
            if time.monotonic() - run.beaten > BEAT_SECONDS:
                beat(run)
        return done
    with ThreadPoolExecutor(max_workers=settings.INGEST_WORKERS) as pool:
        futures = [pool.submit(work, item) for item in items]
        pending = set(futures)
        while pending:
            _done, pending = wait(pending, BEAT_SECONDS, FIRST_COMPLETED)
            if time.monotonic() - run.beaten > BEAT_SECONDS:
                beat(run)
        return [f.result() for f in futures]
