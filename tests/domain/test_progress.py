"""The progress columns on each cycle: kept by cycle.py on write, rebuilt in bulk by SQL.

The overview across all schools trusts these columns, so they must always say what the stepper
says. Three ways compute them (cycle.py per write, progress.rebuild in bulk, the 0006 migration
for existing rows); these tests make them agree on the same data.
"""

from __future__ import annotations

import importlib.util
import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, text

from learningpack.config import PROJECT_ROOT
from learningpack.content import Package
from learningpack.domain.corrections import delete_record
from learningpack.domain.cycle import phase_of
from learningpack.domain.learning import save_question
from learningpack.domain.progress import rebuild
from learningpack.domain.record_audit import cycle_of
from learningpack.domain.records import _touch, update_action
from learningpack.domain.refusals import CycleRefused
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    CyclePhase,
    CycleState,
    FollowUp,
    LogEntry,
    Meeting,
    Outcome,
    Role,
    User,
)
from tests.world import (
    END,
    START,
    add_action,
    add_follow_up,
    add_log,
    add_session,
    add_summary,
    make_world,
    observe,
    reflect,
)

# The progress rebuild is SQL: on both databases.
pytestmark = pytest.mark.both_backends

COLUMNS = (
    "phase",
    "meeting_count",
    "action_count",
    "done_action_count",
    "log_entry_count",
    "follow_up_count",
    "newest_learning_at",
)


def snapshot() -> dict[int, tuple[Any, ...]]:
    db.session.expire_all()
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.id))
    columns = {c.id: tuple(getattr(c, name) for name in COLUMNS) for c in cycles}
    statuses = db.session.execute(select(Action.id, Action.status).order_by(Action.id)).all()
    return {**columns, 0: tuple(tuple(row) for row in statuses)}


def expected_phase(cycle: Cycle) -> CyclePhase:
    return phase_of(cycle)


def test_a_new_run_starts_every_cycle_at_input_with_zero_counts(package: Package) -> None:
    w = make_world(package)
    for cycle in w.run.cycles:
        assert (cycle.phase, cycle.meeting_count, cycle.action_count) == (CyclePhase.INPUT, 0, 0)


def test_each_recording_moves_the_phase_and_the_counts(package: Package) -> None:
    w = make_world(package)
    cycle = w.cycle(1)
    add_session(cycle)
    assert (cycle.phase, cycle.meeting_count) == (CyclePhase.QUESTION, 1)
    save_question(cycle, team=w.team, question="Hvorfor?", baseline="", actor=w.leader)
    assert cycle.phase == CyclePhase.ACTIONS

    action = add_action(cycle, w, what="")
    assert (cycle.phase, cycle.action_count) == (CyclePhase.ACTIONS, 1)
    update_action(
        action,
        title=action.title,
        what="Forældrekaffe hver fredag.",
        expectation=action.expectation,
        how_notice=action.how_notice,
        team=w.team,
        owners=[w.teacher],
        observer=w.teacher2,
        observation_focus="Hvem svarer?",
        period_start=START,
        period_end=END,
    )
    assert cycle.phase == CyclePhase.TRYING

    add_log(action, w)
    assert (cycle.phase, cycle.log_entry_count) == (CyclePhase.TRYING, 1)
    observe(action)
    assert (cycle.phase, cycle.log_entry_count) == (CyclePhase.REFLECTION, 2)
    reflect(cycle, w.team, w.leader)
    assert cycle.phase == CyclePhase.FOLLOW_UP
    add_follow_up(action, w)
    assert (cycle.phase, cycle.follow_up_count, cycle.done_action_count) == (
        CyclePhase.FOLLOW_UP,
        1,
        1,
    )
    add_summary(cycle)
    assert cycle.phase == CyclePhase.READY
    assert snapshot()[cycle.id][:6] == (CyclePhase.READY, 1, 1, 1, 2, 1)


def random_history(package: Package, seed: int, schools: int = 8) -> None:
    """Several schools, each with a random mix of what can be recorded in its open module.

    Each gap is rare enough that every phase turns up across a few seeds (a test checks that).
    """
    rng = random.Random(seed)

    def sometimes(p: float, rare: Any, usual: Any) -> Any:
        return rare if rng.random() < p else usual

    for _ in range(schools):
        w = make_world(package)
        cycle = w.cycle(1)
        if rng.random() < 0.85:
            add_session(cycle, notes=sometimes(0.15, "", "Drøftelse i teams."))
        if rng.random() < 0.9:
            save_question(cycle, team=w.team, question="Hvorfor?", baseline="", actor=w.leader)
        actions = []
        for _ in range(rng.randint(0, 3) if cycle.questions else 0):
            action = add_action(
                cycle,
                w,
                what=sometimes(0.07, "", "Forældrekaffe."),
                observer=sometimes(0.1, None, w.teacher2),
                period_end=sometimes(0.07, None, END),
            )
            actions.append(action)
            for _ in range(sometimes(0.2, 0, rng.randint(1, 2))):
                add_log(action, w, happened_on=START + timedelta(days=rng.randint(0, 30)))
            if action.observer is not None and rng.random() < 0.85:
                observe(action)
        if actions and rng.random() < 0.8:
            reflect(
                cycle,
                w.team,
                w.leader,
                {a.id: rng.choice(list(Outcome)) for a in actions if rng.random() < 0.9},
            )
        for action in actions:
            if rng.random() < 0.75:
                add_follow_up(action, w, rng.choice(list(Outcome)))
        if rng.random() < 0.7:
            add_summary(cycle)
        assert cycle.phase == expected_phase(cycle)
    db.session.commit()


