"""What an accepted transfer (lần nộp lưu) hands back: the inventory and the handover record.

``inventory_*`` is the Mục lục hồ sơ, tài liệu nộp lưu (NĐ 30/2020 Phụ lục V, mẫu III), with the
documents of each file (mẫu IV, mục lục văn bản trong hồ sơ) and the unfiled edXML documents as
later parts. ``handover_*`` is the Biên bản giao nhận hồ sơ, tài liệu (mẫu V), issued once the
archive accepts the transfer, naming both sides: the submitting agency and its clerk (bên giao)
and the receiving archive and the archivist who accepted it (bên nhận). Both come as a
PDF to print and sign and as an Excel workbook to check and re-use. They are legal forms, so
they are always in Vietnamese whatever the interface language.

Everything is read in a fixed handful of queries (agency, people, dossiers, documents), never
one per row, into plain rows; the PDF and the workbook are built from those rows. The PDF is
rendered by ``luutru.lib.printing`` from templates under ``templates/ingest/outputs/`` (the official
heading and signatures are ``templates/printing/``); the workbook is written by
``luutru.lib.spreadsheets``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from luutru.accounts.models import User
from luutru.ingest.models import Transfer
from luutru.lib import spreadsheets as xlsx
from luutru.lib.printing import NATIONAL_MOTTO, NATIONAL_NAME, Heading, Signer, render_pdf
from luutru.lib.spreadsheets import Column, FormSheet
from luutru.lib.vietnamese import dateline, number_in_words, short_date
from luutru.organizations.models import Agency
from luutru.records import codes
from luutru.records.models import DatePrecision, Document, Dossier

__all__ = ["handover_pdf", "handover_xlsx", "inventory_pdf", "inventory_xlsx"]

DEFAULT_RECEIVER = "Lưu trữ hiện hành"  # "lưu trữ cơ quan" before Luật Lưu trữ 2024
LEGAL_BASES = (
    "Căn cứ Luật Lưu trữ số 33/2024/QH15 ngày 21 tháng 6 năm 2024;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
)
BLANK = "…………………"
SIGN_HINT = "(Ký và ghi rõ họ và tên)"
DASH = "\u2013"  # en dash: how Vietnamese forms print a range of dates or years
PACKAGE_FORMS = {
    "tt05_sip": "gói SIP theo TT 05/2025",
    "spreadsheet": "bảng kê Excel/CSV kèm tệp",
    "edxml": "thông điệp edXML",
}


# ---------------------------------------------------------------------------------------------
# The rows both formats are made from


@dataclass(slots=True)
class DocumentRow:
    number: int
    archival_code: str
    number_notation: str
    issued_date: datetime.date
    doc_type: str
    summary: str
    issuer: str
    page_count: int
    dossier_code: str = ""


@dataclass(slots=True)
class DossierRow:
    number: int
    code: str
    title: str
    start_date: datetime.date
    start_precision: str
    end_date: datetime.date
    end_precision: str
    retention: str
    access_regime: str
    doc_count: int
    page_count: int
    note: str
    documents: list[DocumentRow] = field(default_factory=list)

    @property
    def period(self) -> str:
        start = short_date(self.start_date, self.start_precision)
        end = short_date(self.end_date, self.end_precision)
        return start if start == end else f"{start} {DASH} {end}"


@dataclass(frozen=True, slots=True)
class Person:
    """Who signs for one side of the handover: the name and position the account gives."""

    name: str
    position: str


@dataclass(slots=True)
class Inventory:
    """One transfer read once: the header facts, the rows, and the totals of both forms."""

    transfer: Transfer
    agency: Agency
    parent_name: str
    receiver: str
    fonds: str
    made_on: datetime.date
    dossiers: list[DossierRow]
    unfiled: list[DocumentRow]
    plan_years: list[int]
    deliverer: Person | None = None  # the clerk who submitted the package (bên giao)
    recipient: Person | None = None  # the archivist who accepted it (bên nhận)

    @property
    def dossier_count(self) -> int:
        return len(self.dossiers)

    @property
    def document_count(self) -> int:
        return sum(d.doc_count for d in self.dossiers) + len(self.unfiled)

    @property
    def filed_document_count(self) -> int:
        return sum(d.doc_count for d in self.dossiers)

    @property
    def dossier_page_count(self) -> int:
        return sum(d.page_count for d in self.dossiers)

    @property
    def unfiled_page_count(self) -> int:
        return sum(d.page_count for d in self.unfiled)

    @property
    def page_count(self) -> int:
        return self.dossier_page_count + self.unfiled_page_count

    @property
    def first_date(self) -> datetime.date | None:
        dates = [d.start_date for d in self.dossiers] + [d.issued_date for d in self.unfiled]
        return min(dates, default=None)

    @property
    def last_date(self) -> datetime.date | None:
        dates = [d.end_date for d in self.dossiers] + [d.issued_date for d in self.unfiled]
        return max(dates, default=None)

    @property
    def period(self) -> tuple[str, str] | None:
        """First and last date of the records, each no more precise than its record says."""
        starts = [(d.start_date, d.start_precision) for d in self.dossiers]
        ends = [(d.end_date, d.end_precision) for d in self.dossiers]
        starts += [(d.issued_date, DatePrecision.DAY) for d in self.unfiled]
        ends += [(d.issued_date, DatePrecision.DAY) for d in self.unfiled]
        if not starts:
            return None
        first = min(starts, key=lambda pair: pair[0])
        last = max(ends, key=lambda pair: pair[0])
        return short_date(*first), short_date(*last)

    @property
    def years(self) -> str:
        """'2024' or '2022 - 2024' (en dash): the Năm line under the inventory's title."""
        first, last = self.first_date, self.last_date
        if first is None or last is None:
            return str(self.made_on.year)
        return str(first.year) if first.year == last.year else f"{first.year} {DASH} {last.year}"

    @property
    def code_range(self) -> tuple[str, str] | None:
        if not self.dossiers:
            return None
        return self.dossiers[0].code, self.dossiers[-1].code


