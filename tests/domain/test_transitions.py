"""Transitions: starting a run, completing, reopening, unlocking out of order (and races)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from learningpack.content import Package
from learningpack.domain.cycle import unmet_conditions
from learningpack.domain.records import (
    save_local_adaptation,
    save_summary,
)
from learningpack.domain.refusals import CycleRefused
from learningpack.domain.refusals import refusal as R
from learningpack.domain.transitions import (
    complete_cycle,
    reopen_cycle,
    start_run,
    unlock_out_of_order,
)
from learningpack.extensions import db
from learningpack.models import (
    Cycle,
    CycleState,
    Run,
    User,
)
from tests.domain.cycle_world import (
    ALREADY_COMPLETED,
    INPUT_MISSING,
    A,
    C,
    L,
    events,
    fulfil,
    fulfil_and_complete,
    refusal,
    states,
)
from tests.factories import SchoolFactory, make_leader
from tests.helpers import run_in_threads
from tests.world import (
    YEAR,
    World,
    add_action,
    add_log,
    add_session,
    add_summary,
    make_world,
    observe,
    reflect,
)

# ---------------------------------------------------------------------------------------------
# start_run


def test_start_run_creates_one_cycle_per_module_with_the_first_open(
    world: World, package: Package
) -> None:
    db.session.commit()
    run = db.session.get(Run, world.run.id)
    assert run is not None
    assert run.school_id == world.school.id
    assert run.package_slug == package.slug
    assert run.year_label == YEAR
    assert run.started_by_id == world.leader.id
    assert run.completed_at is None
    assert [c.position for c in run.cycles] == [1, 2, 3, 4, 5]
    assert [c.module_slug for c in run.cycles] == [m.slug for m in package.modules]
    first, *rest = run.cycles
    assert first.state == CycleState.ACTIVE
    assert first.opened_at is not None
    assert first.opened_by_id == world.leader.id
    assert first.last_activity_at is not None
    for cycle in rest:
        assert cycle.state == CycleState.LOCKED
        assert cycle.opened_at is None
        assert cycle.opened_by_id is None


# The rules write through SQL (constraints, counters, transactions): on both databases.
pytestmark = pytest.mark.both_backends


def test_start_run_strips_the_year_label(package: Package) -> None:
    school = SchoolFactory()
    run = start_run(school.id, package, "  2027/28 ", make_leader(school))
    assert run.year_label == "2027/28"


def test_start_run_is_audited(world: World, package: Package) -> None:
    (event,) = events("run_started")
    assert event.actor_id == world.leader.id
    assert event.object_type == "Run"
    assert event.object_id == world.run.id
    assert event.school_id == world.school.id
    assert event.detail == {"package": package.slug, "year": YEAR}


def test_a_second_run_of_the_same_package_is_refused_while_one_is_running(
    world: World, package: Package
) -> None:
    reasons = refusal(lambda: start_run(world.school.id, package, "2027/28", world.leader))
    assert reasons == [R("run_in_progress")]
    assert db.session.scalar(select(func.count()).select_from(Run)) == 1
    assert len(events("run_started")) == 1


def test_another_school_may_start_the_same_package(world: World, package: Package) -> None:
    other = SchoolFactory()
    run = start_run(other.id, package, YEAR, make_leader(other))
    assert run.id != world.run.id


def test_a_new_run_may_start_once_the_previous_one_is_completed(
    world: World, package: Package
) -> None:
    for position in range(1, 6):
        fulfil_and_complete(world.cycle(position), world)
    run = start_run(world.school.id, package, "2027/28", world.leader)
    assert run.cycles[0].state == CycleState.ACTIVE


# ---------------------------------------------------------------------------------------------
# complete_cycle


def test_complete_is_refused_with_every_unmet_condition(world: World) -> None:
    cycle = world.cycle(1)
    reasons = refusal(lambda: complete_cycle(cycle, world.leader))
    assert reasons == [
        INPUT_MISSING,
        R("no_question"),
        R("no_action"),
        R("no_action_to_try"),
        R("no_action_to_reflect_on"),
        R("summary_missing", field="learned"),
        R("summary_missing", field="keep"),
        R("summary_missing", field="next"),
        R("no_action_to_follow_up"),
    ]
    assert reasons == unmet_conditions(cycle)
    assert states(world) == [A, L, L, L, L]
    assert events("cycle_completed") == []


def test_complete_is_refused_when_one_condition_is_missing(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    action = add_action(cycle, world)
    add_log(action, world)
    add_summary(cycle)
    reasons = refusal(lambda: complete_cycle(cycle, world.leader))
    assert reasons == [
        R("action_not_observed", title="Forældrekaffe"),
        R("reflection_missing", team="Indskolingen"),
        R("follow_up_missing", title="Forældrekaffe"),
    ]
    observe(action)
    reflect(cycle, world.team, world.leader)
    reasons = refusal(lambda: complete_cycle(cycle, world.leader))
    assert reasons == [R("follow_up_missing", title="Forældrekaffe")]
    assert states(world) == [A, L, L, L, L]


def test_complete_is_refused_for_a_locked_cycle(world: World) -> None:
    reasons = refusal(lambda: complete_cycle(world.cycle(2), world.leader))
    assert reasons == [R("locked_cannot_complete")]
    assert states(world) == [A, L, L, L, L]


def test_complete_is_refused_for_a_completed_cycle(world: World) -> None:
    fulfil_and_complete(world.cycle(1), world)
    reasons = refusal(lambda: complete_cycle(world.cycle(1), world.leader))
    assert reasons == [ALREADY_COMPLETED]
    assert states(world) == [C, A, L, L, L]
    assert len(events("cycle_completed")) == 1


def test_complete_completes_the_cycle_and_opens_the_next_in_one_go(world: World) -> None:
    cycle = world.cycle(1)
    fulfil(cycle, world)
    opened = complete_cycle(cycle, world.leader)
    db.session.commit()

    first, second = world.cycle(1), world.cycle(2)
    assert opened is not None and opened.id == second.id
    assert first.state == CycleState.COMPLETED
    assert first.completed_at is not None
    assert first.completed_by_id == world.leader.id
    assert second.state == CycleState.ACTIVE
    assert second.opened_at is not None
    assert second.opened_by_id == world.leader.id
    assert second.opened_at == first.completed_at
    assert second.last_activity_at is not None
    assert states(world) == [C, A, L, L, L]
    assert db.session.get(Run, world.run.id).completed_at is None  # type: ignore[union-attr]

    (event,) = events("cycle_completed")
    assert event.actor_id == world.leader.id
    assert event.object_type == "Cycle"
    assert event.object_id == first.id
    assert event.school_id == world.school.id
    assert event.detail == {"module": first.module_slug}


def test_the_completed_cycle_stays_readable(world: World) -> None:
    action = fulfil(world.cycle(1), world)
    complete_cycle(world.cycle(1), world.leader)
    db.session.commit()
    first = world.cycle(1)
    assert len(first.meetings) == 1
    assert [a.id for a in first.actions] == [action.id]
    assert first.summary_learned == "Små tiltag virker."


def test_completing_the_fifth_cycle_completes_the_run(world: World) -> None:
    for position in range(1, 5):
        opened = fulfil_and_complete(world.cycle(position), world)
        assert opened is not None and opened.position == position + 1
        assert world.run.completed_at is None
    assert fulfil_and_complete(world.cycle(5), world) is None
    db.session.commit()
    run = db.session.get(Run, world.run.id)
    assert run is not None and run.completed_at is not None
    assert states(world) == [C, C, C, C, C]
    assert len(events("cycle_completed")) == 5


# ---------------------------------------------------------------------------------------------
# Two leaders pressing "complete" at once (PostgreSQL, two real connections)


# Row locks between two real connections: PostgreSQL only (not parametrized over SQLite).
POSTGRES_ONLY = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def prepare_for_race(backend: str, package: Package) -> tuple[World, int, int, int]:
    assert backend == "postgres"
    w = make_world(package)
    second_leader = make_leader(w.school)
    fulfil(w.cycle(1), w)
    ids = (w.cycle(1).id, w.leader.id, second_leader.id)
    db.session.commit()
    return (w, *ids)


def assert_exactly_one_transition(w: World, results: dict[str, object]) -> str:
    winners = [name for name, result in results.items() if result == "completed"]
    losers = [result for result in results.values() if isinstance(result, CycleRefused)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert list(losers[0].refusals) == [ALREADY_COMPLETED]
    db.session.expire_all()
    assert len(events("cycle_completed")) == 1
    assert states(w) == [C, A, L, L, L]
    count_active = db.session.scalar(
        select(func.count())
        .select_from(Cycle)
        .where(Cycle.run_id == w.run.id, Cycle.state == CycleState.ACTIVE)
    )
    assert count_active == 1
    return winners[0]


@POSTGRES_ONLY
def test_concurrent_complete_while_the_row_is_locked_makes_one_transition(
    app: Flask, backend: str, package: Package
) -> None:
    w, cycle_id, leader_id, other_id = prepare_for_race(backend, package)
    b_ready, a_updated = threading.Event(), threading.Event()
    b_pid: list[int] = []
    b_saw: list[CycleState] = []

    def first() -> str:
        cycle, actor = db.session.get_one(Cycle, cycle_id), db.session.get_one(User, leader_id)
        if not b_ready.wait(10):
            raise AssertionError("B never got ready")
        complete_cycle(cycle, actor)  # the UPDATE holds the row lock until commit
        a_updated.set()
        deadline = time.monotonic() + 10
        blocked = text("SELECT pg_backend_pid() = ANY(pg_blocking_pids(:pid))")
        while not db.session.scalar(blocked, {"pid": b_pid[0]}):
            if time.monotonic() > deadline:
                raise AssertionError("B never waited for A's row lock")
            time.sleep(0.02)
        time.sleep(0.3)
        db.session.commit()
        return "completed"

    def second() -> str:
        cycle, actor = db.session.get_one(Cycle, cycle_id), db.session.get_one(User, other_id)
        b_pid.append(db.session.scalar(text("SELECT pg_backend_pid()")))
        b_saw.append(cycle.state)
        b_ready.set()
        if not a_updated.wait(10):
            raise AssertionError("A never completed")
        complete_cycle(cycle, actor)  # blocks on A's row lock, then finds no active row
        db.session.commit()
        return "completed"

    results = run_in_threads(app, {"A": first, "B": second})
    assert b_saw == [CycleState.ACTIVE]  # B passed the conditions check; the UPDATE refused it
    assert assert_exactly_one_transition(w, results) == "A"
    first_cycle = w.cycle(1)
    assert first_cycle.completed_by_id == leader_id
    assert w.cycle(2).opened_by_id == leader_id


@POSTGRES_ONLY
@pytest.mark.parametrize("round_", range(3))
def test_concurrent_complete_from_a_barrier_makes_one_transition(
    app: Flask, backend: str, package: Package, round_: int
) -> None:
    w, cycle_id, leader_id, other_id = prepare_for_race(backend, package)
    barrier = threading.Barrier(2)

    def attempt(actor_id: int) -> Callable[[], str]:
        def target() -> str:
            cycle, actor = db.session.get_one(Cycle, cycle_id), db.session.get_one(User, actor_id)
            assert cycle.state == CycleState.ACTIVE
            barrier.wait(timeout=10)
            complete_cycle(cycle, actor)
            db.session.commit()
            return "completed"

        return target

    results = run_in_threads(app, {"A": attempt(leader_id), "B": attempt(other_id)})
    winner = assert_exactly_one_transition(w, results)
    winner_id = leader_id if winner == "A" else other_id
    assert w.cycle(1).completed_by_id == winner_id
    assert w.cycle(2).opened_by_id == winner_id


# ---------------------------------------------------------------------------------------------
# reopen_cycle


def test_reopen_while_the_next_has_nothing_recorded(world: World) -> None:
    fulfil_and_complete(world.cycle(1), world)
    reopen_cycle(world.cycle(1), world.leader)
    db.session.commit()
    first, second = world.cycle(1), world.cycle(2)
    assert first.state == CycleState.ACTIVE
    assert first.completed_at is None
    assert first.completed_by_id is None
    assert second.state == CycleState.LOCKED
    assert second.opened_at is None
    assert second.opened_by_id is None
    assert states(world) == [A, L, L, L, L]
    (event,) = events("cycle_reopened")
    assert event.object_id == first.id
    assert event.actor_id == world.leader.id
    assert event.school_id == world.school.id
    # What was recorded is kept, and the cycle can be completed again.
    assert unmet_conditions(first) == []
    opened = complete_cycle(first, world.leader)
    assert opened is not None and opened.position == 2
    assert states(world) == [C, A, L, L, L]


def test_reopening_the_last_cycle_reopens_the_run(world: World) -> None:
    for position in range(1, 6):
        fulfil_and_complete(world.cycle(position), world)
    assert world.run.completed_at is not None
    reopen_cycle(world.cycle(5), world.leader)
    db.session.commit()
    assert db.session.get_one(Run, world.run.id).completed_at is None
    assert states(world) == [C, C, C, C, A]


RECORD_IN_NEXT: dict[str, Callable[[Cycle, World], object]] = {
    "session": lambda cycle, w: add_session(cycle),
    "action": lambda cycle, w: add_action(cycle, w),
    "summary": lambda cycle, w: save_summary(cycle, learned="Noget.", keep="", next_steps=""),
    "local adaptation": lambda cycle, w: save_local_adaptation(cycle, notes="Vores", questions=""),
}


@pytest.mark.parametrize("record_it", RECORD_IN_NEXT.values(), ids=RECORD_IN_NEXT.keys())
def test_reopen_is_refused_once_the_next_has_something_recorded(
    world: World, record_it: Callable[[Cycle, World], object]
) -> None:
    fulfil_and_complete(world.cycle(1), world)
    record_it(world.cycle(2), world)
    reasons = refusal(lambda: reopen_cycle(world.cycle(1), world.leader))
    assert reasons == [R("next_has_records", pos=1, next=2)]
    assert states(world) == [C, A, L, L, L]
    assert events("cycle_reopened") == []


def test_reopen_leaves_a_next_module_open_that_puf_opened_out_of_order(world: World) -> None:
    unlock_out_of_order(world.cycle(2), world.puf, "Skolen vil gerne i gang med forældremøder.")
    fulfil_and_complete(world.cycle(1), world)
    reopen_cycle(world.cycle(1), world.leader)
    db.session.commit()
    assert states(world) == [A, A, L, L, L]
    assert world.cycle(2).opened_by_id == world.puf.id


def test_reopen_refuses_when_the_next_got_a_record_after_the_check(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check and the change are apart in time; the conditional UPDATE closes the gap."""
    fulfil_and_complete(world.cycle(1), world)
    add_session(world.cycle(2))
    db.session.commit()
    monkeypatch.setattr("learningpack.domain.transitions.reopen_refusals", lambda cycle: [])
    reasons = refusal(lambda: reopen_cycle(world.cycle(1), world.leader))
    assert reasons == [R("next_got_records")]
    db.session.rollback()
    assert states(world) == [C, A, L, L, L]
    assert events("cycle_reopened") == []


