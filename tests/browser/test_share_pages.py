"""In a real browser: handouts and the year report (print pages, PDF download), presentation mode
driven by the keyboard, axe on every new page at 1280 and 390 px (issue 12)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.support import LiveServer, assert_accessible, log_in

SIZES = [(1280, 900), (390, 844)]
LEADER = "leder@ellevangskolen.demo.dk"
MODULE = "/skole/modul/faellesskab"
SHOTS = Path("/work/shots/lp-share")


def fits_the_width(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def shoot(page: Any, name: str) -> None:
    """A screenshot for the closing note, where the shared folder exists (not in CI)."""
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / name), full_page=False)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_handouts_print_pages_and_pdf(
    page: Any, live_server: LiveServer, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, LEADER)
    page.goto(f"{live_server.url}{MODULE}")
    with page.expect_navigation():
        page.get_by_role("link", name="Til forældremødet (print)").click()
    expect(page.locator("h2").first).to_contain_text("Det har vi valgt at gøre på Ellevangskolen")
    expect(page.get_by_role("button", name="Udskriv")).to_be_visible()  # print.js ran
    assert_accessible(page)
    assert fits_the_width(page)
    shoot(page, f"handout-page-{width}.png")

    with page.expect_download() as download:
        page.get_by_role("link", name="Hent PDF").click()
    data = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Fællesskabet på dagsordenen" in text  # the demo school's action
    assert "æ" in text and "ø" in text and "å" in text

    for url in (f"{MODULE}/bestyrelse", "/skole/aarsrapport", f"{MODULE}/aktionsskabelon"):
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
        assert fits_the_width(page)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_presentation_mode_follows_the_keyboard(
    page: Any, live_server: LiveServer, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, LEADER)
    page.goto(f"{live_server.url}{MODULE}")
    with page.expect_navigation():
        page.get_by_role("link", name="Præsentér modulet på personalemødet").click()
    slides = page.locator("[data-slide]")
    total = slides.count()
    counter = page.locator("[data-counter]")
    expect(counter).to_have_text(f"1 / {total}")
    expect(slides.nth(0)).to_be_visible()
    expect(slides.nth(1)).to_be_hidden()
    assert_accessible(page)
    assert fits_the_width(page)
    shoot(page, f"slide-title-{width}.png")

    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text(f"2 / {total}")
    page.keyboard.press("Space")
    expect(counter).to_have_text(f"3 / {total}")
    page.keyboard.press("PageDown")  # a clicker's "next"
    expect(counter).to_have_text(f"4 / {total}")
    page.keyboard.press("PageUp")
    expect(counter).to_have_text(f"3 / {total}")
    page.keyboard.press("ArrowLeft")
    expect(counter).to_have_text(f"2 / {total}")
    expect(slides.nth(1)).to_be_visible()
    assert_accessible(page)

    # The first agenda slide counts down its minutes; T pauses it.
    agenda = page.locator("[data-slide][data-minutes]").first
    index = int(agenda.get_attribute("id").rsplit("-", 1)[1])
    page.keyboard.press("Home")
    for _ in range(index - 1):
        page.keyboard.press("ArrowRight")
    expect(counter).to_have_text(f"{index} / {total}")
    minutes = int(agenda.get_attribute("data-minutes"))
    timer = agenda.locator("[data-timer]")
    expect(timer).not_to_have_text(f"{minutes:02d}:00", timeout=3000)  # it runs
    page.keyboard.press("t")
    expect(agenda.get_by_role("button", name="Fortsæt")).to_be_visible()
    paused = timer.text_content()
    page.wait_for_timeout(1300)
    assert timer.text_content() == paused
    assert_accessible(page)
    shoot(page, f"slide-agenda-{width}.png")

    page.keyboard.press("End")
    expect(counter).to_have_text(f"{total} / {total}")
    with page.expect_navigation():
        page.keyboard.press("Escape")  # not in full screen: Esc leaves the presentation
    expect(page).to_have_url(f"{live_server.url}{MODULE}")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_common_and_local_approach(
    page: Any, live_server: LiveServer, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, LEADER)
    page.goto(f"{live_server.url}/faelles-tilgang")
    expect(page.locator(".draft-notice")).to_contain_text("Dette er et udkast.")
    assert_accessible(page)
    assert fits_the_width(page)
    shoot(page, f"common-approach-{width}.png")

    with page.expect_navigation():
        page.get_by_role("link", name="Skolens lokale tilgang").first.click()
    page.get_by_label("Skolens lokale tilgang til forældresamarbejde").fill(
        f"Hos os er forældrene med i børnenes fællesskab ({width})."
    )
    page.get_by_label("Hvad er ændret (valgfrit)").fill("Efter bestyrelsesmødet")
    with page.expect_navigation():
        page.get_by_role("button", name="Gem som ny version").click()
    expect(page.locator(".flash-success")).to_contain_text("gemt som version")
    assert_accessible(page)
    assert fits_the_width(page)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Historik")).click()
    expect(page.locator("table")).to_contain_text("Efter bestyrelsesmødet")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Vis version 1").click()
    expect(page.locator("h1")).to_have_text("Vores lokale tilgang til forældresamarbejde")
    assert_accessible(page)
    assert fits_the_width(page)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_puf_plans_a_sharing_event(
    page: Any, live_server: LiveServer, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, "puf@demo.dk")
    with page.expect_navigation():
        page.get_by_role("link", name="Videndeling", exact=True).click()
    assert_accessible(page)
    assert fits_the_width(page)
    page.get_by_label("Titel").fill(f"Skole inspirerer skole {width}")
    page.get_by_label("Dato").fill("2027-03-10")
    page.get_by_label("Sted").fill("Dokk1")
    with page.expect_navigation():
        page.get_by_role("button", name="Opret arrangementet").click()
    page.get_by_label("Modul").select_option("faellesskab")
    with page.expect_navigation():
        page.get_by_role("button", name="Vis opsamlinger").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Vælg til arrangementet")).first.click()
    expect(page.locator("body")).to_contain_text("1 skole fortæller, 5 minutter hver.")
    assert_accessible(page)
    assert fits_the_width(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Program (print)").click()
    expect(page.locator("h3").first).to_contain_text("Oplæg 1:")
    assert_accessible(page)
    assert fits_the_width(page)
    shoot(page, f"event-programme-{width}.png")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_puf_reads_the_year_report_and_local_approach(
    page: Any, live_server: LiveServer, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, "puf@demo.dk")
    with page.expect_navigation():
        page.get_by_role("link", name="Ellevangskolen").first.click()
    for name in ("Årsrapport (print)", "Skolens lokale tilgang"):
        with page.expect_navigation():
            page.get_by_role("link", name=name).click()
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
        assert fits_the_width(page)
        page.go_back()
