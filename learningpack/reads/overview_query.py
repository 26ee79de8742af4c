"""The overview's statements over the schools' summary rows (``school_progress``).

The database filters (district, state in the modules shown, stalled, not started), sorts by
the stored Danish key and cuts the page; totals come from three statements (the schools per
district; when each open school stalls; cycles per district × module × state), kept per app
and read again for the written schools' bucket only (``reads/totals_cache``). Python handles
one page. The exports walk the same matching schools (``overview_export.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Select, String, and_, case, exists, func, or_, select, type_coerce
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import Cycle, CycleState, School, SchoolProgress
from learningpack.models.types import utcnow
from learningpack.reads import totals_cache
from learningpack.reads.overview import (
    ACTIVE_ANY,
    ACTIVE_PHASES,
    NOT_STARTED,
    PER_PAGE,
    STATE_ORDER,
    Cell,
    DistrictTotals,
    Filters,
    ModuleTotals,
    Overview,
    SchoolRow,
    cell_state,
    stalls_at,
)
from learningpack.reads.pagination import danish_key, page_number
from learningpack.reads.totals_cache import DUE, SUM, bucket_of, in_buckets

SP = SchoolProgress


def _raw(column: Any) -> Any:
    """A timestamp as the driver gives it (parsed by ``overview._utc``, cheaply)."""
    return type_coerce(column, String).label(f"{column.table.name}_{column.key}")


def joined_progress(
    package: Package, *columns: Any, buckets: Collection[int] | None = None
) -> Select[Any]:
    """Each school (of the buckets named, or all) with its summary row of the package, if any.
    The buckets' id ranges go on both sides, so PostgreSQL reads the summary rows of those
    schools by key, not all of them into a hash."""
    on = [SP.school_id == School.id, SP.package_slug == package.slug]
    return (
        select(*columns)
        .select_from(School)
        .outerjoin(SP, and_(*on, *in_buckets(SP.school_id, buckets)))
        .where(*in_buckets(School.id, buckets))
    )


def stalled(now: datetime, days: int) -> ColumnElement[bool]:
    """SQL for ``SchoolRow.is_stalled``: started, not finished, idle for ``days`` days or more
    (whole days since the last activity ≥ days ⇔ the last activity ≤ now − days), or an open
    module's follow-up meeting more than ``days`` days past with no follow-up recorded
    (Cell.follow_up_overdue: the school logs on, but never closes the module). Columns of the
    summary row only (``overdue_from`` is the earliest such meeting date)."""
    return and_(
        SP.run_id.is_not(None),
        SP.finished.is_(False),
        or_(
            SP.last_activity_at <= now - timedelta(days=days),
            SP.overdue_from < now.date() - timedelta(days=days),
        ),
    )


def _state(cycle: Any, wanted: str) -> ColumnElement[bool]:
    condition: ColumnElement[bool]
    if wanted == ACTIVE_ANY:
        condition = cycle.state == CycleState.ACTIVE
    elif wanted in ACTIVE_PHASES:
        condition = and_(cycle.state == CycleState.ACTIVE, cycle.phase == wanted)
    else:
        condition = cycle.state == wanted
    return condition


def conditions(filters: Filters, now: datetime, modules: Sequence[int]) -> list[Any]:
    """The filters as WHERE conditions (a state matches in any of the modules shown)."""
    where: list[Any] = []
    if filters.district:
        where.append(School.district == filters.district)
    if filters.stalled:
        where.append(stalled(now, filters.days))
    if filters.state == NOT_STARTED:
        where.append(SP.run_id.is_(None))
    elif filters.state:
        cycle = aliased(Cycle)  # the totals join Cycle too: this one is the subquery's own
        where.append(
            exists()
            .where(cycle.run_id == SP.run_id, cycle.position.in_(modules))
            .where(_state(cycle, filters.state))
            .correlate_except(cycle)
        )
    return where


def modules_shown(filters: Filters, package: Package) -> list[int]:
    return [filters.module] if filters.module else list(range(1, len(package.modules) + 1))


def school_row(r: Any) -> SchoolRow:
    return SchoolRow(
        id=r.id,
        name=r.name,
        district=r.district,
        started_raw=r.school_progress_started_at,
        finished=bool(r.finished),
        last_activity_raw=r.school_progress_last_activity_at,
        run_id=r.run_id,
    )


def school_columns(now: datetime, days: int) -> tuple[Any, ...]:
    return (
        School.id.label("id"),
        School.name.label("name"),
        School.district.label("district"),
        SP.run_id.label("run_id"),
        _raw(SP.started_at),
        func.coalesce(SP.finished, False).label("finished"),
        _raw(SP.last_activity_at),
        case((stalled(now, days), True), else_=False).label("stalled"),
    )


def cell_of(r: Any, full: bool) -> Cell:
    cell = Cell(
        position=r.position,
        state=cell_state(r.cycle_state, r.cycle_phase),
        action_count=r.action_count,
        done_action_count=r.done_action_count,
        meeting_count=r.session_count,
        opened_raw=r.cycle_opened_at,
        last_activity_raw=r.cycle_last_activity_at,
        follow_up_count=r.follow_up_count,
        follow_up_on_raw=r.cycle_follow_up_on,
    )
    if full:
        cell.log_entry_count = r.log_entry_count
        cell.completed_raw = r.cycle_completed_at
    return cell


def cell_columns() -> tuple[Any, ...]:
    return (
        Cycle.run_id.label("run_id"),
        Cycle.position.label("position"),
        _raw(Cycle.state),
        _raw(Cycle.phase),
        Cycle.action_count.label("action_count"),
        Cycle.done_action_count.label("done_action_count"),
        Cycle.meeting_count.label("session_count"),
        Cycle.log_entry_count.label("log_entry_count"),
        Cycle.follow_up_count.label("follow_up_count"),
        _raw(Cycle.opened_at),
        _raw(Cycle.completed_at),
        _raw(Cycle.last_activity_at),
        _raw(Cycle.follow_up_on),
    )


def _add_cells(rows: dict[int, SchoolRow], modules: Sequence[int], full: bool) -> None:
    """The cycles of these schools' runs (one statement), as cells of the modules shown."""
    if not rows:
        return
    result = db.session.connection().execute(
        select(*cell_columns()).where(Cycle.run_id.in_(list(rows)), Cycle.position.in_(modules))
    )
    for r in result:
        rows[r.run_id].cells[r.position] = cell_of(r, full)


