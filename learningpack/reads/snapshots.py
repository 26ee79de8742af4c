"""Progress over time: what a snapshot counts, and where schools stood on a given day.

Every count the daily snapshot keeps is defined once here, in ``current_counts``: one SELECT over
each school's newest run's cycles (their progress columns) and one grouped count of follow-up
outcomes. ``domain/snapshots.py`` writes it with one INSERT … SELECT; one school's timeline reads
the rows back (``reads/history.py``), PUF's chart and the report their daily tallies
(``reads/tallies.py``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from learningpack.models import (
    Action,
    Cycle,
    CyclePhase,
    CycleState,
    FollowUp,
    Outcome,
    Reflection,
    Run,
    School,
)
from learningpack.reads.runs import newest_run_id

LOCAL = ZoneInfo("Europe/Copenhagen")
ACTIVE = CycleState.ACTIVE.value
COMPLETED = CycleState.COMPLETED.value
LOCKED = CycleState.LOCKED.value
INPUT = CyclePhase.INPUT.value
# The counts a snapshot keeps besides the state, in the table's column order.
COUNTS = (
    "action_count",
    "done_action_count",
    "follow_up_count",
    "keep_count",
    "adjust_count",
    "stop_count",
    "reflection_count",
)
# Every column written from ``current_counts`` (``taken_on`` comes from the command).
COLUMNS = ("school_id", "run_id", "module_slug", "position", "state", *COUNTS, "last_activity_at")


def local_today(now: datetime | None = None) -> date:
    """Today's date in Copenhagen (a snapshot's day)."""
    return (now or datetime.now(UTC)).astimezone(LOCAL).date()


def _outcome_sum(outcome: Outcome) -> Any:
    return func.sum(case((FollowUp.outcome == outcome.value, 1), else_=0))


def current_counts(package_slug: str, as_of: datetime | None = None) -> Select[Any]:
    """Each school's newest run, one row per module: its cell state and counts, as of now.

    With ``as_of`` (a backfill for days before the first snapshot) the state comes from the
    cycle's opened and completed times, and the counts are the cycle's for a module completed
    by then and 0 otherwise: what was recorded on a past day is not known.
    """
    outcomes = (
        select(
            Action.cycle_id.label("cycle_id"),
            _outcome_sum(Outcome.KEEP).label("keep"),
            _outcome_sum(Outcome.ADJUST).label("adjust"),
            _outcome_sum(Outcome.STOP).label("stop"),
        )
        .join(FollowUp, FollowUp.action_id == Action.id)
        .group_by(Action.cycle_id)
        .subquery()
    )
    reflections = (
        select(Reflection.cycle_id.label("cycle_id"), func.count().label("n"))
        .group_by(Reflection.cycle_id)
        .subquery()
    )
    state: ColumnElement[Any] = case((Cycle.state == ACTIVE, Cycle.phase), else_=Cycle.state)
    counts: list[Any] = [
        Cycle.action_count,
        Cycle.done_action_count,
        Cycle.follow_up_count,
        func.coalesce(outcomes.c.keep, 0),
        func.coalesce(outcomes.c.adjust, 0),
        func.coalesce(outcomes.c.stop, 0),
        func.coalesce(reflections.c.n, 0),
    ]
    last_activity: Any = Cycle.last_activity_at
    if as_of is not None:
        done = and_(Cycle.completed_at.is_not(None), Cycle.completed_at <= as_of)
        opened = and_(Cycle.opened_at.is_not(None), Cycle.opened_at <= as_of)
        state = case(
            (done, COMPLETED),
            (opened, case((Cycle.state == ACTIVE, Cycle.phase), else_=INPUT)),
            else_=LOCKED,
        )
        counts = [case((done, count), else_=0) for count in counts]
        last_activity = case((done, Cycle.completed_at), (opened, Cycle.opened_at))
    statement = (
        select(
            School.id.label("school_id"),
            Run.id.label("run_id"),
            Cycle.module_slug.label("module_slug"),
            Cycle.position.label("position"),
            state.label("state"),
            *(count.label(name) for count, name in zip(counts, COUNTS, strict=True)),
            last_activity.label("last_activity_at"),
        )
        .select_from(School)
        .join(Run, Run.id == newest_run_id(School.id, package_slug))
        .join(Cycle, Cycle.run_id == Run.id)
        .outerjoin(outcomes, outcomes.c.cycle_id == Cycle.id)
        .outerjoin(reflections, reflections.c.cycle_id == Cycle.id)
    )
    if as_of is not None:
        statement = statement.where(Run.started_at <= as_of)
    return statement


def week_ends(start: date, end: date) -> list[date]:
    """The Sundays from ``start``'s week to ``end``'s, the last one cut to ``end``."""
    sunday = start + timedelta(days=6 - start.weekday())
    days = []
    while sunday < end:
        days.append(sunday)
        sunday += timedelta(days=7)
    days.append(end)
    return days


def end_of_day_utc(day: date) -> datetime:
    """The last moment of a Copenhagen day, in UTC (for "idle since" on that day)."""
    return datetime.combine(day + timedelta(days=1), time(), LOCAL).astimezone(UTC)
