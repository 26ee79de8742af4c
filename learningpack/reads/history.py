"""PUF's progress over time: schools per module per week (from the snapshots' daily tallies),
and one school's timeline (the days its modules changed state)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_, select

from learningpack.extensions import db
from learningpack.models import ProgressSnapshot as Snap
from learningpack.models import School
from learningpack.reads.snapshots import COMPLETED, local_today, week_ends
from learningpack.reads.tallies import Cell, tallied


@dataclass(frozen=True)
class WeekCounts:
    """Schools in progress and completed per module position at the end of one week."""

    week_end: date
    in_progress: dict[int, int]
    completed: dict[int, int]

    def started(self, position: int) -> int:
        """Schools that have reached the module: in progress or completed."""
        return self.in_progress[position] + self.completed[position]


def weekly(
    start: date,
    end: date,
    positions: list[int],
    district: str = "",
) -> list[WeekCounts]:
    """Each week's end from ``start`` to ``end``: per module, schools in progress and completed.

    Read from the tallies (``reads/tallies.py``): their size grows with the weeks and the
    areas, not with the schools.
    """
    days = week_ends(start, end)
    return week_counts(days, tallied(days, district), positions)


def week_counts(
    days: list[date], cells: list[dict[tuple[int, str], Cell]], positions: list[int]
) -> list[WeekCounts]:
    """Schools in progress and completed per module on each of ``days``, from their tallies."""
    weeks = []
    for day, found in zip(days, cells, strict=True):
        in_progress, completed = dict.fromkeys(positions, 0), dict.fromkeys(positions, 0)
        for (position, state), cell in found.items():
            if position not in in_progress:
                continue
            if state == COMPLETED:
                completed[position] += cell.schools
            elif Cell.in_progress(state):
                in_progress[position] += cell.schools
        weeks.append(WeekCounts(day, in_progress, completed))
    return weeks


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    position: int
    state: str


def _state_changes(rows: dict[tuple[int, int], list[tuple[date, str]]]) -> list[TimelineEntry]:
    entries = []
    for (_school, position), days in rows.items():
        previous: str | None = None
        for day, state in days:
            if state != previous:
                entries.append(TimelineEntry(day, position, state))
            previous = state
    return sorted(entries, key=lambda e: (e.day, e.position), reverse=True)


class Standing(NamedTuple):
    """A school's versions (web/fragment_cache.school_version) and its timeline."""

    versions: tuple[int, int]
    timeline: list[TimelineEntry]


def standing(school_id: int, until: date | None = None) -> Standing | None:
    """The school's versions and timeline (``timeline``), or None: no such school. One
    statement: the school joined to its snapshot rows (a row of nulls when it has none)."""
    on = and_(Snap.school_id == School.id, Snap.taken_on <= (until or local_today()))
    rows = db.session.execute(
        select(School.people_version, School.progress_version, Snap.position, Snap.taken_on)
        .add_columns(Snap.state)
        .select_from(School)
        .outerjoin(Snap, on)
        .where(School.id == school_id)
        .order_by(Snap.taken_on, Snap.id)
    ).all()
    if not rows:
        return None
    found: dict[tuple[int, int], list[tuple[date, str]]] = {}
    for _people, _progress, position, day, state in rows:
        if position is not None:
            found.setdefault((school_id, position), []).append((day, state))
    return Standing((rows[0][0], rows[0][1]), _state_changes(found))


def timeline(school_id: int, until: date | None = None) -> list[TimelineEntry]:
    """The days on which one of the school's modules changed state, newest first."""
    found = standing(school_id, until)
    return found.timeline if found is not None else []
