"""The demo province's first transfers: real packages, rendered and ingested on the spot.

Trainees should find dossiers whose documents open as real Vietnamese administrative
documents, not blank pages. So the seed writes two transfer packages the way agencies do —
Sở Tài chính as an Excel spreadsheet package, Văn phòng UBND tỉnh as CSV (UTF-8 with BOM) —
with born-digital PDF/A files rendered from ``templates/demo/document.html`` in the NĐ 30/2020
layout (``luutru.lib.printing``), hands them to the real pipeline (``receive_package`` +
``ingest``), and the demo archivist accepts each transfer into the holdings
(``accept_transfer``), as the archive does after checking it. What the archive shows is
therefore exactly what an ingest produces: records, stored files, page counts, handover records
and audit events.

What the documents say — agencies, signers, dossiers, every paragraph — is data, in
``data/collection.toml`` and ``data/dossiers/<code>.toml``; every name, number and person in it
is invented. Seeding is idempotent: a package whose dossier codes already exist is skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import tempfile
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from luutru.accounts.models import User
from luutru.demo.province import PROVINCE
from luutru.ingest.actions import accept_transfer, ingest, receive_package
from luutru.ingest.models import TransferState
from luutru.lib.printing import Heading, Signer, render
from luutru.lib.spreadsheets import Column, table_xlsx
from luutru.lib.vietnamese import fold
from luutru.organizations.models import Agency
from luutru.records.models import Dossier

DATA = Path(__file__).parent / "data"
TABLE = "[bảng]"  # a body paragraph that places the document's next table
SIGNED = "(Đã ký)"  # what the signature space of a born-digital copy shows
RECEIVER = "luutruvien"  # the demo archivist, who accepts the packages into the holdings
CLERK = "vanthu"  # the demo clerk of Sở Tài chính, who hands over that agency's package
HEAD = "lanhdao"  # the archive's head, who accepts what the archivist handed over herself
PDF_VARIANT = "pdf/a-2b"  # what an archive asks agencies for
DOCUMENT_TYPES = {
    "02": "Quyết định",
    "07": "Thông báo",
    "10": "Kế hoạch",
    "14": "Báo cáo",
    "15": "Tờ trình",
    "20": "Biên bản",
    "22": "Công văn",
    "26": "Giấy mời",
}
LETTER = "22"  # a Công văn has no title: its subject goes under the number, "V/v …"


class DemoCollectionError(RuntimeError):
    """A demo package was refused: the seed data, not the user, is wrong."""


# ---------------------------------------------------------------------------------------------
# What the documents say: data/collection.toml and data/dossiers/<code>.toml


@dataclass(frozen=True)
class Issuer:
    """The agency block at the top left: the superior agency (if any) over the issuer."""

    parent: str
    name: tuple[str, ...]
    full_name: str  # "Tên cơ quan, tổ chức ban hành" in the package


@dataclass(frozen=True)
class Table:
    """A table of figures in the body; the first column is text, the others numbers."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    unit: str = ""


Block = str | Table


@dataclass(frozen=True)
class Doc:
    """One document: its metadata row and its printed form are made from the same values.

    Body strings take a light markup: ``# `` a section heading, ``^ `` a centred bold line
    ("QUYẾT ĐỊNH:"), ``- `` a list item; legal bases ("Căn cứ …") come out in italics and
    "Điều N." in bold, as NĐ 30/2020 prints them.
    """

    type_code: str
    number: str
    notation: str
    day: dt.date
    issuer: Issuer
    subject: str
    body: tuple[Block, ...]
    signers: tuple[Signer, ...]
    recipients: tuple[str, ...] = ()
    addressees: tuple[str, ...] = ()  # Kính gửi
    authority: str = ""  # the issuing authority printed over a Quyết định's bases
    mode: str = ""  # the document's own access regime, when it differs from its dossier's

    @property
    def type_name(self) -> str:
        return DOCUMENT_TYPES[self.type_code]

    @property
    def summary(self) -> str:
        """Trích yếu as the register lists it."""
        if self.subject.startswith("V/v "):
            return "Về việc " + self.subject.removeprefix("V/v ")
        return self.subject

    def file_name(self, ordinal: int) -> str:
        """ASCII, as agency systems name files: 02_2718-QD-UBND.pdf."""
        return f"{ordinal:02d}_{self.number}-{fold(self.notation).upper()}.pdf"


