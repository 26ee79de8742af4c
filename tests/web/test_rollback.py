"""A database error in the middle of a change rolls back all of it (DESIGN.md §10, §3).

Each multi-row change is made to fail right after its first flush has written rows: nothing of
it may remain, and the user gets a friendly page (no trace, no internal names).
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
from tests.factories import login
from tests.school.test_module_views import (
    World,
    action_data,
    count,
    fill_cycle,
    make_world,
    module_url,
    page_of,
)


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


def friendly(response: Any, status: int = 503) -> None:
    page = page_of(response)
    assert response.status_code == status
    assert "Din ændring blev ikke gemt" in page
    assert "Traceback" not in page and "UPDATE" not in page and "server closed" not in page
    assert response.headers["Content-Security-Policy"]


def test_agreeing_an_action_with_owners_rolls_back_entirely(
    client: FlaskClient, package: Package, boom: Boom
) -> None:
    world = make_world(package)
    cycle = world.cycle(1)
    touched = cycle.last_activity_at
    login(client, world.leader)
    before = (count(Action), count(action_owner))
    boom.armed = True
    response = client.post(module_url(world, 1, "/aktion"), data=action_data(world))
    boom.armed = False
    assert boom.flushes == 1  # the rows were written before the failure
    friendly(response)
    assert (count(Action), count(action_owner)) == before
    db.session.refresh(cycle)
    assert cycle.last_activity_at == touched


def test_completing_a_cycle_rolls_back_the_next_opening_too(
    client: FlaskClient, package: Package, boom: Boom
) -> None:
    world = make_world(package)
    fill_cycle(world.cycle(1), world.leader, world.teacher, world.team)
    login(client, world.leader)
    audits = count(AuditEvent)
    boom.armed = True
    response = client.post(module_url(world, 1, "/afslut"))
    boom.armed = False
    assert boom.flushes == 1
    friendly(response)
    first, second = world.cycle(1), world.cycle(2)
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.state == CycleState.ACTIVE and first.completed_at is None
    assert second.state == CycleState.LOCKED and second.opened_at is None
    assert count(AuditEvent) == audits


def test_starting_a_run_rolls_back_every_cycle(
    client: FlaskClient, package: Package, boom: Boom
) -> None:
    world = make_world(package, started=False)
    login(client, world.leader)
    boom.armed = True
    response = client.post("/skole/start", data={"year_label": "2026/27"})
    boom.armed = False
    assert boom.flushes == 1
    friendly(response)
    assert count(Run) == 0 and count(Cycle) == 0
    assert client.post("/skole/start", data={"year_label": "2026/27"}).status_code == 302
    assert count(Run) == 1 and count(Cycle) == len(package.modules)


def test_a_conflict_at_the_database_rolls_back_and_says_so(
    client: FlaskClient, package: Package, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(package)
    login(client, world.leader)
    failure = Boom(IntegrityError("INSERT …", {}, Exception("duplicate key")))
    monkeypatch.setattr(db.session, "flush", failure, raising=False)
    before = count(Action)
    failure.armed = True
    response = client.post(module_url(world, 1, "/aktion"), data=action_data(world))
    failure.armed = False
    assert response.status_code == 409
    assert "intet af din ændring er gemt" in page_of(response)
    assert count(Action) == before


def test_an_unexpected_error_mid_change_rolls_back_with_a_500_page(
    app: Flask, client: FlaskClient, package: Package, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    world: World = make_world(package)
    login(client, world.leader)
    failure = Boom(RuntimeError("kaboom"))
    monkeypatch.setattr(db.session, "flush", failure, raising=False)
    before = count(Action)
    failure.armed = True
    response = client.post(module_url(world, 1, "/aktion"), data=action_data(world))
    failure.armed = False
    assert response.status_code == 500
    page = page_of(response)
    assert "Der skete en fejl hos os" in page and "kaboom" not in page
    assert count(Action) == before
