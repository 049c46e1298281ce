"""Small spreadsheet packages made on the fly, for tests that need one defect at a time."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image

DOSSIER = {
    "Mã hồ sơ": "000.00.12.H62.2024.01",
    "Tiêu đề hồ sơ": "Hồ sơ về quản lý đất đai năm 2024",
    "Thời hạn lưu trữ": "Vĩnh viễn",
    "Chế độ sử dụng": "01",
    "Ngôn ngữ": "01",
    "Thời gian bắt đầu": "02/01/2024",
    "Thời gian kết thúc": "30/12/2024",
    "Tổng số tài liệu trong hồ sơ": "2",
    "Số lượng trang": "3",
    "Chế độ dự phòng": "0",
}


def document(ordinal: int, pages: int = 1, **overrides: str) -> dict[str, str]:
    row = {
        "Mã hồ sơ": DOSSIER["Mã hồ sơ"],
        "Số thứ tự": str(ordinal),
        "Mã định danh tài liệu": f"H62.00.12.2024.01.{ordinal}",
        "Tên loại tài liệu": "Quyết định",
        "Số của tài liệu": str(100 + ordinal),
        "Ký hiệu của tài liệu": "QĐ-UBND",
        "Ngày tháng năm tài liệu": f"{ordinal:02d}/03/2024",
        "Tên cơ quan, tổ chức ban hành": "Ủy ban nhân dân tỉnh",
        "Trích yếu nội dung": f"Về việc giao đất đợt {ordinal}",
        "Số lượng trang": str(pages),
        "Tệp tin": f"tai_lieu/{ordinal:02d}.pdf",
    }
    row.update(overrides)
    return row


def pdf_bytes(pages: int = 1, javascript: bool = False) -> bytes:
    pdf = pikepdf.Pdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    if javascript:
        action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.Root.OpenAction = pdf.make_indirect(action)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def png_bytes() -> bytes:
    """A real PNG image, e.g. to hide behind a .pdf name."""
    out = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(out, format="PNG")
    return out.getvalue()


def write_package(
    root: Path,
    dossiers: list[dict[str, str]] | None = None,
    documents: list[dict[str, str]] | None = None,
    files: dict[str, bytes] | None = None,
    with_digests: bool = True,
) -> Path:
    """ho_so.csv, tai_lieu.csv and the files; digests are filled in unless told otherwise."""
    root.mkdir(parents=True, exist_ok=True)
    dossiers = [dict(DOSSIER)] if dossiers is None else dossiers
    documents = [document(1, pages=1), document(2, pages=2)] if documents is None else documents
    if files is None:
        files = {d["Tệp tin"]: pdf_bytes(int(d["Số lượng trang"])) for d in documents}
    for relative, data in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if with_digests:
        for row in documents:
            content = files.get(row["Tệp tin"])
            if content is not None and "SHA-256" not in row:
                row["SHA-256"] = hashlib.sha256(content).hexdigest()
    _write_csv(root / "ho_so.csv", dossiers)
    _write_csv(root / "tai_lieu.csv", documents)
    return root


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    headers: list[str] = []
    for row in rows:
        headers += [h for h in row if h not in headers]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


def package_for(
    root: Path, agency_code: str, notation: str = "01", documents: int = 2, year: int = 2024
) -> Path:
    """A valid package of one dossier of ``agency_code`` (mã hồ sơ ``CODE.YEAR.NOTATION``)."""
    code = f"{agency_code}.{year}.{notation}"
    dossier = dict(DOSSIER)
    dossier.update({"Mã hồ sơ": code, "Tổng số tài liệu trong hồ sơ": str(documents)})
    rows = [
        {
            **document(n),
            "Mã hồ sơ": code,
            # TT 05 docId: issuer, year, number; unique per package as the code is.
            "Mã định danh tài liệu": f"{agency_code[-3:]}.{agency_code[7:9]}.{year}.{notation}.{n}",
            "Tệp tin": f"tai_lieu/{notation}/{n:02d}.pdf",
        }
        for n in range(1, documents + 1)
    ]
    return write_package(root, dossiers=[dossier], documents=rows)


def fill_blank(blank: bytes, rows: list[dict[str, str]]) -> bytes:
    """A downloaded blank form (ho_so.xlsx / tai_lieu.xlsx) filled in as a clerk would: each
    row's values typed under the header of the same name (the " *" of required columns aside),
    from row 2 down, in the first sheet."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(blank))
    ws = workbook.worksheets[0]
    where = {str(c.value).removesuffix(" *"): c.column for c in ws[1] if c.value}
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            ws.cell(number, where[header], value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_blank_package(
    root: Path, ho_so: bytes, tai_lieu: bytes, documents: list[dict[str, str]]
) -> Path:
    """A package of the two filled forms and a PDF per document row (pages as the row says)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "ho_so.xlsx").write_bytes(ho_so)
    (root / "tai_lieu.xlsx").write_bytes(tai_lieu)
    for row in documents:
        target = root / row["Tệp tin"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pdf_bytes(int(row["Số lượng trang"])))
    return root
