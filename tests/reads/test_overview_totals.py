"""The totals across all schools (issue 13, reads/totals_cache): kept while no school changes;
after a write, read again for the written schools' bucket only; "stalled" moves with time
without reading anything; a late commit is seen on the next read."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from learningpack.domain import transitions
from learningpack.domain.calendar import set_follow_up_date
from learningpack.domain.school_progress import refresh, refresh_run
from learningpack.extensions import db
from learningpack.models import Cycle, CyclePhase, CycleState, Run, School
from learningpack.models.types import utcnow
from learningpack.reads import totals_cache
from learningpack.reads.overview import Cell, Filters, Overview, SchoolRow, stalls_at
from learningpack.reads.overview_query import build_overview, district_list
from learningpack.reads.progress import progress_page, summary
from tests.factories import SchoolFactory
from tests.helpers import count_queries, forget_totals
from tests.world import make_world

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 12, 2, 9, 0, 30, tzinfo=UTC)
MODULES = "cycle.position"  # in the statement that totals the modules, and in no other


def states(overview: Overview) -> dict[str, int]:
    return overview.module_totals[0].by_state


def totalled(statements: list[str]) -> list[str]:
    return [s for s in statements if "GROUP BY" in s and MODULES in s]


def test_totals_are_kept_until_a_school_changes(app: Flask, package: Any) -> None:
    world = make_world(package)
    db.session.commit()
    first = build_overview(package, Filters(), now=NOW)
    assert first.total == 2 and states(first)["not_started"] == 1

    with count_queries() as seen:
        again = build_overview(package, Filters(), now=NOW.replace(second=50))
    assert not totalled(seen)
    assert (again.total, states(again)) == (first.total, states(first))

    # A module completed (the domain rewrites the school's summary row with it): new totals.
    world.cycle(1).state = CycleState.COMPLETED
    refresh_run(world.run)
    db.session.commit()
    with count_queries() as seen:
        changed = build_overview(package, Filters(), now=NOW.replace(second=55))
    assert totalled(seen)
    assert states(changed)["completed"] == states(first)["completed"] + 1

    # A new school: counted at once, in the totals and the district list.
    SchoolFactory(name="Nyskolen", district="Vest")
    db.session.commit()
    assert build_overview(package, Filters(), now=NOW.replace(second=58)).total == 3
    assert "Vest" in district_list().names and district_list().schools == 3


def test_a_page_looks_for_changes_once(app: Flask, package: Any) -> None:
    make_world(package)
    db.session.commit()
    build_overview(package, Filters(), now=NOW)
    db.session.commit()  # a new transaction, as a new request has
    with count_queries() as seen:
        build_overview(package, Filters(), now=NOW)
        summary(None)
        progress_page(None, None, None, 1, 10)
    assert len([s for s in seen if "school.changed_at >" in s]) == 1


def test_stalled_moves_with_time_and_reads_nothing(app: Flask, package: Any) -> None:
    world = make_world(package)
    db.session.commit()
    started = world.run.started_at
    before = build_overview(package, Filters(days=30), now=started + timedelta(days=29))
    assert before.stalled_count == 0
    with count_queries() as seen:
        after = build_overview(package, Filters(days=30), now=started + timedelta(days=31))
    assert not totalled(seen)
    assert after.stalled_count == 1
    forget_totals()
    fresh = build_overview(package, Filters(days=30), now=started + timedelta(days=31))
    assert fresh.stalled_count == 1


def test_filters_have_totals_of_their_own_and_stalled_ones_the_minute(
    app: Flask, package: Any
) -> None:
    world = make_world(package)
    world.other_school.district = "Syd"
    db.session.commit()
    everyone = build_overview(package, Filters(), now=NOW)
    district = build_overview(package, Filters(district=world.other_school.district), now=NOW)
    assert everyone.total == 2 and district.total == 1
    with count_queries() as seen:
        build_overview(package, Filters(), now=NOW.replace(minute=1))
    assert not totalled(seen)  # the same totals a minute later
    build_overview(package, Filters(stalled=True), now=NOW)
    with count_queries() as seen:
        build_overview(package, Filters(stalled=True), now=NOW.replace(minute=1))
    assert totalled(seen)  # which schools are counted moves with time


def test_the_api_count_is_kept_until_a_school_changes(app: Flask, package: Any) -> None:
    world = make_world(package)
    db.session.commit()
    assert progress_page(None, None, "completed", 1, 100).total == 0
    db.session.commit()
    with count_queries() as seen:
        assert progress_page(None, None, "completed", 1, 100).total == 0
    assert len(seen) == 2  # the stamps and the page; the count was kept
    world.cycle(1).state = CycleState.COMPLETED
    refresh_run(world.run)
    db.session.commit()
    assert progress_page(None, None, "completed", 1, 100).total == 1


def test_the_api_summary_is_kept_until_a_school_changes(app: Flask, package: Any) -> None:
    world = make_world(package)
    db.session.commit()
    first = summary(None)
    with count_queries() as seen:
        assert summary(None) == first
    assert not [s for s in seen if "GROUP BY" in s]
    world.cycle(1).state = CycleState.COMPLETED
    refresh_run(world.run)
    db.session.commit()
    assert summary(None)["modules"][0]["completed"] == first["modules"][0]["completed"] + 1
    SchoolFactory(name="Nyskolen", district="Syd")
    db.session.commit()
    assert summary(None)["schools"] == first["schools"] + 1


def _schools(package: Any, count: int) -> list[tuple[School, Run]]:
    world = make_world(package)
    found = [(world.school, world.run)]
    for n in range(count - 1):
        school = SchoolFactory(name=f"Skole {n:03d}", district=("Nord", "Syd", "Vest")[n % 3])
        db.session.flush()
        found.append((school, transitions.start_run(school.id, package, "2026/27", world.puf)))
    db.session.commit()
    return found


def everything(package: Any, now: datetime) -> tuple[Any, ...]:
    overview = build_overview(package, Filters(), now=now)
    district = build_overview(package, Filters(district="Syd", days=10), now=now)
    return (
        overview.module_totals, overview.district_totals, overview.total,
        district.module_totals, district.district_totals, district.stalled_count,
        summary(None), progress_page(None, None, "completed", 1, 5).total,
        district_list(),
    )  # fmt: skip


def test_after_a_write_only_its_bucket_is_read_again(
    app: Flask, package: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(totals_cache, "BUCKET", 2)
    schools = _schools(package, 24)
    everything(package, NOW)
    _school, run = schools[7]
    run.cycles[0].state = CycleState.COMPLETED
    refresh_run(run)
    db.session.commit()
    with count_queries() as seen:
        kept = everything(package, NOW)
    grouped = [s for s in seen if "GROUP BY" in s]
    # Each reads one bucket (one id range), not every school.
    assert grouped and all("BETWEEN" in s and " OR " not in s for s in grouped), grouped
    forget_totals()
    assert kept == everything(package, NOW)


def test_many_writes_in_any_order_give_the_totals_of_a_fresh_read(
    app: Flask, package: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random writes (modules completed and reopened, schools moved, named, added, a run
    started), each followed by a read of everything kept: always what a fresh read gives."""
    monkeypatch.setattr(totals_cache, "BUCKET", 3)
    schools = _schools(package, 30)
    rng = random.Random(13)
    everything(package, NOW)
    for step in range(25):
        school, run = rng.choice(schools)
        choice = rng.randrange(4)
        if choice == 0:
            cycle = rng.choice(run.cycles)
            cycle.state = rng.choice([CycleState.COMPLETED, CycleState.ACTIVE])
            cycle.action_count = rng.randrange(10)
            refresh_run(run)
        elif choice == 1:
            school.district = rng.choice(["Nord", "Syd", "Vest", "Øst"])
        elif choice == 2:
            run.started_at = utcnow() - timedelta(days=rng.randrange(40))
            for cycle in run.cycles:
                cycle.last_activity_at = None
            refresh_run(run)
        else:
            new = SchoolFactory(name=f"Ny skole {step}", district="Øst")
            db.session.flush()
            leader = schools[0][1].school.users[0]
            schools.append((new, transitions.start_run(new.id, package, "2026/27", leader)))
        db.session.commit()
        now = NOW + timedelta(days=step)
        kept = everything(package, now)
        forget_totals()
        assert kept == everything(package, now), f"step {step}, choice {choice}"