@POSTGRES_ONLY
def test_concurrent_reopen_makes_one_transition(app: Flask, backend: str, package: Package) -> None:
    w, cycle_id, leader_id, other_id = prepare_for_race(backend, package)
    complete_cycle(w.cycle(1), w.leader)
    db.session.commit()
    barrier = threading.Barrier(2)

    def attempt(actor_id: int) -> Callable[[], str]:
        def target() -> str:
            cycle, actor = db.session.get_one(Cycle, cycle_id), db.session.get_one(User, actor_id)
            assert cycle.state == CycleState.COMPLETED
            barrier.wait(timeout=10)
            reopen_cycle(cycle, actor)
            db.session.commit()
            return "reopened"

        return target

    results = run_in_threads(app, {"A": attempt(leader_id), "B": attempt(other_id)})
    # The loser waits for the winner's row lock, then re-checks: no longer completed.
    assert sorted(str(r) for r in results.values()) == ["not_completed", "reopened"], results
    db.session.expire_all()
    assert states(w) == [A, L, L, L, L]
    assert len(events("cycle_reopened")) == 1


@pytest.mark.parametrize("position", [1, 2])
def test_reopen_is_refused_for_a_cycle_that_is_not_completed(world: World, position: int) -> None:
    reasons = refusal(lambda: reopen_cycle(world.cycle(position), world.leader))
    assert reasons == [R("not_completed")]
    assert states(world) == [A, L, L, L, L]


