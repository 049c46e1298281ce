"""In a real browser (Debian's Chromium), a whole disposal driven through the pages: the due
list, the round opened, the council formed, each member signing in to vote on each dossier,
the minutes, the head's decision, the destruction; then the dossier is gone from the portal,
the API, the public search and both storage copies, while the register of destroyed records
and the biên bản hủy remain, and the store and the audit chain still verify.

The round's page is saved to /tmp/luutru-retention-appraisal.png to look at (not committed).
"""

from __future__ import annotations

import datetime
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from playwright.sync_api import Page, expect

from luutru.accounts.models import Role
from luutru.organizations import actions
from luutru.organizations.models import Agency, AgencyKind, ArchiveKind, Fonds
from luutru.organizations.tests.test_browser import page, sign_in, url  # noqa: F401
from luutru.portal.publication import note_documents
from luutru.preservation.actions import create_aips
from luutru.preservation.tests.helpers import attach, store_bytes
from luutru.records.models import Dossier
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.retention.models import Appraisal, AppraisalState
from luutru.search import services as search
from luutru.storage.services import backend, replica
from luutru.test import make_agency, make_user

pytestmark = pytest.mark.browser

FINANCE = "000.00.03.H62"
COUNCIL = {"lanhdao": "Chủ tịch Hội đồng", "luutruvien": "Thư ký Hội đồng", "hoidong": "Ủy viên"}


def expired_dossier(agency: Agency, fonds: Fonds, number: int) -> Dossier:
    """A 10-year dossier whose matter ended in 2012, one document with its PDF, its AIP."""
    dossier = make_dossier(
        agency,
        number,
        code=f"{FINANCE}.2012.{number:02d}",
        year=2012,
        retention="06",
        start_date=datetime.date(2012, 1, 5),
        end_date=datetime.date(2012, 11, 30),
        fonds=fonds,
    )
    document = make_document(
        agency,
        dossier,
        1,
        issued_date=datetime.date(2012, 3, 1),
        summary=f"Báo cáo thanh quyết toán hết hạn số {number}",
    )
    attach(document, store_bytes(f"%PDF-1.4 hồ sơ {number}".encode(), "bao-cao.pdf"), "bao-cao.pdf")
    create_aips([document.pk])
    return dossier


@pytest.fixture
def dossiers(transactional_db: None, settings: Any, tmp_path: Path) -> tuple[Dossier, Dossier]:
    """Sở Tài chính's two expired, published dossiers; the archivist, the head, a member."""
    (tmp_path / "replica").mkdir()
    settings.STORAGE_ROOT = tmp_path / "files"
    settings.REPLICA_ROOT = tmp_path / "replica"
    settings.REPLICA_CREATE = False
    province = make_agency(
        "000.00.00.H62", "Ủy ban nhân dân tỉnh", kind=AgencyKind.PROVINCIAL_COMMITTEE
    )
    finance = make_agency(FINANCE, "Sở Tài chính", province)
    archive_agency = make_agency(
        "000.02.01.H62", "Trung tâm Lưu trữ lịch sử tỉnh", province, kind=AgencyKind.PUBLIC_SERVICE
    )
    archive = actions.create_archive(
        agency=archive_agency, name="Lưu trữ lịch sử tỉnh", kind=ArchiveKind.HISTORICAL, actor=None
    )
    finance = actions.update_agency(finance, transfers_to=archive, actor=None)
    fonds = actions.create_fonds(
        actor=None, code="H62.003", name="Phông Sở Tài chính", agency=finance
    )
    make_user("luutruvien", Role.ARCHIVIST, archive_agency)
    make_user("lanhdao", Role.HEAD, archive_agency)
    make_user("hoidong", Role.COUNCIL, finance)
    first, second = expired_dossier(finance, fonds, 1), expired_dossier(finance, fonds, 2)
    publish(first, second)  # on the portal, the API and the public search until destroyed
    codes = [d.documents.get().pk for d in (first, second)]
    note_documents(codes)
    search.index_documents(codes)
    return first, second


