"""The API's reads across all schools: each a fixed number of SQL statements over cycle rows.

Progress comes from the columns ``cycle.py`` keeps on each cycle (phase and counts), never from
aggregating actions per request. Each school's newest run is its summary row's
(``school_progress``); the database sorts by the stored Danish key (Æ, Ø, Å after Z) and pages.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, NamedTuple

from sqlalchemy import and_, func, select

from learningpack.content import default_package, get_library
from learningpack.extensions import db
from learningpack.models import Cycle, CyclePhase, CycleState, Run, School, SchoolProgress
from learningpack.models.types import utcnow
from learningpack.reads import totals_cache
from learningpack.reads.pagination import Page, danish_key, driving_join
from learningpack.reads.totals_cache import SUM, bucket_of, in_buckets


class SummaryRow(NamedTuple):
    """Cycles of one district × module × state, as the summary's totals give them."""

    district: str
    package_slug: str
    module_slug: str
    state: str
    phase: str
    cycles: int
    actions: int
    done: int


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


def _of_buckets(buckets: Collection[int] | None) -> list[Any]:
    """WHERE conditions of ``_newest_runs``: the schools (and their summary rows, so that
    PostgreSQL reads those by key, not all of them into a hash) of the buckets named."""
    return [*in_buckets(School.id, buckets), *in_buckets(SchoolProgress.school_id, buckets)]


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
    counted again in the buckets of schools written to, see ``reads/totals_cache.kept``),
    then the page (sorted and cut by the database)."""
    query = _cycle_columns()
    if district is not None:
        query = query.where(School.district == district)
    if module is not None:
        query = query.where(Cycle.module_slug == module)
    if state is not None:
        query = query.where(Cycle.state == state)

    def counts(buckets: Collection[int] | None) -> tuple[list[Any]]:
        """The matching rows per bucket of schools (of the buckets named, or all)."""
        per = query.where(*_of_buckets(buckets)).subquery()
        bucket = bucket_of(per.c.school_id)
        return (list(db.session.execute(select(bucket, func.count()).group_by(bucket))),)

    # Kept, and after a write counted again only in the buckets of schools written to.
    key = ("api_progress", district, module, state)
    (per_bucket,) = totals_cache.kept(key, counts, [(SUM, 1)], utcnow())
    total = sum(int(row[0]) for row in per_bucket)
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
            bucket_of(School.id),
            School.district,
            Run.package_slug,
            Cycle.module_slug,
            Cycle.state,
            Cycle.phase,
            func.count(Cycle.id).label("cycles"),
            func.coalesce(func.sum(Cycle.action_count), 0).label("actions"),
            func.coalesce(func.sum(Cycle.done_action_count), 0).label("done"),
        ).group_by(
            bucket_of(School.id),
            School.district,
            Run.package_slug,
            Cycle.module_slug,
            Cycle.state,
            Cycle.phase,
        )
    )
    if district is not None:
        cycles = cycles.where(School.district == district)

    def totals(buckets: Collection[int] | None) -> tuple[list[Any], list[Any]]:
        """Both statements, for the buckets of schools named (all when None): the schools
        (and how many started a run) per district, and the cycles per district × module ×
        state. The buckets' id ranges go on every table, so each is read by key."""
        school_counts = (
            select(
                bucket_of(School.id),
                School.district,
                func.count(func.distinct(School.id)).label("schools"),
                func.count(func.distinct(Run.school_id)).label("started"),
            )
            .outerjoin(Run, and_(Run.school_id == School.id, *in_buckets(Run.school_id, buckets)))
            .where(*in_buckets(School.id, buckets))
            .group_by(bucket_of(School.id), School.district)
        )
        if district is not None:
            school_counts = school_counts.where(School.district == district)
        return (
            list(db.session.execute(school_counts)),
            list(db.session.execute(cycles.where(*_of_buckets(buckets)))),
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
    # buckets of schools written to (reads/totals_cache).
    school_rows, cycle_rows = totals_cache.kept(
        ("api_summary", district), totals, [(SUM, 2), (SUM, 3)], utcnow()
    )
    modules: dict[str, dict[str, Any]] = {}
    districts: dict[str, dict[str, Any]] = {}
    for name, schools_in, started in school_rows:
        districts[name] = {
            "district": name,
            "schools": schools_in,
            "schools_started": started,
            "actions_agreed": 0,
            "actions_done": 0,
            "modules": {},
        }
    for row in (SummaryRow(*r) for r in cycle_rows):
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
