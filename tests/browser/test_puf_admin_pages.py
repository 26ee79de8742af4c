"""In a real browser: PUF changes a school's area and reads it in the audit log in Danish with
names, manages the list of areas, and makes a new invitation link to copy; axe is happy at
desktop and phone widths."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

SHOTS = Path(os.environ.get("PUFADMIN_SHOTS", "/tmp/shots-pufadmin"))


def check_both_widths(page: Any, shot: str = "") -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        if shot and SHOTS.is_dir():
            page.screenshot(path=str(SHOTS / f"{shot}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_puf_reads_the_log_manages_areas_and_renews_an_invitation(
    page: Any, live_server: LiveServer
) -> None:
    log_in(page, live_server, "puf@demo.dk")
    page.goto(f"{live_server.url}/administration/skoler")
    page.get_by_role("link", name="Ellevangskolen").click()
    page.get_by_label("Område", exact=True).select_option("Midt")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Skolen er gemt")

    # The list of areas: add, rename, and a refusal for one still in use.
    page.goto(f"{live_server.url}/administration/skoler")
    page.get_by_role("link", name="Områder").click()
    expect(page.locator("h1")).to_contain_text("Områder")
    page.get_by_label("Nyt område").fill("Havnen")
    page.get_by_role("button", name="Tilføj").click()
    expect(page.locator(".flash")).to_contain_text("»Havnen« er oprettet")
    check_both_widths(page, "areas")
    page.get_by_role("link", name="Havnen").click()
    page.get_by_label("Områdets navn").fill("Havnefronten")
    page.get_by_role("button", name="Gem navnet").click()
    expect(page.locator("table")).to_contain_text("Havnefronten")
    page.get_by_role("link", name="Nord").click()
    check_both_widths(page)
    page.get_by_role("button", name="Fjern »Nord«").click()
    expect(page.locator(".flash")).to_contain_text("kan ikke fjernes, fordi 1 skole ligger i det")

    # A leader invited, then a new link for them, shown in a field to copy.
    page.goto(f"{live_server.url}/administration/skoler")
    page.get_by_role("link", name="Ellevangskolen").click()
    page.get_by_role("link", name="Invitér en leder").click()
    page.get_by_label("Navn").fill("Nora Nyleder")
    page.get_by_label("E-mail").fill("nora@ellevangskolen.demo.dk")
    page.locator("main button[type=submit]").click()
    old = re.search(r"/invitation/[\w-]+", page.locator(".flash").inner_text())
    assert old
    page.get_by_role("button", name="Nyt invitationslink til Nora Nyleder").click()
    field = page.get_by_label("Invitationslink", exact=True)
    expect(field).to_have_attribute("readonly", "")
    assert "/invitation/" in field.input_value() and old.group(0) not in field.input_value()
    page.get_by_role("button", name="Kopiér").click()
    check_both_widths(page, "invitation")

    # The audit log says what happened, in words, with names.
    page.get_by_role("link", name="Revisionslog").click()
    page.get_by_label("Handling").select_option(label="Skole ændret")
    with page.expect_navigation():
        page.get_by_role("button", name="Søg").click()
    table = page.locator("table.audit-table tbody")
    expect(page.get_by_role("status")).to_contain_text("1 hændelse.")
    expect(table).to_contain_text("tidligere område")
    expect(table.get_by_role("link", name="Ellevangskolen")).to_be_visible()
    expect(table).not_to_contain_text("old_district")
    check_both_widths(page, "audit-school-edit")
    page.goto(f"{live_server.url}/puf/revisionslog/")
    expect(page.locator("table.audit-table")).to_contain_text("Nyt invitationslink lavet")
    check_both_widths(page, "audit-log")
