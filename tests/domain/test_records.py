"""Recording inside an open cycle: every write, its refusals and its progress columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from learningpack.domain.learning import record_reflection, save_question
from learningpack.domain.records import (
    add_log_entry,
    record_follow_up,
    save_local_adaptation,
    save_summary,
    update_action,
)
from learningpack.domain.refusals import refusal as R
from learningpack.domain.teams import save_team
from learningpack.domain.transitions import (
    complete_cycle,
    unlock_out_of_order,
)
from learningpack.extensions import db
from learningpack.models import (
    Action,
    ActionStatus,
    Cycle,
    CyclePhase,
    CycleState,
    FollowUp,
    LogKind,
    Meeting,
    MeetingKind,
    Outcome,
)
from tests.domain.cycle_world import (
    LONG_AGO,
    NOT_OPEN,
    fulfil,
    refusal,
)
from tests.factories import SchoolFactory, TeamFactory, make_leader, make_teacher
from tests.world import (
    END,
    START,
    World,
    add_action,
    add_log,
    add_session,
)

# The rules write through SQL (constraints, counters, transactions): on both databases.
pytestmark = pytest.mark.both_backends

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
        observer=w.teacher2,
        observation_focus="Hvem svarer?",
        period_start=START,
        period_end=END,
    )
    return None


def _add_log_entry(cycle: Cycle, action: Action, w: World) -> object:
    return add_log_entry(
        action, author=w.teacher, happened_on=START, text="Det gik.", observation=""
    )


def _save_question(cycle: Cycle, action: Action, w: World) -> object:
    return save_question(cycle, team=w.team2, question="Hvorfor?", baseline="", actor=w.leader)


def _record_reflection(cycle: Cycle, action: Action, w: World) -> object:
    return record_reflection(
        cycle,
        team=w.team,
        held_on=END,
        participants="Teamet",
        seen="Det gik.",
        fit="Som ventet.",
        change="Intet.",
        decisions={},
        actor=w.leader,
    )


def _record_follow_up(cycle: Cycle, action: Action, w: World) -> object:
    return record_follow_up(
        action, outcome=Outcome.ADJUST, learning="Mere.", fit="Som ventet.", actor=w.leader
    )


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
    "save_question": _save_question,
    "record_reflection": _record_reflection,
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
    action = fulfil(world.cycle(4), world)
    fourth = world.cycle(4)
    assert action.cycle_id == fourth.id and fourth.state == CycleState.ACTIVE
    assert (fourth.meeting_count, fourth.action_count, fourth.follow_up_count) == (1, 1, 1)
    assert fourth.phase == CyclePhase.READY


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


TEAM_AND_OWNERS = R("foreign_team_or_owner")


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
    assert reasons == [R("period_reversed")]
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
        "observer": world.teacher2,
        "observation_focus": "F",
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
    ) == [R("period_reversed")]
    assert refusal(lambda: update_action(action, **{**base, "team": None})) == [
        R("no_team_question")
    ]
    assert refusal(lambda: update_action(action, **{**base, "team": world.team2})) == [
        R("no_team_question")
    ]
    assert refusal(lambda: update_action(action, **{**base, "observer": world.teacher})) == [
        R("observer_is_owner")
    ]
    update_action(action, **{**base, "title": " Ny ", "observation_focus": " Fokus "})
    assert (action.title, action.observation_focus) == ("Ny", "Fokus")


@pytest.mark.parametrize("who", ["other school", "puf"])
def test_add_log_entry_refuses_an_author_from_another_school(world: World, who: str) -> None:
    author = make_teacher(SchoolFactory()) if who == "other school" else world.puf
    action = add_action(world.cycle(1), world)
    reasons = refusal(lambda: add_log(action, world, author=author))
    assert reasons == [R("foreign_author")]
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


def test_the_observers_entry_is_an_observation_and_the_owners_what_they_did(
    world: World,
) -> None:
    action = add_action(world.cycle(1), world)
    add_log(action, world, author=world.teacher2)
    assert [e.kind for e in action.log_entries] == [LogKind.OBSERVATION]
    assert action.status == ActionStatus.PLANNED
    add_log(action, world)
    assert {e.kind for e in action.log_entries} == {LogKind.OBSERVATION, LogKind.DID}
    assert action.status == ActionStatus.IN_PROGRESS


def test_a_follow_up_needs_how_what_we_saw_fits_what_we_expected(world: World) -> None:
    action = add_action(world.cycle(1), world)
    reasons = refusal(
        lambda: record_follow_up(
            action, outcome=Outcome.KEEP, learning="Noget.", fit=" ", actor=world.leader
        )
    )
    assert reasons == [R("fit_missing")]
    assert action.follow_up is None


def test_record_follow_up_twice_updates_the_same_follow_up(world: World) -> None:
    action = add_action(world.cycle(1), world)
    first = record_follow_up(
        action, outcome=Outcome.KEEP, learning="Først.", fit="Ja.", actor=world.leader
    )
    other_leader = make_leader(world.school)
    second = record_follow_up(
        action, outcome=Outcome.ADJUST, learning=" Siden. ", fit=" Nej. ", actor=other_leader
    )
    db.session.commit()
    assert second.id == first.id
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 1
    stored = db.session.get_one(Action, action.id).follow_up
    assert stored is not None
    assert (stored.outcome, stored.learning, stored.fit) == (Outcome.ADJUST, "Siden.", "Nej.")
    assert stored.recorded_by_id == other_leader.id


def test_save_summary_and_local_adaptation_strip_the_text(world: World) -> None:
    cycle = world.cycle(1)
    save_summary(cycle, learned=" L ", keep=" K ", next_steps=" N ")
    save_local_adaptation(cycle, notes=" Noter ", questions=" Spørgsmål? ")
    db.session.commit()
    stored = world.cycle(1)
    assert (stored.summary_learned, stored.summary_keep, stored.summary_next) == ("L", "K", "N")
    assert (stored.local_notes, stored.local_questions) == ("Noter", "Spørgsmål?")


CPR = "Eleven 010203-1234 havde en god dag."
CPR_WRITES: dict[str, Callable[[Cycle, Action, World], object]] = {
    "meeting notes": lambda cycle, action, w: add_session(cycle, notes=CPR),
    "action what": lambda cycle, action, w: add_action(cycle, w, what=CPR),
    "log entry": lambda cycle, action, w: add_log(action, w, observation=CPR),
    "follow-up": lambda cycle, action, w: record_follow_up(
        action, outcome=Outcome.KEEP, learning=CPR, fit="Ja.", actor=w.leader
    ),
    "question": lambda cycle, action, w: save_question(
        cycle, team=w.team, question="Hvorfor?", baseline=CPR, actor=w.leader
    ),
    "summary": lambda cycle, action, w: save_summary(cycle, learned="A", keep=CPR, next_steps=""),
    "adaptation": lambda cycle, action, w: save_local_adaptation(cycle, notes="", questions=CPR),
    "team name": lambda cycle, action, w: save_team(
        w.school.id, None, name=CPR, member_ids=[], actor=w.leader
    ),
}


@pytest.mark.parametrize("write", CPR_WRITES.values(), ids=CPR_WRITES.keys())
def test_a_domain_write_with_a_cpr_number_is_refused_without_any_form(
    world: World, write: Callable[[Cycle, Action, World], object]
) -> None:
    cycle = world.cycle(1)
    action = add_action(cycle, world)
    before = snapshot(cycle)
    reasons = refusal(lambda: write(cycle, action, world))
    assert [r.code for r in reasons] == ["personal_data"]
    assert snapshot(cycle) == before
