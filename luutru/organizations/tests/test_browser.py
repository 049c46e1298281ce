"""In a real browser: an archivist signs in, opens the agency tree and filters it live.

Playwright drives Debian's Chromium (never a downloaded browser, see docs/snags.md) against
pytest-django's live server. A missing Chromium fails these tests rather than skipping them:
a skipped browser test looks the same as a passing one in a hurried CI log.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect, sync_playwright

from luutru.accounts.models import Role
from luutru.organizations import actions
from luutru.organizations.models import Agency, AgencyKind, ArchiveKind
from luutru.test import PASSWORD, make_agency, make_user, second_factor_code

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
# Without these flags Chromium keeps reaching for the network, many connections at a time.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PROVINCE = "Ủy ban nhân dân tỉnh"
FINANCE = "Sở Tài chính"
CONSTRUCTION = "Sở Xây dựng"
INSPECTION = "Chi cục Giám định xây dựng"
ARCHIVE = "Trung tâm Lưu trữ lịch sử tỉnh"


@pytest.fixture
def province(transactional_db: None) -> dict[str, Agency]:
    """The small province of luutru.test, one level deeper: a sub-department of B."""
    province = make_agency("000.00.00.H62", PROVINCE, kind=AgencyKind.PROVINCIAL_COMMITTEE)
    finance = make_agency("000.00.03.H62", FINANCE, province)
    construction = make_agency("000.00.04.H62", CONSTRUCTION, province)
    inspection = make_agency("000.01.04.H62", INSPECTION, construction)
    archive_agency = make_agency("000.02.01.H62", ARCHIVE, province, kind=AgencyKind.PUBLIC_SERVICE)
    archive = actions.create_archive(
        agency=archive_agency, name="Lưu trữ lịch sử tỉnh", kind=ArchiveKind.HISTORICAL, actor=None
    )
    actions.update_agency(finance, transfers_to=archive, actor=None)
    make_user("luutruvien", Role.ARCHIVIST, archive_agency)
    return {"construction": construction, "inspection": inspection}


@pytest.fixture
def page(live_server: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    """A fresh headless Chromium with an empty profile, asking for Vietnamese pages."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests need Debian's Chromium "
            "(apt-get install chromium). They never download a browser.",
            pytrace=False,
        )
    # Playwright's sync API runs an event loop in this thread; Django would then refuse the
    # ORM calls of pytest-django's own teardown. monkeypatch restores the variable afterwards.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=tmp_path / "chromium-profile",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            locale="vi-VN",  # Accept-Language: the app negotiates the language from it
            viewport={"width": 1280, "height": 900},
        )
        # Some clicks do real work before the next page (a certified copy is rendered and
        # signed): 5 s was not enough on two loaded cores. A wait only costs time when it fails.
        context.set_default_timeout(20_000)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def url(live_server: object, name: str, *args: str) -> str:
    return f"{live_server.url}{reverse(name, args=args)}"  # type: ignore[attr-defined]


def sign_in(page: Page, live_server: object, username: str) -> None:
    """Open a staff page, get sent to the login form, type the credentials and submit."""
    page.goto(url(live_server, "staff:home"))
    expect(page).to_have_url(f"{url(live_server, 'accounts:login')}?next={reverse('staff:home')}")
    page.get_by_label("Tên đăng nhập").press_sequentially(username)
    page.get_by_label("Mật khẩu").press_sequentially(PASSWORD)
    code = second_factor_code(username)
    page.get_by_role("button", name="Đăng nhập").click()
    if code is not None:
        page.get_by_label("Mã xác thực").fill(code)
        page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(url(live_server, "staff:home"))


def test_archivist_finds_an_agency_in_the_tree(
    province: dict[str, Agency], page: Page, live_server: object, tmp_path: Path
) -> None:
    sign_in(page, live_server, "luutruvien")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Người dùng luutruvien")

    areas = page.get_by_role("navigation", name="Các khu vực nghiệp vụ")
    areas.get_by_role("link", name="Cơ quan, phông").click()
    expect(page).to_have_url(url(live_server, "organizations:agency-tree"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sơ đồ cơ quan, tổ chức")
    expect(areas.get_by_role("link", name="Cơ quan, phông")).to_have_attribute(
        "aria-current", "page"
    )

    tree = page.locator("#tree")
    expect(tree.get_by_role("link")).to_have_count(5)
    # Nesting: province, then Sở Xây dựng, then its sub-department, each in its parent's item.
    nested = tree.locator(
        f'li:has(> a:text-is("{PROVINCE}")) > ul > li:has(> a:text-is("{CONSTRUCTION}"))'
        f' > ul > li > a:text-is("{INSPECTION}")'
    )
    expect(nested).to_be_visible()
    page.screenshot(path=tmp_path / "agency-tree.png", full_page=True)

    # Live filtering: htmx swaps #tree in place, so a flag set on this window survives.
    page.evaluate("window.stillTheSamePage = true")
    with page.expect_response(
        lambda r: "q=" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.get_by_label("Tìm theo tên hoặc mã định danh").press_sequentially("xây dựng")
    expect(tree.get_by_role("link", name=FINANCE, exact=True)).to_have_count(0)
    expect(tree.get_by_role("link", name=PROVINCE, exact=True)).to_have_count(0)
    expect(tree.get_by_role("link", name=CONSTRUCTION, exact=True)).to_be_visible()
    expect(tree.get_by_role("link", name=INSPECTION, exact=True)).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True, "the filter reloaded the page"
    assert "q=" in page.url  # hx-push-url: the filtered view can be bookmarked

    tree.get_by_role("link", name=CONSTRUCTION, exact=True).click()
    expect(page).to_have_url(url(live_server, "organizations:agency-detail", "000.00.04.H62"))
    expect(page.get_by_role("heading", level=1)).to_have_text(CONSTRUCTION)
    expect(page.locator("dl.fields")).to_contain_text("000.00.04.H62")
    expect(page.get_by_role("link", name=INSPECTION, exact=True)).to_be_visible()


def test_the_language_button_switches_to_english(
    province: dict[str, Agency], page: Page, live_server: object
) -> None:
    catalogue = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.mo"
    if not catalogue.exists():
        pytest.fail(
            f"{catalogue} is missing: compile the translations first "
            "(make install, or .venv/bin/luutru compilemessages --ignore=.venv).",
            pytrace=False,
        )
    sign_in(page, live_server, "luutruvien")
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    page.get_by_role("button", name="English").click()

    expect(page).to_have_url(url(live_server, "staff:home"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    areas = page.get_by_role("navigation", name="Work areas")
    expect(areas.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    expect(areas.get_by_role("link", name="Agencies and fonds")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Người dùng luutruvien")
    expect(page.get_by_role("button", name="Tiếng Việt")).to_be_visible()

    areas.get_by_role("link", name="Agencies and fonds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agencies and organizations")
    expect(page.get_by_label("Search by name or electronic identifier")).to_be_visible()
