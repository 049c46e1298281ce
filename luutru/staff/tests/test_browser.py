"""In a real browser (Debian's Chromium), the archival control of a transfer end to end: a
clerk uploads a package, the worker checks it, the archivist accepts it from the staff home's
queue, the head publishes the dossier and an anonymous visitor finds it on the portal; and a
returned transfer whose reason the clerk reads on the transfer's page and on the staff home.

Each role's staff home is saved to /tmp/luutru-home-<role>.png to look at (not committed).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Page, expect

from luutru.accounts.models import Role
from luutru.ingest.tests.factory import package_for
from luutru.ingest.tests.test_views import zip_bytes
from luutru.organizations import actions
from luutru.organizations.models import AgencyKind, ArchiveKind
from luutru.organizations.tests.test_browser import page, sign_in, url  # noqa: F401
from luutru.test import make_agency, make_user

pytestmark = pytest.mark.browser

FINANCE = "000.00.03.H62"
DOSSIER = f"{FINANCE}.2024.01"
TITLE = "Hồ sơ về quản lý đất đai năm 2024"
REASON = "Hồ sơ 01 thiếu văn bản số 3; đề nghị bổ sung rồi nộp lại."


@pytest.fixture
def cast(transactional_db: None) -> None:
    """Sở Tài chính transfers to the province's archive: its clerk, the archivist, the head."""
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
    actions.create_fonds(actor=None, code="H62.003", name="Phông Sở Tài chính", agency=finance)
    make_user("vanthu", Role.CLERK, finance)
    make_user("luutruvien", Role.ARCHIVIST, archive_agency)
    make_user("lanhdao", Role.HEAD, archive_agency)


def run_worker() -> None:
    """What the background worker does: run every queued task, then let go of the database."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    connections.close_all()


def switch_to(tab: Page, live_server: object, username: str) -> None:
    tab.context.clear_cookies()
    sign_in(tab, live_server, username)


def upload_package(tab: Page, live_server: object, tmp_path: Path) -> None:
    """The clerk uploads a valid package on the transfers page; the worker checks it."""
    folder = package_for(tmp_path / "goi", FINANCE)
    package = tmp_path / "so-tai-chinh-2024.zip"
    package.write_bytes(zip_bytes(folder))
    switch_to(tab, live_server, "vanthu")
    tab.get_by_role("navigation", name="Các khu vực nghiệp vụ").get_by_role(
        "link", name="Thu thập"
    ).click()
    tab.get_by_label("Gói tài liệu (.zip)").set_input_files(package)
    tab.get_by_label("Cơ quan nộp lưu").select_option(label=f"Sở Tài chính ({FINANCE})")
    tab.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(tab.get_by_text("Đã nhận gói “so-tai-chinh-2024.zip” để nộp lưu.")).to_be_visible()
    transfer_page = tab.url
    run_worker()
    tab.goto(transfer_page)
    expect(tab.get_by_text("Chờ tiếp nhận").first).to_be_visible()


def shoot(tab: Page, role: str) -> None:
    tab.screenshot(path=Path(tempfile.gettempdir()) / f"luutru-home-{role}.png", full_page=True)


def test_a_transfer_goes_from_the_clerk_to_the_public(
    cast: None,
    page: Page,  # noqa: F811
    live_server: object,
    tmp_path: Path,
) -> None:
    upload_package(page, live_server, tmp_path)
    page.goto(url(live_server, "staff:home"))
    shoot(page, "van-thu")

    # The archivist sees the transfer waiting on the staff home and accepts it from the queue.
    switch_to(page, live_server, "luutruvien")
    work = page.locator(".work-transfers")
    expect(work).to_contain_text("Lần nộp lưu chờ tiếp nhận: 1")
    expect(work).to_contain_text("hạn tiếp nhận")
    shoot(page, "luu-tru-vien")
    work.get_by_role("link", name="Lần nộp lưu chờ tiếp nhận").click()
    expect(page).to_have_url(url(live_server, "ingest:transfer-queue"))
    page.get_by_role("link", name="so-tai-chinh-2024.zip").click()
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_text("Đã tiếp nhận vào kho 1 hồ sơ, 2 tài liệu")).to_be_visible()
    run_worker()

    # The head sees the dossier waiting for a publication decision and publishes it.
    switch_to(page, live_server, "lanhdao")
    work = page.locator(".work-publication")
    expect(work).to_contain_text("chờ quyết định công bố: 1")
    expect(page.locator(".work-transfers")).to_contain_text("chờ tiếp nhận: 0")
    shoot(page, "lanh-dao")
    work.get_by_role("link").click()
    expect(page).to_have_url(url(live_server, "records:publication-queue"))
    page.get_by_role("checkbox", name=f"Chọn hồ sơ {DOSSIER}").check()
    page.get_by_role("button", name="Công bố", exact=True).click()
    expect(page.get_by_text("Đã công bố").first).to_be_visible()
    run_worker()  # the search index follows the decision in a task
    page.goto(url(live_server, "staff:home"))
    expect(page.locator(".work-publication")).to_contain_text("chờ quyết định công bố: 0")

    # An anonymous visitor finds the dossier with the portal's search and opens it.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")  # type: ignore[attr-defined]
    page.get_by_label("Tìm tài liệu lưu trữ").fill("quan ly dat dai")
    page.get_by_role("button", name="Tìm").first.click()
    hits = page.locator("ol.hits")
    # The dossier's own hit comes first; its documents' hits name it too (their dossier).
    hits.get_by_role("link", name=TITLE).first.click()
    expect(page).to_have_url(f"{live_server.url}/ho-so/{DOSSIER}/")  # type: ignore[attr-defined]
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Về việc giao đất đợt 1")).to_be_visible()


def test_the_clerk_reads_why_the_archive_returned_the_transfer(
    cast: None,
    page: Page,  # noqa: F811
    live_server: object,
    tmp_path: Path,
) -> None:
    upload_package(page, live_server, tmp_path)

    switch_to(page, live_server, "luutruvien")
    page.locator(".work-transfers").get_by_role("link").click()
    page.get_by_role("link", name="so-tai-chinh-2024.zip").click()
    page.get_by_label("Lý do trả lại").fill(REASON)
    page.get_by_role("button", name="Trả lại").click()
    expect(page.get_by_text("Đã trả lại lần nộp lưu cho cơ quan nộp lưu.")).to_be_visible()

    switch_to(page, live_server, "vanthu")
    returned = page.locator(".work-returned")
    expect(returned).to_contain_text(REASON)
    shoot(page, "van-thu-tra-lai")
    returned.get_by_role("link", name="so-tai-chinh-2024.zip").click()
    expect(page.get_by_text("Đã trả lại").first).to_be_visible()
    expect(page.locator(".return-reason")).to_have_text(REASON)
