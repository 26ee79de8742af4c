"""Schools per area × module × state on the snapshot days, counts summed (``ProgressTally``).

``tally_source`` defines a day's tally once: the snapshots' newest row on or before the day of
each school × module, grouped by the school's area, the module and the state.
``domain/tallies.py`` writes it for each day the snapshots write; PUF's chart and the report
read it back with ``tallied``: a few hundred rows a day, however many schools there are.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Select, and_, case, func, literal, select

from learningpack.extensions import db
from learningpack.models import ProgressSnapshot as Snap
from learningpack.models import ProgressTally as Tally
from learningpack.models import School
from learningpack.reads.snapshots import COMPLETED, COUNTS, LOCKED

# Every column written from ``tally_source``, in its order.
TALLY_COLUMNS = ("taken_on", "district", "position", "state", "schools", *COUNTS)


def newest_rows(day: date) -> Any:
    """Each school × module's newest snapshot day on or before ``day`` (a subquery)."""
    return (
        select(
            Snap.school_id.label("school_id"),
            Snap.module_slug.label("module_slug"),
            func.max(Snap.taken_on).label("taken_on"),
        )
        .where(Snap.taken_on <= day)
        .group_by(Snap.school_id, Snap.module_slug)
        .subquery("newest")
    )


def on_newest(newest: Any) -> Any:
    """The join of snapshot rows to ``newest_rows``: only each school × module's newest."""
    return and_(
        newest.c.school_id == Snap.school_id,
        newest.c.module_slug == Snap.module_slug,
        newest.c.taken_on == Snap.taken_on,
    )


def tally_source(day: date) -> Select[Any]:
    """The day's tally rows, in ``TALLY_COLUMNS`` order."""
    newest = newest_rows(day)
    return (
        select(
            literal(day, Date()),
            School.district,
            Snap.position,
            Snap.state,
            func.count(),
            *(func.sum(getattr(Snap, name)) for name in COUNTS),
        )
        .join(newest, on_newest(newest))
        .join(School, School.id == Snap.school_id)
        .group_by(School.district, Snap.position, Snap.state)
    )


@dataclass(frozen=True)
class Cell:
    """Schools in one module and state on a day (in an area or all), their counts summed."""

    schools: int
    action_count: int
    done_action_count: int
    follow_up_count: int
    keep_count: int
    adjust_count: int
    stop_count: int
    reflection_count: int

    @staticmethod
    def in_progress(state: str) -> bool:
        return state not in (LOCKED, COMPLETED)


def _newest_on_or_before(day: date) -> Any:
    """The newest tallied day on or before ``day``: one step backwards along the index."""
    return (
        select(Tally.taken_on)
        .where(Tally.taken_on <= day)
        .order_by(Tally.taken_on.desc())
        .limit(1)
        .scalar_subquery()
    )


def _in_area(column: Any, district: str) -> Any:
    return case((Tally.district == district, column), else_=0) if district else column


def tallied(days: Sequence[date], district: str = "") -> list[dict[tuple[int, str], Cell]]:
    """Where schools stood on each of ``days``: per (module position, state), the schools and
    their counts. The state on a day is the newest tally on or before it: a day without one
    had no snapshot row written after it either (``domain/tallies.py`` tallies each day the
    snapshots write). One statement.

    Every area's rows are read (summed per cell) even for one area, so that each tallied day
    found comes back, and a day is matched with the newest of them on or before it.
    """
    if not days:
        return []
    statement = (
        select(
            Tally.taken_on,
            Tally.position,
            Tally.state,
            *(func.sum(_in_area(getattr(Tally, name), district)) for name in ("schools", *COUNTS)),
        )
        .where(Tally.taken_on.in_([_newest_on_or_before(day) for day in sorted(set(days))]))
        .group_by(Tally.taken_on, Tally.position, Tally.state)
    )
    by_day: dict[date, dict[tuple[int, str], Cell]] = {}
    for day, position, state, *sums in db.session.execute(statement):
        cells = by_day.setdefault(day, {})
        if sums[0]:
            cells[(position, state)] = Cell(*(int(value or 0) for value in sums))
    found = sorted(by_day)
    return [by_day[found[i - 1]] if (i := bisect_right(found, day)) else {} for day in days]
