"""The snapshots' daily tallies: the same numbers as counting every school's rows, kept true
when a day is taken again, a past day is written, an area is renamed or a school moves."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from learningpack.content import Package
from learningpack.domain import areas
from learningpack.domain.snapshots import backfill, take_snapshot
from learningpack.extensions import db
from learningpack.models import CyclePhase, ProgressSnapshot, ProgressTally, School
from learningpack.reads.history import weekly
from learningpack.reads.report import build_report
from learningpack.reads.snapshots import COUNTS
from learningpack.reads.tallies import Cell, tallied
from tests.world import World, add_action, complete_through, history_world, make_world

pytestmark = pytest.mark.both_backends

DAYS = [date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 9), date(2026, 9, 12), date(2027, 1, 1)]


def by_hand(day: date, district: str = "") -> dict[tuple[int, str], Cell]:
    """Each school × module's newest row on or before ``day``, counted here in Python."""
    newest: dict[tuple[int, str], ProgressSnapshot] = {}
    for row in db.session.scalars(
        select(ProgressSnapshot)
        .where(ProgressSnapshot.taken_on <= day)
        .order_by(ProgressSnapshot.taken_on)
    ):
        newest[(row.school_id, row.module_slug)] = row
    sums: dict[tuple[int, str], Counter[str]] = {}
    for row in newest.values():
        school = db.session.get(School, row.school_id)
        if district and (school is None or school.district != district):
            continue
        cell = sums.setdefault((row.position, row.state), Counter())
        cell["schools"] += 1
        for name in COUNTS:
            cell[name] += getattr(row, name)
    return {key: Cell(c["schools"], *(c[name] for name in COUNTS)) for key, c in sums.items()}


@pytest.fixture
def world(package: Package) -> World:
    return history_world(package)


def test_every_day_tallied_equals_counting_the_rows(backend: str, world: World) -> None:
    """Days before, on and between the snapshot days, and long after: every cell and count."""
    found = tallied(DAYS)
    for day, cells in zip(DAYS, found, strict=True):
        assert cells == by_hand(day), day
    assert found[0] == {}  # before the first snapshot
    assert sum(c.schools for c in found[-1].values()) == 10  # two schools × five modules
    assert tallied([date(2026, 9, 30)], "Nord")[0] == found[-1]  # both schools lie in Nord
    assert tallied([date(2026, 9, 30)], "Syd")[0] == {}


def test_taking_a_day_again_rewrites_its_tally(backend: str, world: World) -> None:
    """Counts change in place, and a cell no school stands in any more is gone."""
    day = date(2026, 9, 16)
    second = world.cycle(2)
    assert tallied([day])[0][(2, "input")].schools == 1
    second.phase = CyclePhase.QUESTION
    db.session.commit()
    take_snapshot(world.package.slug, day)
    db.session.commit()
    cells = tallied([day])[0]
    assert cells == by_hand(day)
    assert (2, "input") not in cells and cells[(2, "question")].schools == 1
    add_action(second, world, title="Endnu en")
    take_snapshot(world.package.slug, day)
    db.session.commit()
    assert tallied([day])[0] == by_hand(day)
    assert sum(c.action_count for (p, _), c in tallied([day])[0].items() if p == 2) == 1


def test_a_past_day_written_late_brings_the_later_days_up_to_date(
    backend: str, world: World
) -> None:
    """A snapshot for a day before tallied days (not what the daily command does) re-tallies
    the days after it, whose newest rows it may have changed: the other school's first module
    has no row after 10 Sep, so its row of 12 Sep is its newest on 16 Sep too."""
    assert world.other_run is not None
    theirs = world.cycle(1, world.other_run)
    theirs.phase = CyclePhase.QUESTION
    take_snapshot(world.package.slug, date(2026, 9, 12))
    db.session.commit()
    for day in DAYS:
        assert tallied([day])[0] == by_hand(day), day
    assert tallied([date(2026, 9, 16)])[0][(1, "question")].schools == 1


