"""In a real browser (Debian's Chromium), issue 21: an exhibition with a photo, a sound
recording and a film (the media test packages) shows the image and players that play the access
copies, the film with its captions loaded, at 390 px and 1280 px, in its embed and in the widget
on another site (captions and media across origins); axe-core finds no serious or critical
violation. Screenshots are kept in tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from luutru.exhibitions import actions
from luutru.exhibitions.models import Exhibition
from luutru.exhibitions.tests.test_browser import context, no_serious_violations, widget_site
from luutru.portal.tasks import make_access_copies
from luutru.portal.tests.media_samples import SIP_DOSSIER, ingest_media_samples, item

pytestmark = pytest.mark.browser
__all__ = ["context"]  # the fixture, shared with the exhibitions' other browser test

PHOTO = f"{SIP_DOSSIER}.0000001"
SOUND = f"{SIP_DOSSIER}.0000003"
FILM = f"{SIP_DOSSIER}.0000004"  # with WebVTT captions


@pytest.fixture
def exhibition(transactional_db: None, settings: Any, tmp_path: Path) -> Exhibition:
    settings.DERIVED_DIR = tmp_path / "derived"  # its access copies, left for no other test
    ingest_media_samples()
    copies = make_access_copies.call([item(SOUND).pk, item(FILM).pk])
    assert copies == {"made": 2, "failed": 0}
    shown = actions.create_exhibition(title="Khánh thành cầu Cái Tư", actor=None)
    section = actions.add_section(shown, title="Ngày khánh thành", actor=None)
    actions.add_item(section, code=PHOTO, caption="Cắt băng khánh thành", actor=None)
    actions.add_item(section, code=SOUND, caption="Lời phát biểu", actor=None)
    actions.add_item(section, code=FILM, caption="Phim tư liệu", actor=None)
    actions.submit_for_review(shown, actor=None)
    actions.publish_exhibition(shown, actor=None)
    return shown


def shows_photo_and_plays(page: Page) -> None:
    photo = page.locator(f'img[src$="/iiif/{PHOTO}/trang/1/1200.jpg"]').first
    expect(photo).to_be_visible()
    photo.scroll_into_view_if_needed()  # loading="lazy"
    expect(photo).to_have_js_property("naturalWidth", 1200)
    player = page.locator("audio").first
    expect(player).to_be_visible()
    page.wait_for_function(
        "() => { const a = document.querySelector('audio');"
        " return a && a.readyState >= 1 && a.duration > 0.5; }"
    )
    player.evaluate("a => { a.muted = true; return a.play(); }")
    page.wait_for_function("() => document.querySelector('audio').currentTime > 0.1")
    assert player.evaluate("a => a.error") is None


def shows_the_films_captions(page: Page) -> None:
    """The film plays with its Vietnamese captions loaded (from the portal, whatever origin
    the page is on)."""
    film = page.locator("video").first
    film.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const v = document.querySelector('video');"
        " return v && v.readyState >= 1 && v.duration > 1.5; }"
    )
    # readyState 2 is LOADED; 3 would be FAILED_TO_LOAD (a blocked cross-origin file).
    page.wait_for_function(
        "() => { const t = document.querySelector('video track');"
        " return t && (t.readyState === 2 || t.readyState === 3); }"
    )
    track = page.locator("video track").first
    assert track.evaluate("t => t.readyState") == 2
    assert track.evaluate("t => t.track.cues.length") == 1
    assert "cầu Cái Tư" in track.evaluate("t => t.track.cues[0].text")
    film.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.2")
    assert film.evaluate("v => v.error") is None


def test_an_exhibition_shows_a_photo_and_plays_a_recording(
    exhibition: Exhibition, context: Any, live_server: Any, tmp_path: Path
) -> None:
    page = context.new_page()
    axe = Axe()
    story = f"{live_server.url}/trien-lam/{exhibition.slug}/"
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(story)
        expect(page.get_by_text("Nguyễn Văn Ảnh")).to_be_visible()  # the photographer
        shows_photo_and_plays(page)
        shows_the_films_captions(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=tmp_path / f"trien-lam-media-{width}.png", full_page=True)
        no_serious_violations(page, axe, f"media exhibition at {width}px")
    page.get_by_role("link", name="Phóng to ảnh").first.click()
    expect(page.locator("img[data-page]")).to_be_visible()

    page.goto(f"{story}nhung/")
    shows_photo_and_plays(page)
    no_serious_violations(page, axe, "media embed")

    server = widget_site(tmp_path, live_server, exhibition.slug)
    try:
        site = context.new_page()
        site.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        expect(site.locator("[data-luutru-widget] figure")).to_have_count(3)
        shows_photo_and_plays(site)
        shows_the_films_captions(site)
    finally:
        server.shutdown()