# ---------------------------------------------------------------------------------------------
# unlock_out_of_order


@pytest.mark.parametrize("role", ["leader", "teacher"])
def test_only_puf_may_unlock_out_of_order(world: World, role: str) -> None:
    actor = world.leader if role == "leader" else world.teacher
    reasons = refusal(lambda: unlock_out_of_order(world.cycle(3), actor, "Vi vil gerne videre."))
    assert reasons == [R("puf_only")]
    assert states(world) == [A, L, L, L, L]
    assert events("cycle_unlocked_override") == []


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_unlock_needs_a_reason(world: World, reason: str) -> None:
    reasons = refusal(lambda: unlock_out_of_order(world.cycle(3), world.puf, reason))
    assert reasons == [R("reason_required")]
    assert states(world) == [A, L, L, L, L]


def test_unlock_only_a_locked_cycle(world: World) -> None:
    reasons = refusal(lambda: unlock_out_of_order(world.cycle(1), world.puf, "Fordi."))
    assert reasons == [R("not_locked")]
    fulfil_and_complete(world.cycle(1), world)
    reasons = refusal(lambda: unlock_out_of_order(world.cycle(1), world.puf, "Fordi."))
    assert reasons == [R("not_locked")]
    assert states(world) == [C, A, L, L, L]
    assert events("cycle_unlocked_override") == []