def test_an_area_keeps_its_days_and_a_rename_takes_them_along(backend: str, world: World) -> None:
    """A school counts in the area it lay in on the day; renaming the area renames its past."""
    late = date(2026, 10, 1)
    assert weekly(late, late, [1], "Nord")[0].started(1) == 2
    world.other_school.district = "Syd"
    db.session.commit()
    assert weekly(late, late, [1], "Nord")[0].started(1) == 2  # the tallies are the past
    take_snapshot(world.package.slug, late)
    db.session.commit()
    assert weekly(late, late, [1], "Nord")[0].started(1) == 1
    assert weekly(late, late, [1], "Syd")[0].started(1) == 1
    assert weekly(date(2026, 9, 16), date(2026, 9, 16), [1], "Syd")[0].started(1) == 0

    nord = areas.create_area("Nord", world.puf)
    areas.rename_area(nord, "Nordområdet", world.puf)
    db.session.commit()
    assert weekly(late, late, [1], "Nord")[0].started(1) == 0
    renamed = weekly(date(2026, 9, 16), late, [1], "Nordområdet")
    assert [w.started(1) for w in renamed] == [2, 2, 1]
    assert build_report(world.package, late, late, "Nordområdet").started == 1


def test_a_rename_onto_a_name_with_a_past_adds_the_two(backend: str, world: World) -> None:
    """The past of an area that was removed, under the name another area takes: one area."""
    late = date(2026, 10, 1)
    world.other_school.district = "Syd"
    db.session.commit()
    take_snapshot(world.package.slug, late)
    world.other_school.district = "Nord"  # Syd is left with only its past
    db.session.commit()
    areas.rename_area(areas.create_area("Nord", world.puf), "Syd", world.puf)
    db.session.commit()
    assert [w.started(1) for w in weekly(date(2026, 9, 16), late, [1], "Syd")] == [2, 2, 2]
    assert tallied([late], "Syd")[0] == by_hand(late)
    assert db.session.scalar(select(func.count()).where(ProgressTally.district != "Syd")) == 0


def test_backfill_tallies_its_weeks_and_stops_at_the_snapshots(
    backend: str, package: Package
) -> None:
    world = make_world(package)
    complete_through(world, 1)
    db.session.commit()
    cycle = world.cycle(1)
    assert cycle.opened_at is not None and cycle.completed_at is not None
    start = cycle.opened_at.date() - timedelta(days=14)
    first = cycle.completed_at.date() + timedelta(days=8)
    take_snapshot(package.slug, first)
    db.session.commit()
    written = backfill(package.slug, start, first + timedelta(days=30))
    db.session.commit()
    assert written > 0
    after_first = db.session.scalar(
        select(func.count()).where(
            ProgressSnapshot.taken_on > first - timedelta(days=1),
            ProgressSnapshot.taken_on != first,
        )
    )
    assert after_first == 0  # nothing written on or after the snapshots' first day
    days = [start + timedelta(days=n) for n in range(0, 60, 3)]
    for day, cells in zip(days, tallied(days), strict=True):
        assert cells == by_hand(day), day
    tallied_days = db.session.scalars(select(ProgressTally.taken_on).distinct()).all()
    assert len(tallied_days) > 1


def test_the_tally_command_counts_every_day_again_in_todays_areas(
    app: Flask, backend: str, world: World
) -> None:
    world.other_school.district = "Syd"
    db.session.add(ProgressTally(taken_on=date(2026, 9, 5), district="Nord", position=1, state="x"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["snapshot", "tally"])
    assert result.exit_code == 0 and "3 dage" in result.output, result.output
    db.session.expire_all()
    days = db.session.scalars(select(ProgressTally.taken_on).distinct()).all()
    assert sorted(days) == [date(2026, 9, 1), date(2026, 9, 10), date(2026, 9, 16)]
    for day in DAYS:
        assert tallied([day], "Syd")[0] == by_hand(day, "Syd"), day
    assert weekly(date(2026, 9, 16), date(2026, 9, 16), [1], "Syd")[0].started(1) == 1
