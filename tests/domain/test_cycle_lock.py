"""Every write in a cycle and every transition serialise on the cycle row (issue 16, item 1).

Each race runs on PostgreSQL with two real connections: both sides read (and pass their checks)
before a barrier, then write. Without the lock both writes land and the cycle's rules break.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from learningpack.content import Package
from learningpack.domain.cycle import ensure_open, reopen_refusals, unmet_conditions
from learningpack.domain.cycle_lock import lock_cycle
from learningpack.domain.refusals import CycleRefused
from learningpack.domain.transitions import complete_cycle, reopen_cycle, start_run
from learningpack.extensions import db
from learningpack.models import Cycle, CycleState, Run, Team, User
from tests.domain.cycle_world import A, C, L, fulfil, states
from tests.factories import SchoolFactory, make_leader
from tests.helpers import run_in_threads
from tests.world import World, add_action, add_session, make_world

pytestmark = pytest.mark.postgres


def _wait_until_blocked(pid: list[int], done: threading.Event) -> None:
    """Wait until the other connection waits for one of our locks, or has finished."""
    deadline = time.monotonic() + 10
    blocked = text("SELECT pg_backend_pid() = ANY(pg_blocking_pids(:pid))")
    while not done.is_set() and not (pid and db.session.scalar(blocked, {"pid": pid[0]})):
        if time.monotonic() > deadline:  # pragma: no cover - a hung race
            raise AssertionError("the other side neither waited nor finished")
        time.sleep(0.02)


def mine(w: World, ids: tuple[int, int, int]) -> World:
    """The world with its leader, teacher and team loaded in this thread's own session."""
    leader, teacher = (db.session.get_one(User, i) for i in ids[:2])
    return replace(w, leader=leader, teacher=teacher, team=db.session.get_one(Team, ids[2]))


def _ready_to_complete(package: Package) -> tuple[World, int, int]:
    w = make_world(package)
    fulfil(w.cycle(1), w)
    ids = (w.cycle(1).id, w.leader.id)
    db.session.commit()
    return (w, *ids)


@pytest.mark.parametrize("first", ["complete", "add action"])
def test_completing_and_adding_an_action_at_once_never_leaves_an_unfinished_action(
    app: Flask, backend: str, package: Package, first: str
) -> None:
    w, cycle_id, leader_id = _ready_to_complete(package)
    people = (w.leader.id, w.teacher.id, w.team.id)
    barrier = threading.Barrier(2)
    went_first = threading.Event()
    pids: dict[str, list[int]] = {"complete": [], "add action": []}
    finished = {"complete": threading.Event(), "add action": threading.Event()}

    def side(name: str, write: Callable[[Cycle, User], object]) -> Callable[[], str]:
        def target() -> str:
            cycle, actor = db.session.get_one(Cycle, cycle_id), db.session.get_one(User, leader_id)
            pids[name].append(db.session.scalar(text("SELECT pg_backend_pid()")))
            assert unmet_conditions(cycle) == []  # both read the cycle open and ready
            barrier.wait(timeout=10)
            if name != first and not went_first.wait(10):  # pragma: no cover
                raise AssertionError("the first side never wrote")
            try:
                write(cycle, actor)
                if name == first:
                    went_first.set()
                    other = "add action" if name == "complete" else "complete"
                    _wait_until_blocked(pids[other], finished[other])
                db.session.commit()
            finally:
                went_first.set()
                finished[name].set()
            return name

        return target

    results = run_in_threads(
        app,
        {
            "complete": side("complete", lambda cycle, actor: complete_cycle(cycle, actor)),
            "add action": side(
                "add action", lambda cycle, actor: add_action(cycle, mine(w, people), observer=None)
            ),
        },
    )
    assert [r for r in results.values() if isinstance(r, CycleRefused)], results
    db.session.expire_all()
    first_cycle = w.cycle(1)
    if first_cycle.state == CycleState.COMPLETED:
        assert len(first_cycle.actions) == 1
        assert states(w) == [C, A, L, L, L]
    else:
        assert len(first_cycle.actions) == 2
        assert states(w) == [A, L, L, L, L]
        assert unmet_conditions(first_cycle) != []


