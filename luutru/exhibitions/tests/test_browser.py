"""In a real browser (Debian's Chromium), issue 18's "done when": an archivist builds a
two-chapter exhibition (texts, items with captions and the page shown, a refused restricted
item, reordering) and schedules it; a head publishes it; the public does not see it before its
time and sees it at its time on a 390 px and a 1280 px screen, axe-core finding no serious or
critical violation; the widget shows it on another site; a withdrawn item disappears from all
of them at once and the curator is told (notice and mail). Screenshots are kept in tmp_path.

The clock is moved by shifting ``django.utils.timezone.now`` (the live server runs in this
process): the exhibition goes up at its scheduled time without any job running.
"""

from __future__ import annotations

import datetime
import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, expect, sync_playwright

from luutru.accounts.models import Role
from luutru.exhibitions.models import Exhibition
from luutru.organizations import actions as organizations
from luutru.organizations.models import AgencyKind, ArchiveKind
from luutru.organizations.tests.test_browser import CHROMIUM, CHROMIUM_ARGS, sign_in
from luutru.portal.tests.samples import attach_pdf
from luutru.records.actions import withdraw_records
from luutru.records.models import Document
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.test import make_agency, make_user

pytestmark = pytest.mark.browser

TITLE = "Mừng Quốc khánh 2/9"
CHAPTERS = ("Ngày độc lập", "Xây dựng chính quyền")


class Records:
    def __init__(self) -> None:
        province = make_agency(
            "000.00.00.H62", "Ủy ban nhân dân tỉnh", kind=AgencyKind.PROVINCIAL_COMMITTEE
        )
        finance = make_agency("000.00.03.H62", "Sở Tài chính", province)
        archive_agency = make_agency(
            "000.02.01.H62", "Trung tâm Lưu trữ lịch sử tỉnh", province,
            kind=AgencyKind.PUBLIC_SERVICE,
        )  # fmt: skip
        archive = organizations.create_archive(
            agency=archive_agency, name="Lưu trữ lịch sử tỉnh", kind=ArchiveKind.HISTORICAL,
            actor=None,
        )  # fmt: skip
        organizations.update_agency(finance, transfers_to=archive, actor=None)
        fonds = organizations.create_fonds(
            actor=None, code="H62.003", name="Phông Sở Tài chính", agency=finance
        )
        make_user("luutruvien", Role.ARCHIVIST, archive_agency)
        make_user("lanhdao", Role.HEAD, archive_agency)
        dossier = make_dossier(finance, 1, fonds=fonds, title="Hồ sơ mít tinh mừng Quốc khánh")
        summaries = ("Lời kêu gọi toàn dân", "Lễ mít tinh tại tỉnh lỵ", "Quyết định lập ủy ban")
        self.documents: list[Document] = []
        for ordinal, summary in enumerate(summaries, start=1):
            document = make_document(finance, dossier, ordinal, summary=summary, page_count=2)
            attach_pdf(document, pages=2)
            self.documents.append(document)
        publish(dossier)
        closed = make_dossier(finance, 2, fonds=fonds, access_regime="02")
        self.restricted = make_document(finance, closed, 1, access_regime="02")


@pytest.fixture
def records(transactional_db: None) -> Records:
    return Records()


@pytest.fixture
def context(live_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            user_data_dir=tmp_path / "chromium-profile",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            locale="vi-VN",
            viewport={"width": 1280, "height": 900},
        )
        browser.set_default_timeout(20_000)
        browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        try:
            yield browser
        finally:
            browser.close()


