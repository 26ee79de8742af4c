"""The national-scale demo seed, at small scale: counts, a realistic spread, progress columns that
say what the stepper says, names, logins, and a clear refusal the second time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from learningpack.domain.cycle import phase_of
from learningpack.domain.progress import rebuild
from learningpack.domain.school_progress import refresh
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    CyclePhase,
    CycleState,
    FollowUp,
    LogEntry,
    LogKind,
    Meeting,
    Reflection,
    Run,
    School,
    SchoolProgress,
    TeamQuestion,
    User,
    utcnow,
)
from learningpack.models.types import danish_key
from learningpack.ops.national import DISTRICTS, DOMAIN, school_names
from learningpack.output.labels import ascii_slug
from tests.helpers import counts

# The national seed writes in bulk: on both databases.
pytestmark = pytest.mark.both_backends

COLUMNS = (
    "phase",
    "meeting_count",
    "action_count",
    "done_action_count",
    "log_entry_count",
    "follow_up_count",
)


def seed(app: Flask, schools: int = 12, actions: int = 10) -> Any:
    result = app.test_cli_runner().invoke(
        args=["demo", "seed", "--schools", str(schools), "--actions-per-school", str(actions)]
    )
    assert result.exit_code == 0, result.output
    return result


def national_schools() -> list[School]:
    leaders = select(User.school_id).where(User.email.like(f"leder@%.{DOMAIN}"))
    return list(db.session.scalars(select(School).where(School.id.in_(leaders))))


def snapshot() -> dict[int, tuple[Any, ...]]:
    db.session.expire_all()
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.id))
    return {c.id: tuple(getattr(c, name) for name in COLUMNS) for c in cycles}


def test_small_national_seed_has_the_demo_and_the_national_schools(app: Flask) -> None:
    result = seed(app)
    assert "Nationale demodata: 12 skoler" in result.output
    assert "puf@demo.dk" in result.output and f".{DOMAIN}" in result.output
    found = counts()
    assert found["School"] == 5 + 12
    national = national_schools()
    assert len(national) == 12
    assert len({s.name for s in national}) == 12
    assert all(s.district in DISTRICTS for s in national)
    # About schools × actions per school (each school's share is rounded).
    assert abs(found["Action"] - 2 - 12 * 10) <= 12  # the small demo has 2 actions…
    assert found["LogEntry"] > found["Action"] // 2
    assert db.session.scalar(select(func.count(FollowUp.id))) > 0
    assert db.session.scalar(select(func.count(Meeting.id))) > 0
    # The action-learning records: questions, observers' entries, reflections, second rounds.
    assert db.session.scalar(select(func.count(TeamQuestion.id))) > 12
    assert db.session.scalar(select(func.count(Reflection.id))) > 0
    observed = select(func.count(LogEntry.id)).where(LogEntry.kind == LogKind.OBSERVATION)
    assert db.session.scalar(observed) > 0
    assert db.session.scalar(select(func.count(Action.id)).where(Action.observer_id.is_(None))) == 0
    assert db.session.scalar(
        select(func.count(Action.id)).where(Action.parent_action_id.is_not(None))
    )


def test_progress_columns_are_what_rebuild_and_the_stepper_say(app: Flask) -> None:
    seed(app, schools=20, actions=12)
    seeded = snapshot()
    # Spoil the columns, rebuild, and get the same back.
    db.session.execute(
        update(Cycle).values(phase=CyclePhase.READY, action_count=99, log_entry_count=99)
    )
    rebuild()
    db.session.commit()
    assert snapshot() == seeded
    # And the per-object rules of cycle.py agree, cycle by cycle.
    cycles = db.session.scalars(
        select(Cycle).options(
            selectinload(Cycle.meetings),
            selectinload(Cycle.actions).selectinload(Action.log_entries),
            selectinload(Cycle.actions).selectinload(Action.owners),
            selectinload(Cycle.actions).selectinload(Action.follow_up),
        )
    ).all()
    for cycle in cycles:
        assert cycle.phase == phase_of(cycle), cycle.id
        assert cycle.action_count == len(cycle.actions)
        assert cycle.log_entry_count == sum(len(a.log_entries) for a in cycle.actions)
        assert cycle.follow_up_count == sum(a.follow_up is not None for a in cycle.actions)


def test_spread_of_progress_is_realistic(app: Flask) -> None:
    seed(app, schools=80, actions=8)
    national = {s.id for s in national_schools()}
    started = set(db.session.scalars(select(Run.school_id))) & national
    assert 0 < len(national - started) < len(national) // 4  # some have not started
    rows = db.session.execute(
        select(Run.school_id, Cycle.position, Cycle.state, Cycle.phase, Cycle.last_activity_at)
        .join(Run, Run.id == Cycle.run_id)
        .where(Run.school_id.in_(national))
        .order_by(Run.school_id, Cycle.position)
    ).all()
    by_school: dict[int, list[Any]] = {}
    for row in rows:
        by_school.setdefault(row.school_id, []).append(row)
    open_positions = []
    for cycles in by_school.values():
        states = [c.state for c in cycles]
        # Completed modules first, then at most one open, then locked ones.
        done = states.count(CycleState.COMPLETED)
        active = states.count(CycleState.ACTIVE)
        assert states == [CycleState.COMPLETED] * done + [CycleState.ACTIVE] * active + [
            CycleState.LOCKED
        ] * (len(states) - done - active)
        assert active <= 1
        open_positions.append(done + 1)
    in_first_three = sum(p <= 3 for p in open_positions)
    assert in_first_three > len(open_positions) // 2  # most in modules 1–3
    assert any(p >= 4 for p in open_positions)  # a few far along or done
    phases = {r.phase for r in rows if r.state == CycleState.ACTIVE}
    assert {CyclePhase.TRYING, CyclePhase.FOLLOW_UP} <= phases
    weeks_ago = utcnow() - timedelta(days=21)
    stalled = [r for r in rows if r.state == CycleState.ACTIVE and r.last_activity_at < weeks_ago]
    assert stalled, "some schools have stalled for weeks"
    assert all(r.last_activity_at is not None for r in rows if r.state != CycleState.LOCKED)


def test_rows_flushed_in_small_chunks_keep_every_reference(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk may be flushed between any two rows: parents must already be in (PostgreSQL
    checks the foreign keys at once)."""
    monkeypatch.setattr("learningpack.ops.bulk.CHUNK", 7)
    seed(app, schools=6, actions=15)
    orphans = db.session.scalar(
        select(func.count(Meeting.id)).where(~Meeting.cycle_id.in_(select(Cycle.id)))
    )
    assert orphans == 0
    assert len(national_schools()) == 6


