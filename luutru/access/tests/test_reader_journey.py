"""The reader's journey end to end, in a real browser on a phone (390 px) and a desktop
(1280 px): register on the portal (with the personal-data consent) → see why a request cannot
be sent yet → the head approves the account → e-mail → request two restricted documents →
follow the request by its number → the head approves one and refuses the other with a reason →
e-mails → read the reading copy from the document's own portal page.

Every reader and portal page is checked with axe-core (no serious or critical violation);
a screenshot of each step goes to ``$LUUTRU_TEST_ARTIFACTS/reader-journey-<width>/`` (or the
test's temporary directory when the variable is unset)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect, sync_playwright

from luutru.access.models import AccessRequest
from luutru.access.tests.helpers import attach_pdf
from luutru.access.tests.test_browser import sign_in, sign_out
from luutru.accounts.models import Reader, Role
from luutru.organizations import actions as org
from luutru.organizations.models import AgencyKind, ArchiveKind
from luutru.organizations.tests.test_browser import CHROMIUM, CHROMIUM_ARGS
from luutru.records.models import Document
from luutru.records.tests.factory import make_document, make_dossier
from luutru.test import make_agency, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WANTED = "Quyết định về việc bồi thường giải phóng mặt bằng"
REFUSED = "Biên bản kiểm kê đất đai"
REASON = "Tài liệu đang được tu bổ, chưa phục vụ được."
EMAIL = "hoa@example.vn"
PASSWORD = "mat-khau-doc-gia-2026"


@pytest.fixture
def documents(transactional_db: None) -> tuple[Document, Document]:
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
    org.update_agency(finance, transfers_to=archive, actor=None)
    make_user("lanhdao", Role.HEAD, archive_agency)
    dossier = make_dossier(finance, 1, access_regime="02")
    wanted = make_document(finance, dossier, 1, summary=WANTED, access_regime="02")
    refused = make_document(finance, dossier, 2, summary=REFUSED, access_regime="02")
    attach_pdf(wanted)
    attach_pdf(refused)
    return wanted, refused


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def tab(
    request: pytest.FixtureRequest,
    live_server: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Page]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    width: int = request.param
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=tmp_path / "chromium-profile",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            locale="vi-VN",
            viewport={"width": width, "height": 844 if width < 600 else 900},
        )
        context.set_default_timeout(20_000)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


class Steps:
    """Screenshots and axe-core checks, one numbered step at a time."""

    def __init__(self, page: Page, directory: Path) -> None:
        self.page = page
        self.directory = directory
        self.axe = Axe()
        self.count = 0
        directory.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str, *, axe: bool = True) -> None:
        self.page.wait_for_load_state("networkidle")
        self.count += 1
        self.page.screenshot(path=self.directory / f"{self.count:02d}-{name}.png", full_page=True)
        if not axe:
            return
        results = self.axe.run(self.page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert not bad, f"{name}: {bad}"


def artifacts(tmp_path: Path, page: Page) -> Path:
    width = page.viewport_size["width"] if page.viewport_size else 0
    base = os.environ.get("LUUTRU_TEST_ARTIFACTS")
    return (Path(base) if base else tmp_path) / f"reader-journey-{width}"


def mails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


def test_a_reader_registers_requests_is_told_and_reads(
    documents: tuple[Document, Document], tab: Page, live_server: Any, tmp_path: Path
) -> None:
    wanted, refused = documents
    page = tab
    step = Steps(page, artifacts(tmp_path, page))
    site = live_server.url

    # 1. From the portal, the reader registers, agreeing to the personal-data notice.
    page.goto(f"{site}/")
    page.get_by_role("link", name="Đăng ký độc giả").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký độc giả")
    expect(page.get_by_text("13/2023/NĐ-CP")).to_be_visible()
    page.get_by_label("Họ và tên").fill("Lê Thị Hoa")
    page.get_by_label("Ngày sinh").fill("1988-07-21")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("038188004321")
    page.get_by_label("Địa chỉ").fill("8 Hùng Vương, Thanh Hóa")
    page.get_by_label("Số điện thoại").fill("0987654321")
    page.get_by_label("Thư điện tử").fill(EMAIL)
    page.get_by_label("Mục đích khai thác").fill("Nghiên cứu đề tài bồi thường đất đai")
    page.get_by_label("Tên đăng nhập").fill("lethihoa")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_label("Tôi đồng ý cho xử lý dữ liệu cá nhân").check()
    step("dang-ky")
    page.get_by_role("button", name="Đăng ký").click()

    # 2. Pending: the reader is told why a request cannot be sent yet, in the portal's look.
    expect(page.get_by_role("status").filter(has_text="chưa được duyệt")).to_be_visible()
    expect(page.locator("header.portal-head")).to_be_visible()
    expect(page.get_by_role("link", name="Phiếu yêu cầu của tôi")).to_be_visible()
    assert Reader.objects.get(user__username="lethihoa").consent_at is not None
    step("cho-duyet")
    page.get_by_role("link", name="Gửi phiếu yêu cầu").first.click()
    expect(page.get_by_text("nên chưa gửi được phiếu yêu cầu")).to_be_visible()
    expect(page.get_by_role("heading", name="Biểu phí khai thác")).to_be_visible()
    step("chua-gui-duoc")
    sign_out(page)

    # 3. The head approves the account; the reader is told by e-mail.
    sign_in(page, live_server, "lanhdao")
    page.goto(f"{site}{reverse('access:staff-home')}")
    page.locator("#pending-readers").get_by_role("link", name="Lê Thị Hoa").click()
    page.get_by_role("button", name="Duyệt tài khoản").click()
    expect(page.get_by_text("Đã duyệt tài khoản độc giả")).to_be_visible()
    step("duyet-tai-khoan", axe=False)  # staff pages: their own browser tests check them
    sign_out(page)
    (approved_account,) = mails_to(EMAIL)
    assert "Tài khoản độc giả đã được duyệt" in approved_account.subject

    # 4. The reader asks for both documents.
    sign_in(page, live_server, "lethihoa", PASSWORD)
    page.goto(f"{site}/")
    page.get_by_role("link", name="Phiếu yêu cầu của tôi").click()
    page.get_by_role("link", name="Gửi phiếu yêu cầu mới").click()
    page.get_by_label("Mã hồ sơ, mã tài liệu").fill(
        f"{wanted.archival_code}\n{refused.archival_code}"
    )
    page.get_by_label("Mục đích").select_option(label="Công vụ")
    page.get_by_label("Đề tài, vấn đề nghiên cứu").fill("Bồi thường đất đai 2023")
    page.get_by_label("Hình thức khai thác").select_option(label="Bản đọc trên Hệ thống")
    step("phieu-yeu-cau")
    page.get_by_role("button", name="Gửi phiếu yêu cầu").click()
    expect(page.get_by_text("Đã gửi phiếu yêu cầu số")).to_be_visible()
    request = AccessRequest.objects.get(reader__username="lethihoa")
    step("da-gui")

    # 5. Anyone with the number and the e-mail address follows it.
    page.get_by_role("link", name="Tra cứu phiếu yêu cầu").click()
    page.get_by_label("Số phiếu").fill(request.number)
    page.get_by_label("Thư điện tử đã đăng ký").fill(EMAIL)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_text("Đã gửi", exact=True)).to_be_visible()
    step("tra-cuu-phieu")
    sign_out(page)

    # 6. The head approves one document and refuses the other, with a reason.
    sign_in(page, live_server, "lanhdao")
    page.goto(f"{site}{reverse('access:staff-request', args=[request.pk])}")
    row = page.get_by_role("row").filter(has_text=refused.archival_code)
    row.get_by_role("checkbox", name="Không cung cấp").check()
    row.get_by_role("textbox").fill(REASON)
    step("quyet-dinh", axe=False)
    page.get_by_role("button", name="Duyệt và cung cấp").click()
    expect(page.get_by_text("Đã duyệt phiếu và cung cấp cho độc giả")).to_be_visible()
    sign_out(page)
    subjects = [m.subject for m in mails_to(EMAIL)]
    assert any("đã được duyệt" in s and request.number in s for s in subjects), subjects
    assert any("đã sẵn sàng" in s for s in subjects), subjects
    decision = next(m for m in mails_to(EMAIL) if "Phiếu yêu cầu số" in m.subject)
    assert f"{refused.archival_code}: {REASON}" in decision.body

    # 7. The reader sees the decision, then reads from the document's own portal page.
    sign_in(page, live_server, "lethihoa", PASSWORD)
    page.goto(f"{site}{reverse('access:request-detail', args=[request.pk])}")
    expect(page.get_by_text(REASON)).to_be_visible()
    step("ket-qua")
    page.goto(f"{site}{reverse('portal:document', args=[wanted.archival_code])}")
    expect(page.get_by_role("link", name="Gửi yêu cầu khai thác")).to_have_count(0)
    step("trang-tai-lieu")
    page.get_by_role("link", name="Đọc bản sao được cung cấp").click()
    expect(page.get_by_role("heading", level=2, name=WANTED)).to_be_visible()
    expect(page.get_by_text(REFUSED)).to_have_count(0)
    page.wait_for_function(
        "() => [...document.images].every(img => img.complete && img.naturalWidth > 0)"
    )
    assert page.locator("main img").count() == 2  # the two pages of the granted document
    step("ban-doc")
