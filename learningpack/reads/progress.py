"""The API's reads across all schools: each a fixed number of SQL statements over cycle rows.

Progress comes from the columns ``cycle.py`` keeps on each cycle (phase and counts), never from
aggregating actions per request. Danish order (Æ, Ø, Å after Z) is applied in Python, as SQLite
cannot sort that way; a national data set has about 1,100 schools, so that stays cheap.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from learningpack.content import default_package, get_library
from learningpack.extensions import db
from learningpack.models import Cycle, CyclePhase, CycleState, Run, School
from learningpack.reads.pagination import Page, danish_key, paginate
from learningpack.reads.runs import newest_run_id

PHASES = tuple(p.value for p in CyclePhase)
STATES = tuple(s.value for s in CycleState)


def module_titles() -> dict[tuple[str, str], tuple[int, str]]:
    """(package slug, module slug) → (position, title), for every package in the library."""
    return {
        (package.slug, module.slug): (module.position, module.title)
        for package in get_library().packages.values()
        for module in package.modules
    }


def module_slugs() -> set[str]:
    return {slug for _package, slug in module_titles()}


def _in_newest_run() -> Any:
    """Rows of each school's newest run of the package PUF follows (the overview's package).

    The query must join ``School`` (the run is chosen per school).
    """
    return Run.id == newest_run_id(School.id, default_package().slug)


def schools(district: str | None) -> list[Any]:
    """Every school (id, name, district), in one district when given, in Danish order."""
    query = select(School.id, School.name, School.district)
    if district is not None:
        query = query.where(School.district == district)
    rows: list[Any] = list(db.session.execute(query).all())
    return sorted(rows, key=lambda r: (danish_key(r.name), r.id))


def _cycle_columns() -> Any:
    return (
        select(
            School.id.label("school_id"),
            School.name.label("school_name"),
            School.district,
            Run.package_slug,
            Run.year_label,
            Cycle.module_slug,
            Cycle.position,
            Cycle.state,
            Cycle.phase,
            Cycle.meeting_count,
            Cycle.action_count,
            Cycle.done_action_count,
            Cycle.log_entry_count,
            Cycle.follow_up_count,
            Cycle.opened_at,
            Cycle.completed_at,
            Cycle.last_activity_at,
        )
        .join(Run, Run.id == Cycle.run_id)
        .join(School, School.id == Run.school_id)
        .where(_in_newest_run())
    )


def school_progress(school_id: int) -> list[Any]:
    """One school's modules in its newest run, in the package's order."""
    query = _cycle_columns().where(School.id == school_id).order_by(Cycle.position)
    return list(db.session.execute(query).all())


def progress_page(
    district: str | None, module: str | None, state: str | None, page: int, per_page: int
) -> Page[Any]:
    """One page of school × module rows of every school's newest run, filtered, in Danish
    school order. Two queries: the matching rows' keys (to sort and count), then the page."""
    keys = (
        select(Cycle.id, School.id.label("school_id"), School.name, Cycle.position)
        .join(Run, Run.id == Cycle.run_id)
        .join(School, School.id == Run.school_id)
        .where(_in_newest_run())
    )
    if district is not None:
        keys = keys.where(School.district == district)
    if module is not None:
        keys = keys.where(Cycle.module_slug == module)
    if state is not None:
        keys = keys.where(Cycle.state == state)
    rows_found = db.session.execute(keys).all()
    # One sort key per school, not per row: five rows share each name.
    name_keys = {r.school_id: danish_key(r.name) for r in rows_found}
    ordered: list[Any] = sorted(
        rows_found, key=lambda r: (name_keys[r.school_id], r.school_id, r.position)
    )
    found = paginate(ordered, page, per_page, clamp=False)
    wanted = [row.id for row in found.items]
    rows = {}
    if wanted:
        rows = {
            row.cycle_id: row
            for row in db.session.execute(
                _cycle_columns().add_columns(Cycle.id.label("cycle_id")).where(Cycle.id.in_(wanted))
            )
        }
    return Page([rows[cycle_id] for cycle_id in wanted], found.total, page, per_page)


def summary(district: str | None) -> dict[str, Any]:
    """Counts per module (locked, active by phase, completed; actions) and per district."""
    titles = module_titles()
    cycles = (
        select(
            School.district,
            Run.package_slug,
            Cycle.module_slug,
            Cycle.state,
            Cycle.phase,
            func.count(Cycle.id).label("cycles"),
            func.coalesce(func.sum(Cycle.action_count), 0).label("actions"),
            func.coalesce(func.sum(Cycle.done_action_count), 0).label("done"),
        )
        .join(Run, Run.id == Cycle.run_id)
        .join(School, School.id == Run.school_id)
        .where(_in_newest_run())
        .group_by(School.district, Run.package_slug, Cycle.module_slug, Cycle.state, Cycle.phase)
    )
    school_counts = (
        select(
            School.district,
            func.count(func.distinct(School.id)).label("schools"),
            func.count(func.distinct(Run.school_id)).label("started"),
        )
        .outerjoin(Run, Run.school_id == School.id)
        .group_by(School.district)
    )
    if district is not None:
        cycles = cycles.where(School.district == district)
        school_counts = school_counts.where(School.district == district)

    def empty_module(package_slug: str, slug: str) -> dict[str, Any]:
        position, title = titles.get((package_slug, slug), (0, slug))
        return {
            "module": slug,
            "position": position,
            "title": title,
            "locked": 0,
            "active": dict.fromkeys(PHASES, 0),
            "completed": 0,
            "actions_agreed": 0,
            "actions_done": 0,
        }

    modules: dict[str, dict[str, Any]] = {}
    districts: dict[str, dict[str, Any]] = {}
    for count in db.session.execute(school_counts):
        districts[count.district] = {
            "district": count.district,
            "schools": count.schools,
            "schools_started": count.started,
            "actions_agreed": 0,
            "actions_done": 0,
            "modules": {},
        }
    for row in db.session.execute(cycles):
        per_district = districts.get(row.district)
        if per_district is None:  # pragma: no cover - the school counts see every district
            continue
        for target in (modules, per_district["modules"]):
            entry = target.setdefault(
                row.module_slug, empty_module(row.package_slug, row.module_slug)
            )
            if row.state == CycleState.ACTIVE:
                entry["active"][row.phase] += row.cycles
            elif row.state == CycleState.LOCKED:
                entry["locked"] += row.cycles
            else:
                entry["completed"] += row.cycles
            entry["actions_agreed"] += int(row.actions)
            entry["actions_done"] += int(row.done)
        per_district["actions_agreed"] += int(row.actions)
        per_district["actions_done"] += int(row.done)

    def ordered(entries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(entries.values(), key=lambda m: (m["position"], m["module"]))

    district_list = sorted(districts.values(), key=lambda d: danish_key(d["district"]))
    for entry in district_list:
        entry["modules"] = ordered(entry["modules"])
    return {
        "district": district,
        "schools": sum(d["schools"] for d in district_list),
        "schools_started": sum(d["schools_started"] for d in district_list),
        "modules": ordered(modules),
        "districts": district_list,
    }
