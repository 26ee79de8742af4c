"""The API's reads across all schools: each a fixed number of SQL statements over cycle rows.

Progress comes from the columns ``cycle.py`` keeps on each cycle (phase and counts), never from
aggregating actions per request. Each school's newest run is its summary row's
(``school_progress``); the database sorts by the stored Danish key (Æ, Ø, Å after Z) and pages.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, func, select

from learningpack.content import default_package, get_library
from learningpack.extensions import db
from learningpack.models import Cycle, CyclePhase, CycleState, Run, School, SchoolProgress
from learningpack.models.types import utcnow
from learningpack.reads.overview_query import district_list as all_districts
from learningpack.reads.pagination import Page, danish_key, driving_join
from learningpack.reads.totals_cache import by_district

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


def _newest_runs(query: Any) -> Any:
    """``query`` joined from each school, through its summary row, to the cycles of its newest
    run of the package PUF follows (the overview's package). Driven by the school: in Danish
    order a page of rows reads a page of schools (``ix_school_sort_key``, then each school's
    summary row and cycles by key), not every school × module row sorted."""
    slug = default_package().slug
    return (
        query.select_from(
            driving_join(
                School.__table__,
                SchoolProgress.__table__,
                and_(SchoolProgress.school_id == School.id, SchoolProgress.package_slug == slug),
            )
        )
        .join(Run, Run.id == SchoolProgress.run_id)
        .join(Cycle, Cycle.run_id == SchoolProgress.run_id)
    )


def schools(district: str | None) -> list[Any]:
    """Every school (id, name, district), in one district when given, in Danish order."""
    query = select(School.id, School.name, School.district).order_by(School.sort_key, School.id)
    if district is not None:
        query = query.where(School.district == district)
    return list(db.session.execute(query).all())


def _cycle_columns() -> Any:
    return _newest_runs(
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
    )


def school_progress(school_id: int) -> list[Any]:
    """One school's modules in its newest run, in the package's order."""
    query = _cycle_columns().where(School.id == school_id).order_by(Cycle.position)
    return list(db.session.execute(query).all())


def progress_page(
    district: str | None, module: str | None, state: str | None, page: int, per_page: int
) -> Page[Any]:
    """One page of school × module rows of every school's newest run, filtered, in Danish
    school order. Two queries: the count (kept while no school's progress changes, and then
    counted again in the districts written to, see ``reads/totals_cache.by_district``), then
    the page (sorted and cut by the database)."""
    query = _cycle_columns()
    if district is not None:
        query = query.where(School.district == district)
    if module is not None:
        query = query.where(Cycle.module_slug == module)
    if state is not None:
        query = query.where(Cycle.state == state)

    def counts(only: Collection[str] | None) -> tuple[list[Any]]:
        """The matching rows per district (of the districts ``only`` names, or all)."""
        rows = query if only is None else query.where(School.district.in_(list(only)))
        per = rows.subquery()
        return (
            list(db.session.execute(select(per.c.district, func.count()).group_by(per.c.district))),
        )

    # Kept, and after a write counted again only in the districts written to.
    (per_district,) = by_district(("api_progress", district, module, state), utcnow(), counts)
    total = sum(int(row[1]) for row in per_district)
    rows = db.session.execute(
        query.order_by(School.sort_key, School.id, Cycle.position)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(rows), int(total), page, per_page)


def summary(district: str | None) -> dict[str, Any]:
    """Counts per module (locked, active by phase, completed; actions) and per district:
    four statements, two of them only when a school's progress changed."""
    titles = module_titles()
    cycles = _newest_runs(
        select(
            School.district,
            Run.package_slug,
            Cycle.module_slug,
            Cycle.state,
            Cycle.phase,
            func.count(Cycle.id).label("cycles"),
            func.coalesce(func.sum(Cycle.action_count), 0).label("actions"),
            func.coalesce(func.sum(Cycle.done_action_count), 0).label("done"),
        ).group_by(School.district, Run.package_slug, Cycle.module_slug, Cycle.state, Cycle.phase)
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

    def totals(only: Collection[str] | None) -> tuple[list[Any], list[Any]]:
        """Both statements, for the districts ``only`` names (all when None)."""
        where = [] if only is None else [School.district.in_(list(only))]
        return (
            list(db.session.execute(school_counts.where(*where))),
            list(db.session.execute(cycles.where(*where))),
        )

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

    # Both statements read every school: kept, and after a write read again only for the
    # districts whose schools' progress changed (reads/totals_cache.by_district).
    key = ("api_summary", district, all_districts().counts)
    school_rows, cycle_rows = by_district(key, utcnow(), totals)
    modules: dict[str, dict[str, Any]] = {}
    districts: dict[str, dict[str, Any]] = {}
    for count in school_rows:
        districts[count.district] = {
            "district": count.district,
            "schools": count.schools,
            "schools_started": count.started,
            "actions_agreed": 0,
            "actions_done": 0,
            "modules": {},
        }
    for row in cycle_rows:
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
