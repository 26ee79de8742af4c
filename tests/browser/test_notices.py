"""In a real browser: the header's bell counts unread notices; marking one read lowers it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

LEADER = "leder@ellevangskolen.demo.dk"


def fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_bell_the_notices_page_and_marking_read(page: Any, live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 1280, "height": 844})
    log_in(page, live_server, LEADER)
    bell = page.locator("header a.bell")
    # The demo leader has three notices, one of them read.
    expect(bell).to_have_attribute("aria-label", "Beskeder, 2 ulæste")
    with page.expect_navigation():
        bell.click()
    expect(page.get_by_role("heading", level=1, name="Beskeder")).to_be_visible()
    expect(page.locator(".inbox-item")).to_have_count(3)
    expect(page.locator(".inbox-unread")).to_have_count(2)
    assert_accessible(page)

    with page.expect_navigation():
        page.locator(".inbox-unread .inbox-mark button").first.click()
    expect(page.locator(".inbox-unread")).to_have_count(1)
    expect(bell).to_have_attribute("aria-label", "Beskeder, 1 ulæst")
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(bell).to_be_visible()
    fits(page, 390)
    assert_accessible(page)

    # Opening the last unread notice marks it read and goes to the page it is about.
    with page.expect_navigation():
        page.locator(".inbox-unread .inbox-title").click()
    assert "/beskeder" not in page.url
    expect(bell).to_have_attribute("aria-label", "Beskeder, ingen ulæste")
    fits(page, 390)
