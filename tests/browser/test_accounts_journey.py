"""In a real browser: a leader invites a teacher, who accepts and logs in; pages pass axe."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

NEW_PASSWORD = "tre grønne ænder i regnvejr"


def check_both_widths(page: Any) -> None:
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 800})
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_invite_accept_and_log_in(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "leder@ellevangskolen.demo.dk")
    page.get_by_role("link", name="Personale").click()
    expect(page.locator("h1")).to_contain_text("Personale og teams")
    check_both_widths(page)
    page.get_by_role("link", name="Invitér en medarbejder").click()
    check_both_widths(page)
    page.get_by_label("Navn").fill("Nanna Nyansat")
    page.get_by_label("E-mail").fill("nanna@ellevangskolen.demo.dk")
    page.get_by_label("Lærer / pædagog").check()
    page.locator("main button[type=submit]").click()
    flash = page.locator(".flash").inner_text()
    link = re.search(r"http://\S+/invitation/[\w-]+", flash)
    assert link, flash
    expect(page.locator("body")).to_contain_text("Nanna Nyansat")
    expect(page.locator("body")).to_contain_text("Inviteret")
    page.get_by_role("button", name="Log ud").click()

    page.goto(link.group(0))
    expect(page.locator("h1")).to_contain_text("Opret din konto")
    check_both_widths(page)
    page.locator("#password").fill("kort")
    page.get_by_label("Gentag den nye adgangskode").fill("kort")
    page.locator("main button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("mindst 12 tegn")
    expect(page.get_by_label("Dit navn")).to_have_value("Nanna Nyansat")
    assert_accessible(page)
    page.locator("#password").fill(NEW_PASSWORD)
    page.get_by_label("Gentag den nye adgangskode").fill(NEW_PASSWORD)
    page.locator("main button[type=submit]").click()
    # Accepting signs the new user in.
    expect(page.locator("body")).to_contain_text("Din konto er klar, og du er logget ind")
    expect(page).to_have_url(re.compile(re.escape("/mine-aktioner/") + "$"))
    page.get_by_role("link", name="Min konto").click()
    expect(page.locator("h1")).to_contain_text("Min konto")
    check_both_widths(page)
    page.get_by_role("link", name="Slå totrinsbekræftelse til").click()
    expect(page.locator(".qr svg")).to_have_count(1)
    check_both_widths(page)


@pytest.mark.parametrize(
    "path",
    ["/administration/skoler", "/administration/skoler/1", "/administration/skoler/import"],
)
def test_puf_administration_pages_are_accessible(
    page: Any, live_server: LiveServer, path: str
) -> None:
    log_in(page, live_server, "puf@demo.dk")
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("h1")).to_have_count(1)
    check_both_widths(page)


def test_forgot_password_page_is_accessible(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/login")
    page.get_by_role("link", name="Glemt adgangskode?").click()
    check_both_widths(page)
    page.get_by_label("E-mail").fill("findes.ikke@demo.dk")
    page.locator("main button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Hvis adressen findes")