class Clock:
    """Moves ``timezone.now`` forward for the app (and this test) by ``offset``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = datetime.timedelta()
        real = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real() + self.offset)
        self.real = real

    def move_to(self, moment: datetime.datetime) -> None:
        self.offset = moment - self.real()


def no_serious_violations(page: Page, axe: Axe, name: str) -> None:
    page.wait_for_load_state("networkidle")
    results = axe.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not bad, f"{name}: {bad}"


def chapter(page: Page, number: int) -> Locator:
    heading = page.get_by_role("heading", name=f"Chương {number}. {CHAPTERS[number - 1]}")
    return page.locator("section.chapter").filter(has=heading)


def add_item(page: Page, number: int, code: str, page_shown: int, caption: str) -> None:
    part = chapter(page, number)
    part.get_by_text("Thêm tài liệu vào chương này").click()
    form = part.locator("details").filter(has_text="Thêm tài liệu vào chương này")
    form.get_by_label("Mã tài liệu (đã công bố)").fill(code)
    form.get_by_label("Trang trưng bày").fill(str(page_shown))
    form.get_by_label("Chú thích", exact=True).fill(caption)
    form.get_by_label("Chú thích tiếng Anh").fill(f"EN {caption}")
    form.get_by_role("button", name="Thêm", exact=True).click()


def build_and_schedule(page: Page, live_server: Any, records: Records, start: str) -> int:
    """The archivist's part, through the pages; returns the exhibition's id."""
    sign_in(page, live_server, "luutruvien")
    page.get_by_role("link", name="Triển lãm").first.click()
    page.get_by_label("Tên triển lãm").fill(TITLE)
    page.get_by_role("button", name="Lập triển lãm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_label("Tên tiếng Anh").fill("National Day")
    page.get_by_label("Giới thiệu", exact=True).fill("Tư liệu lưu trữ về mùa thu năm 1945.")
    page.get_by_label("Giới thiệu tiếng Anh").fill("Records of the autumn of 1945.")
    page.get_by_label("Trưng bày từ").fill(start)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu triển lãm.")).to_be_visible()

    for title, text in zip(CHAPTERS, ("Lời dẫn chương một.", "Lời dẫn chương hai."), strict=True):
        new = page.locator("form").filter(has=page.get_by_role("button", name="Thêm chương"))
        new.get_by_label(re.compile(r"^Tên chương( \*)?$")).fill(title)
        new.get_by_label("Lời dẫn", exact=True).fill(text)
        new.get_by_role("button", name="Thêm chương").click()
        expect(page.get_by_text("Đã thêm chương.")).to_be_visible()

    first, second, third = (d.archival_code for d in records.documents)
    add_item(page, 1, first, 1, "Lời kêu gọi")
    add_item(page, 1, second, 2, "Quang cảnh buổi mít tinh")
    add_item(page, 2, third, 1, "Quyết định thành lập")
    # A restricted document is refused, by its code.
    add_item(page, 2, records.restricted.archival_code, 1, "Không được")
    expect(
        page.locator("ul.messages li.error").filter(has_text=records.restricted.archival_code)
    ).to_contain_text("chưa được công bố công khai hoặc bị hạn chế")
    # Reorder chapter one by the numbers: the mít tinh first.
    rows = chapter(page, 1).locator("tbody tr")
    expect(rows).to_have_count(2)
    rows.nth(0).get_by_label("Thứ tự").fill("2")
    rows.nth(1).get_by_label("Thứ tự").fill("1")
    chapter(page, 1).get_by_role("button", name="Lưu thứ tự").click()
    expect(page.get_by_text("Đã sắp xếp lại.")).to_be_visible()
    expect(chapter(page, 1).locator("tbody tr").first).to_contain_text(second)
    # A caption corrected afterwards.
    chapter(page, 2).get_by_text("Sửa chú thích, trang trưng bày").click()
    edit = chapter(page, 2).get_by_role("form", name=f"Sửa {third}")
    edit.get_by_label("Chú thích", exact=True).fill("Quyết định thành lập ủy ban")
    edit.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã sửa chú thích.")).to_be_visible()
    exhibition_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.get_by_text("Trạng thái: Chờ duyệt")).to_be_visible()
    return exhibition_id


def widget_site(tmp_path: Path, live_server: Any, slug: str) -> http.server.ThreadingHTTPServer:
    """An agency's website on another origin, with the widget showing the exhibition."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Sở Tài chính</title>'
        "</head><body><main><h1>Triển lãm</h1>"
        f'<div data-luutru-widget data-exhibition="{slug}"></div>'
        f'<script src="{live_server.url}/static/js/widget.js" defer></script>'
        "</main></body></html>",
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_curator_builds_schedules_and_the_public_sees_it_at_its_time(
    records: Records,
    context: BrowserContext,
    live_server: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock(monkeypatch)
    local_now = timezone.localtime()
    start = (local_now + datetime.timedelta(days=1)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    page = context.pages[0] if context.pages else context.new_page()
    axe = Axe()
    exhibition_id = build_and_schedule(page, live_server, records, start.strftime("%Y-%m-%dT%H:%M"))
    page.screenshot(path=tmp_path / "curator.png", full_page=True)
    # Reloaded without the flash messages: templates/base.html puts role="status" on their
    # <ul>, which axe reports (listitem) on every staff page; not this app's template.
    page.reload()
    no_serious_violations(page, axe, "curator's page")

    context.clear_cookies()
    sign_in(page, live_server, "lanhdao")
    page.goto(f"{live_server.url}/quan-tri/trien-lam/{exhibition_id}/")
    page.get_by_role("button", name="Công bố").click()
    expect(page.get_by_text("Đã công bố triển lãm.")).to_be_visible()
    exhibition = Exhibition.objects.get()
    assert exhibition.publish_from == start
    story = f"{live_server.url}/trien-lam/{exhibition.slug}/"

    # Before its time: not listed, its address unknown.
    context.clear_cookies()
    page.goto(f"{live_server.url}/trien-lam/")
    expect(page.get_by_text(TITLE)).to_have_count(0)
    response = page.goto(story)
    assert response is not None and response.status == 404

    clock.move_to(start + datetime.timedelta(minutes=1))
    page.goto(f"{live_server.url}/trien-lam/")
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(story)
    first, second, third = (d.archival_code for d in records.documents)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.locator("section.chapter h2")).to_have_text(list(CHAPTERS))
        expect(page.locator("figure .caption")).to_have_text(
            ["Quang cảnh buổi mít tinh", "Lời kêu gọi", "Quyết định thành lập ủy ban"]
        )
        images = page.locator("figure.exhibit-item img")
        expect(images.first).to_have_attribute("src", f"/iiif/{second}/trang/2/1200.jpg")
        # A function, not a bare expression: Playwright polls an expression with eval, which
        # the page's Content-Security-Policy refuses whenever the first check is false.
        page.wait_for_function(
            "() => [...document.querySelectorAll('figure img')]"
            ".every(i => i.complete && i.naturalWidth)"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        no_serious_violations(page, axe, f"exhibition at {width}px")
        page.screenshot(path=tmp_path / f"exhibition-{width}.png", full_page=True)

    # In English: the curator's English title, summary and captions.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National Day")
    expect(page.get_by_text("Records of the autumn of 1945.")).to_be_visible()
    expect(page.locator("figure .caption").first).to_have_text("EN Quang cảnh buổi mít tinh")
    no_serious_violations(page, axe, "exhibition in English")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    page.get_by_role("button", name="Chép mã nhúng").click()
    expect(page.get_by_role("status")).to_have_text("Đã chép mã nhúng.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f'<iframe src="{story}nhung/"')
    page.goto(f"{story}nhung/")
    expect(page.locator("figure .caption")).to_have_count(3)
    no_serious_violations(page, axe, "embed")

    server = widget_site(tmp_path, live_server, exhibition.slug)
    try:
        host = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        site = context.new_page()
        site.goto(host)
        widget = site.locator("[data-luutru-widget] figure")
        expect(widget).to_have_count(3)
        expect(widget.first).to_contain_text("Quang cảnh buổi mít tinh")

        # An item withdrawn from publication leaves the story, the frame and the widget.
        # Wait until the widget's images are served: the live server shares this thread's
        # in-memory SQLite connection, and a write while it reads is refused ("table is locked").
        page.wait_for_load_state("networkidle")
        site.wait_for_load_state("networkidle")
        with_mail = len(mail.outbox)
        withdraw_records([records.documents[1]], None, "Rà soát lại nội dung")
        site.reload()
        expect(widget).to_have_count(2)
        expect(site.get_by_text("Quang cảnh buổi mít tinh")).to_have_count(0)
    finally:
        server.shutdown()
        server.server_close()
    page.goto(story)
    expect(page.locator("figure .caption")).to_have_text(
        ["Lời kêu gọi", "Quyết định thành lập ủy ban"]
    )
    expect(page.get_by_text(second)).to_have_count(0)
    page.goto(f"{story}nhung/")
    expect(page.locator("figure .caption")).to_have_count(2)

    # The curator is told: a mail, and the notice on the exhibition's page.
    assert len(mail.outbox) == with_mail + 1
    assert mail.outbox[-1].to == ["luutruvien@example.vn"]
    assert second in mail.outbox[-1].body
    sign_in(page, live_server, "luutruvien")
    page.goto(f"{live_server.url}/quan-tri/trien-lam/{exhibition_id}/")
    notice = page.get_by_role("alert").filter(has_text="đang bị ẩn khỏi triển lãm")
    expect(notice).to_contain_text("1 tài liệu đang bị ẩn khỏi triển lãm")
    expect(notice).to_contain_text(second)
    page.screenshot(path=tmp_path / "curator-told.png", full_page=True)
    assert first and third  # still shown above
