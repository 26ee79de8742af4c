"""A database error in the middle of a change rolls back all of it (DESIGN.md §10, §3).

Each multi-row change is made to fail right after its first flush has written rows: nothing of
it may remain, and the user gets a friendly page (no trace, no internal names). The request's own
session is looked at when the error page is rendered: the handler itself must have rolled back
(the end of the request would discard the rows anyway, so looking only afterwards proves nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import IntegrityError, OperationalError

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import Action, AuditEvent, Cycle, CycleState, Run, action_owner
from learningpack.web import errors
from tests.factories import login
from tests.helpers import count, page_of
from tests.world import (
    World,
    action_data,
    ask,
    fill_cycle,
    make_world,
    module_url,
)

# Rollback of a failed request: on both databases.
pytestmark = pytest.mark.both_backends


class Boom:
    """Replaces ``db.session.flush``: the first flush writes, then the database 'fails'."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.flushes = 0
        self.armed = False

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        db.session.registry().flush(*args, **kwargs)
        if self.armed:
            self.flushes += 1
            raise self.error


@pytest.fixture
def boom(monkeypatch: pytest.MonkeyPatch) -> Iterator[Boom]:
    failure = Boom(
        OperationalError("UPDATE cycle …", {}, Exception("server closed the connection"))
    )
    monkeypatch.setattr(db.session, "flush", failure, raising=False)
    yield failure


@pytest.fixture
def at_error_page(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Rows the request's own session still sees when the error page is rendered."""
    seen: dict[str, int] = {}
    render = errors.render_error

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.update(actions=count(Action), owners=count(action_owner), runs=count(Run))
        seen.update(cycles=count(Cycle), audits=count(AuditEvent))
        return render(*args, **kwargs)

    monkeypatch.setattr(errors, "render_error", spy)
    return seen


def friendly(response: Any, status: int = 503) -> None:
    page = page_of(response)
    assert response.status_code == status
    assert "Din ændring blev ikke gemt" in page
    assert "Traceback" not in page and "UPDATE" not in page and "server closed" not in page
    assert response.headers["Content-Security-Policy"]


def test_agreeing_an_action_with_owners_rolls_back_entirely(
    client: FlaskClient, package: Package, boom: Boom, at_error_page: dict[str, int]
) -> None:
    world = make_world(package)
    ask(world.cycle(1), world.team, world.leader)
    cycle = world.cycle(1)
    touched = cycle.last_activity_at
    login(client, world.leader)
    before = (count(Action), count(action_owner))
    boom.armed = True
    response = client.post(module_url(world, 1, "/aktion"), data=action_data(world))
    boom.armed = False
    assert boom.flushes == 1  # the rows were written before the failure
    friendly(response)
    assert (at_error_page["actions"], at_error_page["owners"]) == before
    assert (count(Action), count(action_owner)) == before
    db.session.refresh(cycle)
    assert cycle.last_activity_at == touched


def test_completing_a_cycle_rolls_back_the_next_opening_too(
    client: FlaskClient, package: Package, boom: Boom, at_error_page: dict[str, int]
) -> None:
    world = make_world(package)
    ask(world.cycle(1), world.team, world.leader)
    fill_cycle(world.cycle(1), world.leader, world.teacher, world.team)
    login(client, world.leader)
    audits = count(AuditEvent)
    boom.armed = True
    response = client.post(module_url(world, 1, "/afslut"))
    boom.armed = False
    assert boom.flushes == 1
    friendly(response)
    assert at_error_page["audits"] == audits
    first, second = world.cycle(1), world.cycle(2)
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.state == CycleState.ACTIVE and first.completed_at is None
    assert second.state == CycleState.LOCKED and second.opened_at is None
    assert count(AuditEvent) == audits


def test_starting_a_run_rolls_back_every_cycle(
    client: FlaskClient, package: Package, boom: Boom, at_error_page: dict[str, int]
) -> None:
    world = make_world(package, started=False)
    login(client, world.leader)
    boom.armed = True
    response = client.post("/skole/start", data={"year_label": "2026/27"})
    boom.armed = False
    assert boom.flushes == 1
    friendly(response)
    assert at_error_page["runs"] == 0 and at_error_page["cycles"] == 0
    assert count(Run) == 0 and count(Cycle) == 0
    assert client.post("/skole/start", data={"year_label": "2026/27"}).status_code == 302
    assert count(Run) == 1 and count(Cycle) == len(package.modules)


def test_a_conflict_at_the_database_rolls_back_and_says_so(
    client: FlaskClient,
    package: Package,
    monkeypatch: pytest.MonkeyPatch,
    at_error_page: dict[str, int],
) -> None:
    world = make_world(package)
    ask(world.cycle(1), world.team, world.leader)
    login(client, world.leader)
    failure = Boom(IntegrityError("INSERT …", {}, Exception("duplicate key")))
    monkeypatch.setattr(db.session, "flush", failure, raising=False)
    before = count(Action)
    failure.armed = True
    response = client.post(module_url(world, 1, "/aktion"), data=action_data(world))
    failure.armed = False
    assert failure.flushes == 1  # the action was written before the conflict
    assert response.status_code == 409
    assert "intet af din ændring er gemt" in page_of(response)
    assert at_error_page["actions"] == before
    assert count(Action) == before


def test_an_unexpected_error_mid_change_rolls_back_with_a_500_page(
    app: Flask,
    client: FlaskClient,
    package: Package,
    monkeypatch: pytest.MonkeyPatch,
    at_error_page: dict[str, int],
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    world: World = make_world(package)
    ask(world.cycle(1), world.team, world.leader)
    login(client, world.leader)
    failure = Boom(RuntimeError("kaboom"))
    monkeypatch.setattr(db.session, "flush", failure, raising=False)
    before = count(Action)
    failure.armed = True
    response = client.post(module_url(world, 1, "/aktion"), data=action_data(world))
    failure.armed = False
    assert failure.flushes == 1  # the action was written before the error
    assert response.status_code == 500
    page = page_of(response)
    assert "Der skete en fejl hos os" in page and "kaboom" not in page
    assert at_error_page["actions"] == before
    assert count(Action) == before