def collect(transfer: Transfer) -> Inventory:
    """Read the transfer's agency, people, dossiers and documents: four queries whatever the
    size (one more when no dossier names its fonds; the code lists are cached per process)."""
    agency = Agency.objects.select_related("parent", "transfers_to").get(pk=transfer.agency_id)
    people = {
        user.pk: Person(user.get_full_name(), user.position)
        for user in User.objects.filter(
            pk__in=[pk for pk in (transfer.submitted_by_id, transfer.decided_by_id) if pk]
        ).only("username", "full_name", "position")
    }
    dossiers = list(transfer.dossiers.select_related("fonds", "plan_entry__plan").order_by("code"))
    documents = transfer.documents.only(
        "dossier_id",
        "ordinal",
        "archival_code",
        "identifier",
        "number",
        "notation",
        "issued_date",
        "doc_type",
        "summary",
        "issuer",
        "page_count",
    ).order_by("dossier_id", "ordinal", "issued_date", "pk")
    by_dossier: dict[int | None, list[Document]] = defaultdict(list)
    for document in documents:
        by_dossier[document.dossier_id].append(document)

    rows = [_dossier_row(n, d, by_dossier.get(d.pk, [])) for n, d in enumerate(dossiers, 1)]
    unfiled = [_document_row(n, d) for n, d in enumerate(by_dossier.get(None, []), 1)]
    fonds = {d.fonds.pk: d.fonds for d in dossiers if d.fonds is not None}
    if not fonds:
        fallback = agency.fonds.filter(is_open=True).order_by("code").first()
        fonds = {fallback.pk: fallback} if fallback else {}
    plan_years = sorted({d.plan_entry.plan.year for d in dossiers if d.plan_entry is not None})
    # The handover happens when the archive accepts; before that, the day the checks ended.
    moment = transfer.decided_at or transfer.finished_at or transfer.created_at or timezone.now()
    return Inventory(
        transfer=transfer,
        agency=agency,
        parent_name=agency.parent.name if agency.parent else "",
        receiver=agency.transfers_to.name if agency.transfers_to else DEFAULT_RECEIVER,
        fonds="; ".join(f"{f.name} ({f.code})" for f in fonds.values()),
        made_on=timezone.localdate(moment),
        dossiers=rows,
        unfiled=unfiled,
        plan_years=plan_years,
        deliverer=people.get(transfer.submitted_by_id) if transfer.submitted_by_id else None,
        recipient=people.get(transfer.decided_by_id) if transfer.decided_by_id else None,
    )


