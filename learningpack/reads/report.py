"""The half-yearly report's numbers, all read from the daily snapshots (``reads/snapshots.py``).

The period is [from, to]; "before" is the end of the previous period of the same length, the day
before ``from``: the change since the last report is the difference between the two days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import School
from learningpack.reads.history import WeekCounts, weekly
from learningpack.reads.overview import DEFAULT_STALLED_DAYS
from learningpack.reads.pagination import danish_key
from learningpack.reads.snapshots import Standing, end_of_day_utc, states_on


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


def _stalled(by_school: dict[int, list[Standing]], modules: int, end: date, days: int) -> list[int]:
    """Schools started and not finished with nothing recorded for ``days`` days at ``end``."""
    cutoff = end_of_day_utc(end) - timedelta(days=days)
    found = []
    for school_id, standings in by_school.items():
        if len(standings) == modules and all(s.completed for s in standings):
            continue
        times: list[datetime] = [s.last_activity_at for s in standings if s.last_activity_at]
        first = min(s.taken_on for s in standings)
        last = max(times) if times else end_of_day_utc(first)
        if last <= cutoff:
            found.append(school_id)
    return found


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
    now, before = states_on((end, figures.previous_to), district)
    by_school: dict[int, list[Standing]] = defaultdict(list)
    for (school_id, position), one in now.items():
        m = modules.get(position)
        if m is None:  # a module no longer in the package
            continue
        by_school[school_id].append(one)
        m.in_progress += one.in_progress
        m.completed += one.completed
        m.actions += one.action_count
        m.followed_up += one.follow_up_count
        m.keep, m.adjust, m.stop = (
            m.keep + one.keep_count,
            m.adjust + one.adjust_count,
            m.stop + one.stop_count,
        )
    for (_school_id, position), one in before.items():
        if position in modules:
            modules[position].in_progress_before += one.in_progress
            modules[position].completed_before += one.completed
    figures.modules = [modules[p] for p in sorted(modules)]
    figures.started = len(by_school)
    figures.started_before = len({school for school, _ in before})
    stalled = _stalled(by_school, len(modules), end, stalled_days)
    figures.stalled = len(stalled)
    if name_stalled:
        figures.stalled_names = _names(stalled)
    if with_weeks:
        figures.weeks = weekly(start, end, sorted(modules), district)
    figures.snapshot_day = max((one.taken_on for one in now.values()), default=None)
    return figures
