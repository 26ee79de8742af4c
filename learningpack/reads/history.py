"""PUF's progress over time, read from the daily snapshots: schools per module per week, and one
school's timeline (the days its modules changed state)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_, select

from learningpack.extensions import db
from learningpack.models import ProgressSnapshot as Snap
from learningpack.models import School
from learningpack.reads.snapshots import COMPLETED, LOCKED, history, local_today, week_ends


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

    One pass per school × module over its rows (oldest first) and the weeks together.
    """
    days = week_ends(start, end)
    in_progress = [dict.fromkeys(positions, 0) for _ in days]
    completed = [dict.fromkeys(positions, 0) for _ in days]
    for (_school, position), rows in history(end, district).items():
        if position not in in_progress[0]:
            continue
        index, current = 0, None
        for i, day in enumerate(days):
            while index < len(rows) and rows[index][0] <= day:
                current = rows[index][1]
                index += 1
            if current == COMPLETED:
                completed[i][position] += 1
            elif current is not None and current != LOCKED:
                in_progress[i][position] += 1
    return [WeekCounts(day, in_progress[i], completed[i]) for i, day in enumerate(days)]


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
