"""Collection (thu thập): ingest of generated spreadsheet packages, and the storage write path.

Packages of N documents (one dossier per 10 documents, one small distinct PDF per document,
listed in ho_so.xlsx / tai_lieu.xlsx with SHA-256 digests) go through `luutru ingest` in a
fresh process each, so the peak resident memory of that process is the ingest's own. The
write path stores a 1 GiB file through the storage backend (hash, write, fsync, read back and
hash again) and is compared with the physical limit of the same run: the slower of bare
`hashlib.sha256` over the same file and `dd conv=fsync` of it to the same disk.
Targets (issue 3): ≥ 100 documents/s on 2 cores, peak memory under 500 MB and flat as the
package grows, write-path ratio ≥ 0.85.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf

from bench.harness import Figure

SIZES = (2_500, 10_000)
AGENCY = "000.00.12.H62"
DD = shutil.which("dd") or "/bin/dd"
ROOT = Path(__file__).resolve().parent.parent


def make_pdf(n: int) -> bytes:
    pdf = pikepdf.Pdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Title"] = f"Quyết định số {n}/QĐ-UBND về việc giao đất"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


DOSSIER_HEADERS = (
    "Mã hồ sơ", "Tiêu đề hồ sơ", "Thời hạn lưu trữ", "Chế độ sử dụng", "Ngôn ngữ",
    "Thời gian bắt đầu", "Thời gian kết thúc", "Tổng số tài liệu trong hồ sơ", "Số lượng trang",
    "Chế độ dự phòng",
)  # fmt: skip
DOCUMENT_HEADERS = (
    "Mã hồ sơ", "Số thứ tự", "Mã định danh tài liệu", "Tên loại tài liệu", "Số của tài liệu",
    "Ký hiệu của tài liệu",
    "Ngày tháng năm tài liệu", "Tên cơ quan, tổ chức ban hành", "Trích yếu nội dung",
    "Số lượng trang", "Tệp tin", "SHA-256",
)  # fmt: skip


def make_package(root: Path, documents: int, year: int) -> Path:
    from luutru.lib.spreadsheets import Column, table_xlsx

    root.mkdir(parents=True)
    dossier_rows: list[list[object]] = []
    document_rows: list[list[object]] = []
    for d in range(documents // 10):
        code = f"{AGENCY}.{year}.{d + 1:04d}"
        dossier_rows.append(
            [
                code,
                f"Hồ sơ giao đất, cho thuê đất số {d + 1} năm {year}",
                "01",
                "01",
                "01",
                f"03/01/{year}",
                f"28/12/{year}",
                10,
                10,
                "0",
            ]
        )
        folder = root / "tai_lieu" / f"HS{d + 1:04d}"
        folder.mkdir(parents=True)
        for o in range(1, 11):
            n = d * 10 + o
            data = make_pdf(n)
            (folder / f"{o:02d}.pdf").write_bytes(data)
            document_rows.append(
                [
                    code,
                    o,
                    f"H62.00.12.{year}.{d + 1}.{o}",  # mã định danh, required since TT 05
                    "Quyết định",
                    str(n),
                    "QĐ-UBND",
                    f"{(o % 28) + 1:02d}/06/{year}",
                    "Ủy ban nhân dân tỉnh",
                    f"Về việc giao đất cho hộ gia đình số {n}",
                    1,
                    f"tai_lieu/HS{d + 1:04d}/{o:02d}.pdf",
                    hashlib.sha256(data).hexdigest(),
                ]
            )
    (root / "ho_so.xlsx").write_bytes(
        table_xlsx([Column(h) for h in DOSSIER_HEADERS], dossier_rows, title="ho_so")
    )
    (root / "tai_lieu.xlsx").write_bytes(
        table_xlsx([Column(h) for h in DOCUMENT_HEADERS], document_rows, title="tai_lieu")
    )
    return root


def ingest_in_child(package: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of `luutru ingest` on the package, in its own process."""
    with tempfile.TemporaryFile() as report:
        start = time.perf_counter()
        child = subprocess.Popen(  # noqa: S603 - our own CLI
            [str(ROOT / ".venv" / "bin" / "luutru"), "ingest", str(package), "--agency", AGENCY],
            stdout=report,
            stderr=subprocess.STDOUT,
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            report.seek(0)
            raise RuntimeError(f"ingest failed: {report.read(3000).decode()}")
    return elapsed, usage.ru_maxrss / 1024


def write_path(tmp: Path) -> tuple[float, float, float]:
    """MB/s of bare hashlib, of ``dd conv=fsync`` to the storage's disk, and of the storage
    write path, over the same 1 GiB file."""
    from luutru.storage.backends import LocalDiskBackend

    big = tmp / "1GiB.bin"
    block = os.urandom(64 * 1024 * 1024)
    with big.open("wb") as out:
        for _ in range(16):
            out.write(block)

    def bare() -> None:
        hasher = hashlib.sha256()
        with big.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                hasher.update(chunk)

    bare()  # warm the page cache for both
    start = time.perf_counter()
    bare()
    bare_seconds = time.perf_counter() - start
    disk = LocalDiskBackend(tmp / "kho")
    (tmp / "kho").mkdir(exist_ok=True)
    start = time.perf_counter()
    subprocess.run(  # noqa: S603 - coreutils' dd, our own paths
        [DD, f"if={big}", f"of={tmp / 'kho' / 'dd.bin'}", "bs=8M", "conv=fsync", "status=none"],
        check=True,
    )
    dd_seconds = time.perf_counter() - start
    (tmp / "kho" / "dd.bin").unlink()
    start = time.perf_counter()
    with big.open("rb") as handle:
        disk.put(handle)
    put_seconds = time.perf_counter() - start
    return 1024 / bare_seconds, 1024 / dd_seconds, 1024 / put_seconds


def run() -> list[Figure]:
    from django.core.management import call_command

    call_command("agency", "add", AGENCY, "Sở Tài nguyên và Môi trường", stdout=io.StringIO())
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for year, size in enumerate(SIZES, start=2020):
            package = make_package(tmp / f"goi_{size}", size, year)
            seconds, peak = ingest_in_child(package)
            figures.append(
                Figure(
                    f"ingest {size:,} documents",
                    round(size / seconds, 1),
                    "documents/s",
                    "≥ 100",
                    f"{seconds:.1f} s",
                )
            )
            figures.append(Figure(f"peak memory, {size:,} documents", round(peak), "MB", "< 500"))
        bare, dd, put = write_path(tmp)
        limit = min(bare, dd)
        figures += [
            Figure("bare hashlib.sha256, 1 GiB", round(bare), "MB/s"),
            Figure("dd conv=fsync to the storage disk, 1 GiB", round(dd), "MB/s"),
            Figure(
                "storage write path, 1 GiB",
                round(put),
                "MB/s",
                note="hash, write, fsync, read back, hash",
            ),
            Figure(
                "write path / physical limit",
                round(put / limit, 2),
                "ratio",
                "≥ 0.85",
                "limit: the slower of bare SHA-256 and dd conv=fsync",
            ),
        ]
    print(sys.version.split()[0], file=sys.stderr)
    return figures
