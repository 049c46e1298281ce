"""In a real browser, on a phone (390 px) and a desktop (1280 px), the two journeys of issue 19:

- the clerk (văn thư): downloads the blank forms, fills them in, checks the package, reads the
  error explained in Vietnamese, fixes it and hands the package over;
- the archive's head (lãnh đạo): finds it among the work waiting, opens it, accepts it, and
  finds the acceptance in the audit trail.

Every page on the way is checked with axe-core (no serious or critical violation) and
photographed: all steps at both widths go to ``LUUTRU_TEST_ARTIFACTS`` (default: the temporary
folder, ``luutru-journeys/``). With ``LUUTRU_UPDATE_GUIDE=1`` the desktop pictures the in-app
guide shows (luutru/staff/guide.py) are written to static/img/huong-dan/ as well.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from luutru.ingest.tests.factory import DOSSIER, document, fill_blank, write_blank_package
from luutru.organizations.tests.test_browser import page, url  # noqa: F401
from luutru.staff.tests.test_browser import FINANCE, cast, run_worker, switch_to  # noqa: F401

pytestmark = pytest.mark.browser

CODE = f"{FINANCE}.2024.05"
STATIC_GUIDE = Path(__file__).resolve().parents[3] / "static" / "img" / "huong-dan"
ARTIFACTS = Path(os.environ.get("LUUTRU_TEST_ARTIFACTS", tempfile.gettempdir())) / "luutru-journeys"


class Camera:
    """Checks each page with axe-core and keeps a picture of it."""

    def __init__(self, tab: Page, width: int) -> None:
        self.page, self.width, self.axe = tab, width, Axe()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def step(self, name: str, guide: str = "") -> None:
        self.page.wait_for_load_state("networkidle")
        results = self.axe.run(self.page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert not bad, f"{name} at {self.width} px: {bad}"
        self.page.screenshot(path=ARTIFACTS / f"{self.width}-{name}.png", full_page=True)
        if guide and self.width >= 1280 and os.environ.get("LUUTRU_UPDATE_GUIDE") == "1":
            STATIC_GUIDE.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=STATIC_GUIDE / f"{guide}.png")


def rows(start_date: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """One dossier of Sở Tài chính with two documents, as a clerk types them into the forms."""
    dossier = {**DOSSIER, "Mã hồ sơ": CODE, "Thời gian bắt đầu": start_date}
    documents = [document(n, pages=n) for n in (1, 2)]
    for n, row in enumerate(documents, start=1):
        row["Mã hồ sơ"] = CODE
        row["Mã định danh tài liệu"] = f"H62.03.2024.05.{n}"
        row["Ngày, tháng, năm tài liệu"] = row.pop("Ngày tháng năm tài liệu")
        row["Tên cơ quan, tổ chức, cá nhân ban hành"] = row.pop("Tên cơ quan, tổ chức ban hành")
    return dossier, documents


def package(folder: Path, blanks: dict[str, bytes], start_date: str) -> Path:
    dossier, documents = rows(start_date)
    write_blank_package(
        folder,
        fill_blank(blanks["ho_so"], [dossier]),
        fill_blank(blanks["tai_lieu"], documents),
        documents,
    )
    target = folder.with_suffix(".zip")
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


def upload(tab: Page, zipped: Path, *, check_only: bool) -> None:
    tab.get_by_label("Gói tài liệu (.zip)").set_input_files(zipped)
    if check_only:
        tab.get_by_label("Chỉ kiểm tra, chưa nộp").check()
    tab.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(tab.get_by_text(f"Đã nhận gói “{zipped.name}”")).to_be_visible()
    run_worker()
    tab.reload()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_clerk_hands_over_a_package_and_the_head_accepts_it(
    cast: None,  # noqa: F811
    page: Page,  # noqa: F811
    live_server: object,
    tmp_path: Path,
    width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    camera = Camera(page, width)

    # The clerk opens the transfers page: their agency is already chosen.
    switch_to(page, live_server, "vanthu")
    page.goto(url(live_server, "ingest:transfer-list"))
    agency = page.get_by_label("Cơ quan nộp lưu")
    expect(agency.locator("option:checked")).to_have_text(f"Sở Tài chính ({FINANCE})")
    camera.step("1-van-thu-trang-nop-luu", "van-thu-1-trang-nop-luu")

    # Downloads both blank forms.
    blanks: dict[str, bytes] = {}
    for role, name in (("ho_so", "danh sách hồ sơ"), ("tai_lieu", "danh sách tài liệu")):
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Mẫu {role}.xlsx ({name})").click()
        assert download.value.suggested_filename == f"{role}.xlsx"
        saved = tmp_path / f"{role}.xlsx"
        download.value.save_as(saved)
        blanks[role] = saved.read_bytes()

    # Fills them in with a date that does not exist, and only checks the package.
    upload(page, package(tmp_path / "kiem-tra", blanks, "31/02/2024"), check_only=True)
    status = page.locator("#status")
    expect(status).to_contain_text("Kiểm tra: 1 lỗi cần sửa.")
    expect(status).not_to_contain_text("Bị từ chối")
    problem = status.locator("li.problem")
    expect(problem).to_contain_text("Ngày không hợp lệ")
    expect(problem).to_contain_text("Cách sửa: Viết ngày theo dạng ngày/tháng/năm")
    expect(problem).not_to_contain_text("bad_date")
    expect(page.locator("[hx-trigger]")).to_have_count(0)  # finished: no more polling
    camera.step("2-van-thu-bao-cao-loi", "van-thu-2-bao-cao-loi")

    # Fixes the date and hands the package over.
    page.goto(url(live_server, "ingest:transfer-list"))
    upload(page, package(tmp_path / "nop-luu", blanks, "02/01/2024"), check_only=False)
    expect(page.locator("#status")).to_contain_text("Gói hợp lệ, chờ lưu trữ tiếp nhận: 1 hồ sơ")
    camera.step("3-van-thu-cho-tiep-nhan", "van-thu-3-cho-tiep-nhan")

    # The head finds it among the work waiting, opens it and accepts it.
    switch_to(page, live_server, "lanhdao")
    work = page.locator(".work-transfers")
    expect(work).to_contain_text("Lần nộp lưu chờ tiếp nhận: 1")
    camera.step("4-lanh-dao-viec-dang-cho", "lanh-dao-1-viec-dang-cho")
    work.get_by_role("link", name="Lần nộp lưu chờ tiếp nhận").click()
    page.get_by_role("link", name="nop-luu.zip").click()
    accept = page.get_by_role("button", name="Tiếp nhận")
    refuse = page.get_by_role("button", name="Trả lại")
    expect(accept).to_have_css("font-weight", "700")
    expect(refuse).to_have_css("font-weight", "400")
    expect(accept).to_have_css("background-color", "rgb(29, 107, 51)")
    expect(refuse).to_have_css("background-color", "rgb(255, 255, 255)")
    camera.step("5-lanh-dao-lan-nop-luu", "lanh-dao-2-lan-nop-luu")
    accept.click()
    expect(page.get_by_text("Đã tiếp nhận vào kho 1 hồ sơ, 2 tài liệu")).to_be_visible()
    camera.step("6-lanh-dao-da-tiep-nhan", "lanh-dao-3-da-tiep-nhan")

    # The acceptance is in the audit trail, in Vietnamese, under the head's full name.
    page.goto(url(live_server, "audit:event-list"))
    filters = page.locator("details.filters")
    if width < 640:
        expect(filters).not_to_have_attribute("open", "")  # results first on a phone
        filters.locator("summary").click()
    page.get_by_label("Loại hành động").select_option(label="Tiếp nhận vào kho")
    results = page.locator("#results")
    expect(results).to_contain_text("1 sự kiện")
    expect(results.locator("td.action")).to_have_text("Tiếp nhận vào kho")
    camera.step("7-lanh-dao-nhat-ky", "lanh-dao-4-nhat-ky")