SEEDS = range(5)


def test_the_random_histories_reach_every_phase(package: Package) -> None:
    for seed in SEEDS:
        random_history(package, seed)
    phases = {row[0] for key, row in snapshot().items() if key}
    assert phases == set(CyclePhase)


@pytest.mark.parametrize("seed", SEEDS)
def test_bulk_rebuild_agrees_with_the_per_write_columns(package: Package, seed: int) -> None:
    random_history(package, seed)
    kept = snapshot()
    db.session.execute(
        text("UPDATE cycle SET phase = 'ready', session_count = 99, action_count = 99")
    )
    db.session.execute(text("UPDATE action SET status = 'dropped'"))
    assert rebuild() == len(kept) - 1
    assert snapshot() == kept


@pytest.mark.parametrize("seed", SEEDS)
def test_bulk_rebuild_leaves_out_deleted_records(package: Package, seed: int) -> None:
    """A deleted meeting, action (with its logs and follow-up) or follow-up is gone from the
    counts and the newest learning, whether kept per write or rebuilt in bulk."""
    random_history(package, seed)
    rng = random.Random(seed)
    deleted = 0
    for kind in (Meeting, Action, FollowUp, LogEntry):
        rows = list(db.session.scalars(select(kind).order_by(kind.id)))
        for found in rng.sample(rows, min(3, len(rows))):
            school_id = cycle_of(found).run.school_id
            leader = db.session.scalars(
                select(User).where(User.role == Role.LEADER, User.school_id == school_id)
            ).first()
            actor = found.author if isinstance(found, LogEntry) else leader
            if actor is not None and found.deleted_at is None:
                try:
                    delete_record(found, actor=actor)
                    deleted += 1
                except CycleRefused:  # an action with a second round
                    db.session.rollback()
    db.session.commit()
    kept = snapshot()
    assert deleted >= 4
    db.session.execute(text("UPDATE cycle SET session_count = 99, follow_up_count = 99"))
    db.session.execute(text("UPDATE cycle SET newest_learning_at = NULL"))
    rebuild()
    assert snapshot() == kept


def load_migration(name: str) -> Any:
    path = PROJECT_ROOT / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", SEEDS)
def test_the_migration_fills_existing_rows_as_the_app_would(package: Package, seed: int) -> None:
    random_history(package, seed)
    kept = snapshot()
    db.session.execute(text("UPDATE cycle SET phase = 'input', session_count = 0"))
    db.session.execute(text("UPDATE action SET status = 'planned'"))
    migration = load_migration("0006_action_learning")
    db.session.execute(text(migration.STATUS))
    db.session.execute(text(migration.FILL))
    assert snapshot() == kept


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_migration_0025_fills_the_newest_learning_as_the_app_would(
    package: Package, seed: int
) -> None:
    random_history(package, seed)
    for follow_up in db.session.scalars(select(FollowUp).order_by(FollowUp.id).limit(2)):
        follow_up.learning = ""  # learnings the app once let be empty: no newest learning
        _touch(follow_up.action.cycle)
    db.session.commit()
    kept = snapshot()
    assert any(row[6] for key, row in kept.items() if key)
    db.session.execute(text("UPDATE cycle SET newest_learning_at = NULL"))
    db.session.execute(text(load_migration("0025_cycle_newest_learning").FILL))
    assert snapshot() == kept


def test_rebuild_of_chosen_cycles_leaves_the_others(package: Package) -> None:
    w = make_world(package)
    first, second = w.cycle(1), w.cycle(2)
    add_session(first)
    db.session.commit()
    db.session.execute(text("UPDATE cycle SET session_count = 7"))
    assert rebuild([first.id]) == 1
    counts = snapshot()
    assert counts[first.id][1] == 1 and counts[second.id][1] == 7


def test_locked_and_completed_cycles_keep_their_columns(package: Package) -> None:
    w = make_world(package)
    assert w.cycle(2).state == CycleState.LOCKED
    assert snapshot()[w.cycle(2).id][0] == CyclePhase.INPUT


def test_keeping_the_columns_costs_the_same_number_of_queries_however_many_actions(
    package: Package,
) -> None:
    def queries_for_one_log(actions: int) -> int:
        w = make_world(package)
        cycle = w.cycle(1)
        created = [add_action(cycle, w) for _ in range(actions)]
        for action in created:
            add_log(action, w)
        db.session.commit()
        db.session.expire_all()
        action = db.session.get(type(created[0]), created[-1].id)
        assert action is not None
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            add_log(action, w)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    assert queries_for_one_log(2) == queries_for_one_log(12)