def _dossier_row(number: int, dossier: Dossier, documents: list[Document]) -> DossierRow:
    notes = [dossier.description] if dossier.description else []
    if dossier.total_docs != len(documents):
        # Only a warning at ingest; the inventory must still say what was actually received.
        notes.append(f"Hồ sơ khai {dossier.total_docs} tài liệu, nhận {len(documents)}.")
    return DossierRow(
        number=number,
        code=dossier.code,
        title=dossier.title,
        start_date=dossier.start_date,
        start_precision=dossier.start_precision,
        end_date=dossier.end_date,
        end_precision=dossier.end_precision,
        retention=codes.label("retention", dossier.retention),
        access_regime=codes.label("access_regime", dossier.access_regime),
        doc_count=len(documents),
        page_count=dossier.page_count,
        note=" ".join(notes),
        documents=[_document_row(n, d, dossier.code) for n, d in enumerate(documents, start=1)],
    )


def _document_row(number: int, document: Document, dossier_code: str = "") -> DocumentRow:
    notation = "/".join(p for p in (document.number, document.notation) if p)
    return DocumentRow(
        number=document.ordinal or number,
        archival_code=document.archival_code or document.identifier,
        number_notation=notation,
        issued_date=document.issued_date,
        doc_type=codes.label("document_type", document.doc_type),
        summary=document.summary,
        issuer=document.issuer,
        page_count=document.page_count,
        dossier_code=dossier_code,
    )


# ---------------------------------------------------------------------------------------------
# PDF


def _context(inventory: Inventory) -> dict[str, Any]:
    transfer = inventory.transfer
    return {
        "inv": inventory,
        "transfer": transfer,
        "agency": inventory.agency,
        "made_on": inventory.made_on,
        "period": inventory.period,
        "dossiers_in_words": number_in_words(inventory.dossier_count),
        "blank": BLANK,
    }


def _heading(inventory: Inventory, *, dated: bool) -> Heading:
    """The agency that hands over; the place is left for the signer to fill in."""
    day = inventory.made_on if dated else None
    return Heading((inventory.agency.name,), inventory.parent_name, place=BLANK, day=day)


def inventory_pdf(transfer: Transfer, *, documents: bool = True) -> bytes:
    """The Mục lục hồ sơ, tài liệu nộp lưu as an A4 landscape PDF, ready to print and sign.

    Cost: WeasyPrint lays out about 5 pages a second, one page per ~16 documents; 5,000
    documents take about a minute and 1 GB. ``documents=False`` leaves out the per-dossier
    document lists (part II), keeping the dossier list the form requires, at a tenth of that.
    """
    inventory = collect(transfer)
    context = _context(inventory)
    context["with_documents"] = documents
    # The form dates the signature, not the heading.
    context["heading"] = _heading(inventory, dated=False)
    context["signers"] = [
        Signer(
            ("NGƯỜI LẬP",),
            hint="(Ký và ghi rõ họ và tên, chức vụ)",
            dateline=dateline(BLANK, inventory.made_on),
        ),
    ]
    return render_pdf("ingest/outputs/inventory.html", context)


