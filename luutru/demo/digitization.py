"""A digitized paper dossier for the demo province: two scanned pages, recognised and accepted
through the same actions as a scanning station's batch (about a second of OCR), and signed with
the demo archive certificate (made here if missing, as ``luutru access_demo_cert`` does)."""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from luutru.access.signing import write_demo_certificate
from luutru.accounts.models import User
from luutru.demo.use import ARCHIVE_CODE
from luutru.digitization import actions, samples, signing
from luutru.organizations.models import Agency
from luutru.records.models import Dossier

AGENCY = "000.00.03.H62"  # Sở Tài chính, which transfers to the provincial historical archive
CODE = "000.00.03.H62.2015.07"
PAPER_CODE = "H62.K2.G05.H12.07"
OPERATOR = "luutruvien"


def seed_digitization() -> int:
    """Create and digitize the paper dossier unless it exists; the number of documents made."""
    agency = Agency.objects.filter(code=AGENCY).first()
    if agency is None or Dossier.objects.filter(code=CODE).exists():
        return 0
    dossier = Dossier.objects.create(
        code=CODE,
        agency=agency,
        fonds=agency.fonds.filter(is_open=True).order_by("code").first(),
        year=2015,
        notation="07",
        title="Hồ sơ về phân bổ dự toán ngân sách nhà nước năm 2015 (bản giấy đã số hóa)",
        retention="01",
        access_regime="01",
        languages="01",
        start_date=datetime.date(2015, 1, 5),
        end_date=datetime.date(2015, 12, 30),
        total_docs=1,
        page_count=2,
        physical_condition="02",
        keywords="ngân sách; số hóa",
    )
    operator = User.objects.filter(username=OPERATOR).first()
    # Digitized PDF/As are signed by the archive (TT 05/2025 Điều 8): the demo CA and the
    # archive's certificate are made first, where the settings point.
    if signing.missing():
        archive = Agency.objects.filter(code=ARCHIVE_CODE).first()
        files = signing.credentials()
        write_demo_certificate(
            files.cert.parent, archive.name if archive else "Trung tâm Lưu trữ lịch sử tỉnh"
        )
    with tempfile.TemporaryDirectory(prefix="luutru-demo-scan-") as tmp:
        uploads = []
        for number, lines in enumerate((samples.DECISION, samples.REPORT), start=1):
            image = samples.page_image(lines, dpi=200, height_inches=3.2, font_index=number)
            path = samples.write(Path(tmp) / f"trang-{number:02d}.png", image)
            uploads.append(actions.Upload(path, path.name))
        # What the operator confirmed from the scan (the review page suggests these from the
        # OCR text); the paper original's sheets and condition are counted by hand.
        item = actions.ItemSpec(
            files=uploads,
            summary="Quyết định phân bổ dự toán ngân sách nhà nước năm 2015",
            doc_type="02",
            issued_date=datetime.date(2015, 1, 12),
            number="12",
            notation="QĐ-STC",
            issuer="Sở Tài chính",
            sheet_count=2,
            physical_condition="02",
        )
        batch = actions.create_batch(
            dossier,
            [item],
            actor=operator,
            paper_code=PAPER_CODE,
            source="demo",
            name="Số hóa hồ sơ ngân sách 2015",
        )
    actions.process_batch(batch.pk)
    return len(actions.accept_batch(batch, actor=operator))