def test_a_commit_later_than_a_newer_stamp_is_seen(app: Flask, package: Any) -> None:
    world = make_world(package)
    db.session.commit()
    first = build_overview(package, Filters(), now=NOW)
    newest = db.session.scalar(select(School.changed_at).order_by(School.changed_at.desc()))
    assert newest is not None
    # A write stamped before the newest stamp seen, committed after it was read.
    world.cycle(1).state = CycleState.COMPLETED
    refresh_run(world.run)
    db.session.execute(
        update(School)
        .where(School.id == world.school.id)
        .values(changed_at=newest - timedelta(seconds=20))
    )
    db.session.commit()
    late = build_overview(package, Filters(), now=NOW)
    assert states(late)["completed"] == states(first)["completed"] + 1


def test_a_commit_later_than_the_overlap_is_seen_by_the_backstop(
    app: Flask, package: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(package)
    db.session.commit()
    first = build_overview(package, Filters(), now=NOW)
    newest = db.session.scalar(select(School.changed_at).order_by(School.changed_at.desc()))
    assert newest is not None
    db.session.execute(update(Cycle).where(Cycle.id == world.cycle(1).id).values(state="completed"))
    refresh_run(world.run)
    db.session.execute(
        update(School)
        .where(School.id == world.school.id)
        .values(changed_at=newest - totals_cache.OVERLAP - timedelta(seconds=1))
    )
    db.session.commit()
    assert states(build_overview(package, Filters(), now=NOW)) == states(first)  # not seen
    monkeypatch.setattr(totals_cache, "BACKSTOP", 0.0)
    assert states(build_overview(package, Filters(), now=NOW))["completed"] == 1


def test_the_backstop_reads_one_bucket_at_a_time_in_turn(
    app: Flask, package: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change the look missed (committed long after its stamp) is read in its bucket's turn:
    each turn reads one bucket (an id range), never every school, and within one round."""
    monkeypatch.setattr(totals_cache, "BUCKET", 1)
    clock = [1000.0]
    monkeypatch.setattr(totals_cache, "_clock", lambda: clock[0])
    world = make_world(package)
    for n in range(3):
        SchoolFactory(name=f"Skole {n}")
    db.session.commit()
    first = build_overview(package, Filters(), now=NOW)
    db.session.execute(update(Cycle).where(Cycle.id == world.cycle(1).id).values(state="completed"))
    refresh_run(world.run)
    stamp = utcnow() - totals_cache.OVERLAP - timedelta(seconds=1)
    db.session.execute(update(School).where(School.id == world.school.id).values(changed_at=stamp))
    db.session.commit()
    assert states(build_overview(package, Filters(), now=NOW)) == states(first)  # missed
    db.session.commit()

    highest = db.session.scalar(select(School.id).order_by(School.id.desc()))
    assert highest is not None
    width = highest + 2  # buckets 0 … one past the highest
    reads, seen_at = [], None
    for turn in range(1, width + 1):
        clock[0] += totals_cache.BACKSTOP / width
        with count_queries() as seen:
            overview = build_overview(package, Filters(), now=NOW)
        db.session.commit()
        reads += totalled(seen)
        if seen_at is None and states(overview)["completed"] == 1:
            seen_at = turn
    assert seen_at is not None
    assert len(reads) == width and all("BETWEEN" in s for s in reads)


def test_the_backstop_goes_round_every_school_not_only_the_entrys_rows(
    app: Flask, package: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A district's totals have rows in its schools' buckets only; a school of the highest id,
    moved into the district by a change the look missed, is still read in its turn."""
    monkeypatch.setattr(totals_cache, "BUCKET", 1)
    clock = [1000.0]
    monkeypatch.setattr(totals_cache, "_clock", lambda: clock[0])
    world = make_world(package)
    others = [SchoolFactory(name=f"Skole {n}", district="Andet") for n in range(3)]
    db.session.commit()
    district = Filters(district=world.school.district)
    first = build_overview(package, district, now=NOW).total
    stamp = utcnow() - totals_cache.OVERLAP - timedelta(seconds=1)
    moved = others[-1]
    db.session.execute(
        update(School)
        .where(School.id == moved.id)
        .values(district=world.school.district, changed_at=stamp)
    )
    db.session.commit()
    assert build_overview(package, district, now=NOW).total == first  # missed
    db.session.commit()
    width = moved.id + 2
    totals = []
    for _turn in range(width):
        clock[0] += totals_cache.BACKSTOP / width
        totals.append(build_overview(package, district, now=NOW).total)
        db.session.commit()
    assert totals[-1] == first + 1


def test_a_quiet_app_reads_no_stamps_and_still_sees_the_next_write(
    app: Flask, package: Any
) -> None:
    """The look for changes starts shortly before the previous look, not at the newest stamp:
    after a quiet spell (here every school last stamped two overlaps ago, as after a night or
    a rebuild) it reads no school, and a new write is seen all the same."""
    world = make_world(package)
    db.session.execute(update(School).values(changed_at=utcnow() - 2 * totals_cache.OVERLAP))
    db.session.commit()
    forget_totals()
    first = build_overview(package, Filters(), now=NOW)
    assert totals_cache._changes().recent == frozenset()
    db.session.commit()
    assert states(build_overview(package, Filters(), now=NOW)) == states(first)
    assert totals_cache._changes().recent == frozenset()
    db.session.commit()

    world.cycle(1).state = CycleState.COMPLETED
    refresh_run(world.run)
    db.session.commit()
    assert states(build_overview(package, Filters(), now=NOW))["completed"] == 1
    assert {school for school, _ in totals_cache._changes().recent} == {world.school.id}


def test_a_whole_refresh_stamps_the_schools_last(app: Flask, package: Any) -> None:
    """``progress rebuild`` may take longer than the overlap: its last statement stamps every
    school again, so its commit is seen on the next look."""
    make_world(package)
    db.session.commit()
    with count_queries() as seen:
        refresh()
    assert seen[-1].startswith("UPDATE school SET changed_at")
    assert "WHERE" not in seen[-1]


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
    assert build_overview(package, Filters(days=30), now=now).stalled_count == 1


@pytest.mark.parametrize("days", [1, 5, 30])
@pytest.mark.parametrize("follow_up", [False, True])
def test_the_moment_of_stalling_agrees_with_the_rule_on_both_sides(
    days: int, follow_up: bool
) -> None:
    """``stalls_at`` (the kept totals) and ``SchoolRow.is_stalled`` (a page's rows): a second
    before the moment the school is not stalled, at the moment it is."""
    last = datetime(2026, 10, 1, 13, 45, 10, tzinfo=UTC)
    held_on = (last - timedelta(days=3)).date() if follow_up else None
    row = SchoolRow(id=1, name="A", district="Nord", started_raw=last, last_activity_raw=last)
    if held_on is not None:
        row.cells[1] = Cell(position=1, state=CyclePhase.TRYING.value, follow_up_on_raw=held_on)
    moment = stalls_at(last, held_on, days)
    assert moment is not None
    assert not row.is_stalled(moment - timedelta(seconds=1), days)
    assert row.is_stalled(moment, days)
    # The summary row's raw values on SQLite are text: the same moment.
    text = last.strftime("%Y-%m-%d %H:%M:%S.%f")
    assert stalls_at(text, held_on.isoformat() if held_on else None, days) == moment
