"""In a real browser: a leader shares a follow-up in the knowledge bank, PUF publishes it, and a
teacher at another school finds it by another Danish word form. Every bank page is axe clean on a
desktop and on a phone; a disguised file is refused."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

# Screenshots for a person to look at, when asked for (SHOTS_DIR=/some/folder).
SHOTS = os.environ.get("SHOTS_DIR")
TITLE = "Dialog i små grupper på forældremøderne"


def look(page: Any, name: str, width: int) -> None:
    """Axe on the page, no sideways scrolling on a phone, and a screenshot when asked for."""
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Log ud").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_follow_up_travels_to_another_school(
    page: Any, live_server: LiveServer, width: int, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    title = f"{TITLE} ({width})"

    # The leader shares a follow-up of the completed first module.
    log_in(page, live_server, "leder@ellevangskolen.demo.dk")
    page.goto(f"{live_server.url}/skole/modul/faellesskab")
    look(page, "module-page", width)
    page.get_by_role("link", name="Del i videndelingsbanken").first.click()
    expect(page.locator("h1")).to_contain_text("Foreslå til videndelingsbanken")
    body = page.get_by_label("Beskrivelse", exact=True)
    for heading in ("Det gjorde vi:", "Det så vi:", "Det fastholder vi:"):
        expect(body).to_have_value(re.compile(heading))
    look(page, "propose-prefilled", width)
    page.locator("#title").fill(title)
    page.get_by_label("Materialer til forældremøder").check()

    # A web page dressed up as a PDF is refused, and what was written stays.
    disguised = tmp_path / "dagsorden.pdf"
    disguised.write_text("<!doctype html><script>alert(1)</script>", encoding="utf-8")
    page.get_by_label("Fil", exact=True).set_input_files(str(disguised))
    with page.expect_navigation():
        page.get_by_role("button", name="Send forslaget").click()
    expect(page.locator(".error-summary")).to_contain_text("hverken PDF, Word")
    expect(page.locator("#title")).to_have_value(title)
    look(page, "propose-refused-file", width)

    real = tmp_path / "dagsorden-rigtig.pdf"
    real.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Fil", exact=True).set_input_files(str(real))
    with page.expect_navigation():
        page.get_by_role("button", name="Send forslaget").click()
    expect(page.locator(".flashes")).to_contain_text("Forslaget er sendt til PUF")
    expect(page.locator("main")).to_contain_text(title)
    expect(page.locator("main")).to_contain_text("Venter på PUF")
    look(page, "our-proposals", width)
    log_out(page)

    # PUF publishes it from the curation list.
    log_in(page, live_server, "puf@demo.dk")
    page.get_by_role("link", name="Videnbank").click()
    look(page, "search-puf", width)
    page.get_by_role("link", name="Kuratering").click()
    look(page, "curation", width)
    page.get_by_role("link", name=title).click()
    look(page, "resource-proposed", width)
    page.get_by_role("link", name="Afvis med begrundelse").click()
    look(page, "reject", width)
    page.go_back()
    page.get_by_role("link", name="Redigér").click()
    look(page, "edit", width)
    page.go_back()
    with page.expect_navigation():
        page.get_by_role("button", name="Udgiv").click()
    expect(page.locator(".flashes")).to_contain_text("Materialet er udgivet")
    page.goto(f"{live_server.url}/videnbank/ny")
    look(page, "add-external", width)
    log_out(page)

    # A teacher at another school finds it by another word form, and downloads the file.
    log_in(page, live_server, "laerer1@aabyhoej-skole.demo.dk")
    page.get_by_role("link", name="Videnbank").click()
    page.get_by_role("searchbox", name="Søg").fill("forældremøde")
    with page.expect_navigation():
        page.get_by_role("button", name="Søg", exact=True).click()
    results = page.locator(".resource-list")
    expect(results).to_contain_text(title)
    look(page, "search-results", width)
    page.get_by_role("link", name=title).click()
    expect(page.locator("h1")).to_contain_text(title)
    look(page, "resource-published", width)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent dagsorden-rigtig.pdf").click()
    assert download.value.suggested_filename == "dagsorden-rigtig.pdf"
    page.goto(f"{live_server.url}/videnbank/vores-forslag")
    expect(page.locator("main")).not_to_contain_text(title)
    # The module's page at the other school shows it too.
    page.goto(f"{live_server.url}/skole/modul/faellesskab")
    section = page.locator("#videnbank")
    expect(section).to_contain_text(title)
    if SHOTS:
        section.screenshot(path=f"{SHOTS}/module-bank-section-{width}.png")
    log_out(page)
