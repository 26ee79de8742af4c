"""In a real browser: a leader takes one team through module 1 the action-learning way into
module 2 (the owner and the observer log from their phones), and PUF opens a module out of
order. Every page on the way passes axe."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

SCHOOL = "soendervangskolen"  # the demo school that has not started yet
LEADER = f"leder@{SCHOOL}.demo.dk"
OWNER = f"laerer1@{SCHOOL}.demo.dk"  # Anne Sørensen, member of the team "Indskolingen"
OBSERVER = f"laerer3@{SCHOOL}.demo.dk"  # Sofie Kjær, a colleague in another team
TITLE = "Forældremøde i små grupper"


def click_and_check(page: Any, name: str, *, role: str = "link") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name).first.click()
    assert_accessible(page)


def shoot(page: Any, name: str, *sections: str) -> None:
    """Screenshots into $SHOTS_DIR (when set), to look at what was built: the full page, and
    each of the page's sections named by a CSS selector."""
    folder = os.environ.get("SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
        for selector in sections:
            path = Path(folder) / f"{name}-{selector.strip('#.')}.png"
            page.locator(selector).first.screenshot(path=str(path))


def on_phone(browser: Any, live_server: LiveServer, email: str) -> tuple[Any, Any]:
    """A phone-sized (390×844) browser, logged in."""
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="da-DK")
    page = phone.new_page()
    log_in(page, live_server, email)
    expect(page).to_have_url(re.compile(re.escape("/mine-aktioner/") + "$"))
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    return phone, page


def log_on_phone(browser: Any, live_server: LiveServer, email: str, title: str, text: str) -> None:
    """An owner (Log) or the observer (Log observation) logs on the action from a phone."""
    phone, page = on_phone(browser, live_server, email)
    card = page.locator(".action-card", has_text=title).last
    observes = card.get_by_text("Du observerer").count() > 0
    if observes:
        expect(card).to_contain_text("Observationsfokus:")
        shoot(page, "phone-my-actions-observer")
    with page.expect_navigation():
        card.get_by_role("link", name="Log observation" if observes else "Log").click()
    assert_accessible(page)
    page.get_by_label("Hvad så jeg" if observes else "Hvad skete der").fill(text)
    page.get_by_role("button", name="Gem observation" if observes else "Gem logning").click()
    saved = "Din observation er gemt" if observes else "Din logning er gemt"
    expect(page.locator("body")).to_contain_text(saved)
    phone.close()


