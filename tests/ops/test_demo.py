"""The demo seed: Danish schools, every role, a run in progress; idempotent; scalable."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    CycleState,
    LogEntry,
    LogKind,
    Outcome,
    Reflection,
    Resource,
    Role,
    School,
    TeamQuestion,
    User,
)
from tests.helpers import counts

# The demo seed: on both databases.
pytestmark = pytest.mark.both_backends


def test_demo_seed_creates_a_demo_municipality(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    names = set(db.session.scalars(select(School.name)))
    assert len(names) == 5
    assert any(ch in "".join(names) for ch in "æøå")
    assert db.session.scalar(select(func.count()).where(User.role == Role.PUF)) == 1
    for school in db.session.scalars(select(School)):
        roles = {u.role for u in school.users}
        assert roles == {Role.LEADER, Role.TEACHER}
        assert school.teams
    assert counts()["Action"] > 0 and counts()["LogEntry"] > 0
    # The first school has completed module 1 and is working in module 2.
    states = db.session.execute(
        select(Cycle.position, Cycle.state).order_by(Cycle.run_id, Cycle.position)
    ).all()
    assert (1, CycleState.COMPLETED) in states and (2, CycleState.ACTIVE) in states
    assert "puf@demo.dk" in result.output
    assert "leder@" in result.output
    assert "demo-forældre-2026" in result.output
    # Ordinary names: the role is shown beside a name, the name does not repeat it.
    for name in db.session.scalars(select(User.name)):
        assert not any(word in name.lower() for word in ("leder", "lærer", "puf", "demo")), name


def test_demo_seed_is_idempotent(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    first = counts()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert counts() == first
    # The knowledge bank: published material, and a proposal waiting for PUF; once each.
    statuses = sorted(db.session.scalars(select(Resource.status)))
    assert statuses == ["proposed", "published", "published", "published"]


def test_demo_seed_if_empty_skips_a_used_database(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "seed", "--schools", "2"])
    result = runner.invoke(args=["demo", "seed", "--if-empty", "--schools", "7"])
    assert result.exit_code == 0
    assert counts()["School"] == 2
    assert "puf@demo.dk" in result.output


def test_demo_seed_scales(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--schools", "30"])
    assert result.exit_code == 0, result.output
    assert counts()["School"] == 30


def test_demo_logins_work(app: Flask) -> None:
    app.test_cli_runner().invoke(args=["demo", "seed", "--schools", "2"])
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "puf@demo.dk", "password": "demo-forældre-2026"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/puf/"


def test_demo_seed_does_the_cycle_the_action_learning_way(app: Flask) -> None:
    """Questions, observers and their observations, reflections and a second round, so PUF's
    pages show them; a completed module counts its followed-up actions as done."""
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    assert db.session.scalar(select(func.count(TeamQuestion.id))) > 0
    assert db.session.scalar(select(func.count(Reflection.id))) > 0
    actions = list(db.session.scalars(select(Action)))
    assert all(a.observer_id is not None and a.observation_focus for a in actions)
    assert all(a.observer_id not in {o.id for o in a.owners} for a in actions)
    kinds = set(db.session.scalars(select(LogEntry.kind)))
    assert kinds == {LogKind.DID, LogKind.OBSERVATION}
    [second] = [a for a in actions if a.parent_action_id is not None]
    assert second.parent is not None and second.parent.reflection_decision == Outcome.ADJUST
    completed = db.session.scalars(select(Cycle).where(Cycle.state == CycleState.COMPLETED))
    for cycle in completed:
        assert cycle.done_action_count == cycle.action_count == 3