def handover_pdf(transfer: Transfer) -> bytes:
    """The Biên bản giao nhận hồ sơ, tài liệu as an A4 portrait PDF with blank signature blocks."""
    inventory = collect(transfer)
    context = _context(inventory)
    context["legal_bases"] = LEGAL_BASES
    context["plan_basis"] = _plan_basis(inventory)
    context["evidence"] = _evidence(inventory)
    context["heading"] = _heading(inventory, dated=True)
    context["signers"] = [
        Signer(("ĐẠI DIỆN BÊN GIAO",), hint=SIGN_HINT, name=_name(inventory.deliverer)),
        Signer(("ĐẠI DIỆN BÊN NHẬN",), hint=SIGN_HINT, name=_name(inventory.recipient)),
    ]
    return render_pdf("ingest/outputs/handover.html", context)


def _name(person: Person | None) -> str:
    return person.name if person is not None else ""


def _plan_basis(inventory: Inventory) -> str:
    """The third 'Căn cứ' of the form: the file plan the dossiers were opened from, if known."""
    if not inventory.plan_years:
        return f"Căn cứ {BLANK} (Danh mục hồ sơ năm …, Kế hoạch thu thập tài liệu …),"
    years = ", ".join(str(y) for y in inventory.plan_years)
    return f"Căn cứ Danh mục hồ sơ năm {years} của {inventory.agency.name},"


def _evidence(inventory: Inventory, typed: bool = False) -> list[tuple[str, Any]]:
    """What ties the paper to the system: ids, times and the verified file count.

    ``typed`` keeps the times as (naive, local) datetimes for a spreadsheet cell; otherwise
    every value is text for the printed form.
    """
    transfer = inventory.transfer

    def moment(value: datetime.datetime) -> Any:
        local = timezone.localtime(value)
        return local.replace(tzinfo=None) if typed else f"{local:%H:%M %d/%m/%Y}"

    package = transfer.package_name
    if transfer.form:
        package += f" ({PACKAGE_FORMS.get(transfer.form, transfer.form)})"
    rows: list[tuple[str, Any]] = [("Mã lần nộp lưu", str(transfer.pk)), ("Gói", package)]
    if transfer.created_at:
        rows.append(("Nhận gói lúc", moment(transfer.created_at)))
    if transfer.finished_at:
        rows.append(("Kiểm tra xong lúc", moment(transfer.finished_at)))
    if transfer.decided_at:
        rows.append(("Tiếp nhận vào kho lúc", moment(transfer.decided_at)))
    if inventory.deliverer is not None:
        rows.append(("Người nộp trên hệ thống", inventory.deliverer.name))
    if inventory.recipient is not None:
        rows.append(("Người tiếp nhận trên hệ thống", inventory.recipient.name))
    elif transfer.decided_at and transfer.decided_by_id is None:
        rows.append(("Người tiếp nhận trên hệ thống", "tiếp nhận ngay khi nhận gói"))
    rows.append(
        ("Tệp tin đã kiểm tra mã SHA-256", f"{transfer.file_count} tệp, toàn vẹn khi tiếp nhận")
    )
    if transfer.warnings:
        rows.append(("Cảnh báo khi tiếp nhận", f"{len(transfer.warnings)} (xem báo cáo tiếp nhận)"))
    return rows


# ---------------------------------------------------------------------------------------------
# Excel


_DATE_STYLES: dict[str, str] = {
    DatePrecision.DAY: xlsx.DATE,
    DatePrecision.MONTH: xlsx.MONTH,
    DatePrecision.YEAR: xlsx.YEAR,
}


DOSSIER_COLUMNS = (
    Column("STT", 6, xlsx.CENTER),
    Column("Mã hồ sơ", 26),
    Column("Tiêu đề hồ sơ", 60),
    Column("Thời gian bắt đầu", 13, xlsx.DATE),
    Column("Thời gian kết thúc", 13, xlsx.DATE),
    Column("Thời hạn lưu trữ", 12, xlsx.CENTER),
    Column("Chế độ sử dụng", 14, xlsx.CENTER),
    Column("Số tài liệu", 9, xlsx.CENTER),
    Column("Số trang", 9, xlsx.CENTER),
    Column("Ghi chú", 28),
)
DOCUMENT_COLUMNS = (
    Column("STT", 6, xlsx.CENTER),
    Column("Mã hồ sơ", 26),
    Column("Mã lưu trữ", 30),
    Column("Số, ký hiệu", 18),
    Column("Ngày tháng", 12, xlsx.DATE),
    Column("Tên loại", 14),
    Column("Trích yếu", 60),
    Column("Tác giả", 28),
    Column("Số trang", 9, xlsx.CENTER),
)
# Unfiled documents (edXML) have no dossier; the identifier is what names them.
UNFILED_COLUMNS = (DOCUMENT_COLUMNS[0], Column("Mã định danh", 30), *DOCUMENT_COLUMNS[3:])


