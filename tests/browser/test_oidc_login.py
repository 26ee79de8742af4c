"""In a real browser, against a real OpenID provider on 127.0.0.1: single sign-on end to end.

An invited teacher signs in through the provider and lands on "Mine aktioner"; an uninvited
person gets the Danish page and the attempt is audited; logging out goes through the provider's
end-session page. Every new page passes axe at 1280 and 390 px (screenshots when SHOTS_DIR is
set).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from learningpack.domain import accounts
from learningpack.extensions import db
from learningpack.models import AuditEvent, Role, User
from tests.apps import oidc_settings, set_provider_user
from tests.browser.support import LiveServer, assert_accessible, demo_server, log_in

INVITED = "ny.laerer@ellevangskolen.demo.dk"
LEADER = "leder@ellevangskolen.demo.dk"
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, openid_provider: str
) -> Iterator[LiveServer]:
    """The demo app with the provider configured, and a teacher invited but not yet signed up."""
    with demo_server(tmp_path_factory.mktemp("oidc"), **oidc_settings(openid_provider)) as server:
        with server.app.app_context():
            leader = db.session.scalar(select(User).where(User.email == LEADER))
            accounts.invite(
                email=INVITED,
                name="Ny Lærer",
                role=Role.TEACHER,
                school=leader.school,
                actor=leader,
                valid_for=timedelta(days=7),
            )
            db.session.commit()
            db.session.remove()
        yield server


def check_page(page: Any, name: str) -> None:
    """axe at desktop and phone width, no sideways scrolling on the phone; a screenshot each."""
    shots = os.environ.get("SHOTS_DIR")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def at_provider(page: Any, sub: str) -> None:
    """The provider's own sign-in form (the mock asks for the subject)."""
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_an_invited_teacher_signs_in_and_out_through_the_provider(
    page: Any, live_server: LiveServer, openid_provider: str
) -> None:
    set_provider_user(openid_provider, "sub-ny", {"email": INVITED, "email_verified": True})
    page.goto(f"{live_server.url}/login")
    check_page(page, "login")
    page.get_by_role("link", name="Log ind med AarhusID").click()
    expect(page).to_have_url(re.compile(re.escape(openid_provider)))
    at_provider(page, "sub-ny")
    expect(page).to_have_url(f"{live_server.url}/mine-aktioner/")
    expect(page.locator("h1")).to_contain_text("Mine aktioner")
    page.goto(f"{live_server.url}/konto")
    expect(page.locator("body")).to_contain_text("Din konto er koblet til kommunens login")
    check_page(page, "account")
    # Logging out ends the session here and sends the browser to the provider's logout.
    page.get_by_role("button", name="Log ud").click()
    expect(page).to_have_url(re.compile(re.escape(f"{openid_provider}/oauth2/end_session")))
    page.get_by_role("button", name="End session").click()
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}/login")))
    expect(page.locator("body")).to_contain_text("Du er logget ud")
    page.goto(f"{live_server.url}/mine-aktioner/")
    expect(page).to_have_url(re.compile(re.escape("/login")))


def test_an_uninvited_person_is_asked_to_get_an_invitation(
    page: Any, live_server: LiveServer, openid_provider: str
) -> None:
    stranger = "fremmed@aarhus.dk"
    set_provider_user(openid_provider, "sub-fremmed", {"email": stranger, "email_verified": True})
    page.goto(f"{live_server.url}/login")
    page.get_by_role("link", name="Log ind med AarhusID").click()
    at_provider(page, "sub-fremmed")
    expect(page.locator("h1")).to_have_text("Du har ikke en konto endnu")
    expect(page.locator("body")).to_contain_text("Bed din leder om en invitation")
    check_page(page, "refused-unknown")
    with live_server.app.app_context():
        refused = db.session.scalars(
            select(AuditEvent).where(AuditEvent.verb == "oidc_refused")
        ).all()
        assert [e.detail.get("email") for e in refused] == [stranger]
        db.session.remove()


def test_a_forged_answer_gets_the_refusal_page(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/login/oidc/staff/svar?code=forfalsket&state=forfalsket")
    expect(page.locator("h1")).to_have_text("Du blev ikke logget ind")
    check_page(page, "refused-state")


def test_the_leaders_sign_in_setting(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, LEADER)
    page.goto(f"{live_server.url}/log-ind/indstillinger")
    check_page(page, "sign-in-settings")
    page.get_by_label("Medarbejdere med kommunens login kan ikke logge ind med adgangskode").check()
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("body")).to_contain_text("Indstillingen for log ind er gemt")
    expect(
        page.get_by_label("Medarbejdere med kommunens login kan ikke logge ind med adgangskode")
    ).to_be_checked()
