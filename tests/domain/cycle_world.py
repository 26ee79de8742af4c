"""What the cycle's domain tests add to the shared world (tests/world.py): the refusal codes they
expect, a cycle fulfilled in one call, the audit trail, the states of a run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from learningpack.domain.cycle import unmet_conditions
from learningpack.domain.refusals import CycleRefused, Refusal
from learningpack.domain.refusals import refusal as R
from learningpack.domain.transitions import (
    complete_cycle,
)
from learningpack.extensions import db
from learningpack.models import (
    Action,
    AuditEvent,
    Cycle,
    CycleState,
)
from tests.world import (
    World,
    add_action,
    add_follow_up,
    add_log,
    add_session,
    add_summary,
    observe,
    reflect,
)

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)

NOT_OPEN = R("not_open")
ALREADY_COMPLETED = R("already_completed")
INPUT_MISSING = R("no_input_meeting")

# ---------------------------------------------------------------------------------------------
# Helpers


def fulfil(cycle: Cycle, w: World) -> Action:
    """Record everything the cycle needs before it can be completed."""
    add_session(cycle)
    action = add_action(cycle, w)
    add_log(action, w)
    observe(action)
    reflect(cycle, w.team, w.leader)
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
