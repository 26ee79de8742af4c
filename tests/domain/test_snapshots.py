"""The daily progress snapshot: what it counts, only on change, idempotent, and race-safe."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from learningpack.content import Package
from learningpack.domain.snapshots import backfill, take_snapshot
from learningpack.extensions import db
from learningpack.models import Outcome, ProgressSnapshot, ProgressTally
from tests.world import World, add_action, add_follow_up, complete_through, make_world, reflect

DAY = date(2026, 10, 1)
NEXT = date(2026, 10, 2)

pytestmark = pytest.mark.both_backends


def rows() -> list[ProgressSnapshot]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ProgressSnapshot).order_by(
                ProgressSnapshot.taken_on, ProgressSnapshot.school_id, ProgressSnapshot.position
            )
        )
    )


def test_one_row_per_module_of_each_started_school(backend: str, world: World) -> None:
    first = world.cycle(1)
    kept, adjusted, stopped = (add_action(first, world, title=t) for t in ("A", "B", "C"))
    add_follow_up(kept, world, Outcome.KEEP)
    add_follow_up(adjusted, world, Outcome.ADJUST)
    add_follow_up(stopped, world, Outcome.STOP)
    reflect(first, world.team, world.leader)  # the team's reflective conversation
    db.session.commit()
    assert take_snapshot(world.package.slug, DAY) == 5
    db.session.commit()
    found = rows()
    assert [(r.school_id, r.position, r.taken_on) for r in found] == [
        (world.school.id, p, DAY) for p in range(1, 6)
    ]
    one = found[0]
    assert one.state == "input"  # no knowledge-input meeting recorded yet
    assert (one.action_count, one.follow_up_count) == (3, 3)
    assert (one.keep_count, one.adjust_count, one.stop_count, one.reflection_count) == (1, 1, 1, 1)
    assert one.last_activity_at is not None
    assert [r.state for r in found[1:]] == ["locked"] * 4


def test_a_second_run_writes_nothing_and_a_change_updates_the_day(
    backend: str, world: World
) -> None:
    take_snapshot(world.package.slug, DAY)
    assert take_snapshot(world.package.slug, DAY) == 0
    add_action(world.cycle(1), world, title="Ny")
    assert take_snapshot(world.package.slug, DAY) == 1
    db.session.commit()
    found = rows()
    assert len(found) == 5
    assert found[0].action_count == 1


def test_the_next_day_gets_rows_only_for_what_changed(backend: str, world: World) -> None:
    take_snapshot(world.package.slug, DAY)
    complete_through(world, 1)
    assert take_snapshot(world.package.slug, NEXT) == 2  # module 1 completed, module 2 opened
    db.session.commit()
    later = [(r.position, r.state) for r in rows() if r.taken_on == NEXT]
    assert later[0] == (1, "completed")
    assert later[1][0] == 2 and later[1][1] != "locked"


def test_the_command_takes_todays_snapshot(app: Flask, backend: str, world: World) -> None:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["snapshot", "take"])
    assert result.exit_code == 0, result.output
    assert "5 rækker" in result.output
    again = app.test_cli_runner().invoke(args=["snapshot", "take"])
    assert "0 rækker" in again.output
    assert len(rows()) == 5


@pytest.mark.parametrize("round_", range(2))
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_two_commands_at_once_write_each_row_once(
    app: Flask, backend: str, package: Package, round_: int
) -> None:
    world = make_world(package, other_started=True)
    slug = world.package.slug
    db.session.commit()
    barrier = threading.Barrier(2)
    written: dict[str, int] = {}
    errors: list[BaseException] = []

    def take(name: str) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                written[name] = take_snapshot(slug, DAY)
                db.session.commit()
        except BaseException as error:  # pragma: no cover - the failure is reported below
            errors.append(error)

    threads = [threading.Thread(target=take, args=(n,), daemon=True) for n in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert written["A"] + written["B"] >= 10  # the one that waited updated the same rows
    count = db.session.scalar(select(func.count()).select_from(ProgressSnapshot))
    assert count == 10
    # The day's tally: each cell once, counting the ten rows once.
    cells = db.session.execute(
        select(ProgressTally.district, ProgressTally.position, ProgressTally.state)
        .add_columns(ProgressTally.schools)
        .where(ProgressTally.taken_on == DAY)
    ).all()
    assert sum(row.schools for row in cells) == 10
    assert len(cells) == len({tuple(row[:3]) for row in cells})


@pytest.fixture
def world(package: Package) -> World:
    w = make_world(package)
    db.session.commit()
    return w


def test_backfill_writes_weekly_rows_from_the_modules_times(backend: str, world: World) -> None:
    complete_through(world, 1)
    db.session.commit()
    cycle = world.cycle(1)
    opened, completed = cycle.opened_at, cycle.completed_at
    assert opened is not None and completed is not None
    start = opened.date()
    written = backfill(
        world.package.slug, start - timedelta(days=14), completed.date() + timedelta(days=15)
    )
    db.session.commit()
    found = rows()
    assert written == len(found) > 0
    firsts = [r for r in found if r.position == 1]
    assert firsts[-1].state == "completed" and firsts[-1].follow_up_count == 1
    assert all(r.action_count == 0 for r in firsts if r.state != "completed")
    # Days already taken are kept.
    assert (
        backfill(
            world.package.slug, start - timedelta(days=14), completed.date() + timedelta(days=15)
        )
        == 0
    )


def test_the_backfill_command_and_the_demo_seed_write_history(app: Flask, backend: str) -> None:
    empty = app.test_cli_runner().invoke(args=["snapshot", "backfill"])
    assert "0 rækker" in empty.output
    seeded = app.test_cli_runner().invoke(args=["demo", "seed", "--schools", "3"])
    assert seeded.exit_code == 0, seeded.output
    assert rows()
    again = app.test_cli_runner().invoke(args=["snapshot", "backfill", "--since", "2020-01-01"])
    assert again.exit_code == 0 and "rækker skrevet" in again.output


def test_each_school_module_is_compared_with_its_own_newest_row(backend: str, world: World) -> None:
    take_snapshot(world.package.slug, DAY)
    add_action(world.cycle(1), world, title="Ny")
    assert take_snapshot(world.package.slug, NEXT) == 1  # module 1's newest row is NEXT
    db.session.commit()
    later = date(2026, 10, 3)
    assert take_snapshot(world.package.slug, later) == 0  # modules 2-5: newest is DAY
    assert take_snapshot(world.package.slug, later) == 0
