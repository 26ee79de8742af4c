"""In a real browser: a leader takes a school through module 1 into module 2, a teacher logs on
an action from a phone, and PUF opens a module out of order. Every page on the way passes axe."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

SCHOOL = "soendervangskolen"  # the demo school that has not started yet
LEADER = f"leder@{SCHOOL}.demo.dk"
TEACHER = f"laerer1@{SCHOOL}.demo.dk"  # member of the team "Indskolingen"


def click_and_check(page: Any, name: str, *, role: str = "link") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name).first.click()
    assert_accessible(page)


def test_leader_takes_module_1_to_completion_and_module_2_opens(
    page: Any, live_server: LiveServer, browser: Any
) -> None:
    today = date.today()
    log_in(page, live_server, LEADER)
    expect(page).to_have_url(re.compile(re.escape("/skole/") + "$"))
    expect(page.locator("body")).to_contain_text("ikke startet")
    assert_accessible(page)

    # Start the run: module 1 opens, the others are locked and say why.
    page.get_by_label("Skoleår eller navn på forløbet").fill("2026/27")
    page.get_by_role("button", name="Start forløbet").click()
    expect(page).to_have_url(re.compile(re.escape("/skole/modul/faellesskab")))
    expect(page.locator("body")).to_contain_text("Forløbet er startet")
    assert_accessible(page)
    page.get_by_role("link", name="Skolens forløb").first.click()
    expect(page.get_by_text("Åbner, når modul 1")).to_have_count(1)
    page.get_by_role("link", name="Fællesskabsunderstøttende forældresamarbejde").click()

    # 1. A session with knowledge input and discussion.
    click_and_check(page, "Registrér møde")
    page.get_by_label("Dato for mødet").fill(today.isoformat())
    page.get_by_label("Hvem deltog").fill("Hele personalet, 22 lærere og pædagoger")
    page.get_by_label("Noter fra drøftelsen").fill(
        "Vi taler mest med forældre om det enkelte barn."
    )
    page.get_by_role("button", name="Gem mødet").click()
    expect(page.locator("body")).to_contain_text("Mødet er registreret")

    # 2. An action, started from the module's first suggestion.
    page.get_by_role("link", name="Brug som aktion").first.click()
    assert_accessible(page)
    assert page.get_by_label("Aktionens titel").input_value() != ""
    page.get_by_label("Team").select_option(label="Indskolingen")
    page.get_by_label("Periode fra").fill(today.isoformat())
    page.get_by_label("Periode til").fill((today + timedelta(days=42)).isoformat())
    page.get_by_role("button", name="Aftal aktionen").click()
    expect(page.locator("body")).to_contain_text("Aktionen er aftalt")

    # Completing now is refused, with the reasons in plain Danish.
    page.get_by_role("button", name="Afslut modulet").click()
    expect(page.locator("body")).to_contain_text("Modulet kan ikke afsluttes endnu")
    expect(page.locator("body")).to_contain_text("har ingen logninger endnu")
    assert_accessible(page)

    # 3. A teacher logs on the action from a phone.
    phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="da-DK")
    teacher = phone.new_page()
    log_in(teacher, live_server, TEACHER)
    expect(teacher).to_have_url(re.compile(re.escape("/mine-aktioner/") + "$"))
    assert_accessible(teacher)
    assert teacher.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    teacher.get_by_role("link", name="Log").first.click()
    assert_accessible(teacher)
    teacher.get_by_label("Hvad skete der").fill("Forældrene talte i små grupper i 20 minutter.")
    teacher.get_by_label("Hvad lagde vi mærke til").fill("Flere forældre sagde noget end sidst.")
    teacher.get_by_role("button", name="Gem logning").click()
    expect(teacher.locator("body")).to_contain_text("Din logning er gemt")
    expect(teacher.locator("body")).to_contain_text("1 logning")
    phone.close()

    # 4. Follow-up on the action and the module's summary.
    page.reload()
    click_and_check(page, "Saml op")
    page.get_by_label("Fasthold").check()
    page.get_by_label("Hvad lærte vi").fill("Små grupper giver flere stemmer.")
    page.get_by_role("button", name="Gem opsamlingen").click()
    expect(page.locator("body")).to_contain_text("Opsamlingen på aktionen er gemt")
    click_and_check(page, "Skriv opsamling")
    page.get_by_label("Hvad har vi lært").fill(
        "Forældre vil gerne tale sammen, når rammen er tryg."
    )
    page.get_by_label("Hvad fastholder vi").fill("Samtaler i små grupper på hvert forældremøde.")
    page.get_by_label("Næste skridt").fill("Vi tager erfaringen med ind i modul 2.")
    with page.expect_navigation():
        page.get_by_role("button", name="Gem opsamlingen").click()
    assert_accessible(page)

    # Complete: module 2 opens.
    page.get_by_role("button", name="Afslut modulet").click()
    expect(page).to_have_url(re.compile(re.escape("/skole/modul/foraeldremoeder")))
    expect(page.locator("body")).to_contain_text(
        "Næste modul er modul 2 »Meningsfulde forældremøder«"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Skolens forløb").first.click()
    cards = page.locator(".module-card")
    expect(cards.nth(0)).to_contain_text("Afsluttet")
    expect(cards.nth(1)).to_contain_text("I gang")
    expect(cards.nth(2)).to_contain_text("Låst")
    assert_accessible(page)


def test_puf_opens_a_module_out_of_order(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "puf@demo.dk")
    with page.expect_navigation():
        page.get_by_role("link", name="Skæring Skole").click()
    assert_accessible(page)
    page.get_by_role("link", name="Kommunikation og forventningsafstemning").click()
    expect(page.locator("body")).to_contain_text("Åbner, når modul 3")
    assert_accessible(page)
    page.get_by_role("button", name="Åbn modulet").click()
    expect(page.locator("body")).to_contain_text(
        "Skriv, hvorfor modulet åbnes uden for rækkefølgen."
    )
    assert_accessible(page)
    page.get_by_label("Begrundelse").fill("Skolen arbejder allerede med kommunikation i år.")
    page.get_by_role("button", name="Åbn modulet").click()
    # Wait for the page after the redirect (content() mid-navigation is empty on a busy machine).
    page.get_by_text("Modulet er åbnet for Skæring Skole").wait_for()
    expect(page.locator("body")).to_contain_text("Modulet er åbnet for Skæring Skole")
    expect(page.locator(".title-row")).to_contain_text("I gang")
    assert_accessible(page)