def test_puf_unlocks_out_of_order_with_the_reason_in_the_audit_log(world: World) -> None:
    unlock_out_of_order(world.cycle(3), world.puf, "  Skolen vil tage modul 3 før jul. ")
    db.session.commit()
    third = world.cycle(3)
    assert third.state == CycleState.ACTIVE
    assert third.opened_at is not None
    assert third.opened_by_id == world.puf.id
    assert third.last_activity_at is not None
    assert states(world) == [A, L, A, L, L]
    (event,) = events("cycle_unlocked_override")
    assert event.actor_id == world.puf.id
    assert event.object_type == "Cycle"
    assert event.object_id == third.id
    assert event.school_id == world.school.id
    assert event.detail == {
        "module": third.module_slug,
        "reason": "Skolen vil tage modul 3 før jul.",
    }


def test_completing_the_earlier_cycle_leaves_an_unlocked_later_one_active(world: World) -> None:
    unlock_out_of_order(world.cycle(3), world.puf, "Før jul.")
    opened_at = world.cycle(3).opened_at
    add_session(world.cycle(3))
    opened = fulfil_and_complete(world.cycle(1), world)
    assert opened is not None and opened.position == 2
    assert states(world) == [C, A, A, L, L]
    third = world.cycle(3)
    assert third.opened_by_id == world.puf.id
    assert third.opened_at == opened_at
    assert len(third.meetings) == 1


