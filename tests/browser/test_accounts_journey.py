"""In a real browser: a leader invites a teacher, who accepts and logs in; pages pass axe."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, assert_accessible, log_in

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
    assert "Personale og teams" in page.locator("h1").inner_text()
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
    assert "Nanna Nyansat" in page.content() and "Inviteret" in page.content()
    page.get_by_role("button", name="Log ud").click()

    page.goto(link.group(0))
    assert "Opret din konto" in page.locator("h1").inner_text()
    check_both_widths(page)
    page.locator("#password").fill("kort")
    page.get_by_label("Gentag den nye adgangskode").fill("kort")
    page.locator("main button[type=submit]").click()
    assert "mindst 12 tegn" in page.content()
    assert page.get_by_label("Dit navn").input_value() == "Nanna Nyansat"
    assert_accessible(page)
    page.locator("#password").fill(NEW_PASSWORD)
    page.get_by_label("Gentag den nye adgangskode").fill(NEW_PASSWORD)
    page.locator("main button[type=submit]").click()
    assert "Din konto er klar" in page.content()

    log_in(page, live_server, "nanna@ellevangskolen.demo.dk", NEW_PASSWORD)
    assert page.url.endswith("/mine-aktioner/")
    page.get_by_role("link", name="Min konto").click()
    assert "Min konto" in page.locator("h1").inner_text()
    check_both_widths(page)
    page.get_by_role("link", name="Slå totrinsbekræftelse til").click()
    assert page.locator(".qr svg").count() == 1
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
    assert page.locator("h1").count() == 1
    check_both_widths(page)


def test_forgot_password_page_is_accessible(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/login")
    page.get_by_role("link", name="Glemt adgangskode?").click()
    check_both_widths(page)
    page.get_by_label("E-mail").fill("findes.ikke@demo.dk")
    page.locator("main button[type=submit]").click()
    assert "Hvis adressen findes" in page.content()
