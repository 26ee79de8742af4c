"""The team's question, its reflection and a second round: the rules and their refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from learningpack.domain.learning import record_reflection, save_question, start_second_round
from learningpack.domain.records import agree_action
from learningpack.domain.refusals import refusal as R
from learningpack.domain.transitions import complete_cycle
from learningpack.models import Action, ActionStatus, CyclePhase, Outcome
from tests.domain.cycle_world import NOT_OPEN, refusal
from tests.factories import SchoolFactory, TeamFactory
from tests.world import (
    END,
    START,
    World,
    add_action,
    add_follow_up,
    add_log,
    add_session,
    add_summary,
    observe,
    reflect,
)

pytestmark = pytest.mark.both_backends


def test_a_question_is_stored_per_team_and_revised_in_place(world: World) -> None:
    cycle = world.cycle(1)
    first = save_question(
        cycle, team=world.team, question=" Hvorfor? ", baseline=" 3 af 24 ", actor=world.leader
    )
    again = save_question(
        cycle, team=world.team, question="Hvordan?", baseline="", actor=world.leader
    )
    assert first is again
    assert (again.question, again.baseline) == ("Hvordan?", "")
    assert cycle.question_of(world.team.id) is again
    assert cycle.question_of(world.team2.id) is None


def test_a_question_is_refused_when_empty_foreign_or_closed(world: World) -> None:
    cycle = world.cycle(1)

    def ask(**kw: object) -> object:
        values = {"team": world.team, "question": "Hvorfor?", "baseline": "", "actor": world.leader}
        values.update(kw)
        return save_question(cycle, **values)  # type: ignore[arg-type]

    assert refusal(lambda: ask(question="  ")) == [R("question_missing")]
    foreign = TeamFactory(school=SchoolFactory())
    assert refusal(lambda: ask(team=foreign)) == [R("foreign_team_or_owner")]
    assert refusal(
        lambda: save_question(
            world.cycle(2), team=world.team, question="Q", baseline="", actor=world.leader
        )
    ) == [NOT_OPEN]


def test_a_team_without_a_question_cannot_have_actions_agreed(world: World) -> None:
    cycle = world.cycle(1)

    def agree(team: object) -> object:
        return agree_action(
            cycle,
            actor=world.leader,
            title="T",
            what="W",
            expectation="E",
            how_notice="H",
            team=team,  # type: ignore[arg-type]
            owners=[world.teacher2],
            observer=world.leader,
            observation_focus="F",
            period_start=START,
            period_end=END,
        )

    assert refusal(lambda: agree(world.team2)) == [R("no_team_question")]
    assert refusal(lambda: agree(None)) == [R("no_team_question")]
    assert cycle.actions == []


def test_the_observer_is_a_colleague_at_the_school_who_is_not_an_owner(world: World) -> None:
    cycle = world.cycle(1)
    assert refusal(lambda: add_action(cycle, world, observer=world.teacher)) == [
        R("observer_is_owner")
    ]
    assert refusal(lambda: add_action(cycle, world, observer=world.other_teacher)) == [
        R("foreign_team_or_owner")
    ]


def _tried(world: World) -> Action:
    cycle = world.cycle(1)
    add_session(cycle)
    action = add_action(cycle, world)
    add_log(action, world)
    observe(action)
    return action


def test_a_reflection_records_the_answers_and_a_decision_per_action(world: World) -> None:
    action = _tried(world)
    cycle = action.cycle
    reflect(cycle, world.team, world.leader, {action.id: Outcome.ADJUST})
    found = cycle.reflection_of(world.team.id)
    assert found is not None
    assert (found.held_on, found.fit) == (END, "Lidt flere svar end forventet.")
    assert action.reflection_decision == Outcome.ADJUST
    assert cycle.phase == CyclePhase.FOLLOW_UP
    reflect(cycle, world.team, world.leader, {})
    assert action.reflection_decision == Outcome.ADJUST
    assert len(cycle.reflections) == 1


def test_a_reflection_is_refused_for_a_team_without_actions_or_foreign_actions(
    world: World,
) -> None:
    action = _tried(world)
    cycle = action.cycle

    def reflect_on(team: object, decisions: dict[int, Outcome]) -> object:
        return record_reflection(
            cycle,
            team=team,  # type: ignore[arg-type]
            held_on=END,
            participants="Alle",
            seen="S",
            fit="F",
            change="C",
            decisions=decisions,
            actor=world.leader,
        )

    assert refusal(lambda: reflect_on(world.team2, {})) == [R("no_team_actions")]
    assert refusal(lambda: reflect_on(world.team, {action.id + 99: Outcome.KEEP})) == [
        R("decision_foreign_action")
    ]


def _second(action: Action, world: World, **kw: object) -> Action:
    values: dict[str, object] = {
        "actor": world.leader,
        "title": "Kaffe, anden runde",
        "what": "Kaffe om torsdagen.",
        "expectation": "Flere kommer.",
        "how_notice": "Vi tæller.",
        "observation_focus": "Hvem kommer?",
        "period_start": END + timedelta(days=1),
        "period_end": END + timedelta(days=20),
    }
    values.update(kw)
    return start_second_round(action, **values)  # type: ignore[arg-type]


def test_adjust_starts_a_second_round_linked_to_the_first(world: World) -> None:
    action = _tried(world)
    cycle = action.cycle
    assert refusal(lambda: _second(action, world)) == [R("second_round_needs_adjust")]
    reflect(cycle, world.team, world.leader, {action.id: Outcome.ADJUST})
    assert refusal(lambda: _second(action, world, period_start=END, period_end=START)) == [
        R("period_reversed")
    ]
    second = _second(action, world)
    assert second.parent is action and action.second_rounds == [second]
    assert (second.team, second.owners, second.observer) == (
        action.team,
        action.owners,
        action.observer,
    )
    assert second.cycle is cycle and second.status == ActionStatus.PLANNED
    assert cycle.phase == CyclePhase.TRYING
    assert refusal(lambda: _second(action, world)) == [R("second_round_exists")]
    # The second round is tried, observed and reflected on like the first; then completion.
    add_log(second, world)
    observe(second)
    assert cycle.phase == CyclePhase.REFLECTION
    reflect(cycle, world.team, world.leader, {second.id: Outcome.KEEP})
    add_follow_up(action, world, Outcome.ADJUST)
    add_follow_up(second, world)
    add_summary(cycle)
    assert complete_cycle(cycle, world.leader) is not None
    assert cycle.done_action_count == 2


def test_a_team_reflects_only_where_it_has_stated_its_question(world: World) -> None:
    """An action migrated from before the questions (no question for its team) keeps working,
    but the team states its question before it reflects."""
    action = _tried(world)
    cycle = action.cycle
    found = cycle.question_of(world.team.id)
    cycle.questions.remove(found)  # type: ignore[arg-type]
    assert refusal(lambda: reflect(cycle, world.team, world.leader)) == [R("no_team_question")]