def _inventory_heading(sheet: FormSheet, inventory: Inventory, title: str) -> None:
    sheet.title(title)
    sheet.title(inventory.agency.name, size=13)
    sheet.title(f"Năm {inventory.years}", size=12)
    sheet.skip()
    sheet.fact("Cơ quan nộp lưu", f"{inventory.agency.name} ({inventory.agency.code})")
    sheet.fact("Nơi nhận", inventory.receiver)
    sheet.fact("Phông", inventory.fonds or "—")
    sheet.fact("Ngày lập", inventory.made_on, date=True)
    sheet.fact("Mã lần nộp lưu", str(inventory.transfer.pk))
    sheet.skip()


def _document_values(rows: Iterable[DocumentRow], filed: bool = True) -> Iterable[list[Any]]:
    for d in rows:
        values = [
            d.number,
            d.dossier_code,
            d.archival_code,
            d.number_notation,
            d.issued_date,
            d.doc_type,
            d.summary,
            d.issuer,
            d.page_count,
        ]
        yield values if filed else values[:1] + values[2:]


def inventory_xlsx(transfer: Transfer) -> bytes:
    """The inventory as a workbook: the dossiers, their documents, and the unfiled documents."""
    inventory = collect(transfer)
    workbook = xlsx.new_workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "Mục lục hồ sơ"
    sheet = FormSheet(ws, DOSSIER_COLUMNS)
    _inventory_heading(sheet, inventory, "MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU")
    sheet.header()
    for d in inventory.dossiers:
        start = _DATE_STYLES.get(d.start_precision)
        end = _DATE_STYLES.get(d.end_precision)
        sheet.rows(
            [
                (
                    d.number,
                    d.code,
                    d.title,
                    d.start_date,
                    d.end_date,
                    d.retention,
                    d.access_regime,
                    d.doc_count,
                    d.page_count,
                    d.note,
                )
            ],
            styles=(None, None, None, start, end, None, None, None, None, None),
        )
    sheet.total("Cộng", {8: inventory.filed_document_count, 9: inventory.dossier_page_count})
    sheet.skip()
    sheet.fact("Tổng số hồ sơ", inventory.dossier_count)
    sheet.fact("Tổng số tài liệu", inventory.document_count)
    sheet.fact("Tổng số trang", inventory.page_count)
    sheet.fact(
        "Viết bằng chữ", f"{number_in_words(inventory.dossier_count)} hồ sơ (đơn vị bảo quản)."
    )

    sheet = FormSheet(workbook.create_sheet("Tài liệu trong hồ sơ"), DOCUMENT_COLUMNS)
    _inventory_heading(sheet, inventory, "MỤC LỤC VĂN BẢN, TÀI LIỆU TRONG HỒ SƠ")
    sheet.header()
    filed = [document for d in inventory.dossiers for document in d.documents]
    sheet.rows(_document_values(filed))
    sheet.total("Cộng", {len(DOCUMENT_COLUMNS): sum(d.page_count for d in filed)})

    if inventory.unfiled:
        sheet = FormSheet(workbook.create_sheet("Tài liệu chưa lập hồ sơ"), UNFILED_COLUMNS)
        _inventory_heading(sheet, inventory, "TÀI LIỆU CHƯA LẬP HỒ SƠ")
        sheet.header()
        sheet.rows(_document_values(inventory.unfiled, filed=False))
        sheet.total("Cộng", {len(UNFILED_COLUMNS): inventory.unfiled_page_count})
    return xlsx.workbook_bytes(workbook)