class Districts(NamedTuple):
    names: list[str]  # in Danish order
    schools: int  # all schools
    counts: tuple[tuple[str, int], ...]  # schools per district


def district_list() -> Districts:
    """Every district in Danish order, and how many schools there are (in each): kept, and
    after a write counted again in the written schools' buckets only (reads/totals_cache)."""

    def compute(buckets: Collection[int] | None) -> list[list[Any]]:
        return [
            list(
                db.session.execute(
                    select(bucket_of(School.id), School.district, func.count())
                    .where(*in_buckets(School.id, buckets))
                    .group_by(bucket_of(School.id), School.district)
                )
            )
        ]

    (counts,) = totals_cache.kept(("districts",), compute, [(SUM, 1)], utcnow())
    found: dict[str, int] = {row[0]: row[1] for row in counts}
    return Districts(
        sorted((d for d in found if d), key=danish_key),
        sum(found.values()),
        tuple(sorted(found.items(), key=lambda item: item[0] or "")),
    )


def _totals_key(package: Package, filters: Filters, now: datetime) -> Any:
    """What the totals read besides the schools: the filters (and the minute, when only
    the schools stalled by now are counted)."""
    minute = now.replace(second=0, microsecond=0) if filters.stalled else None
    return (
        "overview", package.slug, filters.district, filters.module, filters.state,
        filters.stalled, filters.days, minute,
    )  # fmt: skip


