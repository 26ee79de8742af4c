"""PUF's overview across all schools: the page model (rows, cells, filters, totals).

The schools are read from their summary rows (``school_progress``, kept on write) by
``overview_query.py``: the database filters, sorts (the stored Danish key) and pages; Python
handles one page of rows and the few grouped totals. The action table is never read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from learningpack.models import CyclePhase, CycleState
from learningpack.output.labels import CYCLE_PHASE, CYCLE_STATE
from learningpack.reads.runs import days_in_module, days_since

PER_PAGE = 50
DEFAULT_STALLED_DAYS = 30

NOT_STARTED = "not_started"
ACTIVE_ANY = "active"
# Where a school stands in one module: locked, the phase of an open module, or completed.
CELL_STATES: dict[str, LazyString] = {
    CycleState.LOCKED.value: CYCLE_STATE[CycleState.LOCKED],
    **{phase.value: title for phase, title in CYCLE_PHASE.items()},
    CycleState.COMPLETED.value: CYCLE_STATE[CycleState.COMPLETED],
}
ACTIVE_PHASES = tuple(p.value for p in CyclePhase)
# The state filter: every cell state, "any open phase", and schools that have not started.
STATE_FILTERS: dict[str, LazyString] = {
    NOT_STARTED: _l("Ikke startet"),
    CycleState.LOCKED.value: CELL_STATES[CycleState.LOCKED.value],
    ACTIVE_ANY: _l("I gang (alle faser)"),
    **{phase: _l("I gang: %(phase)s", phase=CELL_STATES[phase]) for phase in ACTIVE_PHASES},
    CycleState.COMPLETED.value: CELL_STATES[CycleState.COMPLETED.value],
}
# The chart and totals, in the order a module is worked through.
STATE_ORDER = (NOT_STARTED, CycleState.LOCKED.value, *ACTIVE_PHASES, CycleState.COMPLETED.value)


def state_label(key: str) -> str:
    if key == NOT_STARTED:
        return str(STATE_FILTERS[NOT_STARTED])
    return str(CELL_STATES[key])


@dataclass(slots=True)
class Cell:
    """One school in one module. Timestamps are kept as read and parsed when asked for."""

    position: int
    state: str  # a key of CELL_STATES, or NOT_STARTED
    action_count: int = 0
    done_action_count: int = 0
    meeting_count: int = 0
    log_entry_count: int = 0
    follow_up_count: int = 0
    opened_raw: Any = None
    completed_raw: Any = None
    last_activity_raw: Any = None
    follow_up_on_raw: Any = None  # the follow-up meeting's date, if the leader set one

    @property
    def opened_at(self) -> datetime | None:
        return _utc(self.opened_raw)

    @property
    def completed_at(self) -> datetime | None:
        return _utc(self.completed_raw)

    @property
    def last_activity_at(self) -> datetime | None:
        return _utc(self.last_activity_raw)

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_PHASES

    @property
    def is_locked(self) -> bool:
        return self.state == CycleState.LOCKED.value

    def days_open(self, now: datetime) -> int | None:
        """Days in the module, if it is open."""
        return days_in_module(self.is_active, self.opened_at, now)

    @property
    def follow_up_on(self) -> date | None:
        raw = self.follow_up_on_raw
        return date.fromisoformat(raw[:10]) if isinstance(raw, str) else raw

    def follow_up_overdue(self, now: datetime, days: int) -> bool:
        """Open, its follow-up meeting more than ``days`` days past, and no follow-up recorded."""
        held_on = self.follow_up_on
        return (
            self.is_active
            and held_on is not None
            and self.follow_up_count == 0
            and (now.date() - held_on).days > days
        )

    def matches(self, wanted: str) -> bool:
        return self.state == wanted or (wanted == ACTIVE_ANY and self.is_active)


@dataclass
class SchoolRow:
    """One school with its newest run's cycles, one cell per module of the package."""

    id: int
    name: str
    district: str
    started_raw: Any = None
    finished: bool = False  # the whole run completed
    last_activity_raw: Any = None  # the summary row's: the run's start if nothing since
    run_id: int | None = None
    cells: dict[int, Cell] = field(default_factory=dict)

    @property
    def started(self) -> bool:
        return self.started_raw is not None

    @cached_property
    def last_activity(self) -> datetime | None:
        """When someone last recorded anything in the run (its start if nothing since)."""
        return _utc(self.last_activity_raw)

    @property
    def current(self) -> Cell | None:
        """The open module the school works in (the first, if PUF opened more than one)."""
        return next((c for _, c in sorted(self.cells.items()) if c.is_active), None)

    def days_idle(self, now: datetime) -> int | None:
        return days_since(self.last_activity, now)

    def days_in_current(self, now: datetime) -> int | None:
        current = self.current
        return None if current is None else current.days_open(now)

    def is_stalled(self, now: datetime, days: int) -> bool:
        """Started, not finished, and nothing recorded for at least ``days`` days, or an open
        module's follow-up meeting more than ``days`` days past with no follow-up recorded
        (a school may keep logging but never hold the meeting that closes the module)."""
        if not self.started or self.finished:
            return False
        idle = self.days_idle(now)
        if idle is not None and idle >= days:
            return True
        return any(c.follow_up_overdue(now, days) for c in self.cells.values())

    def cell(self, position: int) -> Cell:
        return self.cells.get(position) or Cell(position=position, state=NOT_STARTED)


