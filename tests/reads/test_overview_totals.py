"""The overview's totals (issue 13): computed once while no summary row changes, and computed
again at once when one does, in the same minute."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask

from learningpack.domain.school_progress import refresh_run
from learningpack.extensions import db
from learningpack.models import CycleState
from learningpack.reads.overview import Filters, Overview
from learningpack.reads.overview_query import build_overview
from learningpack.reads.progress import progress_page, summary
from tests.factories import SchoolFactory
from tests.helpers import count_queries
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
