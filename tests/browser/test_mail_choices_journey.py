"""In a real browser: a teacher chooses their reminder e-mails on /konto, and an unsubscribe
link from an e-mail works without logging in; both pages pass axe, also at phone width."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from learningpack.domain.mail_choices import REFLECTION, unsubscribe_token
from learningpack.extensions import db
from learningpack.models import User
from tests.browser.support import LiveServer, assert_accessible, log_in

TEACHER = "laerer1@ellevangskolen.demo.dk"


def test_teacher_chooses_mails_and_unsubscribes_by_link(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, TEACHER)
    page.goto(f"{live_server.url}/konto")
    box = page.get_by_label("Mine aktioner: når der ikke er logget i et stykke tid")
    expect(box).to_be_checked()
    box.uncheck()
    page.get_by_role("button", name="Gem e-mailvalg").click()
    expect(page.locator(".flashes")).to_contain_text("Dine e-mailvalg er gemt.")
    expect(
        page.get_by_label("Mine aktioner: når der ikke er logget i et stykke tid")
    ).not_to_be_checked()
    assert_accessible(page)

    app = live_server.app
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == TEACHER))
        token = unsubscribe_token(app.config["SECRET_KEY"], int(user_id or 0), REFLECTION)
        db.session.remove()
    page.context.clear_cookies()  # the link works without a session
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/afmeld/{token}")
    expect(page.locator(".lead")).to_contain_text("Når det er tid til teamets refleksion")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.get_by_role("button", name="Ja, afmeld").click()
    expect(page.locator(".lead")).to_contain_text("Du får ikke længere disse e-mails")
    assert_accessible(page)
