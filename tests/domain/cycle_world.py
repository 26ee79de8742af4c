"""The world the cycle's domain tests share: a school with staff, a run, and quick ways to
record in a cycle (the `world` fixture is in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain.cycle import unmet_conditions
from learningpack.domain.records import (
    add_log_entry,
    agree_action,
    record_follow_up,
    record_meeting,
    save_summary,
)
from learningpack.domain.refusals import CycleRefused, Refusal
from learningpack.domain.refusals import refusal as R
from learningpack.domain.transitions import (
    complete_cycle,
    start_run,
)
from learningpack.extensions import db
from learningpack.models import (
    Action,
    AuditEvent,
    Cycle,
    CycleState,
    FollowUp,
    Meeting,
    MeetingKind,
    Outcome,
    Run,
    School,
    Team,
    User,
)
from tests.factories import SchoolFactory, TeamFactory, make_leader, make_puf, make_teacher

YEAR = "2026/27"
START = date(2026, 9, 1)
END = date(2026, 10, 15)
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)

NOT_OPEN = R("not_open")
ALREADY_COMPLETED = R("already_completed")
INPUT_MISSING = R("no_input_meeting")

# ---------------------------------------------------------------------------------------------
# Helpers


@dataclass
class World:
    school: School
    leader: User
    teacher: User
    team: Team
    puf: User
    run: Run
    package: Package

    def cycle(self, position: int) -> Cycle:
        found = db.session.scalar(
            select(Cycle).where(Cycle.run_id == self.run.id, Cycle.position == position)
        )
        assert found is not None
        return found


def make_world(package: Package) -> World:
    school = SchoolFactory()
    leader = make_leader(school)
    teacher = make_teacher(school)
    team = TeamFactory(school=school, members=[teacher])
    puf = make_puf()
    run = start_run(school.id, package, YEAR, leader)
    return World(school, leader, teacher, team, puf, run, package)


def add_session(cycle: Cycle, **overrides: Any) -> Meeting:
    values: dict[str, Any] = {
        "held_on": START,
        "kind": MeetingKind.INPUT,
        "participants": "Hele personalegruppen",
        "notes": "Vi drøftede videnoplægget i teams.",
        "decisions": "Indskolingen afprøver en aktion.",
        "facilitator": None,
    }
    values.update(overrides)
    return record_meeting(cycle, **values)


def add_action(cycle: Cycle, w: World, **overrides: Any) -> Action:
    values: dict[str, Any] = {
        "title": "Forældrekaffe",
        "what": "Vi inviterer forældre til kaffe hver fredag.",
        "expectation": "Forældrene lærer hinanden at kende.",
        "how_notice": "Vi tæller fremmøde.",
        "team": w.team,
        "owners": [w.teacher],
        "period_start": START,
        "period_end": END,
        "actor": w.leader,
    }
    values.update(overrides)
    return agree_action(cycle, **values)


def add_log(action: Action, w: World, **overrides: Any) -> None:
    values: dict[str, Any] = {
        "author": w.teacher,
        "happened_on": START,
        "text": "Tolv forældre kom.",
        "observation": "De blev længe.",
    }
    values.update(overrides)
    add_log_entry(action, **values)


def add_follow_up(action: Action, w: World, outcome: Outcome = Outcome.KEEP) -> FollowUp:
    return record_follow_up(action, outcome=outcome, learning="Det virker.", actor=w.leader)


def add_summary(cycle: Cycle) -> None:
    save_summary(cycle, learned="Små tiltag virker.", keep="Forældrekaffen.", next_steps="Udbred.")


def fulfil(cycle: Cycle, w: World) -> Action:
    """Record everything the cycle needs before it can be completed."""
    add_session(cycle)
    action = add_action(cycle, w)
    add_log(action, w)
    add_follow_up(action, w)
    add_summary(cycle)
    assert unmet_conditions(cycle) == []
    return action


def fulfil_and_complete(cycle: Cycle, w: World) -> Cycle | None:
    fulfil(cycle, w)
    return complete_cycle(cycle, w.leader)


def events(verb: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.verb == verb)))


def refusal(call: Callable[[], object]) -> list[Refusal]:
    with pytest.raises(CycleRefused) as info:
        call()
    return list(info.value.refusals)


def states(w: World) -> list[CycleState]:
    db.session.expire_all()
    return [w.cycle(p).state for p in range(1, 6)]


A, L, C = CycleState.ACTIVE, CycleState.LOCKED, CycleState.COMPLETED
