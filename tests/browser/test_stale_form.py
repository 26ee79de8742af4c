"""In a real browser: two leaders edit the same module notes; the second is told, input kept."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveServer, assert_accessible, log_in

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
        colleague.locator("main button[type=submit]").click()
        colleague.wait_for_load_state("domcontentloaded")

        page.get_by_label("Skolens lokale noter").fill("Mine egne noter")
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state("domcontentloaded")
        assert "Dine ændringer er ikke gemt" in page.content()
        assert "En anden har ændret det her" in page.content()
        assert page.get_by_label("Skolens lokale noter").input_value() == "Mine egne noter"
        assert_accessible(page)

        # Having seen it, saving again is deliberate and goes through.
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state("domcontentloaded")
        assert "Skolens lokale tilpasning er gemt." in page.content()
        assert "Mine egne noter" in page.content()
    finally:
        colleague_context.close()
