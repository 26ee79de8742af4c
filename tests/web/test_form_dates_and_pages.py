"""Dates on the forms (nothing recorded in the future or long ago, an action's period in the
run's school year), dates in the user's locale, the login's wording, one id per page, and the
accessibility statement."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from flask_babel import refresh

from learningpack.content import Package
from learningpack.domain.dates import local_today
from learningpack.models import Action, LogEntry, Meeting
from learningpack.web.templating import datefmt
from tests.factories import login, make_puf
from tests.helpers import count, page_of
from tests.world import World, action_data, agree, ask, make_world, module_url


@pytest.fixture
def world(package: Package) -> World:
    world = make_world(package)  # the run is 2026/27
    ask(world.cycle(1), world.team, world.leader)
    return world


@pytest.fixture
def leader(client: FlaskClient, world: World) -> FlaskClient:
    login(client, world.leader)
    return client


def meeting(day: date) -> dict[str, str]:
    return {"held_on": day.isoformat(), "kind": "input", "participants": "Alle", "notes": "N"}


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "Datoen ligger i fremtiden"), (-366, "Datoen ligger mere end et år tilbage")],
    ids=["future", "too-old"],
)
def test_a_meeting_is_dated_today_or_in_the_past_year(
    leader: FlaskClient, world: World, days: int, message: str
) -> None:
    response = leader.post(
        module_url(world, 1, "/moede"), data=meeting(local_today() + timedelta(days))
    )
    assert response.status_code == 400
    assert message in page_of(response)
    assert count(Meeting) == 0
    ok = leader.post(module_url(world, 1, "/moede"), data=meeting(local_today()))
    assert ok.status_code == 302


def test_a_log_entry_cannot_be_dated_in_the_future(client: FlaskClient, world: World) -> None:
    action = agree(world.cycle(1), world.leader, "Fredagsbesked", team=world.team)
    login(client, world.teacher)
    tomorrow = (local_today() + timedelta(1)).isoformat()
    response = client.post(
        f"/mine-aktioner/{action.id}/log", data={"happened_on": tomorrow, "text": "Vi gjorde."}
    )
    assert response.status_code == 400
    page = page_of(response)
    assert "Datoen ligger i fremtiden" in page and "Vi gjorde." in page
    assert count(LogEntry) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("period_start", "2026-07-31"), ("period_end", "2027-08-01")],
)
def test_an_action_period_lies_in_the_runs_school_year(
    leader: FlaskClient, world: World, field: str, value: str
) -> None:
    data = action_data(world, **{field: value})
    response = leader.post(module_url(world, 1, "/aktion"), data=data)
    assert response.status_code == 400
    page = page_of(response)
    assert "Vælg en dato i forløbets skoleår, fra 1. aug. 2026 til 31. jul. 2027." in page
    assert count(Action) == 0


def test_english_dates_are_written_day_first(app: Flask) -> None:
    with app.test_request_context():
        refresh()
        assert datefmt(date(2027, 1, 10), "short") == "10.01.2027"
        session["lang"] = "en"
        refresh()  # the locale is looked up once per request
        assert datefmt(date(2027, 1, 10), "short") == "10/01/2027"
        assert datefmt(date(2027, 1, 10)) == "10 Jan 2027"
        refresh()


def test_a_failed_login_says_the_email_or_password_is_wrong(
    client: FlaskClient, world: World
) -> None:
    response = client.post("/login", data={"email": world.leader.email, "password": "forkert!"})
    page = page_of(response)
    assert "Forkert e-mail eller adgangskode" in page
    assert "ikke gemt" not in page
    assert "Du er ikke logget ind" in page


def test_a_page_with_several_forms_repeats_no_id(leader: FlaskClient, world: World) -> None:
    page = page_of(leader.get("/skole/"))
    assert page.count("<form") > 2
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []


def test_the_login_email_is_a_username_field_that_html_allows(client: FlaskClient) -> None:
    page = page_of(client.get("/login"))
    field = re.search(r"<input[^>]*name=\"email\"[^>]*>", page)
    assert field is not None
    assert 'type="text"' in field.group(0) and 'autocomplete="username"' in field.group(0)
    assert 'inputmode="email"' in field.group(0)


def test_the_accessibility_statement_follows_the_danish_model(
    app: Flask, client: FlaskClient
) -> None:
    app.config["ACCESSIBILITY_CONTACT"] = "tilgaengelighed@kommune.dk"
    page = page_of(client.get("/tilgaengelighed"))
    for part in (
        "Overholdelsesstatus",
        "Ikke-tilgængeligt indhold",
        "Erklæringen er udarbejdet 2. december 2026",
        'href="mailto:tilgaengelighed@kommune.dk"',
        'href="https://digst.dk/digital-inklusion/webtilgaengelighed/oplever-du-ikke-',
    ):
        assert part in page
    # A plain link: nothing is loaded from another site.
    assert not re.search(r'(src|href)="https?://(?!digst\.dk/)', page)


def test_a_number_field_never_holds_text(client: FlaskClient, world: World) -> None:
    """type=number with value="abc" is invalid HTML: shown empty, as the browser would."""
    login(client, make_puf())
    page = page_of(client.get("/puf/?dage=abc"))
    field = re.search(r'<input[^>]*name="dage"[^>]*>', page)
    assert field is not None and 'value=""' in field.group(0)
    assert "abc" not in field.group(0)