def test_one_team_through_a_module_the_action_learning_way(
    page: Any, live_server: LiveServer, browser: Any
) -> None:
    """Question → action with an observer → the owner logs → the observer logs → reflection →
    second round → follow-up with expected vs observed → complete; the next module opens."""
    today = date.today()
    log_in(page, live_server, LEADER)
    expect(page.locator("body")).to_contain_text("ikke startet")
    assert_accessible(page)
    page.get_by_label("Skoleår eller navn på forløbet").fill("2026/27")
    page.get_by_role("button", name="Start forløbet").click()
    expect(page).to_have_url(re.compile(re.escape("/skole/modul/faellesskab")))
    assert_accessible(page)

    # 1. Videnoplæg og drøftelse.
    click_and_check(page, "Registrér møde")
    page.get_by_label("Dato for mødet").fill(today.isoformat())
    page.get_by_label("Hvem deltog").fill("Hele personalet, 22 lærere og pædagoger")
    page.get_by_label("Noter fra drøftelsen").fill("Vi taler mest om det enkelte barn.")
    page.get_by_role("button", name="Gem mødet").click()
    expect(page.locator("body")).to_contain_text("Mødet er registreret")
    # The stepper says the team's question is next, with a link to where it is written.
    expect(page.locator(".stepper")).to_contain_text("Mindst ét team skal skrive sin undring")
    shoot(page, "module-start", ".stepper-wrap")

    # 2. Teamets undring.
    click_and_check(page, "Skriv undringen – Indskolingen")
    page.get_by_label("Hvad undrer os i vores egen praksis?").fill(
        "Hvorfor kommer så få forældre til forældremøderne?"
    )
    page.get_by_label("Hvad ser vi nu?").fill("9 af 24 familier kom til sidste forældremøde.")
    page.get_by_role("button", name="Gem undringen").click()
    expect(page.locator("body")).to_contain_text("Teamets undring er gemt")

    # 3. An action agreed from the question, with an observer and the observation focus.
    click_and_check(page, "Aftal aktion ud fra undringen – Indskolingen")
    expect(page.locator("body")).to_contain_text("Hvorfor kommer så få forældre")
    page.get_by_label("Aktionens titel").fill(TITLE)
    page.get_by_label("Hvad gør vi").fill("Forældrene taler i grupper om klassens fællesskab.")
    page.get_by_label("Hvorfor – og hvad forventer vi at se").fill(
        "Flere forældre siger noget end ved sidste møde."
    )
    page.get_by_label("Hvordan opdager vi det").fill("Observatøren tæller, hvem der taler.")
    page.get_by_label("Anne Sørensen").check()
    page.get_by_role("combobox", name=re.compile("^Observatør")).select_option(label="Sofie Kjær")
    page.get_by_label("Observationsfokus – hvad ser observatøren efter?").fill(
        "Hvem taler, og hvem siger intet?"
    )
    page.get_by_label("Periode fra").fill(today.isoformat())
    page.get_by_label("Periode til").fill((today + timedelta(days=28)).isoformat())
    page.get_by_role("button", name="Aftal aktionen").click()
    expect(page.locator("body")).to_contain_text("Aktionen er aftalt")

    # 4. The owner logs what she did; the observer logs what she saw — each from a phone.
    log_on_phone(browser, live_server, OWNER, TITLE, "Forældrene talte i grupper i 20 minutter.")
    log_on_phone(browser, live_server, OBSERVER, TITLE, "Fem af 18 forældre sagde noget.")

    # 5. The team's reflection: "adjust" — and a second round.
    page.reload()
    click_and_check(page, "Registrér refleksionen – Indskolingen")
    expect(page.locator("body")).to_contain_text("Fem af 18 forældre sagde noget.")
    page.get_by_label("Hvem deltog").fill("Indskolingens team og Sofie som observatør")
    page.get_by_label("Hvad gjorde vi, og hvad så observatøren?").fill(
        "Vi lod forældrene tale i grupper; Sofie så, at de samme fem talte."
    )
    page.get_by_label("Hvordan passer det med det, vi forventede?").fill(
        "Flere kom, men ikke flere sagde noget."
    )
    page.get_by_label("Hvad ændrer vi?").fill("Mindre grupper og et konkret spørgsmål.")
    page.get_by_label("Justér").check()
    page.get_by_role("button", name="Gem refleksionen").click()
    expect(page.locator("body")).to_contain_text("Teamets refleksion er gemt")
    click_and_check(page, f"Start anden runde af {TITLE}")
    assert page.get_by_label("Aktionens titel").input_value() == f"{TITLE} – anden runde"
    page.get_by_label("Hvad gør vi nu").fill("Grupper på fire med ét spørgsmål på bordet.")
    page.get_by_label("Periode fra").fill((today + timedelta(days=29)).isoformat())
    page.get_by_label("Periode til").fill((today + timedelta(days=50)).isoformat())
    page.get_by_role("button", name="Aftal anden runde").click()
    expect(page.locator("body")).to_contain_text("Anden runde af aktionen er aftalt")
    # The two rounds are one thread on the page.
    expect(page.locator("body")).to_contain_text(f"Fortsat i anden runde: »{TITLE} – anden runde«")
    second = f"{TITLE} – anden runde"
    log_on_phone(browser, live_server, OWNER, second, "Grupper på fire; alle fik ordet.")
    log_on_phone(browser, live_server, OBSERVER, second, "14 af 18 forældre sagde noget.")
    page.reload()
    click_and_check(page, "Redigér refleksionen – Indskolingen")
    page.get_by_role("group", name=f"Beslutning om »{second}«").get_by_label("Fasthold").check()
    page.get_by_role("button", name="Gem refleksionen").click()
    expect(page.locator("body")).to_contain_text("Teamets refleksion er gemt")

    # 6. Follow-up: expected beside observed, and how they fit (required).
    for title, outcome in ((TITLE, "Justér"), (second, "Fasthold")):
        click_and_check(page, f"Saml op på {title}")
        expect(page.locator("body")).to_contain_text("Hvad observatøren så")
        shoot(page, "follow-up-form")
        page.get_by_label(outcome).check()
        page.get_by_label("Hvad lærte vi").fill("Små grupper giver flere stemmer.")
        page.get_by_role("button", name="Gem opsamlingen").click()
        expect(page.locator("body")).to_contain_text(
            "Skriv, hvordan det, I så, passer med det, I forventede."
        )
        assert_accessible(page)
        page.get_by_label("Hvordan passer det, vi så, med det, vi forventede?").fill(
            "Vi forventede flere stemmer; i anden runde fik vi dem."
        )
        page.get_by_role("button", name="Gem opsamlingen").click()
        expect(page.locator("body")).to_contain_text("Opsamlingen på aktionen er gemt")
    click_and_check(page, "Skriv opsamling")
    page.get_by_label("Hvad har vi lært").fill("Forældre taler, når grupperne er små.")
    page.get_by_label("Hvad fastholder vi").fill("Grupper på fire på hvert forældremøde.")
    page.get_by_label("Næste skridt").fill("Vi tager erfaringen med ind i modul 2.")
    with page.expect_navigation():
        page.get_by_role("button", name="Gem opsamlingen").click()
    expect(page.locator(".stepper .step-done")).to_have_count(6)
    assert_accessible(page)
    shoot(page, "module-page-1280", "#undringer", "#aktioner", "#refleksion")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shoot(page, "module-page-390", "#aktioner")
    page.set_viewport_size({"width": 1280, "height": 720})

    # The printable action template, filled for the action, and blank for the module.
    click_and_check(page, f"Skabelon til print – {TITLE}")
    expect(page.locator("body")).to_contain_text("Hvem taler, og hvem siger intet?")
    shoot(page, "action-template")
    page.go_back()
    click_and_check(page, "Tom aktionsskabelon til print")
    page.go_back()

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
