"""In a real browser: PUF creates an API token, sees it once, revokes it; the page passes axe."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in


def test_puf_creates_and_revokes_a_token(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "puf@demo.dk")
    page.get_by_role("link", name="API-nøgler").click()
    expect(page.locator("h1")).to_have_text("API-nøgler")
    assert_accessible(page)

    # A missing name is explained, in Danish, next to the field.
    page.get_by_role("button", name="Opret nøgle").click()
    expect(page.locator(".error-summary")).to_contain_text("Giv nøglen et navn")
    assert_accessible(page)

    page.get_by_label("Navn på nøglen").fill("Halvårsrapport")
    page.get_by_label("90 dage").check()
    page.get_by_role("button", name="Opret nøgle").click()
    secret = page.get_by_label("API-nøgle", exact=True).input_value()
    assert secret.startswith("lp_") and len(secret) > 40
    expect(page.locator("body")).to_contain_text("vises kun denne ene gang")
    assert_accessible(page)

    # The token opens the API; the description is public.
    api = page.request.get(
        f"{live_server.url}/api/v1/summary", headers={"Authorization": f"Bearer {secret}"}
    )
    assert api.status == 200 and api.json()["schools"] >= 5
    assert page.request.get(f"{live_server.url}/api/v1/summary").status == 401

    # At phone width: usable, nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 800})
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.goto(f"{live_server.url}/puf/api-noegler/")
    assert secret not in page.content()  # the whole HTML, attributes too
    page.get_by_role("button", name="Tilbagekald Halvårsrapport").click()
    expect(page.locator(".flashes")).to_contain_text("er tilbagekaldt")
    assert_accessible(page)
    api = page.request.get(
        f"{live_server.url}/api/v1/summary", headers={"Authorization": f"Bearer {secret}"}
    )
    assert api.status == 401
