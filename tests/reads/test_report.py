"""Progress over time and the half-yearly report's numbers, read from the snapshots."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import ProgressSnapshot
from learningpack.reads.history import timeline, weekly
from learningpack.reads.report import build_report
from learningpack.reads.snapshots import end_of_day_utc, local_today, week_ends
from tests.world import World, history_world

pytestmark = pytest.mark.both_backends


@pytest.fixture
def world(package: Package) -> World:
    return history_world(package)


def by_hand(day: date, position: int) -> tuple[int, int]:
    """Schools in progress and completed in a module on a day, straight from the rows."""
    newest: dict[int, ProgressSnapshot] = {}
    for row in db.session.scalars(
        select(ProgressSnapshot)
        .where(ProgressSnapshot.position == position, ProgressSnapshot.taken_on <= day)
        .order_by(ProgressSnapshot.taken_on)
    ):
        newest[row.school_id] = row
    states = [r.state for r in newest.values()]
    done = states.count("completed")
    return len(states) - done - states.count("locked"), done


def test_weekly_counts_equal_the_snapshots(backend: str, world: World) -> None:
    weeks = weekly(date(2026, 8, 24), date(2026, 9, 30), [1, 2, 3, 4, 5])
    assert [w.week_end for w in weeks] == [
        date(2026, 8, 30),
        date(2026, 9, 6),
        date(2026, 9, 13),
        date(2026, 9, 20),
        date(2026, 9, 27),
        date(2026, 9, 30),
    ]
    for w in weeks:
        for position in (1, 2, 3, 4, 5):
            assert (w.in_progress[position], w.completed[position]) == by_hand(
                w.week_end, position
            ), (w.week_end, position)
    assert [w.started(1) for w in weeks] == [0, 1, 2, 2, 2, 2]
    assert [w.completed[1] for w in weeks] == [0, 0, 0, 1, 1, 1]
    assert [w.in_progress[2] for w in weeks] == [0, 0, 0, 1, 1, 1]


def test_report_numbers_and_change_since_the_previous_period(backend: str, world: World) -> None:
    figures = build_report(world.package, date(2026, 9, 12), date(2026, 9, 30))
    assert figures.schools == 2
    assert (figures.started, figures.started_before, figures.started_in_period) == (2, 2, 0)
    first, second = figures.modules[0], figures.modules[1]
    assert (first.in_progress, first.completed) == (1, 1)
    assert (first.in_progress_change, first.completed_change) == (-1, 1)
    assert (second.in_progress, second.completed, second.in_progress_change) == (1, 0, 1)
    assert (first.actions, first.followed_up) == (2, 2)
    assert (first.keep, first.adjust, first.stop) == (1, 0, 1)
    assert figures.snapshot_day == date(2026, 9, 16)
    assert figures.stalled == 0 and figures.stalled_names == []
    assert figures.previous_to == date(2026, 9, 11)


def test_started_in_period_counts_the_schools_that_began(backend: str, world: World) -> None:
    figures = build_report(world.package, date(2026, 9, 5), date(2026, 9, 30), with_weeks=False)
    assert (figures.started, figures.started_in_period) == (2, 1)
    assert figures.weeks == []


def test_stalled_schools_are_counted_and_named_only_when_asked(backend: str, world: World) -> None:
    # The modules' activity was recorded now (the snapshot days are fixed): a day 30 days on is
    # past the 14 quiet days, today is not.
    later = local_today() + timedelta(days=30)
    counted = build_report(world.package, later - timedelta(days=59), later, with_weeks=False)
    assert counted.stalled == 2 and counted.stalled_names == []
    named = build_report(world.package, later - timedelta(days=59), later, name_stalled=True)
    assert named.stalled_names == ["Fjordskolen", "Kildeskolen"]
    today = local_today()
    assert build_report(world.package, today, today, with_weeks=False).stalled == 0


def test_an_area_without_schools_has_zeroes(backend: str, world: World) -> None:
    figures = build_report(world.package, date(2026, 9, 1), date(2026, 9, 30), "Ingen")
    assert (figures.schools, figures.started, figures.stalled) == (0, 0, 0)
    assert all(m.in_progress == m.completed == 0 for m in figures.modules)


def test_timeline_lists_the_days_a_module_changed_state(backend: str, world: World) -> None:
    entries = timeline(world.school.id, date(2026, 12, 31))
    assert [(e.day, e.position, e.state) for e in entries] == [
        (date(2026, 9, 16), 2, "input"),
        (date(2026, 9, 16), 1, "completed"),
        (date(2026, 9, 1), 5, "locked"),
        (date(2026, 9, 1), 4, "locked"),
        (date(2026, 9, 1), 3, "locked"),
        (date(2026, 9, 1), 2, "locked"),
        (date(2026, 9, 1), 1, "input"),
    ]
    assert timeline(world.other_school.id, date(2026, 12, 31))[-1].day == date(2026, 9, 10)


def test_week_ends_and_days() -> None:
    assert week_ends(date(2026, 9, 7), date(2026, 9, 7)) == [date(2026, 9, 7)]
    assert week_ends(date(2026, 9, 6), date(2026, 9, 8)) == [date(2026, 9, 6), date(2026, 9, 8)]
    assert end_of_day_utc(date(2026, 7, 1)).isoformat() == "2026-07-01T22:00:00+00:00"
    assert isinstance(local_today(), date)
