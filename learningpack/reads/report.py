"""The half-yearly report's numbers, all read from the daily snapshots: per module from their
tallies (``reads/tallies.py``), the stalled schools from the schools' newest rows.

The period is [from, to]; "before" is the end of the previous period of the same length, the day
before ``from``: the change since the last report is the difference between the two days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from typing import Any

from sqlalchemy import case, func, select

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import ProgressSnapshot as Snap
from learningpack.models import School
from learningpack.reads.history import WeekCounts, week_counts
from learningpack.reads.overview import DEFAULT_STALLED_DAYS
from learningpack.reads.pagination import danish_key
from learningpack.reads.snapshots import COMPLETED, end_of_day_utc, week_ends
from learningpack.reads.tallies import Cell, newest_rows, on_newest, tallied


@dataclass
class ModuleFigures:
    position: int
    slug: str
    title: str
    in_progress: int = 0
    completed: int = 0
    in_progress_before: int = 0
    completed_before: int = 0
    actions: int = 0
    followed_up: int = 0
    keep: int = 0
    adjust: int = 0
    stop: int = 0

    @property
    def in_progress_change(self) -> int:
        return self.in_progress - self.in_progress_before

    @property
    def completed_change(self) -> int:
        return self.completed - self.completed_before


@dataclass
class ReportFigures:
    period_from: date
    period_to: date
    district: str
    schools: int  # every active school in the area
    started: int = 0  # schools whose run had started by the period's end
    started_before: int = 0  # … by the end of the previous period
    stalled: int = 0
    stalled_names: list[str] = field(default_factory=list)  # filled only when PUF asks
    modules: list[ModuleFigures] = field(default_factory=list)
    weeks: list[WeekCounts] = field(default_factory=list)
    snapshot_day: date | None = None  # the newest change the snapshots hold up to the end

    @property
    def started_in_period(self) -> int:
        return self.started - self.started_before

    @property
    def previous_to(self) -> date:
        return self.period_from - timedelta(days=1)


def _in_area(statement: Any, district: str) -> Any:
    if district:
        statement = statement.join(School, School.id == Snap.school_id).where(
            School.district == district
        )
    return statement


def _stalled(
    positions: list[int], end: date, days: int, district: str
) -> tuple[list[int], date | None]:
    """Schools started and not finished with nothing recorded for ``days`` days at ``end`` (a
    school not snapshotted yet is not started; with no activity recorded, its first day
    counts), and the newest day of a change the snapshots hold up to ``end``. One grouped
    statement over each school's newest rows."""
    newest = newest_rows(end)
    statement = (
        select(
            Snap.school_id,
            func.count(),
            func.sum(case((Snap.state == COMPLETED, 1), else_=0)),
            func.max(Snap.last_activity_at),
            func.min(Snap.taken_on),
            func.max(Snap.taken_on),
        )
        .join(newest, on_newest(newest))
        .where(Snap.position.in_(positions))
        .group_by(Snap.school_id)
    )
    cutoff = end_of_day_utc(end) - timedelta(days=days)
    found: list[int] = []
    newest_day: date | None = None
    for school_id, modules, completed, last, first, newest_change in db.session.execute(
        _in_area(statement, district)
    ):
        if newest_day is None or newest_change > newest_day:
            newest_day = newest_change
        if modules == completed == len(positions):
            continue
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        if (last or end_of_day_utc(first)) <= cutoff:
            found.append(school_id)
    return found, newest_day


def _school_count(district: str) -> int:
    statement = select(func.count()).select_from(School).where(School.active.is_(True))
    if district:
        statement = statement.where(School.district == district)
    return int(db.session.scalar(statement) or 0)


def _names(school_ids: list[int]) -> list[str]:
    if not school_ids:
        return []
    names = db.session.scalars(select(School.name).where(School.id.in_(school_ids)))
    return sorted(names, key=danish_key)


def build_report(
    package: Package,
    start: date,
    end: date,
    district: str = "",
    *,
    name_stalled: bool = False,
    with_weeks: bool = True,
    stalled_days: int = DEFAULT_STALLED_DAYS,
) -> ReportFigures:
    """The report's numbers for the period and area (all areas when ``district`` is empty)."""
    figures = ReportFigures(start, end, district, _school_count(district))
    modules = {m.position: ModuleFigures(m.position, m.slug, m.title) for m in package.modules}
    days = week_ends(start, end) if with_weeks else [end]  # the last is ``end``
    cells = tallied([*days, figures.previous_to], district)
    now, before = cells[-2], cells[-1]
    for (position, state), cell in now.items():
        m = modules.get(position)
        if m is None:  # a module no longer in the package
            continue
        m.in_progress += cell.schools if Cell.in_progress(state) else 0
        m.completed += cell.schools if state == COMPLETED else 0
        m.actions += cell.action_count
        m.followed_up += cell.follow_up_count
        m.keep, m.adjust, m.stop = (
            m.keep + cell.keep_count,
            m.adjust + cell.adjust_count,
            m.stop + cell.stop_count,
        )
    for (position, state), cell in before.items():
        if position in modules:
            modules[position].in_progress_before += cell.schools if Cell.in_progress(state) else 0
            modules[position].completed_before += cell.schools if state == COMPLETED else 0
    figures.modules = [modules[p] for p in sorted(modules)]
    figures.started = _started(now, modules)
    figures.started_before = _started(before, modules)
    stalled, figures.snapshot_day = _stalled(sorted(modules), end, stalled_days, district)
    figures.stalled = len(stalled)
    if name_stalled:
        figures.stalled_names = _names(stalled)
    if with_weeks:
        figures.weeks = week_counts(days, cells[:-1], sorted(modules))
    return figures


def _started(cells: dict[tuple[int, str], Cell], modules: dict[int, ModuleFigures]) -> int:
    """Schools with a snapshot row by the day: every started school has a row in each module
    of its run, so the schools of the module most reached (in any state) are all of them."""
    per_module: dict[int, int] = dict.fromkeys(modules, 0)
    for (position, _state), cell in cells.items():
        if position in per_module:
            per_module[position] += cell.schools
    return max(per_module.values(), default=0)
