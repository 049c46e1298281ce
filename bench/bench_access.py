"""Use (khai thác): what a reader waits for, and what the head's approval costs.

A reading copy is rendered page by page as the reader scrolls, with the watermark drawn into
each image, so the time of one page is the latency the reader feels. Plain and certified
copies are made when the head approves (synchronously today), so their time per document
bounds how large a request can be before it should move to a background task. Measured on an
A4 page rendered at 1100 px wide and a 10-page A4 PDF (WeasyPrint, real text), one core.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from bench.harness import Figure, percentile, timings

PAGES = 10


def _pdf() -> bytes:
    import weasyprint

    body = "".join(
        f"<section style='page-break-after:always'><h1>Quyết định số {n}/QĐ-UBND</h1>"
        + "<p>Về việc bồi thường, hỗ trợ và tái định cư khi Nhà nước thu hồi đất. </p>" * 30
        + "</section>"
        for n in range(1, PAGES + 1)
    )
    return bytes(weasyprint.HTML(string=f"<html lang='vi'><body>{body}</body></html>").write_pdf())


def run() -> list[Figure]:
    from luutru.access import copies, signing, workdays

    pdf = _pdf()
    at = datetime.datetime.now(tz=datetime.UTC)
    page = timings(
        lambda: copies.reading_page(
            pdf, 3, agency="Trung tâm Lưu trữ lịch sử tỉnh", reader="Đặng Thị Đọc", at=at
        ),
        repeat=20,
    )
    plain = timings(lambda: copies.plain_copy(pdf), repeat=5)
    with tempfile.TemporaryDirectory() as scratch:
        files = signing.write_demo_certificate(Path(scratch), "Trung tâm Lưu trữ lịch sử tỉnh")
        certified = timings(
            lambda: copies.certified_copy(
                pdf,
                signer_name="Trung tâm",
                key_file=files.key,
                cert_file=files.cert,
                chain_files=files.chain,
            ),
            repeat=5,
        )
    deadline = timings(lambda: workdays.add_working_days(datetime.date(2026, 2, 13), 6), repeat=200)
    return [
        Figure(
            "reading-copy page with watermark (p95)",
            round(percentile(page, 95) * 1000),
            "ms",
            "≤ 500",
            "A4 at 1100 px, JPEG",
        ),
        Figure(
            f"plain copy 'BẢN SAO' ({PAGES} pages, median)",
            round(percentile(plain, 50) * 1000),
            "ms",
            "≤ 2000",
        ),
        Figure(
            f"certified copy, PAdES signature ({PAGES} pages, median)",
            round(percentile(certified, 50) * 1000),
            "ms",
            "≤ 3000",
        ),
        Figure(
            "6-working-day deadline across Tết (median)",
            round(percentile(deadline, 50) * 1_000_000),
            "µs",
            "≤ 1000",
        ),
    ]