@pytest.mark.parametrize("first", ["reopen", "meeting"])
def test_reopening_and_recording_in_the_next_module_at_once_keep_the_rules(
    app: Flask, backend: str, package: Package, first: str
) -> None:
    w, cycle_id, leader_id = _ready_to_complete(package)
    complete_cycle(w.cycle(1), w.leader)
    second_id = w.cycle(2).id
    db.session.commit()
    barrier = threading.Barrier(2)
    went_first = threading.Event()
    pids: dict[str, list[int]] = {"reopen": [], "meeting": []}
    finished = {"reopen": threading.Event(), "meeting": threading.Event()}

    def reopen() -> None:
        reopen_cycle(db.session.get_one(Cycle, cycle_id), db.session.get_one(User, leader_id))

    def meeting() -> None:
        add_session(db.session.get_one(Cycle, second_id))

    def side(name: str, write: Callable[[], object]) -> Callable[[], str]:
        def target() -> str:
            first_cycle, second = (db.session.get_one(Cycle, i) for i in (cycle_id, second_id))
            pids[name].append(db.session.scalar(text("SELECT pg_backend_pid()")))
            assert reopen_refusals(first_cycle) == []  # both read: reopening is allowed,
            ensure_open(second)  # and the next module is open for recording
            barrier.wait(timeout=10)
            if name != first and not went_first.wait(10):  # pragma: no cover
                raise AssertionError("the first side never wrote")
            try:
                write()
                if name == first:
                    went_first.set()
                    other = "meeting" if name == "reopen" else "reopen"
                    _wait_until_blocked(pids[other], finished[other])
                db.session.commit()
            finally:
                went_first.set()
                finished[name].set()
            return name

        return target

    results = run_in_threads(
        app, {"reopen": side("reopen", reopen), "meeting": side("meeting", meeting)}
    )
    refused = [r for r in results.values() if isinstance(r, CycleRefused)]
    assert len(refused) == 1, results
    db.session.expire_all()
    second = db.session.get_one(Cycle, second_id)
    if first == "reopen":
        assert refused[0].codes == ["not_open"]
        assert states(w) == [A, L, L, L, L]
        assert second.meetings == []
    else:
        assert refused[0].codes in (["next_has_records"], ["next_got_records"])
        assert states(w) == [C, A, L, L, L]
        assert len(second.meetings) == 1


def test_two_starts_at_once_make_one_unfinished_run(
    app: Flask, backend: str, package: Package
) -> None:
    school = SchoolFactory()
    leader_ids = (make_leader(school).id, make_leader(school).id)
    school_id = school.id
    db.session.commit()
    barrier = threading.Barrier(2)
    a_started = threading.Event()
    b_pid: list[int] = []
    b_done = threading.Event()

    def a() -> str:
        barrier.wait(timeout=10)
        start_run(school_id, package, "2026/27", db.session.get_one(User, leader_ids[0]))
        a_started.set()
        _wait_until_blocked(b_pid, b_done)
        db.session.commit()
        return "started"

    def b() -> str:
        b_pid.append(db.session.scalar(text("SELECT pg_backend_pid()")))
        barrier.wait(timeout=10)
        try:
            if not a_started.wait(10):  # pragma: no cover
                raise AssertionError("A never started")
            start_run(school_id, package, "2026/27 B", db.session.get_one(User, leader_ids[1]))
            db.session.commit()
        finally:
            b_done.set()
        return "started"

    results = run_in_threads(app, {"A": a, "B": b})
    assert results["A"] == "started"
    assert isinstance(results["B"], CycleRefused) and results["B"].codes == ["run_in_progress"]
    unfinished = select(func.count()).select_from(Run).where(Run.completed_at.is_(None))
    assert db.session.scalar(unfinished) == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_the_database_refuses_a_second_unfinished_run(
    app: Flask, backend: str, package: Package
) -> None:
    """The partial unique index holds even for a write that skips ``start_run``'s check."""
    w = make_world(package)
    db.session.add(Run(school_id=w.school.id, package_slug=package.slug, year_label="Anden"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_lock_cycle_reloads_what_another_connection_committed(
    app: Flask, backend: str, package: Package
) -> None:
    w = make_world(package)
    db.session.commit()
    cycle = w.cycle(1)
    assert cycle.meeting_count == 0
    with db.engine.begin() as other:
        other.execute(text("UPDATE cycle SET session_count = 7 WHERE id = :id"), {"id": cycle.id})
    assert lock_cycle(cycle) is cycle
    assert cycle.meeting_count == 7
    db.session.rollback()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_conditional_updates_stay_a_second_guard(
    app: Flask, backend: str, package: Package, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind the lock, the state changes are still conditional: a check that (wrongly) lets a
    transition through changes no row and is refused."""
    w = make_world(package)
    monkeypatch.setattr("learningpack.domain.transitions.unmet_conditions", lambda cycle: [])
    with pytest.raises(CycleRefused) as completed:
        complete_cycle(w.cycle(2), w.leader)  # locked, not active: no row changes
    assert completed.value.codes == ["already_completed"]
    monkeypatch.setattr("learningpack.domain.transitions.reopen_refusals", lambda cycle: [])
    with pytest.raises(CycleRefused) as reopened:
        reopen_cycle(w.cycle(1), w.leader)  # active, not completed
    assert reopened.value.codes == ["already_reopened"]
    db.session.rollback()
