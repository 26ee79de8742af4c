"""On a phone (390×844): the teacher logs from the top of "my actions" and unfolds an action's
history; the leader reads the facilitator guide's agenda without sideways scrolling; axe is clean
at 1280 and at 390."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.support import LiveServer, assert_accessible, log_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def scroll_width(page: Any) -> int:
    return int(page.evaluate("document.scrollingElement.scrollWidth"))


def test_teacher_logs_from_the_top_and_unfolds_the_history(
    page: Any, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "laerer1@ellevangskolen.demo.dk")
    expect(page).to_have_url(f"{live_server.url}/mine-aktioner/")
    first_log = page.locator(".action-card .record-actions a.button").first
    expect(first_log).to_be_visible()
    box = first_log.bounding_box()
    assert box is not None and box["y"] + box["height"] < PHONE["height"], box
    assert scroll_width(page) <= PHONE["width"]
    expect(page.locator(".working-on")).to_contain_text("Skolen arbejder med modul 2")

    history = page.locator("details.action-history").first
    entries = history.locator(".log-list li")
    expect(entries.first).to_be_hidden()
    history.locator("summary").click()
    expect(history).to_have_attribute("open", "")
    expect(entries.first).to_be_visible()
    expect(history).to_contain_text("Observation")
    assert scroll_width(page) <= PHONE["width"]
    # The module-1 action the team kept is still here, below the open ones.
    expect(page.get_by_role("heading", name="Det fortsætter vi med")).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size(DESKTOP)
    assert_accessible(page)


def test_leader_reads_the_agenda_and_the_follow_up_questions_on_a_phone(
    page: Any, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "leder@ellevangskolen.demo.dk")
    page.goto(f"{live_server.url}/skole/modul/foraeldremoeder")
    page.get_by_text("Vis den tidsplanlagte dagsorden").click()
    guide = page.locator(".prose.guide")
    expect(guide.locator("td[data-label='Sådan gør I']").first).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    # Nor does the agenda scroll sideways inside its own region.
    assert guide.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)

    # Module 1 is completed and module 2 has records: the page says why it cannot reopen.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/skole/modul/faellesskab")
    expect(page.locator(".reopen-refused")).to_have_text(
        "Modul 2 har allerede registreringer, så modul 1 kan ikke genåbnes."
    )
    assert scroll_width(page) <= PHONE["width"]
    assert_accessible(page)

    page.goto(f"{live_server.url}/skole/modul/foraeldremoeder/opsamling")
    expect(page.get_by_role("heading", name="Spørgsmål til opsamlingen")).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)


def test_puf_opens_a_module_out_of_order_and_the_school_sees_why(
    page: Any, live_server: LiveServer
) -> None:
    reason = "Skolen har bedt om at tage modul 3 tidligt i år."
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "puf@demo.dk")
    page.goto(f"{live_server.url}/puf/skoler/1")
    expect(page.get_by_role("link", name="Hent skolens data (ZIP)")).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    assert_accessible(page)
    page.get_by_role("link", name="Åbn modulet uden for rækkefølgen – modul 3").click()
    page.get_by_label("Begrundelse").fill(reason)
    with page.expect_navigation():
        page.get_by_role("button", name="Åbn modulet").click()
    expect(page.locator(".puf-opened")).to_contain_text(f"PUF's begrundelse: »{reason}«")
    assert scroll_width(page) <= PHONE["width"]
    assert_accessible(page)
    page.get_by_role("button", name="Log ud").click()

    log_in(page, live_server, "leder@ellevangskolen.demo.dk")
    page.goto(f"{live_server.url}/skole/")
    expect(page.locator(".module-card .puf-opened")).to_contain_text(reason)
    assert scroll_width(page) <= PHONE["width"]
    assert_accessible(page)
