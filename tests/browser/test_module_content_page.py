"""In a real browser: a module page with its shared content (finding summaries, the parent text,
the board brief) is axe clean and fits a phone. Set SHOTS_DIR to keep screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

LEADER = "leder@ellevangskolen.demo.dk"  # a demo school with a run under way


@pytest.mark.parametrize("width", [1280, 390])
def test_module_content_is_accessible_and_fits(
    page: Any, live_server: LiveServer, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, LEADER)
    page.goto(f"{live_server.url}/skole/modul/faellesskab")
    expect(page.locator("#fund-F1")).to_contain_text("Fællesskaber er vigtige")
    expect(page.locator("#foraeldre-heading")).to_have_text("Til forældre")
    expect(page.locator("#bestyrelse-heading")).to_have_text("Til skolebestyrelsen")
    page.locator("#guide summary").click()  # open the facilitator guide too
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if shots := os.environ.get("SHOTS_DIR"):
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/module-faellesskab-{width}.png", full_page=True)
        for part in (".findings", "#foraeldre", "#bestyrelse"):
            name = part.strip(".#")
            page.locator(part).screenshot(path=f"{shots}/module-{name}-{width}.png")
        page.locator("#guide").screenshot(path=f"{shots}/module-guide-{width}.png")
        tables = page.locator("#guide table")
        for i in range(tables.count()):
            tables.nth(i).screenshot(path=f"{shots}/module-guide-table{i + 1}-{width}.png")