def stalls_at(last_activity: Any, overdue_from: Any, days: int) -> datetime | None:
    """When a started, unfinished school becomes stalled (``SchoolRow.is_stalled``, and
    ``overview_query.stalled`` in SQL) if nothing is written to it before: ``days`` days
    after its last activity, or at the start of the day ``days`` + 1 days after an open
    module's follow-up meeting with nothing recorded (``overdue_from``, the summary row's
    earliest such date). Values as the driver gives them (text on SQLite)."""
    moments: list[datetime] = []
    last = _utc(last_activity)
    if last is not None:
        moments.append(last + timedelta(days=days))
    if overdue_from is not None:
        held = date.fromisoformat(overdue_from) if isinstance(overdue_from, str) else overdue_from
        day = held + timedelta(days=days + 1)
        moments.append(datetime(day.year, day.month, day.day, tzinfo=UTC))
    return min(moments, default=None)


@dataclass(frozen=True)
class Filters:
    district: str = ""
    module: int | None = None  # a module's position; None: every module
    module_slug: str = ""
    state: str = ""
    stalled: bool = False
    days: int = DEFAULT_STALLED_DAYS
    page: int = 1

    def as_args(self, **changes: object) -> dict[str, object]:
        """The filters as URL query arguments (for links that keep them)."""
        values: dict[str, object] = {
            "omraade": self.district,
            "modul": self.module_slug,
            "status": self.state,
            "staa": "1" if self.stalled else "",
            "dage": self.days if self.days != DEFAULT_STALLED_DAYS else "",
            "side": self.page if self.page != 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}

    def describe(self) -> dict[str, object]:
        """The filters for the audit log."""
        return {
            "district": self.district,
            "module": self.module_slug,
            "state": self.state,
            "stalled": self.stalled,
            "days": self.days,
        }


@dataclass
class ModuleTotals:
    position: int
    by_state: dict[str, int]
    action_count: int = 0
    done_action_count: int = 0
    meeting_count: int = 0


@dataclass
class DistrictTotals:
    district: str
    schools: int = 0
    not_started: int = 0
    finished: int = 0
    stalled: int = 0
    action_count: int = 0
    done_action_count: int = 0


@dataclass
class Overview:
    rows: list[SchoolRow]  # this page
    total: int  # every school matching the filters
    modules: list[int]  # the module positions shown
    module_totals: list[ModuleTotals]
    district_totals: list[DistrictTotals]
    page: int
    pages: int
    stalled_count: int
    not_started_count: int
    stalled_days: int
    now: datetime
    stalled_ids: frozenset[int] = frozenset()  # the schools of this page that are stalled
    all_schools: int = 0  # every school, whatever the filters
    districts: list[str] = field(default_factory=list)  # every district, in Danish order


ACTIVE = CycleState.ACTIVE.value


def _utc(value: str | datetime | None) -> datetime | None:
    """A stored timestamp as aware UTC: SQLite gives UTC text, PostgreSQL an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value + "+00:00")
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def cell_state(state: str, phase: str) -> str:
    """The cell's key (CELL_STATES) from a cycle's state and phase as stored."""
    return phase if state == ACTIVE else state
