"""What every reader returns: the package's records in one shape, before any validation.

Readers only read. They keep every value as the NFC text they found (Excel dates and numbers are
turned into the text an archivist would have typed: ``DD/MM/YYYY``, ``12``), remember where each
value came from (file, row, the field name as the package spells it) so that validation can name
it, and report only problems of reading (unreadable file, unknown column, bad XML). Validation of
values, checksums, formats and PDFs happens later in the pipeline, the same for every form.

Keys of ``values`` are the TT 05/2025 element names (regulations.md §1.1):

dossier:  fileCode title maintenance mode language startDate endDate keyword totalDoc
          numberOfPaper numberOfPage format inforSign confidenceLevel paperFileCode
          riskRecovery riskRecoveryStatus description
document: fileCode docOrdinal docId docCode maintenance typeName codeNumber codeNotation
          issuedDate organName subject language numberOfPage inforSign keyword mode
          confidenceLevel autograph format riskRecovery riskRecoveryStatus process description
          (edXML also: signer, signerPosition, direction = "in"/"out", fromOrganId)
photo:    (EAD_pic) fileCode docOrdinal docCode maintenance typePic archivesNumber inforSign
          eventName imageTitle photographer photoPlace photoTime colour filmSize docAttached
          keyword mode format riskRecovery riskRecoveryStatus description
media:    (EAD_media) fileCode docOrdinal docCode maintenance typeMedia archivesNumber
          inforSign eventName movieTitle recorder recordPlace recordDate language playTime
          quality keyword mode format riskRecovery riskRecoveryStatus description

A photo or recording is a ``DocumentRecord`` whose ``level`` names its element set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

DOSSIER_ELEMENTS = (
    "fileCode", "title", "maintenance", "mode", "language", "startDate", "endDate", "keyword",
    "totalDoc", "numberOfPaper", "numberOfPage", "format", "inforSign", "confidenceLevel",
    "paperFileCode", "riskRecovery", "riskRecoveryStatus", "description",
)  # fmt: skip
DOCUMENT_ELEMENTS = (
    "fileCode", "docOrdinal", "docId", "docCode", "maintenance", "typeName", "codeNumber",
    "codeNotation", "issuedDate", "organName", "subject", "language", "numberOfPage",
    "inforSign", "keyword", "mode", "confidenceLevel", "autograph", "format", "riskRecovery",
    "riskRecoveryStatus", "process", "description",
)  # fmt: skip

PHOTO_ELEMENTS = (
    "fileCode", "docOrdinal", "docCode", "maintenance", "typePic", "archivesNumber", "inforSign",
    "eventName", "imageTitle", "photographer", "photoPlace", "photoTime", "colour", "filmSize",
    "docAttached", "keyword", "mode", "format", "riskRecovery", "riskRecoveryStatus",
    "description",
)  # fmt: skip
MEDIA_ELEMENTS = (
    "fileCode", "docOrdinal", "docCode", "maintenance", "typeMedia", "archivesNumber",
    "inforSign", "eventName", "movieTitle", "recorder", "recordPlace", "recordDate", "language",
    "playTime", "quality", "keyword", "mode", "format", "riskRecovery", "riskRecoveryStatus",
    "description",
)  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One error or warning, as `luutru ingest --json` prints it (docs/interfaces.md)."""

    code: str
    message: str
    file: str
    row: int | None = None
    field: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"file": self.file}
        if self.row is not None:
            out["row"] = self.row
        if self.field is not None:
            out["field"] = self.field
        out["code"] = self.code
        out["message"] = self.message
        return out


@dataclass
class Source:
    """Where a record was read: the metadata file (relative to the package root) and row."""

    file: str
    row: int | None = None
    # element name -> the field's name as the package spells it ("Tiêu đề hồ sơ", "title")
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, element: str) -> str:
        return self.labels.get(element, element)


@dataclass
class FileRef:
    """A content file a document points at."""

    path: str  # posix path relative to the package root, as found on disk after unpacking
    sha256: str | None = None  # the digest the package declares, lower-case hex, if any
    source: Source | None = None  # where the reference was made (row of the Tệp tin column)
    path_field: str = "Tệp tin"  # the field that named the file, for messages
    checksum_field: str = "SHA-256"  # the field that declared the digest, for messages
    mime: str | None = None  # declared MIME type, if the package gives one
    # where the bytes are when they are not at root/path: edXML attachments decoded to scratch
    location: Path | None = None
    name: str | None = None  # the original file name, when path is not one (edXML attachments)

    def on_disk(self, root: Path) -> Path:
        return self.location if self.location is not None else root / self.path


@dataclass
class DossierRecord:
    source: Source
    values: dict[str, str]


@dataclass
class DocumentRecord:
    source: Source
    values: dict[str, str]
    files: list[FileRef] = field(default_factory=list)
    level: str = "document"  # the element set: document (EAD_doc), photo, media


@dataclass
class PackageContents:
    form: str  # "spreadsheet" | "tt05_sip" | "edxml", with "+bagit" when the package was a bag
    dossiers: list[DossierRecord] = field(default_factory=list)
    documents: list[DocumentRecord] = field(default_factory=list)
    # every payload file present in the package (posix, relative to the root), so that files
    # no record names are found; metadata files, schemas and documentation are excluded
    payload: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # A package of loose documents (TT 05 SIP_tailieu): its documents may have no dossier, and
    # its header (fileCode = mã gói tin, title, source 0 đi / 1 đến, totalDoc, description).
    unfiled: bool = False
    header: dict[str, str] = field(default_factory=dict)
    header_source: Source | None = None


class Reader(Protocol):
    """A package form. ``detect`` is cheap; ``read`` may write decoded attachments to scratch."""

    form: str

    def detect(self, root: Path) -> bool: ...

    def read(self, root: Path, scratch: Path) -> PackageContents: ...
