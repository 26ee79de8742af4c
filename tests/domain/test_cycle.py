"""The rules of the action-learning cycle (DESIGN.md §3), tested on ``cycle.py`` directly."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from learningpack.content import Package
from learningpack.domain.cycle import (
    CycleRefused,
    Step,
    add_log_entry,
    complete_cycle,
    current_step,
    lock_reason,
    record_follow_up,
    reopen_cycle,
    save_local_adaptation,
    save_summary,
    set_action_status,
    start_run,
    step_statuses,
    unlock_out_of_order,
    unmet_conditions,
    update_action,
)
from learningpack.extensions import db
from learningpack.models import (
    Action,
    ActionStatus,
    AuditEvent,
    Cycle,
    CycleState,
    FollowUp,
    Meeting,
    MeetingKind,
    Outcome,
    Run,
    User,
)
from tests.factories import SchoolFactory, TeamFactory, make_leader, make_teacher
from tests.world import (
    END,
    START,
    YEAR,
    World,
    add_action,
    add_follow_up,
    add_log,
    add_session,
    add_summary,
    make_world,
)

# The rules write through SQL (constraints, counters, transactions): on both databases.
pytestmark = pytest.mark.both_backends

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)

NOT_OPEN = "Modulet er ikke åbent, så der kan ikke registreres noget i det."
ALREADY_COMPLETED = "Modulet er allerede afsluttet."
INPUT_MISSING = "Registrér mindst ét møde med dato, deltagere og noter fra drøftelsen."


# ---------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(autouse=True)
def request_context(app: Flask) -> Iterator[None]:
    """The rules run inside a request (a view) in the app; the refusal texts need one."""
    with app.test_request_context():
        yield


@pytest.fixture
def world(package: Package) -> World:
    return make_world(package)


def fulfil(cycle: Cycle, w: World) -> Action:
    """Record everything the cycle needs before it can be completed."""
    add_session(cycle)
    action = add_action(cycle, w)
    add_log(action, w)
    add_follow_up(action, w)
    add_summary(cycle)
    assert unmet_conditions(cycle) == []
    return action


def fulfil_and_complete(cycle: Cycle, w: World) -> Cycle | None:
    fulfil(cycle, w)
    return complete_cycle(cycle, w.leader)


def events(verb: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.verb == verb)))


def refusal(call: Callable[[], object]) -> list[str]:
    with pytest.raises(CycleRefused) as info:
        call()
    return info.value.reasons


def states(w: World) -> list[CycleState]:
    db.session.expire_all()
    return [w.cycle(p).state for p in range(1, 6)]


A, L, C = CycleState.ACTIVE, CycleState.LOCKED, CycleState.COMPLETED


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
    assert reasons == ["Skolen har allerede et forløb i gang med denne pakke."]
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
# The derived phase: step_statuses / current_step / unmet_conditions


def test_a_fresh_cycle_is_at_the_input_step(world: World) -> None:
    cycle = world.cycle(1)
    assert current_step(cycle) == Step.INPUT
    statuses = step_statuses(cycle)
    assert [s.step for s in statuses] == [Step.INPUT, Step.ACTIONS, Step.TRYING, Step.FOLLOW_UP]
    assert [s.title for s in statuses] == [
        "Videnoplæg og drøftelse",
        "Aktioner aftalt",
        "Afprøvning",
        "Opsamling",
    ]
    assert not any(s.done for s in statuses)
    assert statuses[0].missing == (INPUT_MISSING,)
    assert statuses[1].missing == ("Aftal mindst én aktion.",)
    assert statuses[2].missing == ("Der er ingen aktioner at afprøve endnu.",)


@pytest.mark.parametrize(
    "blank", [{"participants": "   "}, {"notes": ""}, {"participants": "", "notes": " \n"}]
)
def test_a_session_without_participants_or_notes_does_not_count(
    world: World, blank: dict[str, str]
) -> None:
    cycle = world.cycle(1)
    add_session(cycle, **blank)
    assert len(cycle.meetings) == 1
    assert current_step(cycle) == Step.INPUT
    assert step_statuses(cycle)[0].missing == (INPUT_MISSING,)


def test_a_complete_session_moves_the_cycle_to_the_actions_step(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle, participants="", notes="")
    add_session(cycle, kind=MeetingKind.OTHER)
    input_status = step_statuses(cycle)[0]
    assert input_status.done
    assert input_status.missing == ()
    assert current_step(cycle) == Step.ACTIONS


FIELD_BLANKS: list[tuple[dict[str, Any], str]] = [
    ({"what": "  "}, "hvad vi gør"),
    ({"expectation": ""}, "hvorfor / hvad vi forventer at se"),
    ({"how_notice": "\t"}, "hvordan vi opdager det"),
    ({"team": None, "owners": []}, "team eller ansvarlige"),
    ({"period_start": None}, "periode"),
    ({"period_end": None}, "periode"),
]


@pytest.mark.parametrize(
    ("blank", "name"), FIELD_BLANKS, ids=[b[1] + str(b[0]) for b in FIELD_BLANKS]
)
def test_an_action_missing_a_field_is_listed_by_name(
    world: World, blank: dict[str, Any], name: str
) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    add_action(cycle, world, title="Forældrekaffe", **blank)
    assert current_step(cycle) == Step.ACTIONS
    assert step_statuses(cycle)[1].missing == (f"Aktionen »Forældrekaffe« mangler: {name}.",)


def test_an_action_missing_several_fields_lists_them_all(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    add_action(cycle, world, title="Tom", what="", expectation="", team=None, owners=[])
    assert step_statuses(cycle)[1].missing == (
        "Aktionen »Tom« mangler: hvad vi gør, hvorfor / hvad vi forventer at se, "
        "team eller ansvarlige.",
    )


@pytest.mark.parametrize("who", ["team", "owners"])
def test_a_team_or_owners_is_enough(world: World, who: str) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    if who == "team":
        add_action(cycle, world, owners=[])
    else:
        add_action(cycle, world, team=None)
    assert step_statuses(cycle)[1].done
    assert current_step(cycle) == Step.TRYING


def test_trying_until_every_action_that_is_not_dropped_has_a_log_entry(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    first = add_action(cycle, world, title="Første")
    second = add_action(cycle, world, title="Anden")
    assert current_step(cycle) == Step.TRYING
    assert step_statuses(cycle)[2].missing == (
        "Aktionen »Første« har ingen logninger endnu.",
        "Aktionen »Anden« har ingen logninger endnu.",
    )
    add_log(first, world)
    assert current_step(cycle) == Step.TRYING
    assert step_statuses(cycle)[2].missing == ("Aktionen »Anden« har ingen logninger endnu.",)
    set_action_status(second, ActionStatus.DROPPED)
    assert step_statuses(cycle)[2].done
    assert current_step(cycle) == Step.FOLLOW_UP


def test_follow_up_until_every_action_has_one_and_the_summary_is_filled(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    kept = add_action(cycle, world, title="Første")
    dropped = add_action(cycle, world, title="Anden")
    add_log(kept, world)
    set_action_status(dropped, ActionStatus.DROPPED)
    assert current_step(cycle) == Step.FOLLOW_UP
    assert step_statuses(cycle)[3].missing == (
        "Aktionen »Første« mangler en opsamling.",
        "Aktionen »Anden« mangler en opsamling.",
        "Modulets opsamling mangler: hvad vi har lært.",
        "Modulets opsamling mangler: hvad vi fastholder.",
        "Modulets opsamling mangler: næste skridt.",
    )
    add_follow_up(kept, world)
    # A dropped action needs no log entry, but it still needs a follow-up.
    assert "Aktionen »Anden« mangler en opsamling." in step_statuses(cycle)[3].missing
    add_follow_up(dropped, world, Outcome.STOP)
    save_summary(cycle, learned="Noget.", keep=" ", next_steps="")
    assert step_statuses(cycle)[3].missing == (
        "Modulets opsamling mangler: hvad vi fastholder.",
        "Modulets opsamling mangler: næste skridt.",
    )
    assert current_step(cycle) == Step.FOLLOW_UP
    add_summary(cycle)
    assert all(s.done for s in step_statuses(cycle))
    assert current_step(cycle) is None
    assert unmet_conditions(cycle) == []


def test_unmet_conditions_of_locked_and_completed_cycles(world: World) -> None:
    assert unmet_conditions(world.cycle(2)) == ["Modulet er låst og kan ikke afsluttes."]
    fulfil_and_complete(world.cycle(1), world)
    assert unmet_conditions(world.cycle(1)) == [ALREADY_COMPLETED]


# ---------------------------------------------------------------------------------------------
# complete_cycle


def test_complete_is_refused_with_every_unmet_condition(world: World) -> None:
    cycle = world.cycle(1)
    reasons = refusal(lambda: complete_cycle(cycle, world.leader))
    assert reasons == [
        INPUT_MISSING,
        "Aftal mindst én aktion.",
        "Der er ingen aktioner at afprøve endnu.",
        "Modulets opsamling mangler: hvad vi har lært.",
        "Modulets opsamling mangler: hvad vi fastholder.",
        "Modulets opsamling mangler: næste skridt.",
        "Der er ingen aktioner at samle op på endnu.",
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
    assert reasons == ["Aktionen »Forældrekaffe« mangler en opsamling."]
    assert states(world) == [A, L, L, L, L]


def test_complete_is_refused_for_a_locked_cycle(world: World) -> None:
    reasons = refusal(lambda: complete_cycle(world.cycle(2), world.leader))
    assert reasons == ["Modulet er låst og kan ikke afsluttes."]
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


def run_in_threads(app: Flask, targets: dict[str, Callable[[], str]]) -> dict[str, object]:
    """Run each target in its own thread with its own app context (so its own session and
    connection). A CycleRefused is the target's result; any other exception fails the test."""
    results: dict[str, object] = {}
    errors: list[tuple[str, BaseException]] = []

    def wrap(name: str, target: Callable[[], str]) -> Callable[[], None]:
        def body() -> None:
            try:
                with app.test_request_context():
                    try:
                        results[name] = target()
                    except CycleRefused as refused:
                        db.session.rollback()
                        results[name] = refused
            except BaseException as error:
                errors.append((name, error))

        return body

    threads = [
        threading.Thread(target=wrap(name, target), name=f"complete-{name}", daemon=True)
        for name, target in targets.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not [t.name for t in threads if t.is_alive()], "a thread did not finish"
    if errors:
        name, error = errors[0]
        raise AssertionError(f"thread {name} failed: {error!r}") from error
    return results


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
    assert losers[0].reasons == [ALREADY_COMPLETED]
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
    assert reasons == [
        "Modulet kan ikke genåbnes, fordi der allerede er registreret noget i næste modul."
    ]
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
    monkeypatch.setattr("learningpack.domain.cycle.reopen_refusals", lambda cycle: [])
    reasons = refusal(lambda: reopen_cycle(world.cycle(1), world.leader))
    assert reasons == ["Nu er der registreret noget i næste modul, så modulet kan ikke genåbnes."]
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
    assert sorted(str(r) for r in results.values()) == [
        "Modulet er allerede genåbnet.",
        "reopened",
    ], results
    db.session.expire_all()
    assert states(w) == [A, L, L, L, L]
    assert len(events("cycle_reopened")) == 1


@pytest.mark.parametrize("position", [1, 2])
def test_reopen_is_refused_for_a_cycle_that_is_not_completed(world: World, position: int) -> None:
    reasons = refusal(lambda: reopen_cycle(world.cycle(position), world.leader))
    assert reasons == ["Kun et afsluttet modul kan genåbnes."]
    assert states(world) == [A, L, L, L, L]


# ---------------------------------------------------------------------------------------------
# unlock_out_of_order


@pytest.mark.parametrize("role", ["leader", "teacher"])
def test_only_puf_may_unlock_out_of_order(world: World, role: str) -> None:
    actor = world.leader if role == "leader" else world.teacher
    reasons = refusal(lambda: unlock_out_of_order(world.cycle(3), actor, "Vi vil gerne videre."))
    assert reasons == ["Kun PUF kan åbne et modul uden for rækkefølgen."]
    assert states(world) == [A, L, L, L, L]
    assert events("cycle_unlocked_override") == []


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_unlock_needs_a_reason(world: World, reason: str) -> None:
    reasons = refusal(lambda: unlock_out_of_order(world.cycle(3), world.puf, reason))
    assert reasons == ["Skriv en begrundelse for at åbne modulet."]
    assert states(world) == [A, L, L, L, L]


def test_unlock_only_a_locked_cycle(world: World) -> None:
    reasons = refusal(lambda: unlock_out_of_order(world.cycle(1), world.puf, "Fordi."))
    assert reasons == ["Modulet er ikke låst."]
    fulfil_and_complete(world.cycle(1), world)
    reasons = refusal(lambda: unlock_out_of_order(world.cycle(1), world.puf, "Fordi."))
    assert reasons == ["Modulet er ikke låst."]
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
    # Cycle 3 opened when cycle 2 completed; a completed cycle is not "the next one".
    assert opened is None or opened.position == 3
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


# ---------------------------------------------------------------------------------------------
# Recording inside a cycle


def _record_meeting(cycle: Cycle, action: Action, w: World) -> object:
    return add_session(cycle)


def _agree_action(cycle: Cycle, action: Action, w: World) -> object:
    return add_action(cycle, w)


def _update_action(cycle: Cycle, action: Action, w: World) -> object:
    update_action(
        action,
        title="Ny titel",
        what="Noget andet.",
        expectation="Noget.",
        how_notice="Vi spørger.",
        team=w.team,
        owners=[w.teacher],
        period_start=START,
        period_end=END,
    )
    return None


def _add_log_entry(cycle: Cycle, action: Action, w: World) -> object:
    return add_log_entry(
        action, author=w.teacher, happened_on=START, text="Det gik.", observation=""
    )


def _set_action_status(cycle: Cycle, action: Action, w: World) -> object:
    set_action_status(action, ActionStatus.DONE)
    return None


def _record_follow_up(cycle: Cycle, action: Action, w: World) -> object:
    return record_follow_up(action, outcome=Outcome.ADJUST, learning="Mere.", actor=w.leader)


def _save_summary(cycle: Cycle, action: Action, w: World) -> object:
    save_summary(cycle, learned="A", keep="B", next_steps="C")
    return None


def _save_local_adaptation(cycle: Cycle, action: Action, w: World) -> object:
    save_local_adaptation(cycle, notes="Vores noter", questions="Vores spørgsmål")
    return None


RECORDERS: dict[str, Callable[[Cycle, Action, World], object]] = {
    "record_meeting": _record_meeting,
    "agree_action": _agree_action,
    "update_action": _update_action,
    "add_log_entry": _add_log_entry,
    "set_action_status": _set_action_status,
    "record_follow_up": _record_follow_up,
    "save_summary": _save_summary,
    "save_local_adaptation": _save_local_adaptation,
}


def locked_cycle_with_action(w: World) -> tuple[Cycle, Action]:
    cycle = w.cycle(2)
    action = Action(title="Planlagt", what="", expectation="", how_notice="")
    cycle.actions.append(action)
    db.session.flush()
    return cycle, action


def completed_cycle_with_action(w: World) -> tuple[Cycle, Action]:
    action = fulfil(w.cycle(1), w)
    complete_cycle(w.cycle(1), w.leader)
    return w.cycle(1), action


def snapshot(cycle: Cycle) -> tuple[object, ...]:
    db.session.expire_all()
    return (
        cycle.last_activity_at,
        len(cycle.meetings),
        [
            (a.title, a.status, len(a.log_entries), a.follow_up and a.follow_up.outcome)
            for a in cycle.actions
        ],
        cycle.summary_learned,
        cycle.local_notes,
    )


@pytest.mark.parametrize("state", ["locked", "completed"])
@pytest.mark.parametrize("recorder", RECORDERS.values(), ids=RECORDERS.keys())
def test_nothing_can_be_recorded_in_a_cycle_that_is_not_open(
    world: World, recorder: Callable[[Cycle, Action, World], object], state: str
) -> None:
    make = locked_cycle_with_action if state == "locked" else completed_cycle_with_action
    cycle, action = make(world)
    before = snapshot(cycle)
    reasons = refusal(lambda: recorder(cycle, action, world))
    assert reasons == [NOT_OPEN]
    assert snapshot(cycle) == before


@pytest.mark.parametrize("recorder", RECORDERS.values(), ids=RECORDERS.keys())
def test_recording_touches_the_cycle(
    world: World, recorder: Callable[[Cycle, Action, World], object]
) -> None:
    cycle = world.cycle(1)
    action = add_action(cycle, world)
    cycle.last_activity_at = LONG_AGO
    db.session.flush()
    recorder(cycle, action, world)
    db.session.commit()
    touched = world.cycle(1).last_activity_at
    assert touched is not None and touched > LONG_AGO


def test_recording_works_in_a_cycle_unlocked_out_of_order(world: World) -> None:
    unlock_out_of_order(world.cycle(4), world.puf, "Fordi.")
    fulfil(world.cycle(4), world)


def test_record_meeting_stores_what_was_given(world: World) -> None:
    session = add_session(
        world.cycle(1), participants="  Alle  ", notes=" Noter ", facilitator=world.leader
    )
    db.session.commit()
    stored = db.session.get_one(Meeting, session.id)
    assert stored.cycle_id == world.cycle(1).id
    assert (stored.participants, stored.notes) == ("Alle", "Noter")
    assert stored.facilitator_id == world.leader.id
    assert stored.kind == MeetingKind.INPUT


def test_agree_action_stores_the_action(world: World) -> None:
    other = make_teacher(world.school)
    action = add_action(world.cycle(1), world, title="  Kaffe ", owners=[world.teacher, other])
    db.session.commit()
    stored = db.session.get_one(Action, action.id)
    assert stored.title == "Kaffe"
    assert stored.status == ActionStatus.PLANNED
    assert stored.team_id == world.team.id
    assert {u.id for u in stored.owners} == {world.teacher.id, other.id}
    assert stored.created_by_id == world.leader.id
    assert (stored.period_start, stored.period_end) == (START, END)


TEAM_AND_OWNERS = "Team og ansvarlige skal høre til skolen."


def test_agree_action_refuses_a_team_from_another_school(world: World) -> None:
    foreign = TeamFactory(school=SchoolFactory())
    reasons = refusal(lambda: add_action(world.cycle(1), world, team=foreign))
    assert reasons == [TEAM_AND_OWNERS]
    assert world.cycle(1).actions == []


def test_agree_action_refuses_an_owner_from_another_school(world: World) -> None:
    foreign = make_teacher(SchoolFactory())
    reasons = refusal(lambda: add_action(world.cycle(1), world, owners=[world.teacher, foreign]))
    assert reasons == [TEAM_AND_OWNERS]
    assert world.cycle(1).actions == []


def test_agree_action_refuses_a_period_that_ends_before_it_starts(world: World) -> None:
    reasons = refusal(lambda: add_action(world.cycle(1), world, period_start=END, period_end=START))
    assert reasons == ["Periodens slutdato ligger før startdatoen."]
    assert world.cycle(1).actions == []


def test_agree_action_allows_a_one_day_period(world: World) -> None:
    action = add_action(world.cycle(1), world, period_start=START, period_end=START)
    assert action.period_end == START


def test_update_action_refuses_what_agree_action_refuses(world: World) -> None:
    action = add_action(world.cycle(1), world)
    foreign_team = TeamFactory(school=SchoolFactory())
    foreign_owner = make_teacher(SchoolFactory())
    base: dict[str, Any] = {
        "title": "T",
        "what": "W",
        "expectation": "E",
        "how_notice": "H",
        "team": world.team,
        "owners": [world.teacher],
        "period_start": START,
        "period_end": END,
    }
    assert refusal(lambda: update_action(action, **{**base, "team": foreign_team})) == [
        TEAM_AND_OWNERS
    ]
    assert refusal(lambda: update_action(action, **{**base, "owners": [foreign_owner]})) == [
        TEAM_AND_OWNERS
    ]
    assert refusal(
        lambda: update_action(action, **{**base, "period_start": END, "period_end": START})
    ) == ["Periodens slutdato ligger før startdatoen."]
    update_action(action, **{**base, "title": " Ny ", "team": None})
    assert (action.title, action.team_id) == ("Ny", None)


@pytest.mark.parametrize("who", ["other school", "puf"])
def test_add_log_entry_refuses_an_author_from_another_school(world: World, who: str) -> None:
    author = make_teacher(SchoolFactory()) if who == "other school" else world.puf
    action = add_action(world.cycle(1), world)
    reasons = refusal(lambda: add_log(action, world, author=author))
    assert reasons == ["Du kan kun logge på din egen skoles aktioner."]
    assert action.log_entries == []
    assert action.status == ActionStatus.PLANNED


def test_a_log_entry_moves_a_planned_action_to_in_progress(world: World) -> None:
    action = add_action(world.cycle(1), world)
    assert action.status == ActionStatus.PLANNED
    add_log(action, world, text="  Det gik godt. ")
    db.session.commit()
    stored = db.session.get_one(Action, action.id)
    assert stored.status == ActionStatus.IN_PROGRESS
    (entry,) = stored.log_entries
    assert entry.text == "Det gik godt."
    assert entry.author_id == world.teacher.id


@pytest.mark.parametrize("status", [ActionStatus.DONE, ActionStatus.DROPPED])
def test_a_log_entry_leaves_other_statuses_alone(world: World, status: ActionStatus) -> None:
    action = add_action(world.cycle(1), world)
    set_action_status(action, status)
    add_log(action, world)
    assert action.status == status


def test_record_follow_up_twice_updates_the_same_follow_up(world: World) -> None:
    action = add_action(world.cycle(1), world)
    first = record_follow_up(action, outcome=Outcome.KEEP, learning="Først.", actor=world.leader)
    other_leader = make_leader(world.school)
    second = record_follow_up(
        action, outcome=Outcome.ADJUST, learning=" Siden. ", actor=other_leader
    )
    db.session.commit()
    assert second.id == first.id
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 1
    stored = db.session.get_one(Action, action.id).follow_up
    assert stored is not None
    assert (stored.outcome, stored.learning) == (Outcome.ADJUST, "Siden.")
    assert stored.recorded_by_id == other_leader.id


def test_save_summary_and_local_adaptation_strip_the_text(world: World) -> None:
    cycle = world.cycle(1)
    save_summary(cycle, learned=" L ", keep=" K ", next_steps=" N ")
    save_local_adaptation(cycle, notes=" Noter ", questions=" Spørgsmål? ")
    db.session.commit()
    stored = world.cycle(1)
    assert (stored.summary_learned, stored.summary_keep, stored.summary_next) == ("L", "K", "N")
    assert (stored.local_notes, stored.local_questions) == ("Noter", "Spørgsmål?")


# ---------------------------------------------------------------------------------------------
# lock_reason


@pytest.mark.parametrize("position", [2, 3, 5])
def test_lock_reason_names_the_previous_module(
    world: World, package: Package, position: int
) -> None:
    previous = package.module_at(position - 1)
    assert lock_reason(world.cycle(position), package) == (
        f"Åbner, når modul {position - 1} »{previous.title}« er samlet op og afsluttet."
    )


def test_lock_reason_of_the_second_module(world: World, package: Package) -> None:
    assert lock_reason(world.cycle(2), package) == (
        "Åbner, når modul 1 »Fællesskabsunderstøttende forældresamarbejde« "
        "er samlet op og afsluttet."
    )


def test_lock_reason_is_none_unless_locked(world: World, package: Package) -> None:
    assert lock_reason(world.cycle(1), package) is None
    unlock_out_of_order(world.cycle(3), world.puf, "Fordi.")
    assert lock_reason(world.cycle(3), package) is None
    fulfil_and_complete(world.cycle(1), world)
    assert lock_reason(world.cycle(1), package) is None


def test_lock_reason_of_a_locked_first_module(world: World, package: Package) -> None:
    first = world.cycle(1)
    first.state = CycleState.LOCKED
    assert lock_reason(first, package) == "Forløbet er ikke startet."
