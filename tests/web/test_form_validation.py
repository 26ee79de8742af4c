"""Server-side validation of every form (DESIGN.md §10): lengths from the schema, dates, ids of
another school, control characters, double submission and stale forms."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from learningpack.content import Package
from learningpack.domain import records
from learningpack.models import Action, Cycle, LogEntry, Meeting, Run, User
from learningpack.web.forms import column_length
from tests.factories import login
from tests.helpers import count, page_of
from tests.world import (
    World,
    action_data,
    agree,
    ask,
    make_world,
    module_url,
)

ONCE = re.compile(
    r'name="once" type="hidden" value="([^"]+)"|type="hidden" name="once" value="([^"]+)"'
)
BASELINE = re.compile(r'name="baseline" type="hidden" value="([^"]*)"')


def hidden(pattern: re.Pattern[str], page: str) -> str:
    match = pattern.search(page)
    assert match, f"no {pattern.pattern} in the page"
    return next(g for g in match.groups() if g is not None)


@pytest.fixture
def world(package: Package) -> World:
    world = make_world(package, other_started=True)
    ask(world.cycle(1), world.team, world.leader)  # actions are agreed from its question
    return world


@pytest.fixture
def leader(client: FlaskClient, world: World) -> FlaskClient:
    login(client, world.leader)
    return client


# ---------------------------------------------------------------------------------------------
# Lengths follow the columns


@pytest.mark.parametrize(
    ("column", "url", "field", "data"),
    [
        (Action.title, "/aktion", "title", None),
        (Run.year_label, None, "year_label", {}),
        (User.email, None, "email", {}),
    ],
    ids=["action-title", "run-year", "login-email"],
)
def test_length_limits_follow_the_columns(
    client: FlaskClient, world: World, column: Any, url: str | None, field: str, data: Any
) -> None:
    size = column_length(column)
    if field == "title":
        login(client, world.leader)
        before = count(Action)
        response = client.post(
            module_url(world, 1, url), data=action_data(world, title="x" * (size + 1))
        )
        assert response.status_code == 400
        assert f"Højst {size} tegn." in page_of(response)
        assert count(Action) == before
        ok = client.post(module_url(world, 1, url), data=action_data(world, title="y" * size))
        assert ok.status_code == 302 and count(Action) == before + 1
    elif field == "year_label":
        from learningpack.school.forms import StartRunForm

        validators = StartRunForm.year_label.kwargs["validators"]
        assert any(getattr(v, "max", None) == size for v in validators)
    else:
        response = client.post("/login", data={"email": "a" * size + "@skole.dk", "password": "x"})
        assert response.status_code == 200
        assert f"Højst {size} tegn." in page_of(response)


# ---------------------------------------------------------------------------------------------
# Dates


OUT_OF_RANGE = "Skriv en dato mellem år 2000 og 2100."
NOT_A_DATE = "Skriv en gyldig dato."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1999-12-31", OUT_OF_RANGE),
        ("2101-01-01", OUT_OF_RANGE),
        ("0202-05-01", OUT_OF_RANGE),
        ("20266-01-01", NOT_A_DATE),  # a five-digit year does not parse
    ],
)
def test_implausible_dates_are_refused_with_a_message(
    leader: FlaskClient, world: World, value: str, message: str
) -> None:
    before = count(Meeting)
    response = leader.post(
        module_url(world, 1, "/moede"),
        data={"held_on": value, "kind": "input", "participants": "Alle", "notes": "Noter"},
    )
    assert response.status_code == 400
    page = page_of(response)
    assert message in page
    other = OUT_OF_RANGE if message == NOT_A_DATE else NOT_A_DATE
    assert other not in page
    assert count(Meeting) == before
    assert "Noter</textarea>" in page  # the user's input is kept


def test_action_period_end_before_start_is_refused(leader: FlaskClient, world: World) -> None:
    before = count(Action)
    response = leader.post(
        module_url(world, 1, "/aktion"),
        data=action_data(world, period_start="2026-10-01", period_end="2026-09-01"),
    )
    assert response.status_code == 400
    assert "Slutdatoen skal ligge efter startdatoen." in page_of(response)
    assert count(Action) == before


# ---------------------------------------------------------------------------------------------
# Ids of another school (or none) in select fields


@pytest.mark.parametrize(
    "overrides",
    [
        {"team_id": "OTHER_TEAM"},
        {"owner_ids": ["OTHER_TEACHER"]},
        {"owner_ids": ["abc"]},
        {"team_id": "999999"},
        {"owner_ids": ["999999"]},
    ],
    ids=["other-team", "other-owner", "not-a-number", "missing-team", "missing-owner"],
)
def test_foreign_or_unknown_ids_are_refused(
    leader: FlaskClient, world: World, overrides: dict[str, Any]
) -> None:
    values = {
        "OTHER_TEAM": str(world.other_team.id),
        "OTHER_TEACHER": str(world.other_teacher.id),
    }
    data = {
        key: [values.get(v, v) for v in value]
        if isinstance(value, list)
        else values.get(value, value)
        for key, value in overrides.items()
    }
    before = count(Action)
    response = leader.post(module_url(world, 1, "/aktion"), data=action_data(world, **data))
    assert response.status_code == 400
    page = page_of(response)
    assert "Vælg" in page and "listen" in page
    assert count(Action) == before
    assert world.other_team.name not in page and world.other_teacher.name not in page


def test_edit_cannot_move_an_action_to_another_schools_team(
    leader: FlaskClient, world: World
) -> None:
    action = agree(world.cycle(1), world.leader, "Fredagsbesked", team=world.team)
    response = leader.post(
        f"/skole/aktion/{action.id}/rediger",
        data=action_data(world, team_id=str(world.other_team.id)),
    )
    assert response.status_code == 400
    from learningpack.extensions import db

    db.session.refresh(action)
    assert action.team_id == world.team.id


# ---------------------------------------------------------------------------------------------
# Control characters


@pytest.mark.parametrize("bad", ["Noter\x00med NUL", "Bip\x07", "Escape \x1b[31m"])
def test_control_characters_are_refused_not_a_500(
    leader: FlaskClient, world: World, bad: str
) -> None:
    before = count(Meeting)
    response = leader.post(
        module_url(world, 1, "/moede"),
        data={"held_on": "2026-09-01", "kind": "input", "participants": "Alle", "notes": bad},
    )
    assert response.status_code == 400
    assert "usynlige styretegn" in page_of(response)
    assert count(Meeting) == before


def test_line_breaks_and_tabs_are_text(leader: FlaskClient, world: World) -> None:
    response = leader.post(
        module_url(world, 1, "/moede"),
        data={
            "held_on": "2026-09-01",
            "kind": "input",
            "participants": "Alle",
            "notes": "Linje 1\r\nLinje 2\tmed tab",
        },
    )
    assert response.status_code == 302


def test_nul_in_the_login_email_is_refused(client: FlaskClient, world: World) -> None:
    response = client.post("/login", data={"email": "a\x00@skole.dk", "password": "x"})
    assert response.status_code == 200
    page = page_of(response)
    # Refused by the form (PostgreSQL cannot even compare a NUL): no account was looked up.
    assert "styretegn" in page
    assert "Forkert e-mail" not in page


@pytest.mark.parametrize("slug", ["faellesskab%00", "FAELLESSKAB", "x" * 300, "ææ"])
def test_odd_module_slugs_answer_404(leader: FlaskClient, slug: str) -> None:
    assert leader.get(f"/skole/modul/{slug}").status_code == 404


# ---------------------------------------------------------------------------------------------
# The same form sent twice is saved once


@pytest.mark.parametrize(
    ("path", "model", "data"),
    [
        ("/aktion", Action, "action"),
        (
            "/moede",
            Meeting,
            {"held_on": "2026-09-01", "kind": "input", "participants": "Alle", "notes": "N"},
        ),
    ],
    ids=["action", "session"],
)
def test_double_submission_saves_once(
    leader: FlaskClient, world: World, path: str, model: Any, data: Any
) -> None:
    url = module_url(world, 1, path)
    token = hidden(ONCE, page_of(leader.get(url)))
    posted = {**(action_data(world) if data == "action" else data), "once": token}
    before = count(model)
    first = leader.post(url, data=posted)
    second = leader.post(url, data=posted, follow_redirects=True)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "Formularen var allerede sendt" in page_of(second)
    assert count(model) == before + 1
    # A fresh form (a new token) with the same values is still the same submission: Back
    # fetches the no-store page again and the browser restores what was typed into it.
    fresh = hidden(ONCE, page_of(leader.get(url)))
    assert fresh != token
    again = leader.post(url, data={**posted, "once": fresh}, follow_redirects=True)
    assert "Formularen var allerede sendt" in page_of(again)
    assert count(model) == before + 1
    # New values in a fresh form are a new one.
    changed = {
        **posted,
        "once": hidden(ONCE, page_of(leader.get(url))),
        "title": "Ny",
        "notes": "M",
    }
    assert leader.post(url, data=changed).status_code == 302
    assert count(model) == before + 2


@pytest.mark.parametrize("token", ["", None])
def test_a_creating_form_without_its_token_is_refused_with_the_input_kept(
    client: FlaskClient, world: World, token: str | None
) -> None:
    action = agree(world.cycle(1), world.leader, "Fredagsbesked", team=world.team)
    login(client, world.teacher)
    url = f"/mine-aktioner/{action.id}/log"
    data = {"happened_on": date.today().isoformat(), "text": "Vi prøvede højt."}
    # Sent as a body, not a dict: the test client adds no token (a dict gets a fresh one).
    body = urlencode(data if token is None else {**data, "once": token})
    response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    page = page_of(response)
    assert response.status_code == 400
    assert "manglede sit skjulte kontrolfelt" in page
    assert "Vi prøvede højt." in page
    assert hidden(ONCE, page)  # a fresh token, so saving again works
    assert count(LogEntry, LogEntry.action_id == action.id) == 0


def test_double_log_entry_saves_once(client: FlaskClient, world: World) -> None:
    action = agree(world.cycle(1), world.leader, "Fredagsbesked", team=world.team)
    login(client, world.teacher)
    url = f"/mine-aktioner/{action.id}/log"
    token = hidden(ONCE, page_of(client.get(url)))
    data = {"happened_on": "2026-09-02", "text": "Vi prøvede.", "once": token}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302
    assert count(LogEntry, LogEntry.action_id == action.id) == 1


def test_a_refused_submission_does_not_use_up_its_token(leader: FlaskClient, world: World) -> None:
    url = module_url(world, 1, "/aktion")
    token = hidden(ONCE, page_of(leader.get(url)))
    bad = leader.post(url, data=action_data(world, title="", once=token))
    assert bad.status_code == 400
    assert hidden(ONCE, page_of(bad)) == token  # the corrected form is still the same form
    assert leader.post(url, data=action_data(world, once=token)).status_code == 302
    assert count(Action, Action.title == action_data(world)["title"]) == 1


# ---------------------------------------------------------------------------------------------
# A stale form is refused, and the user's input is kept


def test_stale_action_edit_is_refused_and_input_kept(leader: FlaskClient, world: World) -> None:
    action = agree(world.cycle(1), world.leader, "Fredagsbesked", team=world.team)
    url = f"/skole/aktion/{action.id}/rediger"
    baseline = hidden(BASELINE, page_of(leader.get(url)))
    # Meanwhile another leader changes the action.
    records.update_action(
        action,
        title="Ændret af kollega",
        what=action.what,
        expectation=action.expectation,
        how_notice=action.how_notice,
        team=action.team,
        owners=list(action.owners),
        observer=action.observer,
        observation_focus=action.observation_focus,
        period_start=action.period_start,
        period_end=action.period_end,
    )
    mine = action_data(world, title="Min nye titel", baseline=baseline)
    response = leader.post(url, data=mine)
    assert response.status_code == 409
    page = page_of(response)
    assert "En anden har ændret det her" in page
    assert 'value="Min nye titel"' in page
    from learningpack.extensions import db

    db.session.refresh(action)
    assert action.title == "Ændret af kollega"
    # Having seen the warning, the user saves again deliberately: now it is saved.
    again = leader.post(url, data={**mine, "baseline": hidden(BASELINE, page)})
    assert again.status_code == 302
    db.session.refresh(action)
    assert action.title == "Min nye titel"


@pytest.mark.parametrize(
    ("path", "fields", "change"),
    [
        ("/opsamling", {"learned": "L", "keep": "K", "next_steps": "N"}, "summary"),
        ("/tilpasning", {"notes": "Mine noter", "questions": "Q"}, "adaptation"),
    ],
)
def test_stale_summary_and_adaptation_are_refused(
    leader: FlaskClient, world: World, path: str, fields: dict[str, str], change: str
) -> None:
    cycle: Cycle = world.cycle(1)
    url = module_url(world, 1, path)
    baseline = hidden(BASELINE, page_of(leader.get(url)))
    if change == "summary":
        records.save_summary(cycle, learned="Kollegas", keep="k", next_steps="n")
    else:
        records.save_local_adaptation(cycle, notes="Kollegas noter", questions="")
    response = leader.post(url, data={**fields, "baseline": baseline})
    assert response.status_code == 409
    page = page_of(response)
    assert "En anden har ændret det her" in page
    assert next(iter(fields.values())) in page
    from learningpack.extensions import db

    db.session.refresh(cycle)
    assert "Kollegas" in (cycle.summary_learned + cycle.local_notes)


def test_unrelated_activity_does_not_make_a_form_stale(leader: FlaskClient, world: World) -> None:
    """A teacher logging meanwhile touches the module, not the summary: the save goes through."""
    cycle: Cycle = world.cycle(1)
    action = agree(cycle, world.leader, "Fredagsbesked", team=world.team)
    url = module_url(world, 1, "/opsamling")
    baseline = hidden(BASELINE, page_of(leader.get(url)))
    from datetime import date

    records.add_log_entry(
        action, author=world.teacher, happened_on=date(2026, 9, 3), text="Logget", observation=""
    )
    response = leader.post(
        url, data={"learned": "L", "keep": "K", "next_steps": "N", "baseline": baseline}
    )
    assert response.status_code == 302
