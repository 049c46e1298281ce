"""In a real browser: an archivist uploads a scan, watches recognition progress (htmx polling),
sees the page's thumbnail and checks, and accepts the batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Page, expect

from luutru.accounts.models import Role
from luutru.digitization import actions, samples
from luutru.digitization.models import ScanBatch
from luutru.organizations import actions as org
from luutru.organizations.models import AgencyKind, ArchiveKind
from luutru.organizations.tests.test_browser import page, sign_in, url  # noqa: F401
from luutru.records.models import Dossier
from luutru.records.tests.factory import make_dossier
from luutru.test import make_agency, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def dossier(transactional_db: None) -> Dossier:
    province = make_agency(
        "000.00.00.H62", "Ủy ban nhân dân tỉnh", kind=AgencyKind.PROVINCIAL_COMMITTEE
    )
    finance = make_agency("000.00.03.H62", "Sở Tài chính", province)
    archive_agency = make_agency(
        "000.02.01.H62", "Trung tâm Lưu trữ lịch sử tỉnh", province, kind=AgencyKind.PUBLIC_SERVICE
    )
    archive = org.create_archive(
        agency=archive_agency, name="Lưu trữ lịch sử tỉnh", kind=ArchiveKind.HISTORICAL, actor=None
    )
    finance = org.update_agency(finance, transfers_to=archive, actor=None)
    make_user("luutruvien", Role.ARCHIVIST, archive_agency)
    return make_dossier(finance, 12, reliability="")


def test_archivist_uploads_a_scan_and_accepts_it(
    dossier: Dossier,
    page: Page,  # noqa: F811
    live_server: object,
    tmp_path: Path,
) -> None:
    scan = samples.write(
        tmp_path / "trang-1.png", samples.page_image(samples.HEADED, height_inches=2.2)
    )
    sign_in(page, live_server, "luutruvien")
    page.get_by_role("navigation", name="Các khu vực nghiệp vụ").get_by_role(
        "link", name="Số hóa"
    ).click()
    page.get_by_role("textbox", name="Mã hồ sơ", exact=True).fill(dossier.code)
    page.locator("#id_scans").set_input_files(scan)
    page.get_by_label("Trích yếu nội dung").fill("Quyết định phân bổ dự toán")
    page.get_by_role("button", name="Tải lên và nhận dạng").click()
    expect(page.get_by_role("heading", name="Đang nhận dạng chữ")).to_be_visible()

    page.evaluate("window.stillTheSamePage = true")
    actions.process_batch(ScanBatch.objects.get().pk)  # what the worker does
    connections.close_all()  # as the worker does after a task
    expect(page.get_by_text("Tài liệu 1: chưa có tên loại tài liệu")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True, "progress reloaded the page"
    thumbnail = page.get_by_role("img", name="Ảnh thu nhỏ trang 1")
    expect(thumbnail).to_be_visible()
    # A function, not a bare expression: Playwright polls an expression with eval (CSP: no).
    page.wait_for_function("() => document.querySelector('.scan-page img').naturalWidth > 0")

    # The operator takes the suggestions read from the scan and fills in the rest.
    for field in ("doc_type", "number", "notation", "issued_date", "issuer"):
        page.locator(f'button[name="goi_y"][value="{field}"]').click()
        expect(page.get_by_text("Đã lưu mô tả tài liệu 1.")).to_be_visible()
    expect(page.get_by_label("Số", exact=True)).to_have_value("12")
    expect(page.get_by_label("Tên loại tài liệu")).to_have_value("02")
    page.get_by_label("Mã hồ sơ gốc giấy").fill("H62.K1.G2.H3.12")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu mã hồ sơ gốc giấy.")).to_be_visible()
    page.get_by_label("Số lượng tờ bản giấy").fill("1")
    page.get_by_label("Tình trạng vật lý bản giấy").select_option("01")
    page.get_by_role("button", name="Lưu mô tả").click()
    expect(page.get_by_text("Mọi trang đạt yêu cầu; có thể chấp nhận lô.")).to_be_visible()
    page.screenshot(path=tmp_path / "batch.png", full_page=True)

    # Building and signing the PDF/A takes a few seconds on a loaded machine (pyHanko's import
    # alone is about two).
    page.get_by_role("button", name="Chấp nhận lô").click(timeout=60_000)
    expect(page.get_by_text("Đã chấp nhận: 1 tài liệu số hóa.")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("link", name=f"{dossier.code}.0000001.pdf")).to_be_visible()
    assert url(live_server, "digitization:batch-list") in page.url
