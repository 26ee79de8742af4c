"""In a real browser: each role logs in, lands on its start page, and the page passes axe."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

ROLES = [
    ("puf@demo.dk", "/puf/", "Skolernes forløb"),
    ("leder@ellevangskolen.demo.dk", "/skole/", "Styrket forældresamarbejde"),
    ("laerer1@ellevangskolen.demo.dk", "/mine-aktioner/", "Mine aktioner"),
]


def test_login_page_is_accessible(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/login")
    assert page.locator("html").get_attribute("lang") == "da"
    assert_accessible(page)


@pytest.mark.parametrize(("email", "path", "heading"), ROLES)
def test_role_lands_on_start_page(
    page: Any, live_server: LiveServer, email: str, path: str, heading: str
) -> None:
    log_in(page, live_server, email)
    expect(page).to_have_url(f"{live_server.url}{path}")
    assert heading in page.locator("h1").inner_text()
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 740})
    assert_accessible(page)
    # Nothing wider than a phone: no horizontal scrolling of the page itself.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.get_by_role("button", name="Log ud").click()
    expect(page).to_have_url(re.compile(re.escape("/login")))


def test_the_kept_actions_page_is_accessible_on_a_phone(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "laerer1@ellevangskolen.demo.dk")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/mine-aktioner/fastholdt")
    expect(page.locator("h1")).to_have_text("Det fortsætter vi med")
    expect(page.locator(".action-kept")).to_have_count(1)  # the demo team keeps one action
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_wrong_password_shows_danish_error(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "puf@demo.dk", password="forkert-kodeord")
    expect(page.locator("body")).to_contain_text("Forkert e-mail eller adgangskode")
    expect(page.get_by_label("E-mail")).to_have_value("puf@demo.dk")
    assert_accessible(page)


def test_error_page_is_accessible(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/findes-ikke")
    expect(page.locator("body")).to_contain_text("Siden findes ikke")
    assert_accessible(page)