def handover_xlsx(transfer: Transfer) -> bytes:
    """The handover record as a one-sheet workbook: the same facts, counts and dates typed."""
    inventory = collect(transfer)
    workbook = xlsx.new_workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "Biên bản giao nhận"
    sheet = FormSheet(ws, (Column("", 18), Column("", 22), Column("", 70)))
    ws.page_setup.orientation = "portrait"
    if inventory.parent_name:
        sheet.title(inventory.parent_name.upper(), size=12, bold=False)
    sheet.title(inventory.agency.name.upper(), size=12)
    sheet.title(NATIONAL_NAME, size=12)
    sheet.title(NATIONAL_MOTTO, size=13)
    sheet.title(dateline(BLANK, inventory.made_on), size=12, bold=False, italic=True)
    sheet.skip()
    sheet.title("BIÊN BẢN")
    sheet.title("Giao nhận hồ sơ, tài liệu", size=13)
    sheet.skip()
    for basis in (*LEGAL_BASES, _plan_basis(inventory)):
        sheet.line(basis, italic=True)
    sheet.skip()
    sheet.fact("Bên giao", f"{inventory.agency.name} ({inventory.agency.code})")
    if inventory.deliverer is not None:
        sheet.fact("Đại diện bên giao", _signer(inventory.deliverer))
    sheet.fact("Bên nhận", inventory.receiver)
    if inventory.recipient is not None:
        sheet.fact("Đại diện bên nhận", _signer(inventory.recipient))
    sheet.fact("Ngày giao nhận", inventory.made_on, date=True)
    sheet.fact("Tên khối tài liệu", _block_name(inventory))
    if inventory.first_date and inventory.last_date:
        sheet.fact("Tài liệu từ ngày", inventory.first_date, date=True)
        sheet.fact("Tài liệu đến ngày", inventory.last_date, date=True)
    sheet.fact("Tổng số hồ sơ", inventory.dossier_count)
    if inventory.code_range:
        sheet.fact("Mã hồ sơ từ", inventory.code_range[0])
        sheet.fact("Mã hồ sơ đến", inventory.code_range[1])
    sheet.fact("Tổng số tài liệu", inventory.document_count)
    sheet.fact("Tài liệu chưa lập hồ sơ", len(inventory.unfiled))
    sheet.fact("Tổng số trang", inventory.page_count)
    sheet.fact("Tổng số tệp tin", transfer.file_count)
    sheet.fact("Kèm theo", "Mục lục hồ sơ, tài liệu nộp lưu")
    sheet.skip()
    for label, value in _evidence(inventory, typed=True):
        sheet.fact(label, value, moment=isinstance(value, datetime.datetime))
    sheet.skip()
    for left, right, style in (
        ("ĐẠI DIỆN BÊN GIAO", "ĐẠI DIỆN BÊN NHẬN", xlsx.SIGN),
        (SIGN_HINT, SIGN_HINT, xlsx.SIGN_NOTE),
    ):
        sheet.row += 1
        ws.merge_cells(start_row=sheet.row, start_column=1, end_row=sheet.row, end_column=2)
        sheet.put(1, left, style)
        sheet.put(3, right, style)
    sheet.row += 4  # room to sign, then the names under the signatures
    ws.merge_cells(start_row=sheet.row, start_column=1, end_row=sheet.row, end_column=2)
    for column, person in ((1, inventory.deliverer), (3, inventory.recipient)):
        sheet.put(column, person.name if person else "", xlsx.SIGN)
    return xlsx.workbook_bytes(workbook)


def _signer(person: Person) -> str:
    return f"{person.name}, {person.position}" if person.position else person.name


def _block_name(inventory: Inventory) -> str:
    """Tên khối tài liệu: whose records, which fonds, which years."""
    name = f"Hồ sơ, tài liệu điện tử của {inventory.agency.name}, năm {inventory.years}"
    return f"{name}, thuộc {inventory.fonds}" if inventory.fonds else name
