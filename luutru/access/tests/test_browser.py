"""In a real browser: a reader registers and asks for a restricted document, the archive's head
approves the account and the requests, the reader reads the watermarked reading copy and finds
no way to download it, and downloads a certified copy that verifies against the demo
certificate with pyHanko."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from luutru.access.tests.helpers import attach_pdf, demo_signing
from luutru.accounts.models import Role
from luutru.lib.signatures import verify_pdf_signatures
from luutru.organizations import actions as org
from luutru.organizations.models import AgencyKind, ArchiveKind
from luutru.organizations.tests.test_browser import page  # noqa: F401 - the Chromium fixture
from luutru.records.models import Document
from luutru.records.tests.factory import make_document, make_dossier
from luutru.test import PASSWORD, make_agency, make_user, second_factor_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "Quyết định về việc bồi thường giải phóng mặt bằng"
ARCHIVE = "Trung tâm Lưu trữ lịch sử tỉnh"


@pytest.fixture
def restricted(transactional_db: None) -> Document:
    province = make_agency(
        "000.00.00.H62", "Ủy ban nhân dân tỉnh", kind=AgencyKind.PROVINCIAL_COMMITTEE
    )
    finance = make_agency("000.00.03.H62", "Sở Tài chính", province)
    archive_agency = make_agency("000.02.01.H62", ARCHIVE, province, kind=AgencyKind.PUBLIC_SERVICE)
    archive = org.create_archive(
        agency=archive_agency, name="Lưu trữ lịch sử tỉnh", kind=ArchiveKind.HISTORICAL, actor=None
    )
    org.update_agency(finance, transfers_to=archive, actor=None)
    make_user("lanhdao", Role.HEAD, archive_agency)
    dossier = make_dossier(finance, 1, access_regime="02")
    document = make_document(finance, dossier, 1, summary=SUMMARY, access_regime="02")
    attach_pdf(document)
    demo_signing()
    return document


def go(tab: Page, live_server: object, name: str, *args: object) -> None:
    tab.goto(f"{live_server.url}{reverse(name, args=args)}")  # type: ignore[attr-defined]


def sign_in(tab: Page, live_server: object, username: str, password: str = PASSWORD) -> None:
    code = second_factor_code(username)
    go(tab, live_server, "accounts:login")
    tab.get_by_label("Tên đăng nhập").fill(username)
    tab.get_by_label("Mật khẩu").fill(password)
    tab.get_by_role("button", name="Đăng nhập").click()
    tab.wait_for_load_state()
    if code is not None:
        tab.get_by_label("Mã xác thực").fill(code)
        tab.get_by_role("button", name="Xác nhận").click()
        tab.wait_for_load_state()


def sign_out(tab: Page) -> None:
    tab.get_by_role("button", name="Đăng xuất").click()
    tab.wait_for_load_state()


def test_reader_reads_a_restricted_document_and_gets_a_certified_copy(
    restricted: Document,
    page: Page,  # noqa: F811 - the imported Chromium fixture
    live_server: object,
    tmp_path: Path,
) -> None:
    code = restricted.archival_code
    reader_password = "mat-khau-doc-gia-2026"

    # 1. The reader registers with their identity details.
    go(page, live_server, "access:reader-register")
    page.get_by_label("Họ và tên").fill("Lê Thị Hoa")
    page.get_by_label("Ngày sinh").fill("1988-07-21")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("038188004321")
    page.get_by_label("Địa chỉ").fill("8 Hùng Vương, Thanh Hóa")
    page.get_by_label("Số điện thoại").fill("0987654321")
    page.get_by_label("Thư điện tử").fill("hoa@example.vn")
    page.get_by_label("Mục đích khai thác").fill("Nghiên cứu đề tài bồi thường đất đai")
    page.get_by_label("Tên đăng nhập").fill("lethihoa")
    page.get_by_label("Mật khẩu").fill(reader_password)
    page.get_by_label("Tôi đồng ý cho xử lý dữ liệu cá nhân").check()
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text("đang chờ cơ quan lưu trữ duyệt")).to_be_visible()
    sign_out(page)

    # 2. The head approves the account, within its 1-working-day limit shown on the page.
    sign_in(page, live_server, "lanhdao")
    page.get_by_role("navigation", name="Các khu vực nghiệp vụ").get_by_role(
        "link", name="Khai thác, sử dụng"
    ).click()
    readers = page.locator("#pending-readers")
    expect(readers).to_contain_text("ngày làm việc")
    readers.get_by_role("link", name="Lê Thị Hoa").click()
    page.get_by_role("button", name="Duyệt tài khoản").click()
    expect(page.get_by_text("Đã duyệt tài khoản độc giả")).to_be_visible()
    sign_out(page)

    # 3. The reader asks for the document (the portal's ?ma= link), twice: to read, and for a
    #    certified copy.
    sign_in(page, live_server, "lethihoa", reader_password)
    for form in ("Bản đọc trên Hệ thống", "Bản sao có xác thực"):
        page.goto(f"{live_server.url}{reverse('access:request-new')}?ma={code}")  # type: ignore[attr-defined]
        expect(page.get_by_label("Mã hồ sơ, mã tài liệu")).to_have_value(code)
        page.get_by_label("Mục đích").select_option(label="Công vụ")
        page.get_by_label("Đề tài, vấn đề nghiên cứu").fill("Bồi thường đất đai 2023")
        page.get_by_label("Hình thức khai thác").select_option(label=form)
        page.get_by_role("button", name="Gửi phiếu yêu cầu").click()
        expect(page.get_by_text("Đã gửi phiếu yêu cầu số")).to_be_visible()
        # Before approval the reader does not see the restricted summary.
        expect(page.get_by_text(SUMMARY)).to_have_count(0)
    sign_out(page)

    # 4. The head sees both with their 6-working-day deadlines, and approves them.
    sign_in(page, live_server, "lanhdao")
    go(page, live_server, "access:staff-home")
    pending = page.locator("#pending-requests")
    expect(pending.locator("tbody tr")).to_have_count(2)
    expect(pending).to_contain_text("Còn 6 ngày làm việc")
    for _ in range(2):
        pending.get_by_role("link").first.click()
        page.get_by_role("button", name="Duyệt và cung cấp").click()
        expect(page.get_by_text("Đã duyệt phiếu và cung cấp cho độc giả.")).to_be_visible()
        go(page, live_server, "access:staff-home")
    expect(pending.locator("tbody tr")).to_have_count(1)  # "no request waiting"
    sign_out(page)

    # 5. The reader reads the watermarked pages: images only, no way to download.
    sign_in(page, live_server, "lethihoa", reader_password)
    go(page, live_server, "access:reader-home")
    page.get_by_role("row").filter(has_text="Bản đọc trên Hệ thống").get_by_role("link").click()
    page.get_by_role("link", name="Đọc bản đọc trên Hệ thống").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(SUMMARY)
    pages = page.get_by_role("img", name="Trang 1")
    expect(pages).to_be_visible()
    page.wait_for_function(
        "() => [...document.images].every(img => img.complete && img.naturalWidth > 0)"
    )
    assert page.locator("img").count() == 2
    main = page.locator("main")
    forbidden = "a[download], a[href*='.pdf'], a[href*='ban-sao'], embed, object, iframe"
    expect(main.locator(forbidden)).to_have_count(0)
    expect(main.get_by_role("link", name="Tải")).to_have_count(0)
    assert page.locator("img").first.get_attribute("draggable") == "false"
    page.screenshot(path=tmp_path / "ban-doc.png", full_page=True)

    # 6. The certified copy downloads and verifies against the archive's demo certificate.
    go(page, live_server, "access:reader-home")
    page.get_by_role("row").filter(has_text="Bản sao có xác thực").get_by_role("link").click()
    with page.expect_download() as caught:
        page.get_by_role("link", name="Tải bản sao có xác thực").click()
    saved = tmp_path / caught.value.suggested_filename
    caught.value.save_as(saved)
    # pyHanko runs its own event loop; Playwright's holds this thread, so verify in another.
    with ThreadPoolExecutor(1) as pool:
        reports = pool.submit(verify_pdf_signatures, saved, demo_signing().chain).result()
    assert len(reports) == 1
    assert reports[0].intact and reports[0].valid and reports[0].trusted, reports[0].summary
    assert reports[0].signer == ARCHIVE
