"""The papers of a destruction round (hồ sơ hủy tài liệu, TT 06/2025), as PDF and Excel.

* ``list`` — Danh mục tài liệu hết thời hạn lưu trữ đề nghị hủy (TT 06/2025 Phụ lục II:
  tiêu đề, thời gian, thời hạn, lý do hủy, ghi chú) with the Bản thuyết minh (Phụ lục III).
* ``minutes`` — Biên bản họp Hội đồng xác định giá trị tài liệu: members, each item's votes
  and conclusion.
* ``decision`` — Quyết định hủy tài liệu hết thời hạn lưu trữ, with its 15-day deadline.
* ``record`` — Biên bản hủy tài liệu: what was destroyed, when, by whom, which files.

PDFs through ``luutru.lib.printing`` (NĐ 30 heading and signatures), workbooks through
``luutru.lib.spreadsheets``. Legal forms: always in Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from luutru.lib import printing
from luutru.lib.printing import Heading, Signer
from luutru.lib.spreadsheets import Column, FormSheet, new_workbook, workbook_bytes
from luutru.organizations.models import Archive
from luutru.preservation.models import Aip
from luutru.records.models import DocumentFile
from luutru.retention import services
from luutru.retention.models import Appraisal, AppraisalItem, HistoricalTransfer, Opinion

BLANK = "…………………"


@dataclass(frozen=True)
class Paper:
    slug: str
    title: str
    template: str
    signers: tuple[Signer, ...]


PAPERS = {
    "list": Paper(
        "danh-muc",
        "Danh mục tài liệu hết thời hạn lưu trữ đề nghị hủy",
        "retention/papers/list.html",
        (Signer(("NGƯỜI LẬP DANH MỤC",), hint="(Ký, ghi rõ họ tên)"),),
    ),
    "minutes": Paper(
        "bien-ban-hop",
        "Biên bản họp Hội đồng xác định giá trị tài liệu",
        "retention/papers/minutes.html",
        (
            Signer(("THƯ KÝ HỘI ĐỒNG",), hint="(Ký, ghi rõ họ tên)"),
            Signer(("CHỦ TỊCH HỘI ĐỒNG",), hint="(Ký, ghi rõ họ tên)"),
        ),
    ),
    "decision": Paper(
        "quyet-dinh",
        "Quyết định hủy tài liệu hết thời hạn lưu trữ",
        "retention/papers/decision.html",
        (Signer(("THỦ TRƯỞNG CƠ QUAN",), hint="(Ký, ghi rõ họ tên, đóng dấu)"),),
    ),
    "record": Paper(
        "bien-ban-huy",
        "Biên bản hủy tài liệu hết thời hạn lưu trữ",
        "retention/papers/record.html",
        (
            Signer(("ĐẠI DIỆN BÊN GIAO",), hint="(Ký, ghi rõ họ tên, đóng dấu)"),
            Signer(("ĐẠI DIỆN BÊN HỦY",), hint="(Ký, ghi rõ họ tên, đóng dấu)"),
        ),
    ),
}


RECEIPT = Paper(
    "bien-ban-giao-nhan",
    "Biên bản giao nhận tài liệu nộp lưu vào lưu trữ lịch sử",
    "retention/papers/receipt.html",
    (
        Signer(("ĐẠI DIỆN BÊN GIAO",), hint="(Ký, ghi rõ họ tên, đóng dấu)"),
        Signer(("ĐẠI DIỆN BÊN NHẬN",), hint="(Ký, ghi rõ họ tên, đóng dấu)"),
    ),
)


def receipt_pdf(transfer: HistoricalTransfer) -> bytes:
    """Biên bản giao nhận tài liệu (Luật Lưu trữ 2024 Điều 17) of a transfer: the two sides,
    the block of records, counts and size, and the list of dossiers with their new AIP. Drawn
    up by the receiving historical archive, in the NĐ 30 layout. Cost: three queries."""
    archive = Archive.objects.select_related("agency__parent").get(source_agencies=transfer.agency)
    dossiers = list(transfer.dossiers.annotate(documents_count=Count("documents")).order_by("code"))
    aips = {a.dossier_id: a for a in Aip.objects.filter(dossier__in=dossiers)}
    totals = DocumentFile.objects.filter(document__dossier__in=dossiers).aggregate(
        files=Count("pk"), size=Sum("stored__size")
    )
    rows = []
    for dossier in dossiers:
        aip = aips.get(dossier.pk)
        if aip is not None:
            aip.dossier = dossier  # objid reads the dossier's fonds
        rows.append(
            {
                "dossier": dossier,
                "documents": dossier.documents_count,
                "objid": aip.objid if aip else "",
                "version": aip.version if aip else None,
            }
        )
    years = [d.start_date.year for d in dossiers] + [d.end_date.year for d in dossiers]
    agency = archive.agency
    heading = Heading(
        (agency.name,),
        agency.parent.name if agency.parent else "",
        place=BLANK,
        day=timezone.localdate(transfer.received_at) if transfer.received_at else None,
    )
    receiver = transfer.received_by
    return printing.render_pdf(
        RECEIPT.template,
        {
            "heading": heading,
            "signers": (
                RECEIPT.signers[0],
                Signer(
                    RECEIPT.signers[1].titles,
                    hint=RECEIPT.signers[1].hint,
                    name=receiver.get_full_name() if receiver else "",
                ),
            ),
            "organisation": agency.name,
            "now": timezone.localtime(),
            "paper": RECEIPT,
            "transfer": transfer,
            "archive": archive,
            "rows": rows,
            "documents": sum(r["documents"] for r in rows),
            "files": totals["files"] or 0,
            "size": filesizeformat(totals["size"] or 0),
            "first_year": min(years) if years else None,
            "last_year": max(years) if years else None,
            "receiver": receiver.get_full_name() if receiver else "",
            "giver": transfer.planned_by.get_full_name() if transfer.planned_by_id else "",
        },
    )


def _items(appraisal: Appraisal, name: str) -> list[AppraisalItem]:
    items = appraisal.items.prefetch_related("votes__member__user").order_by("code")
    if name in {"decision", "record"}:
        items = items.filter(outcome=Opinion.DESTROY)
    return list(items)


def context(appraisal: Appraisal, name: str) -> dict[str, Any]:
    items = _items(appraisal, name)
    rows = []
    for number, item in enumerate(items, start=1):
        rows.append(
            {
                "number": number,
                "item": item,
                "votes": services.tally(item),
                "retention": services.retention_label(item.retention),
                "new_retention": services.retention_label(item.new_retention)
                if item.new_retention
                else "",
            }
        )
    return {
        "appraisal": appraisal,
        "rows": rows,
        "members": list(appraisal.members.select_related("user")),
        "destroyed": list(appraisal.destroyed.order_by("code")),
        "destroy_count": sum(1 for i in items if i.outcome == Opinion.DESTROY),
    }


def pdf(appraisal: Appraisal, name: str) -> bytes:
    paper = PAPERS[name]
    agency = appraisal.agency
    now = timezone.localtime()
    number = appraisal.decision_number if name == "decision" else ""
    heading = Heading(
        (agency.name,),
        agency.parent.name if agency.parent else "",
        number=number,
        place=BLANK,
        day=now.date(),
    )
    return printing.render_pdf(
        paper.template,
        {
            "heading": heading,
            "signers": paper.signers,
            "organisation": agency.name,
            "now": now,
            "paper": paper,
            **context(appraisal, name),
        },
    )


COLUMNS = {
    "list": [
        Column("STT", 6),
        Column("Mã hồ sơ", 28),
        Column("Tiêu đề hồ sơ", 60),
        Column("Thời gian kết thúc", 14),
        Column("Thời hạn lưu trữ", 14),
        Column("Hết hạn", 14),
        Column("Lý do hủy", 24),
        Column("Ghi chú", 24),
    ],
    "minutes": [
        Column("STT", 6),
        Column("Mã hồ sơ", 28),
        Column("Tiêu đề hồ sơ", 60),
        Column("Đồng ý hủy", 12),
        Column("Giữ lại", 12),
        Column("Kết luận", 16),
        Column("Thời hạn mới", 14),
        Column("Lý do giữ lại", 30),
    ],
    "decision": [
        Column("STT", 6),
        Column("Mã hồ sơ", 28),
        Column("Tiêu đề hồ sơ", 60),
        Column("Thời hạn lưu trữ", 14),
        Column("Hết hạn", 14),
    ],
    "record": [
        Column("STT", 6),
        Column("Mã hồ sơ", 28),
        Column("Tiêu đề hồ sơ", 60),
        Column("Số tài liệu", 12),
        Column("Số tệp đã xóa", 14),
        Column("Hủy lúc", 20),
    ],
}


def xlsx(appraisal: Appraisal, name: str) -> bytes:
    paper = PAPERS[name]
    data = context(appraisal, name)
    workbook = new_workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = paper.slug
    sheet = FormSheet(ws, COLUMNS[name])
    sheet.title(appraisal.agency.name.upper(), size=12)
    sheet.title(paper.title.upper())
    sheet.line(appraisal.title, italic=True)
    if name == "decision":
        sheet.fact("Số quyết định", appraisal.decision_number)
        sheet.fact("Hạn thực hiện hủy", appraisal.destroy_by, date=True)
    if name == "record":
        sheet.fact("Theo quyết định số", appraisal.decision_number)
        sheet.fact(
            "Thực hiện lúc",
            timezone.localtime(appraisal.destroyed_at).replace(tzinfo=None)
            if appraisal.destroyed_at
            else None,
            moment=True,
        )
    sheet.skip()
    sheet.header()
    if name == "list":
        values = [
            [
                r["number"],
                r["item"].code,
                r["item"].title,
                r["item"].end_date,
                r["retention"],
                r["item"].expires,
                "Hết thời hạn lưu trữ",
                r["item"].get_outcome_display(),
            ]
            for r in data["rows"]
        ]
    elif name == "minutes":
        values = [
            [
                r["number"],
                r["item"].code,
                r["item"].title,
                r["votes"]["destroy"],
                r["votes"]["keep"],
                r["item"].get_outcome_display(),
                r["new_retention"],
                r["item"].keep_reason,
            ]
            for r in data["rows"]
        ]
    elif name == "decision":
        values = [
            [r["number"], r["item"].code, r["item"].title, r["retention"], r["item"].expires]
            for r in data["rows"]
        ]
    else:
        values = [
            [
                n,
                d.code,
                d.title,
                len(d.documents),
                sum(1 for f in d.files if f["removed"]),
                timezone.localtime(d.destroyed_at).replace(tzinfo=None),
            ]
            for n, d in enumerate(data["destroyed"], start=1)
        ]
    sheet.rows(values)
    return workbook_bytes(workbook)
