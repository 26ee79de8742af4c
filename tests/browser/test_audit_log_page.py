"""In a real browser: PUF searches the audit log, on a desktop and on a phone; axe is happy."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in


@pytest.mark.parametrize("width", [1280, 390])
def test_puf_searches_the_audit_log(page: Any, live_server: LiveServer, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    # A failed login and a denied page, so there is something to find.
    log_in(page, live_server, "laerer1@ellevangskolen.demo.dk", password="forkert-kodeord")
    log_in(page, live_server, "laerer1@ellevangskolen.demo.dk")
    page.goto(f"{live_server.url}/puf/")
    page.get_by_role("button", name="Log ud").click()

    log_in(page, live_server, "puf@demo.dk")
    page.get_by_role("link", name="Revisionslog").click()
    expect(page.locator("h1")).to_contain_text("Revisionslog")
    assert_accessible(page)

    page.get_by_label("Person").fill("laerer1@ellevangskolen")
    page.get_by_label("Handling").select_option(label="Adgang nægtet")
    with page.expect_navigation():
        page.get_by_role("button", name="Søg").click()
    table = page.locator("table.audit-table tbody")
    expect(table).to_contain_text("Adgang nægtet")
    expect(table).to_contain_text("/puf/")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.get_by_label("Fra dato").fill("2026-05-01")
    page.get_by_label("Til dato").fill("2026-04-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Søg").click()
    expect(page.locator("body")).to_contain_text("Slutdatoen skal ligge efter startdatoen.")
    expect(page.get_by_label("Person")).to_have_value("laerer1@ellevangskolen")
    assert_accessible(page)
    page.get_by_role("button", name="Log ud").click()
