"""Reading the state of a cycle: the stepper, what is missing, why a module is locked."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from learningpack.content import Package
from learningpack.domain.cycle import current_step, lock_reason, step_statuses, unmet_conditions
from learningpack.domain.records import save_summary
from learningpack.domain.refusals import refusal as R
from learningpack.domain.transitions import (
    unlock_out_of_order,
)
from learningpack.extensions import db
from learningpack.models import (
    ActionStatus,
    CycleState,
    MeetingKind,
    Outcome,
)
from learningpack.models import CyclePhase as P
from learningpack.output.labels import word
from tests.domain.cycle_world import (
    ALREADY_COMPLETED,
    INPUT_MISSING,
    fulfil_and_complete,
)
from tests.world import (
    World,
    add_action,
    add_follow_up,
    add_log,
    add_session,
    add_summary,
    ask,
    observe,
    reflect,
)

# ---------------------------------------------------------------------------------------------
# The derived phase: step_statuses / current_step / unmet_conditions


def test_a_fresh_cycle_is_at_the_input_step(world: World) -> None:
    cycle = world.cycle(1)
    assert current_step(cycle) == P.INPUT
    statuses = step_statuses(cycle)
    assert [s.phase for s in statuses] == [
        P.INPUT,
        P.QUESTION,
        P.ACTIONS,
        P.TRYING,
        P.REFLECTION,
        P.FOLLOW_UP,
    ]
    assert [s.number for s in statuses] == [1, 2, 3, 4, 5, 6]
    assert not any(s.done for s in statuses)
    assert statuses[0].missing == (INPUT_MISSING,)
    assert statuses[1].missing == (R("no_question"),)
    assert statuses[2].missing == (R("no_action"),)
    assert statuses[3].missing == (R("no_action_to_try"),)
    assert statuses[4].missing == (R("no_action_to_reflect_on"),)


@pytest.mark.parametrize(
    "blank", [{"participants": "   "}, {"notes": ""}, {"participants": "", "notes": " \n"}]
)
def test_a_session_without_participants_or_notes_does_not_count(
    world: World, blank: dict[str, str]
) -> None:
    cycle = world.cycle(1)
    add_session(cycle, **blank)
    assert len(cycle.meetings) == 1
    assert current_step(cycle) == P.INPUT
    assert step_statuses(cycle)[0].missing == (INPUT_MISSING,)


# The rules write through SQL (constraints, counters, transactions): on both databases.
pytestmark = pytest.mark.both_backends


def test_a_complete_session_moves_the_cycle_to_the_question_step(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle, participants="", notes="")
    add_session(cycle, kind=MeetingKind.OTHER)
    input_status = step_statuses(cycle)[0]
    assert input_status.done
    assert input_status.missing == ()
    assert current_step(cycle) == P.QUESTION


def test_a_team_question_moves_the_cycle_to_the_actions_step(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    ask(cycle, world.team, world.leader)
    assert step_statuses(cycle)[1].done
    assert current_step(cycle) == P.ACTIONS


FIELD_BLANKS: list[tuple[dict[str, Any], str]] = [
    ({"what": "  "}, "what"),
    ({"expectation": ""}, "expectation"),
    ({"how_notice": "\t"}, "how_notice"),
    ({"observer": None}, "observer"),
    ({"observation_focus": " "}, "observation_focus"),
    ({"period_start": None}, "period"),
    ({"period_end": None}, "period"),
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
    assert current_step(cycle) == P.ACTIONS
    assert step_statuses(cycle)[2].missing == (
        R("action_incomplete", title="Forældrekaffe", fields=(name,)),
    )


def test_an_action_missing_several_fields_lists_them_all(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    add_action(cycle, world, title="Tom", what="", expectation="", observer=None)
    assert step_statuses(cycle)[2].missing == (
        R("action_incomplete", title="Tom", fields=("what", "expectation", "observer")),
    )


def test_an_old_action_without_team_or_owners_lacks_a_question_and_owners(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    action = add_action(cycle, world, title="Gammel")
    action.team, action.owners = None, []
    db.session.flush()
    assert step_statuses(cycle)[2].missing == (
        R("action_incomplete", title="Gammel", fields=("question", "owners")),
    )


def test_trying_until_every_action_is_logged_by_an_owner_and_observed(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    first = add_action(cycle, world, title="Første")
    second = add_action(cycle, world, title="Anden")
    assert current_step(cycle) == P.TRYING
    assert step_statuses(cycle)[3].missing == (
        R("action_not_logged", title="Første"),
        R("action_not_observed", title="Første"),
        R("action_not_logged", title="Anden"),
        R("action_not_observed", title="Anden"),
    )
    add_log(first, world)
    observe(first)
    add_log(second, world)
    assert step_statuses(cycle)[3].missing == (R("action_not_observed", title="Anden"),)
    observe(second)
    assert current_step(cycle) == P.REFLECTION


def test_an_observation_alone_does_not_count_as_trying(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    action = add_action(cycle, world, title="Første")
    observe(action)
    assert action.status == ActionStatus.PLANNED
    assert step_statuses(cycle)[3].missing == (R("action_not_logged", title="Første"),)


def test_reflection_until_each_team_has_reflected_and_decided_on_each_action(
    world: World,
) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    first = add_action(cycle, world, title="Første")
    other = add_action(
        cycle,
        world,
        title="Anden",
        team=world.team2,
        owners=[world.teacher2],
        observer=world.teacher,
    )
    for action in (first, other):
        add_log(action, world, author=action.owners[0])
        observe(action)
    assert current_step(cycle) == P.REFLECTION
    assert step_statuses(cycle)[4].missing == (
        R("reflection_missing", team="Indskolingen"),
        R("reflection_missing", team="Udskolingen"),
    )
    reflect(cycle, world.team, world.leader)
    reflect(cycle, world.team2, world.leader, decisions={})
    assert step_statuses(cycle)[4].missing == (R("decision_missing", title="Anden"),)
    reflect(cycle, world.team2, world.leader, decisions={other.id: Outcome.STOP})
    assert other.status == ActionStatus.DROPPED
    assert current_step(cycle) == P.FOLLOW_UP


def test_follow_up_until_every_action_has_one_and_the_summary_is_filled(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    kept = add_action(cycle, world, title="Første")
    dropped = add_action(cycle, world, title="Anden")
    add_log(kept, world)
    observe(kept)
    reflect(cycle, world.team, world.leader, {kept.id: Outcome.KEEP, dropped.id: Outcome.STOP})
    # An action stopped in the reflection needs no log entry, but it still needs a follow-up.
    assert current_step(cycle) == P.FOLLOW_UP
    assert step_statuses(cycle)[5].missing == (
        R("follow_up_missing", title="Første"),
        R("follow_up_missing", title="Anden"),
        R("summary_missing", field="learned"),
        R("summary_missing", field="keep"),
        R("summary_missing", field="next"),
    )
    add_follow_up(kept, world)
    assert R("follow_up_missing", title="Anden") in step_statuses(cycle)[5].missing
    add_follow_up(dropped, world, Outcome.STOP)
    save_summary(cycle, learned="Noget.", keep=" ", next_steps="")
    assert step_statuses(cycle)[5].missing == (
        R("summary_missing", field="keep"),
        R("summary_missing", field="next"),
    )
    assert current_step(cycle) == P.FOLLOW_UP
    add_summary(cycle)
    assert all(s.done for s in step_statuses(cycle))
    assert current_step(cycle) is None
    assert unmet_conditions(cycle) == []
    assert (kept.status, dropped.status) == (ActionStatus.DONE, ActionStatus.DROPPED)
    assert cycle.done_action_count == 1


def test_the_status_follows_the_records(world: World) -> None:
    cycle = world.cycle(1)
    add_session(cycle)
    action = add_action(cycle, world)
    assert action.status == ActionStatus.PLANNED
    add_log(action, world)
    assert action.status == ActionStatus.IN_PROGRESS
    observe(action)
    reflect(cycle, world.team, world.leader, {action.id: Outcome.ADJUST})
    assert action.status == ActionStatus.IN_PROGRESS
    add_follow_up(action, world, Outcome.ADJUST)
    assert action.status == ActionStatus.DONE
    add_follow_up(action, world, Outcome.STOP)
    assert action.status == ActionStatus.DROPPED


def test_unmet_conditions_of_locked_and_completed_cycles(world: World) -> None:
    assert unmet_conditions(world.cycle(2)) == [R("locked_cannot_complete")]
    fulfil_and_complete(world.cycle(1), world)
    assert unmet_conditions(world.cycle(1)) == [ALREADY_COMPLETED]


# ---------------------------------------------------------------------------------------------
# lock_reason


@pytest.mark.parametrize("position", [2, 3, 5])
def test_lock_reason_names_the_previous_module(
    world: World, package: Package, position: int
) -> None:
    previous = package.module_at(position - 1)
    assert lock_reason(world.cycle(position), package) == R(
        "waits_for", pos=position - 1, title=previous.title
    )


def test_lock_reason_of_the_second_module_is_worded_in_danish(
    app: Flask, world: World, package: Package
) -> None:
    reason = lock_reason(world.cycle(2), package)
    assert reason is not None
    with app.test_request_context():
        worded = word(reason)
    assert worded == (
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
    assert lock_reason(first, package) == R("run_not_started")
