"""In a real browser: two leaders edit the same module notes; the second is told, input kept."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

LEADER = "leder@ellevangskolen.demo.dk"


def test_a_stale_save_is_refused_accessibly(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    colleague_context = browser.new_context(locale="da-DK")
    colleague = colleague_context.new_page()
    try:
        log_in(page, live_server, LEADER)
        log_in(colleague, live_server, LEADER)
        url = f"{live_server.url}/skole/modul/foraeldremoeder/tilpasning"
        page.goto(url)
        colleague.goto(url)
        colleague.get_by_label("Skolens lokale noter").fill("Kollegaens noter")
        with colleague.expect_navigation():
            colleague.locator("main button[type=submit]").click()

        page.get_by_label("Skolens lokale noter").fill("Mine egne noter")
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        expect(page.locator("body")).to_contain_text("Dine ændringer er ikke gemt")
        expect(page.locator("body")).to_contain_text("En anden har ændret det her")
        expect(page.get_by_label("Skolens lokale noter")).to_have_value("Mine egne noter")
        assert_accessible(page)

        # Having seen it, saving again is deliberate and goes through.
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        expect(page.locator("body")).to_contain_text("Skolens lokale tilpasning er gemt.")
        expect(page.locator("body")).to_contain_text("Mine egne noter")
    finally:
        colleague_context.close()
