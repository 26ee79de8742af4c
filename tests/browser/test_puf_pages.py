"""In a real browser: PUF filters the overview, exports it, reads the digest; axe at 1280, 390."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

SIZES = [(1280, 900), (390, 844)]


def fits_the_width(page: Any) -> bool:
    """No horizontal scrolling of the page itself (wide tables scroll in their own region)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_overview_filters_and_export(
    page: Any, live_server: LiveServer, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, "puf@demo.dk")
    expect(page).to_have_url(f"{live_server.url}/puf/")
    expect(page.locator("svg.chart[role=img]")).to_have_count(1)
    assert_accessible(page)
    assert fits_the_width(page)

    page.get_by_label("Område", exact=True).select_option("Nord")
    page.get_by_label("Status", exact=True).select_option("not_started")
    with page.expect_navigation():
        page.get_by_role("button", name="Vis skoler").click()
    expect(page).to_have_url(re.compile(r"[?&]omraade=Nord(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]status=not_started(&|$)"))
    # Both Nord schools have started.
    expect(page.locator("body")).to_contain_text("Ingen skoler passer til filtrene.")
    page.get_by_label("Status", exact=True).select_option("")
    with page.expect_navigation():
        page.get_by_role("button", name="Vis skoler").click()
    rows = page.locator("table.school-table tbody th[scope=row] a")
    expect(rows).to_have_text(["Ellevangskolen", "Skæring Skole"])
    assert (
        page.get_by_label("Område", exact=True).input_value() == "Nord"
    )  # the form keeps the filter
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Hent CSV (Excel)").click()
    body = Path(download.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Ellevangskolen" in body.decode("utf-8") and "Søndervangskolen" not in body.decode()

    page.goto(f"{live_server.url}/puf/?dage=abc")
    expect(page.locator("body")).to_contain_text("Et filter kunne ikke bruges")
    assert_accessible(page)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_digest_and_drill_down(page: Any, live_server: LiveServer, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, "puf@demo.dk")
    with page.expect_navigation():
        page.get_by_role("link", name="Læring", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Læring på tværs af skoler")
    expect(page.locator("body")).to_contain_text("Ellevangskolen")
    assert_accessible(page)
    assert fits_the_width(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Ellevangskolen").click()
    expect(page.locator("h1")).to_have_text("Ellevangskolen")
    assert_accessible(page)
    assert fits_the_width(page)
