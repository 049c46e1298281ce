"""In a real browser (Debian's Chromium): the KPI viewer reads the dashboard, an administrator
reads it too and takes today's snapshot again, and a clerk is refused.

The dashboard is saved to /tmp/luutru-reports-dashboard.png to look at (not committed).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from luutru.accounts.models import Role
from luutru.organizations.models import AgencyKind
from luutru.organizations.tests.test_browser import page, sign_in, url  # noqa: F401
from luutru.records.tests.factory import make_document, make_dossier
from luutru.reports.models import Snapshot
from luutru.test import make_agency, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db: None) -> None:
    """A province with one agency whose dossier holds a born-digital and a digitised document."""
    province = make_agency(
        "000.00.00.H62", "Ủy ban nhân dân tỉnh", kind=AgencyKind.PROVINCIAL_COMMITTEE
    )
    finance = make_agency("000.00.03.H62", "Sở Tài chính", province)
    dossier = make_dossier(finance, 1, reliability="01")
    make_document(finance, dossier, 1, reliability="01")
    make_document(finance, dossier, 2, reliability="02")
    make_user("sonoivu", Role.KPI_VIEWER, province)
    make_user("quantri", Role.ADMIN, province)
    make_user("vanthu", Role.CLERK, finance)


def open_dashboard(tab: Page, live_server: object) -> None:
    tab.get_by_role("navigation", name="Các khu vực nghiệp vụ").get_by_role(
        "link", name="Báo cáo"
    ).click()
    expect(tab).to_have_url(url(live_server, "reports:dashboard"))
    expect(tab.get_by_role("heading", level=1)).to_have_text("Chỉ tiêu đánh giá")


def test_the_kpi_viewer_reads_the_indicators(
    cast: None,
    page: Page,  # noqa: F811
    live_server: object,
) -> None:
    sign_in(page, live_server, "sonoivu")
    open_dashboard(page, live_server)

    shares = page.get_by_role("region", name="Các chỉ tiêu")
    row = shares.get_by_role("row").filter(has_text="Tài liệu số gốc điện tử")
    expect(row).to_contain_text("50,0 %")  # 1 of the 2 documents
    expect(row).to_contain_text("chưa đạt")  # below the 80 % target
    chart = page.locator("#figures figure svg").first
    expect(chart).to_be_visible()
    expect(page.get_by_role("region", name="So sánh các cơ quan")).to_contain_text("Sở Tài chính")
    # Only an administrator may take the snapshot again.
    expect(page.get_by_role("button", name="Tổng hợp lại số liệu hôm nay")).to_have_count(0)
    page.screenshot(
        path=Path(tempfile.gettempdir()) / "luutru-reports-dashboard.png", full_page=True
    )

    # Choosing another indicator swaps the figures in place (htmx), the page stays.
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Năm", exact=True).fill("2001")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("#figures")).to_contain_text("Chỉ tiêu năm 2001")
    assert page.evaluate("window.stillTheSamePage") is True, "the filter reloaded the page"


def test_an_administrator_takes_the_snapshot_again(
    cast: None,
    page: Page,  # noqa: F811
    live_server: object,
) -> None:
    sign_in(page, live_server, "quantri")
    open_dashboard(page, live_server)
    expect(page.get_by_text("Số liệu tính trực tiếp lúc xem trang.")).to_be_visible()
    assert not Snapshot.objects.exists()

    page.get_by_role("button", name="Tổng hợp lại số liệu hôm nay").click()

    expect(page).to_have_url(url(live_server, "reports:dashboard"))
    expect(page.get_by_text("Đã tổng hợp lại số liệu hôm nay.")).to_be_visible()
    expect(page.get_by_text("Số liệu tổng hợp lúc")).to_be_visible()
    assert Snapshot.objects.exists()
    row = (
        page.get_by_role("region", name="Các chỉ tiêu")
        .get_by_role("row")
        .filter(has_text="Tài liệu số gốc điện tử")
    )
    expect(row).to_contain_text("50,0 %")


def test_a_clerk_is_refused(
    cast: None,
    page: Page,  # noqa: F811
    live_server: object,
) -> None:
    sign_in(page, live_server, "vanthu")
    areas = page.get_by_role("navigation", name="Các khu vực nghiệp vụ")
    expect(areas.get_by_role("link", name="Báo cáo")).to_have_count(0)
    response = page.goto(url(live_server, "reports:dashboard"))
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Chỉ tiêu đánh giá")).to_have_count(0)
