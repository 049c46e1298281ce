"""In a real browser (Debian's Chromium): a visitor plays a film's access copy and zooms into a
photo, which swaps in the large image; both pages pass axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from luutru.portal.tasks import make_access_copies
from luutru.portal.tests.media_samples import (
    PHOTO_DOSSIER,
    SIP_DOSSIER,
    ingest_media_samples,
    item,
)
from luutru.portal.tests.test_browser import Weigher, browser_context, check_page
from luutru.records.models import Document, DocumentKind

pytestmark = pytest.mark.browser
__all__ = ["browser_context"]  # the fixture, shared with the portal's other browser tests


@pytest.fixture
def media_records(transactional_db: None) -> None:
    ingest_media_samples()
    recordings = Document.objects.filter(kind__in=[DocumentKind.AUDIO, DocumentKind.VIDEO])
    outcome = make_access_copies.call(list(recordings.values_list("pk", flat=True)))
    assert outcome == {"made": 2, "failed": 0}


def test_a_visitor_plays_a_film_and_zooms_into_a_photo(
    media_records: None, browser_context: Any, live_server: Any
) -> None:
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    weigher, axe = Weigher(page), Axe()
    film = item(f"{SIP_DOSSIER}.0000004")
    page.goto(f"{live_server.url}/tai-lieu/{film.archival_code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(film.summary)
    video = page.locator("video[data-player]")
    expect(video).to_be_visible()
    # The browser loads the access copy's metadata: it knows the length and can play.
    page.wait_for_function(
        "() => { const v = document.querySelector('video[data-player]');"
        " return v && v.readyState >= 1 && v.duration > 1.5; }"
    )
    duration = video.evaluate("v => v.duration")
    assert 1.5 < duration < 2.5, duration
    assert video.evaluate("v => v.textTracks.length") == 1
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video[data-player]').currentTime > 0.2")
    assert video.evaluate("v => v.error") is None
    check_page(page, weigher, axe, "film")

    photo = item(f"{PHOTO_DOSSIER}.0000001")
    page.goto(f"{live_server.url}/tai-lieu/{photo.archival_code}/")
    gallery = page.locator("[data-gallery] img")
    expect(gallery).to_have_count(1)
    check_page(page, weigher, axe, "photo")
    page.get_by_role("link", name="Xem ảnh").click()
    expect(page.get_by_role("status")).to_have_text("Ảnh 1/1")
    image = page.locator("img[data-page]")
    expect(image).to_have_attribute(
        "src", f"{live_server.url}/iiif/{photo.archival_code}/trang/1/1200.jpg"
    )
    page.get_by_role("button", name="Phóng to").click()
    expect(image).to_have_attribute(
        "src", f"{live_server.url}/iiif/{photo.archival_code}/trang/1/2400.jpg"
    )
    page.wait_for_function(
        "() => { const i = document.querySelector('img[data-page]');"
        " return i.complete && i.naturalWidth === 2400; }"
    )
    check_page(page, weigher, axe, "photo viewer")
