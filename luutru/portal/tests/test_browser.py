"""In a real browser (Debian's Chromium): a visitor searches without diacritics, opens a
document and turns its pages; a restricted document is neither listed nor readable; the
widget works from another site. Every page is checked with axe-core (no serious or critical
violation) and weighed (HTML + CSS + JS under 300 KB before images)."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Response, expect, sync_playwright

from luutru.organizations import actions
from luutru.organizations.models import AgencyKind
from luutru.organizations.tests.test_browser import CHROMIUM, CHROMIUM_ARGS
from luutru.portal.tests.samples import Collection, make_collection
from luutru.search import services
from luutru.test import make_agency

pytestmark = pytest.mark.browser

BUDGET = 300 * 1024  # bytes of HTML + CSS + JS a page may cost before its images
WEIGHED = {"document", "stylesheet", "script"}
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "widget-example.html"


@pytest.fixture
def records(transactional_db: None) -> Collection:
    province = make_agency(
        "000.00.00.H62", "Ủy ban nhân dân tỉnh", kind=AgencyKind.PROVINCIAL_COMMITTEE
    )
    agency_a = make_agency("000.00.03.H62", "Sở Tài chính", province)
    agency_b = make_agency("000.00.04.H62", "Sở Xây dựng", province)
    fonds = actions.create_fonds(
        actor=None, code="H62.003", name="Phông Sở Tài chính", agency=agency_a
    )
    collection = make_collection(agency_a, agency_b, fonds)
    services.reindex()
    return collection


@pytest.fixture
def browser_context(
    live_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=tmp_path / "chromium-profile",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            locale="vi-VN",
            viewport={"width": 390, "height": 844},  # a phone
        )
        context.set_default_timeout(20_000)  # as organizations' fixture: loaded cores
        try:
            yield context
        finally:
            context.close()


class Weigher:
    """Bytes of HTML, CSS and JS the page loaded (from the network, not a cache)."""

    def __init__(self, page: Page) -> None:
        self.total = 0
        self.parts: list[tuple[str, int]] = []
        page.on("response", self.add)

    def add(self, response: Response) -> None:
        if response.request.resource_type in WEIGHED and response.status < 300:
            size = len(response.body())
            self.total += size
            self.parts.append((response.url, size))

    def reset(self) -> None:
        self.total = 0
        self.parts = []


def check_page(page: Page, weigher: Weigher, axe: Axe, name: str) -> None:
    page.wait_for_load_state("networkidle")
    assert weigher.total < BUDGET, f"{name}: {weigher.total} bytes: {weigher.parts}"
    results = axe.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not bad, f"{name}: {bad}"
    weigher.reset()


def test_a_visitor_finds_reads_and_pages_through_a_public_document(
    records: Collection, browser_context: Any, live_server: Any, tmp_path: Path
) -> None:
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    weigher = Weigher(page)
    axe = Axe()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tra cứu tài liệu lưu trữ")
    check_page(page, weigher, axe, "home")

    page.get_by_label("Tìm tài liệu lưu trữ").fill("giao dat truong hoc")
    page.get_by_role("button", name="Tìm").first.click()
    expect(page).to_have_url(f"{live_server.url}/tra-cuu/?q=giao+dat+truong+hoc")
    hits = page.locator("ol.hits")
    expect(hits.get_by_role("link", name=records.land.summary)).to_be_visible()
    expect(hits.get_by_text(records.hidden_by_dossier.summary)).to_have_count(0)
    expect(hits.get_by_text(records.secret_in_public.summary)).to_have_count(0)
    check_page(page, weigher, axe, "search")

    hits.get_by_role("link", name=records.land.summary).click()
    expect(page).to_have_url(f"{live_server.url}/tai-lieu/{records.land.archival_code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quyết định số 12/QĐ-UBND ngày 01/03/2023 của Sở Tài chính"
    )
    check_page(page, weigher, axe, "document")

    page.get_by_role("link", name="Đọc trực tuyến").first.click()
    status = page.get_by_role("status")
    expect(status).to_have_text("Trang 1/3")
    image = page.locator("img[data-page]")
    expect(image).to_have_attribute(
        "src", f"{live_server.url}/iiif/{records.land.archival_code}/trang/1/1200.jpg"
    )
    check_page(page, weigher, axe, "viewer")
    page.get_by_role("button", name="Trang sau").click()
    expect(status).to_have_text("Trang 2/3")
    page.keyboard.press("ArrowRight")
    expect(status).to_have_text("Trang 3/3")
    expect(page.get_by_role("button", name="Trang sau")).to_be_disabled()
    # Functions, not bare expressions: Playwright polls an expression with eval, which the
    # Content-Security-Policy refuses (no 'unsafe-eval').
    page.wait_for_function("() => document.querySelector('img[data-page]').naturalWidth === 1200")
    # The whole page fits the frame until zoomed; the frame fills the screen on request.
    whole = """() => { const img = document.querySelector('img[data-page]').getBoundingClientRect();
      const stage = document.querySelector('.stage').getBoundingClientRect();
      return img.height <= stage.height && img.width <= stage.width; }"""
    assert page.evaluate(whole)
    page.get_by_role("button", name="Toàn màn hình").click()
    page.wait_for_function("() => document.fullscreenElement?.id === 'viewer'")
    expect(page.get_by_role("button", name="Toàn màn hình")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate(whole)
    page.get_by_role("button", name="Toàn màn hình").click()  # the same button leaves it
    page.wait_for_function("() => document.fullscreenElement === null")
    page.get_by_role("button", name="Phóng to").click()
    assert page.evaluate("document.querySelector('img[data-page]').clientWidth") > 390
    page.screenshot(path=tmp_path / "viewer.png")


def test_a_restricted_document_is_not_listed_and_its_address_says_so(
    records: Collection, browser_context: Any, live_server: Any
) -> None:
    page = browser_context.new_page()
    weigher = Weigher(page)
    axe = Axe()
    page.goto(f"{live_server.url}/ho-so/{records.dossier.code}/")
    expect(page.get_by_text(records.land.summary)).to_be_visible()
    expect(page.get_by_text(records.secret_in_public.summary)).to_have_count(0)
    check_page(page, weigher, axe, "dossier")
    page.goto(f"{live_server.url}/co-quan/{records.dossier.agency.code}/")
    expect(page.get_by_text(records.restricted_dossier.title)).to_have_count(0)
    check_page(page, weigher, axe, "agency")
    page.goto(f"{live_server.url}/tai-lieu/{records.hidden_by_dossier.archival_code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Không tìm thấy tài liệu, hoặc tài liệu chưa được công bố"
    )
    link = page.get_by_role("link", name="Gửi yêu cầu khai thác")
    expect(link).to_have_attribute(
        "href", f"/doc-gia/yeu-cau/moi/?ma={records.hidden_by_dossier.archival_code}"
    )
    check_page(page, weigher, axe, "not found")


def test_the_widget_searches_from_another_site_and_opens_the_portal(
    records: Collection, browser_context: Any, live_server: Any, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    html = EXAMPLE.read_text(encoding="utf-8").replace("http://127.0.0.1:8000", live_server.url)
    (site / "index.html").write_text(html, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host = f"http://127.0.0.1:{server.server_address[1]}"
        assert host != live_server.url
        page = browser_context.new_page()
        page.goto(f"{host}/index.html")
        widget = page.locator("[data-luutru-widget]")
        widget.get_by_label("Tìm tài liệu lưu trữ").fill("giao dat")
        with page.expect_response(lambda r: "/api/v1/search" in r.url) as answer:
            widget.get_by_role("button", name="Tìm").click()
        assert answer.value.headers["access-control-allow-origin"] == "*"
        # Only the agency's own public records: Sở Tài chính's, not Sở Xây dựng's (the land
        # decision, its dossier, and the budget letter filed in that "giao đất" dossier).
        expect(widget.get_by_role("status")).to_have_text("3 kết quả")
        expect(widget.get_by_role("link", name=records.other_agency.summary)).to_have_count(0)
        with browser_context.expect_page() as opened:
            widget.get_by_role("link", name=records.land.summary).click()
        portal = opened.value
        expect(portal).to_have_url(f"{live_server.url}/tai-lieu/{records.land.archival_code}/")
        expect(portal.get_by_role("heading", level=1)).to_contain_text("Quyết định số 12/QĐ-UBND")
        expect(portal.locator("p.lead")).to_have_text(records.land.summary)
    finally:
        server.shutdown()
        server.server_close()
