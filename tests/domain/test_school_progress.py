"""The summary row of each school (school_progress): right after every kind of write, equal to
a rebuild, and what the overview sorts, filters and pages by — on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from learningpack.content import Package
from learningpack.domain import records, transitions
from learningpack.domain.calendar import set_follow_up_date
from learningpack.domain.learning import save_question
from learningpack.domain.progress import rebuild
from learningpack.domain.school_progress import COLUMNS, refresh
from learningpack.extensions import db
from learningpack.models import Cycle, CycleState, Run, School, SchoolProgress
from learningpack.reads.overview import NOT_STARTED, Filters
from learningpack.reads.overview_query import build_overview
from learningpack.reads.runs import newest_run
from tests.factories import SchoolFactory
from tests.world import (
    add_action,
    add_follow_up,
    add_log,
    add_session,
    add_summary,
    fill_cycle,
    make_world,
    observe,
    reflect,
)

pytestmark = pytest.mark.both_backends


# What a row says (when it was written differs between keeping and rebuilding, by design).
FIELDS = tuple(c for c in COLUMNS if c != "refreshed_at")


def stored(school_id: int, slug: str) -> dict[str, Any] | None:
    row = db.session.execute(
        select(*(getattr(SchoolProgress, c) for c in FIELDS)).where(
            SchoolProgress.school_id == school_id, SchoolProgress.package_slug == slug
        )
    ).one_or_none()
    return None if row is None else dict(zip(FIELDS, row, strict=True))


def from_scratch(school_id: int, slug: str) -> dict[str, Any] | None:
    """The row as Python computes it from the newest run's cycles (not the SQL's way)."""
    db.session.expire_all()
    run = newest_run(school_id, slug)
    if run is None:
        return None
    cycles = sorted(run.cycles, key=lambda c: c.position)
    active = [c for c in cycles if c.state == CycleState.ACTIVE]
    times = [c.last_activity_at for c in cycles if c.last_activity_at] + [run.started_at]
    return {
        "school_id": school_id,
        "package_slug": slug,
        "run_id": run.id,
        "started_at": run.started_at,
        "finished": run.completed_at is not None,
        "last_activity_at": max(times),
        "current_position": active[0].position if active else None,
        "current_phase": active[0].phase if active else None,
        "current_opened_at": active[0].opened_at if active else None,
        "completed_count": sum(c.state == CycleState.COMPLETED for c in cycles),
        "cycle_count": len(cycles),
        "meeting_count": sum(c.meeting_count for c in cycles),
        "action_count": sum(c.action_count for c in cycles),
        "done_action_count": sum(c.done_action_count for c in cycles),
        "log_entry_count": sum(c.log_entry_count for c in cycles),
        "follow_up_count": sum(c.follow_up_count for c in cycles),
        "overdue_from": min(
            (c.follow_up_on for c in active if c.follow_up_on and not c.follow_up_count),
            default=None,
        ),
    }


def same(school_id: int, slug: str) -> None:
    db.session.flush()
    assert stored(school_id, slug) == from_scratch(school_id, slug)


def test_the_row_is_right_after_every_kind_of_write(package: Package) -> None:
    w = make_world(package, started=False)
    slug = package.slug
    assert stored(w.school.id, slug) is None  # not started: no row
    w.run = transitions.start_run(w.school.id, package, "2026/27", w.leader)
    same(w.school.id, slug)
    cycle = w.cycle(1)
    add_session(cycle)
    same(w.school.id, slug)
    set_follow_up_date(cycle, (cycle.opened_at or w.run.started_at).date() + timedelta(days=3))
    same(w.school.id, slug)
    save_question(cycle, team=w.team, question="Hvorfor?", baseline="", actor=w.leader)
    same(w.school.id, slug)
    action = add_action(cycle, w)
    same(w.school.id, slug)
    add_log(action, w)
    observe(action)
    same(w.school.id, slug)
    reflect(cycle, w.team, w.leader)
    add_follow_up(action, w)
    add_summary(cycle)
    same(w.school.id, slug)
    transitions.complete_cycle(cycle, w.leader)
    row = stored(w.school.id, slug)
    assert row is not None and (row["completed_count"], row["current_position"]) == (1, 2)
    same(w.school.id, slug)
    transitions.reopen_cycle(w.cycle(1), w.leader)
    same(w.school.id, slug)
    transitions.complete_cycle(w.cycle(1), w.leader)
    transitions.unlock_out_of_order(w.cycle(4), w.puf, "Skolen er foran.")
    same(w.school.id, slug)
    records.save_local_adaptation(w.cycle(2), notes="Lokalt.", questions="")
    same(w.school.id, slug)
    for position in range(2, len(package.modules) + 1):
        if w.cycle(position).state != CycleState.COMPLETED:
            fill_cycle(w.cycle(position), w.leader, w.teacher, w.team)
            transitions.complete_cycle(w.cycle(position), w.leader)
            same(w.school.id, slug)
    row = stored(w.school.id, slug)
    assert row is not None and row["finished"] and row["current_position"] is None


def test_rebuild_equals_the_rows_kept_on_write(package: Package) -> None:
    w = make_world(package, other_started=True)
    fill_cycle(w.cycle(1), w.leader, w.teacher, w.team)
    transitions.complete_cycle(w.cycle(1), w.leader)
    add_session(w.cycle(2))
    db.session.commit()
    fields = select(*(getattr(SchoolProgress, c) for c in FIELDS)).order_by("school_id")
    kept = db.session.execute(fields).all()
    db.session.execute(SchoolProgress.__table__.delete())
    rebuild()
    refresh()
    assert len(kept) == 2
    assert db.session.execute(fields).all() == kept


def test_a_newer_run_replaces_the_row(package: Package) -> None:
    w = make_world(package)
    assert w.run is not None
    db.session.execute(update(Run).values(completed_at=datetime.now(UTC)))
    db.session.flush()
    newer = transitions.start_run(w.school.id, package, "2027/28", w.leader)
    row = stored(w.school.id, package.slug)
    assert row is not None and row["run_id"] == newer.id
    same(w.school.id, package.slug)


DANISH = ["Aabenraa Skole", "Zealand Skole", "Æblehaven", "Ørsted Skole", "Åby Skole"]


def test_the_database_sorts_schools_in_danish_order_and_pages(package: Package) -> None:
    # "Aa" sorts as "Å": after Z, Æ and Ø, in the same place as the Å it stands for.
    for name in ("Åby Skole", "Ørsted Skole", "Zealand Skole", "Æblehaven", "Aabenraa Skole"):
        SchoolFactory(name=name, district="Syd")
    SchoolFactory(name="Bakkeskolen", district="Nord")
    db.session.commit()
    names = [r.name for r in build_overview(package, Filters(), per_page=50).rows]
    assert names == ["Bakkeskolen", "Zealand Skole", "Æblehaven", "Ørsted Skole",
                     "Aabenraa Skole", "Åby Skole"]  # fmt: skip
    second = build_overview(package, Filters(page=2), per_page=4)
    assert [r.name for r in second.rows] == ["Aabenraa Skole", "Åby Skole"]
    assert (second.total, second.pages, second.not_started_count) == (6, 2, 6)
    district = build_overview(package, Filters(district="Nord"), per_page=4)
    assert [r.name for r in district.rows] == ["Bakkeskolen"] and district.all_schools == 6
    # A renamed school moves.
    school = db.session.scalar(select(School).where(School.name == "Bakkeskolen"))
    assert school is not None
    school.name = "Ølstykke Skole"
    db.session.commit()
    names = [r.name for r in build_overview(package, Filters(), per_page=50).rows]
    assert names.index("Ølstykke Skole") == names.index("Ørsted Skole") - 1


def test_filters_run_in_the_database(package: Package) -> None:
    w = make_world(package, other_started=True)
    SchoolFactory(name="Ikke Startet Skole", district="Øst")
    fill_cycle(w.cycle(1), w.leader, w.teacher, w.team)
    transitions.complete_cycle(w.cycle(1), w.leader)
    old = datetime.now(UTC) - timedelta(days=50)
    assert w.other_run is not None
    db.session.execute(update(Run).where(Run.id == w.other_run.id).values(started_at=old))
    db.session.execute(
        update(Cycle).where(Cycle.run_id == w.other_run.id).values(last_activity_at=old)
    )
    refresh()
    db.session.commit()

    def names(**filters: Any) -> list[str]:
        return [r.name for r in build_overview(package, Filters(**filters)).rows]

    assert names(state=NOT_STARTED) == ["Ikke Startet Skole"]
    assert names(stalled=True) == [w.other_school.name]
    assert names(stalled=True, days=51) == []
    assert names(state="completed") == [w.school.name]
    assert names(state="completed", module=2) == []
    assert names(state="active", module=2) == [w.school.name]
    overview = build_overview(package, Filters())
    assert (overview.stalled_count, overview.not_started_count, overview.total) == (1, 1, 3)
    assert overview.stalled_ids == {w.other_school.id}
    first = overview.module_totals[0]
    assert (first.by_state["completed"], first.by_state[NOT_STARTED]) == (1, 1)