def run_worker() -> None:
    """What the background worker does: run every queued task, then let go of the database."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    connections.close_all()


def switch_to(tab: Page, live_server: object, username: str) -> None:
    tab.context.clear_cookies()
    sign_in(tab, live_server, username)


def found(text: str) -> set[str]:
    """Codes of what an anonymous search finds."""
    return {hit.code for hit in search.search(None, text).hits}


def test_a_disposal_from_the_due_list_to_the_register(
    dossiers: tuple[Dossier, Dossier],
    page: Page,  # noqa: F811
    live_server: object,
    tmp_path: Path,
) -> None:
    first, second = dossiers
    documents = [d.documents.get() for d in dossiers]
    codes = [d.archival_code for d in documents]
    shas = [d.files.get().stored.sha256 for d in documents]
    base = live_server.url  # type: ignore[attr-defined]
    assert page.request.get(f"{base}/api/v1/documents/{codes[0]}").status == 200
    assert codes[0] in found("thanh quyết toán hết hạn số 1")

    # The archivist sees both dossiers due and opens the round for Sở Tài chính.
    sign_in(page, live_server, "luutruvien")
    page.get_by_role("navigation", name="Các khu vực nghiệp vụ").get_by_role(
        "link", name="Lưu giữ, loại hủy"
    ).click()
    page.get_by_role("link", name="Hồ sơ hết thời hạn").click()
    due = page.get_by_role("region", name="Hồ sơ hết thời hạn")
    for dossier in dossiers:
        expect(due.get_by_role("link", name=dossier.code)).to_be_visible()
    page.get_by_role("link", name="Việc đến hạn").click()
    opening = page.locator("form", has=page.get_by_role("button", name="Lập danh mục"))
    opening.get_by_label("Mã cơ quan").fill(FINANCE)
    opening.get_by_label("Năm").fill(str(timezone.localdate().year))
    opening.get_by_role("button", name="Lập danh mục").click()
    expect(page.get_by_text("Đã lập danh mục xem xét hủy.")).to_be_visible()
    appraisal = Appraisal.objects.get()
    round_url = url(live_server, "retention:appraisal", str(appraisal.pk))
    expect(page).to_have_url(round_url)
    items = page.get_by_role("region", name="Danh mục xem xét hủy")
    expect(items.get_by_role("row")).to_have_count(3)  # the header and two dossiers

    # The council: the head chairs, the archivist is the secretary, a member from the agency.
    for username, role in COUNCIL.items():
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Vai trò").select_option(label=role)
        page.get_by_role("button", name="Thêm thành viên").click()
        expect(page.get_by_text("Đã thêm thành viên hội đồng.")).to_be_visible()
    page.screenshot(
        path=Path(tempfile.gettempdir()) / "luutru-retention-appraisal.png", full_page=True
    )

    # Each member signs in, opens the round and gives an opinion on each dossier.
    for username in COUNCIL:
        switch_to(page, live_server, username)
        page.goto(round_url)
        for dossier in dossiers:
            row = items.get_by_role("row").filter(has_text=dossier.code)
            row.get_by_label("Ý kiến").select_option(label="Đồng ý hủy")
            row.get_by_role("button", name="Cho ý kiến").click()
            expect(page.get_by_text("Đã ghi ý kiến.")).to_be_visible()
        expect(items.get_by_role("button", name="Cho ý kiến")).to_have_count(0)
    for dossier in dossiers:
        expect(items.get_by_role("row").filter(has_text=dossier.code)).to_contain_text("3/0")

    # The secretary records the meeting; the list of what to destroy follows.
    switch_to(page, live_server, "luutruvien")
    page.goto(round_url)
    page.get_by_label("Ngày họp").fill(timezone.localdate().isoformat())
    page.get_by_label("Biên bản họp").fill("Hội đồng thống nhất đề nghị hủy hai hồ sơ.")
    page.get_by_label("Bản thuyết minh").fill("Tài liệu hết giá trị của Sở Tài chính năm 2012.")
    page.get_by_role("button", name="Ghi biên bản họp, lập danh mục hủy").click()
    expect(page.get_by_text("Đã kết thúc họp hội đồng.")).to_be_visible()

    # The head decides.
    switch_to(page, live_server, "lanhdao")
    page.goto(round_url)
    page.get_by_label("Số quyết định").fill("15/QĐ-STC")
    page.get_by_role("button", name="Ban hành quyết định hủy").click()
    expect(page.get_by_text("Đã ghi quyết định hủy.")).to_be_visible()
    expect(page.get_by_text("Quyết định hủy số 15/QĐ-STC")).to_be_visible()

    # The archivist destroys.
    switch_to(page, live_server, "luutruvien")
    page.goto(round_url)
    page.get_by_role("button", name="Thực hiện hủy và lập biên bản hủy").click()
    expect(page.get_by_text("Đã thực hiện hủy; đã lập biên bản hủy.")).to_be_visible()
    run_worker()
    appraisal.refresh_from_db()
    assert appraisal.state == AppraisalState.DESTROYED

    # Gone from every door, and from both copies of the store.
    assert not Dossier.objects.filter(pk__in=[first.pk, second.pk]).exists()
    for code, sha in zip(codes, shas, strict=True):
        assert page.request.get(f"{base}/tai-lieu/{code}/").status == 404
        assert page.request.get(f"{base}/api/v1/documents/{code}").status == 404
        assert not backend().exists(sha)
        assert not replica().exists(sha)
    for dossier in dossiers:
        assert page.request.get(f"{base}/ho-so/{dossier.code}/").status == 404
    assert not found("thanh quyết toán hết hạn") & set(codes)
    assert not found(first.title) & {first.code, second.code}

    # What remains: the register and the biên bản hủy.
    page.get_by_role("link", name="Sổ hồ sơ đã hủy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sổ đăng ký hồ sơ đã hủy")
    for dossier in dossiers:
        expect(page.get_by_role("row").filter(has_text=dossier.code)).to_contain_text("15/QĐ-STC")
    page.get_by_role("link", name="15/QĐ-STC").first.click()
    expect(page).to_have_url(round_url)
    pdf = url(live_server, "retention:bien-ban-huy-pdf", str(appraisal.pk))
    record = page.locator(f'a[href="{pdf.removeprefix(base)}"]')
    expect(record).to_have_text("PDF")
    response = page.request.get(pdf)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # The store and the audit chain are whole afterwards.
    out = io.StringIO()
    call_command("fixity", "--all", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["lost"], report["failed"], report["interrupted"]) == ([], [], "")
    call_command("audit", "verify", stdout=io.StringIO())