def test_completing_the_cycle_before_an_unlocked_one_keeps_the_override(world: World) -> None:
    unlock_out_of_order(world.cycle(2), world.puf, "Før jul.")
    opened = fulfil_and_complete(world.cycle(1), world)
    assert opened is not None and opened.position == 2
    assert states(world) == [C, A, L, L, L]
    assert world.cycle(2).opened_by_id == world.puf.id


def test_a_cycle_completed_out_of_order_is_skipped_when_the_earlier_one_completes(
    world: World,
) -> None:
    unlock_out_of_order(world.cycle(2), world.puf, "Før jul.")
    assert fulfil_and_complete(world.cycle(2), world) is not None
    assert states(world) == [A, C, A, L, L]
    opened = fulfil_and_complete(world.cycle(1), world)
    # Cycle 3 opened when cycle 2 completed; a completed cycle is not "the next one", so the
    # next one is cycle 3, already open (opened again it is not: the UPDATE needs it locked).
    assert opened is not None and opened.position == 3
    assert states(world) == [C, C, A, L, L]


def test_the_run_completes_even_when_the_last_cycle_was_completed_out_of_order(
    world: World, package: Package
) -> None:
    unlock_out_of_order(world.cycle(5), world.puf, "Skolen starter bagfra.")
    assert fulfil_and_complete(world.cycle(5), world) is None
    assert world.run.completed_at is None  # cycles 1-4 are still open or locked
    for position in range(1, 4):
        fulfil_and_complete(world.cycle(position), world)
    assert world.run.completed_at is None
    assert fulfil_and_complete(world.cycle(4), world) is None
    db.session.commit()
    assert states(world) == [C, C, C, C, C]
    assert db.session.get_one(Run, world.run.id).completed_at is not None
    start_run(world.school.id, package, "2027/28", world.leader)