@dataclass(frozen=True)
class DossierSpec:
    code: str
    title: str
    retention: str
    mode: str
    keywords: str
    made_by: str
    documents: tuple[Doc, ...]


@dataclass(frozen=True)
class PackageSpec:
    agency_code: str
    folder: str
    form: str  # "xlsx" | "csv"
    coded: bool  # coded fields as codes ("01") rather than labels ("Vĩnh viễn")
    dossiers: tuple[DossierSpec, ...]


def _read(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@cache
def place() -> str:
    """The dateline's place name: the province, for provincial agencies."""
    return str(_read(DATA / "collection.toml")["place"])


@cache
def packages() -> tuple[PackageSpec, ...]:
    """The demo packages, read once per process from ``data/``."""
    data = _read(DATA / "collection.toml")
    issuers = {
        key: Issuer(value["parent"], tuple(value["name"]), value["full_name"])
        for key, value in data["issuers"].items()
    }
    signers = {key: _signer(value) for key, value in data["signers"].items()}
    return tuple(
        PackageSpec(
            agency_code=package["agency"],
            folder=package["folder"],
            form=package["form"],
            coded=package["coded"],
            dossiers=tuple(
                _dossier(_read(DATA / "dossiers" / f"{code}.toml"), issuers, signers)
                for code in package["dossiers"]
            ),
        )
        for package in data["packages"]
    )


def dossier_codes() -> list[str]:
    return [d.code for p in packages() for d in p.dossiers]


def _signer(value: dict[str, Any]) -> Signer:
    return Signer(tuple(value["titles"]), value["name"], signed=SIGNED)


def _dossier(
    data: dict[str, Any], issuers: dict[str, Issuer], signers: dict[str, Signer]
) -> DossierSpec:
    documents = []
    for doc in data["documents"]:
        tables = iter(doc.get("tables", ()))
        body: list[Block] = []
        for paragraph in doc["body"]:
            if paragraph == TABLE:
                table = next(tables, None)
                if table is None:
                    raise DemoCollectionError(f"{data['code']}: có “{TABLE}” mà không có bảng.")
                rows = tuple(tuple(row) for row in table["rows"])
                body.append(Table(tuple(table["header"]), rows, table.get("unit", "")))
            else:
                body.append(paragraph)
        if next(tables, None) is not None:
            raise DemoCollectionError(
                f"{data['code']}: có bảng chưa đặt vào nội dung bằng “{TABLE}”."
            )
        documents.append(
            Doc(
                type_code=doc["type"],
                number=doc["number"],
                notation=doc["notation"],
                day=doc["day"],
                issuer=issuers[doc["issuer"]],
                subject=doc["subject"],
                body=tuple(body),
                signers=tuple(
                    signers[s] if isinstance(s, str) else _signer(s) for s in doc["signers"]
                ),
                recipients=tuple(doc.get("recipients", ())),
                addressees=tuple(doc.get("addressees", ())),
                authority=doc.get("authority", ""),
                mode=doc.get("mode", ""),
            )
        )
    return DossierSpec(
        code=data["code"],
        title=data["title"],
        retention=data["retention"],
        mode=data["mode"],
        keywords=data["keywords"],
        made_by=data["made_by"],
        documents=tuple(documents),
    )


# ---------------------------------------------------------------------------------------------
# Rendering: NĐ 30/2020 layout (Phụ lục I), as born-digital PDF/A


def _paragraph(text: str) -> dict[str, str]:
    """How a body paragraph prints: its class, its text, and an article's bold lead."""
    if text.startswith("# "):
        return {"css": "heading", "text": text[2:]}
    if text.startswith("^ "):
        return {"css": "center", "text": text[2:]}
    if text.startswith("- "):
        return {"css": "item", "text": text}
    if text.startswith(("Căn cứ", "Theo đề nghị", "Xét đề nghị")):
        return {"css": "basis", "text": text}
    if text.startswith("Điều ") and ". " in text[:10]:
        lead, rest = text.split(". ", 1)
        return {"lead": lead, "text": rest}
    return {"text": text}


def _table(table: Table) -> dict[str, Any]:
    grouped = any(row[0].startswith("- ") for row in table.rows)  # totals over details
    rows = [
        {"label": row[0], "figures": row[1:], "total": grouped and not row[0].startswith("- ")}
        for row in table.rows
    ]
    return {"table": table, "rows": rows}


def document_context(doc: Doc) -> dict[str, Any]:
    """What ``demo/document.html`` prints: the heading, the body blocks, the signatures."""
    letter = doc.type_code == LETTER
    return {
        "doc": doc,
        "letter": letter,
        "province": PROVINCE,
        "heading": Heading(
            doc.issuer.name,
            doc.issuer.parent,
            number=f"{doc.number}/{doc.notation}",
            subject=doc.subject if letter else "",
            place=place(),
            day=doc.day,
        ),
        "blocks": [
            _table(block) if isinstance(block, Table) else _paragraph(block) for block in doc.body
        ],
        "signers": doc.signers,
        "recipients": doc.recipients,
    }


@cache
def document_pdf(doc: Doc) -> tuple[bytes, int]:
    """The PDF/A bytes and the page count, from one layout pass.

    Cached per process: the output is deterministic (the dates come from the document), so a
    second seeding in the same process, as tests do, costs no rendering.
    """
    pdf = render("demo/document.html", document_context(doc), pdf_variant=PDF_VARIANT)
    return pdf.data, pdf.pages


# ---------------------------------------------------------------------------------------------
# Packages

DOSSIER_HEADERS = [
    "Mã hồ sơ", "Tiêu đề hồ sơ", "Thời hạn lưu trữ", "Chế độ sử dụng", "Ngôn ngữ",
    "Thời gian bắt đầu", "Thời gian kết thúc", "Từ khóa", "Tổng số tài liệu trong hồ sơ",
    "Số lượng trang", "Tình trạng vật lý", "Mức độ tin cậy", "Chế độ dự phòng", "Ghi chú",
]  # fmt: skip
DOCUMENT_HEADERS = [
    "Mã hồ sơ", "Số thứ tự", "Mã định danh tài liệu", "Tên loại tài liệu", "Số của tài liệu",
    "Ký hiệu của tài liệu", "Ngày tháng năm tài liệu", "Tên cơ quan, tổ chức ban hành",
    "Trích yếu nội dung", "Ngôn ngữ", "Số lượng trang", "Chế độ sử dụng", "Mức độ tin cậy",
    "Tình trạng vật lý", "Tệp tin", "SHA-256",
]  # fmt: skip
ACCESS_LABELS = {"01": "Công khai", "02": "Sử dụng có điều kiện"}


def _doc_id(dossier_code: str, ordinal: int) -> str:
    """Mã định danh tài liệu as the samples write it: H62.00.03.2024.01.n for ….03.H62.2024.01."""
    parts = dossier_code.split(".")
    return ".".join([parts[3], parts[1], parts[2], parts[4], parts[5], str(ordinal)])


def write_package(spec: PackageSpec, root: Path) -> Path:
    """Render every document once and write ho_so/tai_lieu plus the files under ``root``."""
    folder = root / spec.folder
    dossier_rows: list[list[Any]] = []
    document_rows: list[list[Any]] = []
    for number, dossier in enumerate(spec.dossiers, start=1):
        pages_in_dossier = 0
        for ordinal, doc in enumerate(dossier.documents, start=1):
            data, pages = document_pdf(doc)
            pages_in_dossier += pages
            relative = f"tai_lieu/HS{number:02d}/{doc.file_name(ordinal)}"
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            mode = doc.mode
            if mode and not spec.coded:
                mode = ACCESS_LABELS[mode]
            document_rows.append([
                dossier.code, ordinal, _doc_id(dossier.code, ordinal),
                doc.type_code if spec.coded else doc.type_name, doc.number, doc.notation,
                _date_cell(doc.day, spec), doc.issuer.full_name, doc.summary,
                "01" if spec.coded else "Tiếng Việt", pages, mode,
                "01" if spec.coded else "Gốc điện tử", "01" if spec.coded else "Tốt",
                relative, hashlib.sha256(data).hexdigest(),
            ])  # fmt: skip
        days = [d.day for d in dossier.documents]
        dossier_rows.append([
            dossier.code, dossier.title, dossier.retention, dossier.mode,
            "01" if spec.coded else "Tiếng Việt", _date_cell(min(days), spec),
            _date_cell(max(days), spec), dossier.keywords, len(dossier.documents),
            pages_in_dossier, "01" if spec.coded else "Tốt",
            "01" if spec.coded else "Gốc điện tử", "0", f"Người lập hồ sơ: {dossier.made_by}",
        ])  # fmt: skip
    if spec.form == "xlsx":
        _write_xlsx(folder / "ho_so.xlsx", "Hồ sơ", DOSSIER_HEADERS, dossier_rows)
        _write_xlsx(folder / "tai_lieu.xlsx", "Tài liệu", DOCUMENT_HEADERS, document_rows)
    else:
        _write_csv(folder / "ho_so.csv", DOSSIER_HEADERS, dossier_rows)
        _write_csv(folder / "tai_lieu.csv", DOCUMENT_HEADERS, document_rows)
    return folder


def _date_cell(day: dt.date, spec: PackageSpec) -> dt.date | str:
    """A real Excel date in a workbook (the reader formats it), DD/MM/YYYY text in a CSV."""
    return day if spec.form == "xlsx" else day.strftime("%d/%m/%Y")


WIDE = {"Tiêu đề hồ sơ": 60, "Trích yếu nội dung": 60, "Tệp tin": 40,
        "Tên cơ quan, tổ chức ban hành": 34, "Mã hồ sơ": 24, "SHA-256": 20}  # fmt: skip


def _write_xlsx(path: Path, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    """A sheet as agencies fill it in: a header row, wide text columns, date cells."""
    columns = [Column(header, WIDE.get(header, 16)) for header in headers]
    path.write_bytes(table_xlsx(columns, rows, title=title))


def _write_csv(path: Path, headers: list[str], rows: list[list[Any]]) -> None:
    """UTF-8 with BOM, as Excel on Windows saves "CSV UTF-8"."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


# ---------------------------------------------------------------------------------------------
# Seeding


def seed_collection() -> int:
    """Ingest the demo packages that are not in the archive yet; return how many were ingested.

    Needs the demo province (``province.seed``). A refused package raises with its errors: it
    means the seed data and the validation rules disagree, which a test should catch first.
    """
    pending = [
        spec
        for spec in packages()
        if not Dossier.objects.filter(code__in=[d.code for d in spec.dossiers]).exists()
    ]
    if not pending:
        return 0
    receiver = User.objects.filter(username=RECEIVER).first()
    clerk = User.objects.filter(username=CLERK).first()
    head = User.objects.filter(username=HEAD).first()
    ingested = 0
    with tempfile.TemporaryDirectory(prefix="luutru-demo-") as tmp:
        for spec in pending:
            agency = Agency.objects.filter(code=spec.agency_code).first()
            if agency is None:
                raise DemoCollectionError(
                    f"Chưa có cơ quan {spec.agency_code}: hãy nạp tỉnh mẫu trước (seed)."
                )
            folder = write_package(spec, Path(tmp))
            # The agency's own clerk hands it over where the demo has one; otherwise the
            # archivist uploads it for the agency, and the head decides (nobody accepts a
            # transfer they submitted).
            own_clerk = clerk is not None and clerk.memberships.filter(agency=agency).exists()
            submitter = clerk if own_clerk else receiver
            transfer = receive_package(folder, agency=agency, actor=submitter)
            transfer = ingest(transfer)
            if transfer.state == TransferState.RECEIVED:
                transfer = accept_transfer(transfer, head if submitter == receiver else receiver)
            if transfer.state != TransferState.ACCEPTED:
                raise DemoCollectionError(
                    f"Gói mẫu “{spec.folder}” bị từ chối ({transfer.state}): {transfer.errors}"
                )
            ingested += 1
    return ingested
