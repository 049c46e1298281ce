"""In Chromium, with the Content-Security-Policy on: the pages that run script (htmx filtering,
the portal, the API's Swagger UI) work, and the browser reports no violation of the policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from luutru.organizations.models import Agency
from luutru.organizations.tests.test_browser import page, province, sign_in, url

__all__ = ["page", "province"]  # fixtures, used by name
pytestmark = pytest.mark.browser


def test_pages_run_their_scripts_without_violating_the_policy(
    province: dict[str, Agency], page: Page, live_server: object
) -> None:
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", watch)
    page.goto(url(live_server, "portal:home"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    sign_in(page, live_server, "luutruvien")
    page.goto(url(live_server, "organizations:agency-tree"))
    tree = page.locator("#tree")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Tìm theo tên hoặc mã định danh").press_sequentially("xây dựng")
    expect(tree.get_by_role("link", name="Sở Tài chính", exact=True)).to_have_count(0)

    page.goto(f"{live_server.url}/api/v1/docs")  # type: ignore[attr-defined]
    expect(page.locator(".swagger-ui .info")).to_be_visible()  # drawn by its script

    assert violations == []
