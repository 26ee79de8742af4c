"""In a real browser: save, press Back, save the restored form again — it is saved once.

After a save the app redirects (post/redirect/get). Back then shows the form page again: the
browser fetches it anew (the page is ``no-store``, so a new one-time token) and restores what
the user had typed into it. The second save must not make a second entry, and the user must be
told so; the confirmation, or the list of what to fix, gets the focus.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import func, select

from learningpack.extensions import db
from learningpack.models import LogEntry, Meeting
from learningpack.output.labels import ascii_slug
from tests.browser.support import LiveServer, assert_accessible, log_in

SCHOOL = "ellevangskolen"
OWNER = f"laerer1@{SCHOOL}.demo.dk"
LEADER = f"leder@{SCHOOL}.demo.dk"
NOT_STARTED = f"leder@{ascii_slug('Søndervangskolen')}.demo.dk"  # the fourth demo school


def count(server: LiveServer, model: Any, *where: Any) -> int:
    with server.app.app_context():
        found = db.session.scalar(select(func.count(model.id)).where(*where))
        db.session.remove()
    return int(found or 0)


def focused_class(page: Any) -> str:
    return str(page.evaluate("document.activeElement.className"))


def save(page: Any) -> None:
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()


def test_back_and_save_logs_once(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, OWNER)
    page.goto(f"{live_server.url}/mine-aktioner/")
    with page.expect_navigation():
        page.locator("a.button", has_text="Log").first.click()
    text = "Vi læste fredagsbrevet højt ved afhentningen."
    page.get_by_label("Hvad skete der").fill(text)
    save(page)
    expect(page.locator(".flashes")).to_contain_text("Din logning er gemt")
    assert "flashes" in focused_class(page)
    assert_accessible(page)

    page.go_back()
    expect(page.get_by_label("Hvad skete der")).to_have_value(text)  # restored by the browser
    save(page)
    expect(page.locator(".flashes")).to_contain_text("Formularen var allerede sendt")
    assert "flashes" in focused_class(page)
    assert count(live_server, LogEntry, LogEntry.text == text) == 1


def test_a_refused_form_focuses_what_to_fix(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, OWNER)
    page.goto(f"{live_server.url}/mine-aktioner/")
    with page.expect_navigation():
        page.locator("a.button", has_text="Log").first.click()
    page.get_by_label("Hvornår").fill("2099-01-01")
    page.get_by_label("Hvad skete der").fill("Det skete i fremtiden.")
    save(page)
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Datoen ligger i fremtiden")
    assert "error-summary" in focused_class(page)
    expect(page.get_by_label("Hvad skete der")).to_have_value("Det skete i fremtiden.")
    assert_accessible(page)


def test_back_and_save_records_a_meeting_once(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, LEADER)
    page.goto(f"{live_server.url}/skole/modul/foraeldremoeder/moede")
    assert_accessible(page)
    notes = "Vi drøftede forældremøderne i indskolingen."
    page.get_by_label("Dato for mødet").fill(date.today().isoformat())
    page.get_by_label("Hvem deltog").fill("Hele personalet, 24 personer")
    page.get_by_label("Noter fra drøftelsen").fill(notes)
    save(page)
    expect(page.locator(".flashes")).to_contain_text("Mødet er registreret")

    page.go_back()
    expect(page.get_by_label("Noter fra drøftelsen")).to_have_value(notes)
    save(page)
    expect(page.locator(".flashes")).to_contain_text("Formularen var allerede sendt")
    assert count(live_server, Meeting, Meeting.notes == notes) == 1


def test_the_start_form_focuses_its_error_below_the_fold(
    page: Any, live_server: LiveServer
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, NOT_STARTED)
    page.goto(f"{live_server.url}/skole/")
    page.get_by_label("Skoleår eller navn på forløbet").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Start forløbet").click()
    expect(page.locator(".error-summary")).to_be_in_viewport()
    assert "error-summary" in focused_class(page)
    assert_accessible(page)
