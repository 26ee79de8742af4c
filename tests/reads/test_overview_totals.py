"""The overview's totals (issue 13): computed once while no summary row changes, and computed
again at once when one does, in the same minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from learningpack.domain import transitions
from learningpack.domain.calendar import set_follow_up_date
from learningpack.domain.school_progress import refresh_run
from learningpack.extensions import db
from learningpack.models import CycleState
from learningpack.reads.overview import Filters, Overview
from learningpack.reads.overview_query import build_overview
from learningpack.reads.progress import progress_page, summary
from tests.factories import SchoolFactory
from tests.helpers import count_queries, forget_totals
from tests.world import make_world

NOW = datetime(2026, 12, 2, 9, 0, 30, tzinfo=UTC)
GROUPED = "GROUP BY school.district, cycle.position"  # the totals of the modules


def states(overview: Overview) -> dict[str, int]:
    return overview.module_totals[0].by_state


def test_totals_are_kept_until_a_summary_row_or_a_school_changes(app: Flask, package: Any) -> None:
    world = make_world(package)
    db.session.commit()
    first = build_overview(package, Filters(), now=NOW)
    assert first.total == 2 and states(first)["not_started"] == 1

    with count_queries() as seen:
        again = build_overview(package, Filters(), now=NOW.replace(second=50))
    assert not [s for s in seen if GROUPED in s]  # the totals were kept
    assert (again.total, states(again)) == (first.total, states(first))

    # A module completed (the domain rewrites the school's summary row with it): new totals.
    world.cycle(1).state = CycleState.COMPLETED
    refresh_run(world.run)
    db.session.commit()
    with count_queries() as seen:
        changed = build_overview(package, Filters(), now=NOW.replace(second=55))
    assert [s for s in seen if GROUPED in s]
    assert states(changed)["completed"] == states(first)["completed"] + 1

    # A new school: counted at once.
    SchoolFactory(name="Nyskolen", district=world.school.district)
    db.session.commit()
    assert build_overview(package, Filters(), now=NOW.replace(second=58)).total == 3


def test_filters_and_the_minute_have_totals_of_their_own(app: Flask, package: Any) -> None:
    world = make_world(package)
    world.other_school.district = "Syd"
    db.session.commit()
    everyone = build_overview(package, Filters(), now=NOW)
    district = build_overview(package, Filters(district=world.other_school.district), now=NOW)
    assert everyone.total == 2 and district.total == 1
    with count_queries() as seen:
        build_overview(package, Filters(), now=NOW.replace(minute=1))
    assert [s for s in seen if GROUPED in s]  # "stalled" moves with time


def test_the_api_count_is_kept_until_a_summary_row_changes(app: Flask, package: Any) -> None:
    world = make_world(package)
    db.session.commit()
    assert progress_page(None, None, "completed", 1, 100).total == 0
    with count_queries() as seen:
        assert progress_page(None, None, "completed", 1, 100).total == 0
    assert len(seen) == 2  # the version and the page; the count was kept
    world.cycle(1).state = CycleState.COMPLETED
    refresh_run(world.run)
    db.session.commit()
    assert progress_page(None, None, "completed", 1, 100).total == 1


def test_the_api_summary_is_kept_until_a_summary_row_or_a_school_changes(
    app: Flask, package: Any
) -> None:
    world = make_world(package)
    db.session.commit()
    first = summary(None)
    with count_queries() as seen:
        assert summary(None) == first
    assert not [s for s in seen if "GROUP BY school.district, run.package_slug" in s]
    world.cycle(1).state = CycleState.COMPLETED
    refresh_run(world.run)
    db.session.commit()
    assert summary(None)["modules"][0]["completed"] == first["modules"][0]["completed"] + 1
    SchoolFactory(name="Nyskolen", district="Syd")
    db.session.commit()
    assert summary(None)["schools"] == first["schools"] + 1


def _three_districts(package: Any) -> Any:
    """Our school in Nord, the other in Syd (both started), and a third started in Vest."""
    world = make_world(package, other_started=True)
    world.school.district, world.other_school.district = "Nord", "Syd"
    third = SchoolFactory(name="Vestskolen", district="Vest")
    db.session.flush()
    transitions.start_run(third.id, package, "2026/27", world.puf)
    db.session.commit()
    return world


def test_after_a_write_only_its_district_is_read_again(app: Flask, package: Any) -> None:
    world = _three_districts(package)
    build_overview(package, Filters(), now=NOW)
    summary(None)
    world.cycle(1).state = CycleState.COMPLETED
    refresh_run(world.run)
    db.session.commit()
    with count_queries() as seen:
        kept = build_overview(package, Filters(), now=NOW.replace(second=50))
        kept_summary = summary(None)
    grouped = [s for s in seen if "GROUP BY school.district" in s and "JOIN" in s]
    assert len(grouped) == 4  # two statements each, of the one district written to
    assert all("school.district IN" in s for s in grouped), grouped
    forget_totals()
    fresh = build_overview(package, Filters(), now=NOW.replace(second=50))
    assert kept.module_totals == fresh.module_totals
    assert kept.district_totals == fresh.district_totals
    assert states(kept)["completed"] == 1
    assert kept_summary == summary(None)


def test_a_follow_up_date_long_past_stalls_the_school_at_once(app: Flask, package: Any) -> None:
    world = make_world(package)
    db.session.commit()
    now = datetime.now(UTC)
    assert build_overview(package, Filters(stalled=True), now=now).total == 0
    cycle = world.cycle(1)
    cycle.opened_at = now - timedelta(days=60)  # so a date 40 days ago is in the module's time
    set_follow_up_date(cycle, (now - timedelta(days=40)).date())
    db.session.commit()
    stalled = build_overview(package, Filters(stalled=True, days=30), now=now)
    assert [row.name for row in stalled.rows] == [world.school.name]
    assert stalled.stalled_count == 1