def test_second_run_is_refused_and_changes_nothing(app: Flask) -> None:
    seed(app)
    first = counts()
    result = seed(app)
    assert "findes allerede (12 skoler)" in result.output
    assert counts() == first


def test_national_logins_work(app: Flask) -> None:
    seed(app, schools=3, actions=20)
    client = app.test_client()
    email = db.session.scalar(
        select(User.email).where(User.email.like(f"laerer1@%.{DOMAIN}")).order_by(User.id)
    )
    response = client.post("/login", data={"email": email, "password": "demo-forældre-2026"})
    assert response.status_code == 302
    assert client.get("/mine-aktioner/").status_code == 200


def test_names_are_unique_danish_and_avoid_taken_ones() -> None:
    names = school_names(1100, taken={"Egevangskolen"})
    assert len(set(names)) == 1100
    assert "Egevangskolen" not in names
    assert all(any(ch in "".join(names) for ch in letter) for letter in ("æ", "ø", "å"))
    with pytest.raises(ValueError):
        school_names(10**5, taken=set())


def test_names_for_ten_thousand_institutions() -> None:
    names = school_names(10_000, taken=set())
    assert len(set(names)) == 10_000
    assert len({ascii_slug(n) for n in names}) == 10_000  # the logins' e-mail domains


def test_summary_rows_are_what_a_rebuild_says(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["national", "seed", "--schools", "15", "--actions-per-school", "8"]
    )
    assert result.exit_code == 0, result.output
    table = SchoolProgress.__table__
    # What the rows say (when each was written differs, by design).
    said = select(*(c for c in table.c if c.name != "refreshed_at")).order_by(table.c.school_id)
    seeded = db.session.execute(said).all()
    assert len(seeded) == db.session.scalar(select(func.count(func.distinct(Run.school_id))))
    refresh()
    assert db.session.execute(said).all() == seeded
    keys = db.session.execute(select(School.name, School.sort_key)).all()
    assert all(key == danish_key(name) for name, key in keys)


def test_too_many_schools_are_refused_clearly(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["national", "seed", "--schools", "30000", "--actions-per-school", "1"]
    )
    assert result.exit_code != 0
    assert "at most" in result.output