def build_overview(
    package: Package,
    filters: Filters,
    now: datetime | None = None,
    per_page: int = PER_PAGE,
    districts: Districts | None = None,
) -> Overview:
    """Filter, total and page the schools: the totals (and ``districts``, the result of
    ``district_list`` when the caller has it) are kept per app and read again only for the
    buckets of schools written to (``reads/totals_cache``: one look for changes, then three
    statements per change); the page is two statements (its schools, their cells)."""
    now = now or utcnow()
    modules = modules_shown(filters, package)
    where = conditions(filters, now, modules)
    districts = districts or district_list()
    by_district, due, cycles = totals_cache.kept(
        _totals_key(package, filters, now),
        lambda buckets: _totals(package, filters, now, where, buckets),
        [(SUM, 3), (DUE, 0), (SUM, 4)],
        now,
    )
    totals = {d: DistrictTotals(d, n, n - started, int(done or 0))
              for d, n, started, done in by_district}  # fmt: skip
    for district, stalled_count in due:
        if district in totals:
            totals[district].stalled = stalled_count
    total = sum(d.schools for d in totals.values())
    module_totals = {p: ModuleTotals(p, dict.fromkeys(STATE_ORDER, 0)) for p in modules}
    for district, position, state, phase, count, actions, done, meetings in cycles:
        m = module_totals[position]
        m.by_state[cell_state(state, phase)] += count
        m.action_count += int(actions or 0)
        m.done_action_count += int(done or 0)
        m.meeting_count += int(meetings or 0)
        totals[district].action_count += int(actions or 0)
        totals[district].done_action_count += int(done or 0)
    for m in module_totals.values():  # no cell in the module: not started
        m.by_state[NOT_STARTED] = total - sum(m.by_state.values())
    page = page_number(filters.page, total, per_page)
    result = db.session.connection().execute(
        _page_statement(package, filters, now, where, page, per_page)
    )
    rows, stalled_ids = [], set()
    for r in result:
        rows.append(school_row(r))
        if r.stalled:
            stalled_ids.add(r.id)
    _add_cells({row.run_id: row for row in rows if row.run_id is not None}, modules, False)
    return Overview(
        rows=rows,
        total=total,
        modules=modules,
        module_totals=list(module_totals.values()),
        district_totals=sorted(totals.values(), key=lambda d: danish_key(d.district)),
        page=page,
        pages=max(1, -(-total // per_page)),
        stalled_count=sum(d.stalled for d in totals.values()),
        not_started_count=sum(d.not_started for d in totals.values()),
        stalled_days=filters.days,
        now=now,
        stalled_ids=frozenset(stalled_ids),
        all_schools=districts.schools,
        districts=districts.names,
    )


def _page_statement(
    package: Package, filters: Filters, now: datetime, where: list[Any], page: int, per_page: int
) -> Select[Any]:
    """One page of the matching schools, in Danish order. With no filter on progress the page
    is cut from the school index alone (``ix_school_sort_key`` or ``ix_school_district_sort_key``,
    read up to the page without a join: a late page is not a join per school before it)."""
    statement = joined_progress(package, *school_columns(now, filters.days)).order_by(
        School.sort_key, School.id
    )
    offset = (page - 1) * per_page
    if filters.state or filters.stalled:
        return statement.where(*where).offset(offset).limit(per_page)
    ids = (
        select(School.id)
        .where(*where)
        .order_by(School.sort_key, School.id)
        .offset(offset)
        .limit(per_page)
        .scalar_subquery()
    )
    return statement.where(School.id.in_(ids))


def _totals(
    package: Package,
    filters: Filters,
    now: datetime,
    where: list[Any],
    buckets: Collection[int] | None = None,
) -> tuple[list[Any], list[Any], list[Any]]:
    """The matching schools of the buckets named (all when None), for reads/totals_cache:
    three statements, rows whose first columns are the bucket and the district: the schools
    (started, finished) per district; when each started, unfinished school stalls; cycles
    per district × module × state."""
    modules = modules_shown(filters, package)
    connection = db.session.connection()  # plain rows: no ORM result processing
    bucket = bucket_of(School.id)
    by_district = connection.execute(
        joined_progress(
            package,
            bucket,
            School.district,
            func.count(School.id),
            func.count(SP.run_id),
            func.sum(case((SP.finished.is_(True), 1), else_=0)),
            buckets=buckets,
        )
        .where(*where)
        .group_by(bucket, School.district)
    ).all()
    open_schools = connection.execute(
        joined_progress(
            package,
            bucket,
            School.district,
            _raw(SP.last_activity_at),
            _raw(SP.overdue_from),
            buckets=buckets,
        ).where(*where, SP.run_id.is_not(None), SP.finished.is_(False))
    )
    due = [(b, d, stalls_at(last, overdue, filters.days)) for b, d, last, overdue in open_schools]
    cycles = connection.execute(
        joined_progress(
            package,
            bucket,
            School.district,
            Cycle.position,
            _raw(Cycle.state),
            _raw(Cycle.phase),
            func.count(Cycle.id),
            func.sum(Cycle.action_count),
            func.sum(Cycle.done_action_count),
            func.sum(Cycle.meeting_count),
            buckets=buckets,
        )
        .join(Cycle, Cycle.run_id == SP.run_id)
        .where(*where, Cycle.position.in_(modules))
        .group_by(bucket, School.district, Cycle.position, Cycle.state, Cycle.phase)
    ).all()
    return [tuple(r) for r in by_district], due, [tuple(r) for r in cycles]
