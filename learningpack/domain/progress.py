"""Each cycle's progress columns, rebuilt in bulk with set-based SQL.

``cycle.py`` keeps the columns (phase and counts) up to date on every write, one cycle at a
time, using the stepper's own rules. This module recomputes them for many cycles at once with a
single UPDATE of correlated subqueries: for bulk loads (the national benchmark data set) and as a
repair (``flask --app app progress rebuild``). ``tests/test_progress.py`` proves both ways agree.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.sql.elements import ColumnElement

from learningpack.extensions import db
from learningpack.models import (
    Action,
    ActionStatus,
    Cycle,
    CyclePhase,
    FollowUp,
    LogEntry,
    Meeting,
    action_owner,
)


def _count(*where: ColumnElement[bool], of: Any) -> Any:
    return select(func.count(of)).where(*where).scalar_subquery()


def phase_expression() -> ColumnElement[str]:
    """The stepper's rules (cycle.step_statuses) as one SQL CASE over a cycle row.

    Text is stored stripped by cycle.py, so "filled in" is ``<> ''`` here as it is ``strip()``
    there.
    """
    in_cycle = Action.cycle_id == Cycle.id
    has_input = exists().where(
        Meeting.cycle_id == Cycle.id,
        Meeting.participants != "",
        Meeting.notes != "",
    )
    has_action = exists().where(in_cycle)
    incomplete_action = exists().where(
        in_cycle,
        or_(
            Action.what == "",
            Action.expectation == "",
            Action.how_notice == "",
            and_(Action.team_id.is_(None), ~exists().where(action_owner.c.action_id == Action.id)),
            Action.period_start.is_(None),
            Action.period_end.is_(None),
        ),
    )
    untried_action = exists().where(
        in_cycle,
        Action.status != ActionStatus.DROPPED,
        ~exists().where(LogEntry.action_id == Action.id),
    )
    action_without_follow_up = exists().where(
        in_cycle, ~exists().where(FollowUp.action_id == Action.id)
    )
    summary_done = and_(
        Cycle.summary_learned != "", Cycle.summary_keep != "", Cycle.summary_next != ""
    )
    return case(
        (~has_input, CyclePhase.INPUT.value),
        (or_(~has_action, incomplete_action), CyclePhase.ACTIONS.value),
        (untried_action, CyclePhase.TRYING.value),
        (or_(action_without_follow_up, ~summary_done), CyclePhase.FOLLOW_UP.value),
        else_=CyclePhase.READY.value,
    )


def rebuild(cycle_ids: Collection[int] | None = None) -> int:
    """Recompute phase and counts of the given cycles (all when None); returns rows changed.

    Does not touch ``last_activity_at``: that is when people last did something, which a
    recount is not.
    """
    in_cycle = Action.cycle_id == Cycle.id
    statement = (
        update(Cycle)
        .values(
            phase=phase_expression(),
            meeting_count=_count(Meeting.cycle_id == Cycle.id, of=Meeting.id),
            action_count=_count(in_cycle, of=Action.id),
            done_action_count=_count(in_cycle, Action.status == ActionStatus.DONE, of=Action.id),
            log_entry_count=select(func.count(LogEntry.id))
            .join(Action, LogEntry.action_id == Action.id)
            .where(in_cycle)
            .scalar_subquery(),
            follow_up_count=select(func.count(FollowUp.id))
            .join(Action, FollowUp.action_id == Action.id)
            .where(in_cycle)
            .scalar_subquery(),
        )
        .execution_options(synchronize_session=False)
    )
    if cycle_ids is not None:
        statement = statement.where(Cycle.id.in_(list(cycle_ids)))
    result = cast("CursorResult[Any]", db.session.execute(statement))
    db.session.expire_all()
    return result.rowcount
