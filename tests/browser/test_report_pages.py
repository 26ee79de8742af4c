"""In a real browser: PUF's progress over time, the half-yearly report and a note to a school,
and the leader's answer; on a desktop and on a phone; axe is happy on every new page.

With SHOTS_DIR set, each page is also saved as a full-page screenshot there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

SHOTS = os.environ.get("SHOTS_DIR")


def check(page: Any, name: str, width: int) -> None:
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_puf_reports_and_writes_to_a_school(page: Any, live_server: LiveServer, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "puf@demo.dk")
    page.goto(f"{live_server.url}/puf/")
    page.get_by_role("link", name="Udvikling over tid").click()
    expect(page.locator("h1")).to_contain_text("Udvikling over tid")
    expect(page.locator("#progress-table tbody tr").first).to_be_visible()
    check(page, "progress", width)

    page.get_by_role("link", name="Rapportering").first.click()
    expect(page.locator("h1")).to_contain_text("Halvårlig afrapportering")
    page.get_by_label("Periodens første dag").fill("2026-01-01")
    page.get_by_label("Periodens sidste dag").fill("2025-12-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Opret rapport").click()
    expect(page.locator("body")).to_contain_text("Slutdatoen skal ligge efter startdatoen.")
    check(page, "reports-error", width)
    # Each width makes its own report: the same values again would be the same report (saved once).
    page.get_by_label("Periodens sidste dag").fill("2026-12-31" if width > 500 else "2026-12-30")
    with page.expect_navigation():
        page.get_by_role("button", name="Opret rapport").click()
    expect(page.locator("#report-modules")).to_be_visible()
    pick = page.get_by_role("button", name="Tag med i rapporten").first
    with page.expect_navigation():
        pick.click()
    expect(page.locator("#eksempler")).to_contain_text("Eksemplets tekst")
    check(page, "report", width)

    page.goto(f"{live_server.url}/puf/")
    page.get_by_role("link", name="Ellevangskolen", exact=True).first.click()
    page.get_by_role("textbox", name="Besked").fill(
        "Flot arbejde med forældrekaffen – sig til, hvis I vil have hjælp."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Send besked").click()
    expect(page.locator("#noter")).to_contain_text("Flot arbejde med forældrekaffen")
    expect(page.locator("#tidslinje")).to_be_visible()
    check(page, "drilldown-notes", width)
    page.get_by_role("button", name="Log ud").click()

    log_in(page, live_server, "leder@ellevangskolen.demo.dk")
    page.goto(f"{live_server.url}/skole/")
    expect(page.locator("#noter")).to_contain_text("Flot arbejde med forældrekaffen")
    page.get_by_role("textbox", name="Besked").fill(
        "Tak! Vi vil gerne have hjælp til forældremødet."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Send svar til PUF").click()
    expect(page.locator("#noter")).to_contain_text("Vi vil gerne have hjælp")
    check(page, "school-notes", width)
    page.get_by_role("button", name="Log ud").click()
