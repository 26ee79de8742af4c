"""In a real browser: a teacher on a phone logs, corrects and deletes a log entry; a leader
corrects a meeting and an action. The edit and confirmation pages pass axe at both sizes."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

SCHOOL = "ellevangskolen"  # a demo school with a module open
LEADER = f"leder@{SCHOOL}.demo.dk"
TEACHER = f"laerer1@{SCHOOL}.demo.dk"
MODULE = "foraeldremoeder"


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _follow(page: Any, link: Any) -> None:
    with page.expect_navigation():
        link.click()
    assert_accessible(page)


def test_a_teacher_logs_corrects_and_deletes_an_entry_on_a_phone(
    browser: Any, live_server: LiveServer
) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="da-DK")
    page = phone.new_page()
    try:
        log_in(page, live_server, TEACHER)
        expect(page).to_have_url(re.compile(re.escape("/mine-aktioner/") + "$"))
        card = page.locator(".action-card").first
        _follow(page, card.locator(".record-actions a.button").first)
        page.get_by_label(re.compile("Hvad skete der|Hvad så jeg")).fill("Peter i 2.b kom for sent")
        _submit(page, page.locator("main button[type=submit]").inner_text().strip())

        entries = page.locator(".own-entries li", has_text="Peter i 2.b")
        expect(entries).to_have_count(1)
        _follow(page, entries.get_by_role("link", name=re.compile("^Ret ")))
        expect(page.locator("h1")).to_have_text("Ret logindlægget")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.get_by_label(re.compile("Hvad skete der|Hvad så jeg")).fill("En elev kom for sent")
        _submit(page, "Gem rettelsen")
        expect(page.locator("body")).to_contain_text("Logindlægget er rettet.")
        expect(page.locator("body")).not_to_contain_text("Peter i 2.b")

        entry = page.locator(".own-entries li", has_text="En elev kom for sent")
        _follow(page, entry.get_by_role("link", name=re.compile("^Slet ")))
        expect(page.locator("h1")).to_have_text("Slet logindlægget?")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        _submit(page, "Slet")
        expect(page.locator("body")).to_contain_text("Logindlægget er slettet.")
        expect(page.locator("body")).not_to_contain_text("En elev kom for sent")
        expect(page).to_have_url(re.compile("/mine-aktioner/"))
    finally:
        phone.close()


def test_a_leader_corrects_a_meeting_and_an_action(page: Any, live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, LEADER)
    page.goto(f"{live_server.url}/skole/modul/{MODULE}")

    meeting = page.locator("#moeder article").first
    _follow(page, meeting.get_by_role("link", name=re.compile("^Ret ")))
    page.get_by_label("Beslutninger").fill("Vi prøver små grupper.")
    _submit(page, "Gem mødet")
    expect(page.locator("body")).to_contain_text("Mødet er rettet.")
    expect(page.locator("#moeder")).to_contain_text("Vi prøver små grupper.")

    action = page.locator("#aktioner article.action").first
    _follow(page, action.get_by_role("link", name=re.compile("^Redigér ")))
    page.get_by_label("Aktionens titel").fill("Forældrekaffe om fredagen")
    _submit(page, "Gem aktionen")
    expect(page.locator("body")).to_contain_text("Aktionen er gemt.")
    expect(page.locator("#aktioner")).to_contain_text("Forældrekaffe om fredagen")

    # Deleting asks first; cancelling leaves the meeting where it was.
    _follow(
        page, page.locator("#moeder article").first.get_by_role("link", name=re.compile("^Slet "))
    )
    expect(page.locator("h1")).to_have_text("Slet mødet?")
    _follow(page, page.get_by_role("link", name="Annullér"))
    expect(page.locator("#moeder")).to_contain_text("Vi prøver små grupper.")
