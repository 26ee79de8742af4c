"""PUF's overview across all schools, read from each cycle's progress columns.

One SELECT returns every school with the cycles of its newest run (about 5,500 narrow rows at
national scale); filters, totals, the Danish sort order and the page are worked out in Python.
The action table is never read here: ``cycle.py`` keeps the counts on the cycle row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, select, type_coerce

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import Cycle, CyclePhase, CycleState, Run, School
from learningpack.models.types import utcnow
from learningpack.output.labels import CYCLE_PHASE, CYCLE_STATE
from learningpack.reads.pagination import danish_key, paginate
from learningpack.reads.runs import days_in_module, days_since, newest_run_id

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
    cells: dict[int, Cell] = field(default_factory=dict)

    @property
    def started(self) -> bool:
        return self.started_raw is not None

    @cached_property
    def last_activity(self) -> datetime | None:
        """When someone last recorded anything in the run (its start if nothing since)."""
        # Raw values of one backend compare correctly (ISO text on SQLite), so parse just one.
        times = [c.last_activity_raw for c in self.cells.values() if c.last_activity_raw]
        if self.started_raw is not None:
            times.append(self.started_raw)
        return _utc(max(times)) if times else None

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
    matching: list[SchoolRow]  # every school matching the filters, in Danish order
    modules: list[int]  # the module positions shown
    module_totals: list[ModuleTotals]
    district_totals: list[DistrictTotals]
    page: int
    pages: int
    stalled_count: int
    not_started_count: int
    stalled_days: int
    now: datetime
    stalled_ids: frozenset[int] = frozenset()  # the schools (of every page) that are stalled


ACTIVE = CycleState.ACTIVE.value


def _raw(column: Any) -> Any:
    """A column read as the driver gives it, without the model type's per-value conversion.

    At national scale the overview reads ~5,500 cycle rows; the UTC type's Python conversion
    of every timestamp was most of the page's time. ``_utc`` does the same, cheaply.
    """
    return type_coerce(column, String).label(f"{column.table.name}_{column.key}")


def _utc(value: str | datetime | None) -> datetime | None:
    """A stored timestamp as aware UTC: SQLite gives UTC text, PostgreSQL an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value + "+00:00")
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def load_rows(package: Package, *, full: bool = False) -> list[SchoolRow]:
    """Every school with its newest run of the package and that run's cycles, in Danish order.

    The page reads only what it shows; ``full`` adds the columns only the export has (logs,
    follow-ups, completion dates): fewer values to decode is most of what costs on PostgreSQL.
    """
    extra = (Cycle.log_entry_count, _raw(Cycle.completed_at)) if full else ()
    # Core execution: rows straight from the cursor, without the ORM's per-row machinery.
    result = db.session.connection().execute(
        select(
            School.id,
            School.name,
            School.district,
            _raw(Run.started_at),
            Run.completed_at.is_not(None),
            Cycle.position,
            _raw(Cycle.state),
            _raw(Cycle.phase),
            Cycle.action_count,
            Cycle.done_action_count,
            Cycle.meeting_count,
            _raw(Cycle.opened_at),
            _raw(Cycle.last_activity_at),
            Cycle.follow_up_count,
            _raw(Cycle.follow_up_on),
            *extra,
        )
        .select_from(School)
        .outerjoin(Run, Run.id == newest_run_id(School.id, package.slug))
        .outerjoin(Cycle, Cycle.run_id == Run.id)
    )
    rows: dict[int, SchoolRow] = {}
    for r in result.all():
        row = rows.get(r[0])
        if row is None:
            row = rows[r[0]] = SchoolRow(
                id=r[0], name=r[1], district=r[2], started_raw=r[3], finished=bool(r[4])
            )
        if r[5] is None:
            continue
        cell = row.cells[r[5]] = Cell(
            position=r[5],
            state=r[7] if r[6] == ACTIVE else r[6],
            action_count=r[8],
            done_action_count=r[9],
            meeting_count=r[10],
            opened_raw=r[11],
            last_activity_raw=r[12],
            follow_up_count=r[13],
            follow_up_on_raw=r[14],
        )
        if full:
            cell.log_entry_count, cell.completed_raw = r[15], r[16]
    return sorted(rows.values(), key=lambda s: (danish_key(s.name), s.id))


def districts_of(rows: Iterable[SchoolRow]) -> list[str]:
    return sorted({r.district for r in rows if r.district}, key=danish_key)


def select_rows(
    rows: Sequence[SchoolRow], filters: Filters, now: datetime, modules: Sequence[int]
) -> list[SchoolRow]:
    """The schools matching the filters (a state matches in any of the modules shown)."""
    matching = []
    for row in rows:
        if filters.district and row.district != filters.district:
            continue
        if filters.stalled and not row.is_stalled(now, filters.days):
            continue
        if filters.state == NOT_STARTED and row.started:
            continue
        if (
            filters.state
            and filters.state != NOT_STARTED
            and not any(row.cell(p).matches(filters.state) for p in modules)
        ):
            continue
        matching.append(row)
    return matching


def build_overview(
    rows: Sequence[SchoolRow],
    filters: Filters,
    module_count: int,
    now: datetime | None = None,
    per_page: int = PER_PAGE,
) -> Overview:
    """Filter, total and page the schools."""
    now = now or utcnow()
    modules = [filters.module] if filters.module else list(range(1, module_count + 1))
    matching = select_rows(rows, filters, now, modules)
    module_totals = {p: ModuleTotals(p, dict.fromkeys(STATE_ORDER, 0)) for p in modules}
    districts: dict[str, DistrictTotals] = {}
    stalled_count = not_started_count = 0
    stalled_ids: set[int] = set()
    for row in matching:
        stalled = row.is_stalled(now, filters.days)
        if stalled:
            stalled_ids.add(row.id)
        stalled_count += stalled
        not_started_count += not row.started
        d = districts.setdefault(row.district, DistrictTotals(row.district))
        d.schools += 1
        d.not_started += not row.started
        d.finished += row.finished
        d.stalled += stalled
        for p, totals in module_totals.items():
            cell = row.cell(p)
            totals.by_state[cell.state] += 1
            totals.action_count += cell.action_count
            totals.done_action_count += cell.done_action_count
            totals.meeting_count += cell.meeting_count
            d.action_count += cell.action_count
            d.done_action_count += cell.done_action_count
    shown = paginate(matching, filters.page, per_page)
    return Overview(
        rows=shown.items,
        matching=matching,
        modules=modules,
        module_totals=list(module_totals.values()),
        district_totals=sorted(districts.values(), key=lambda d: danish_key(d.district)),
        page=shown.page,
        pages=shown.pages,
        stalled_count=stalled_count,
        not_started_count=not_started_count,
        stalled_days=filters.days,
        now=now,
        stalled_ids=frozenset(stalled_ids),
    )
