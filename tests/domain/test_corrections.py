"""Correcting and deleting recorded records: who may, only while the module is open, hidden
from every read at once, progress recomputed, audited without the text, purged later."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learningpack.domain.corrections import (
    delete_record,
    edit_action_text,
    edit_log_entry,
    edit_meeting,
    purge_deleted,
)
from learningpack.domain.learning import save_question
from learningpack.domain.records import add_log_entry, record_follow_up
from learningpack.domain.refusals import refusal as R
from learningpack.domain.transitions import complete_cycle
from learningpack.extensions import db
from learningpack.models import (
    Action,
    AuditEvent,
    Cycle,
    CyclePhase,
    FollowUp,
    LogEntry,
    Meeting,
    MeetingKind,
    Outcome,
    TeamQuestion,
    utcnow,
)
from learningpack.models.soft_delete import INCLUDE_DELETED
from learningpack.reads.cycles import my_actions, school_cycle
from tests.domain.cycle_world import NOT_OPEN, events, fulfil, refusal
from tests.world import START, World, add_action, add_session, reflect

pytestmark = pytest.mark.both_backends

SECRET = "Peter i 2.b græd"


def _entry(action: Action, w: World, text: str = "Tolv forældre kom.") -> LogEntry:
    return add_log_entry(action, author=w.teacher, happened_on=START, text=text, observation="")


def _count(model: type, *, deleted: bool = False) -> int:
    statement = select(func.count()).select_from(model)
    if deleted:
        statement = statement.execution_options(**{INCLUDE_DELETED: True})
    return db.session.scalar(statement) or 0


def test_the_author_edits_a_log_entry_and_the_audit_names_fields_not_text(world: World) -> None:
    cycle = world.cycle(1)
    entry = _entry(add_action(cycle, world), world, text=SECRET)
    edit_log_entry(
        entry, actor=world.teacher, happened_on=START, text="Tolv kom.", observation="Godt."
    )
    db.session.commit()
    assert (entry.text, entry.observation) == ("Tolv kom.", "Godt.")
    (event,) = events("record_edited")
    assert (event.actor_id, event.object_type, event.object_id) == (
        world.teacher.id,
        "LogEntry",
        entry.id,
    )
    assert event.detail["kind"] == "log_entry"
    assert event.detail["fields"] == ["observation", "text"]
    assert "Peter" not in json.dumps(event.detail) and "Tolv" not in json.dumps(event.detail)


def test_only_the_author_edits_and_the_author_or_leader_deletes(world: World) -> None:
    cycle = world.cycle(1)
    entry = _entry(add_action(cycle, world), world)

    def edit(actor: object) -> None:
        edit_log_entry(entry, actor=actor, happened_on=START, text="X", observation="")  # type: ignore[arg-type]

    for someone in (world.teacher2, world.leader, world.other_teacher, world.puf):
        assert refusal(lambda someone=someone: edit(someone)) == [R("not_author")]
    for someone in (world.teacher2, world.other_leader, world.puf):
        assert refusal(lambda someone=someone: delete_record(entry, actor=someone)) == [
            R("not_author")
        ]
    delete_record(entry, actor=world.leader)
    assert _count(LogEntry) == 0


def test_leader_only_corrects_meetings_and_owners_edit_action_texts(world: World) -> None:
    cycle = world.cycle(1)
    meeting = add_session(cycle)
    action = add_action(cycle, world)
    for someone in (world.teacher, world.other_leader, world.puf):
        assert refusal(
            lambda someone=someone: edit_meeting(
                meeting,
                actor=someone,
                held_on=START,
                kind=MeetingKind.OTHER,
                participants="P",
                notes="N",
                decisions="",
            )
        ) == [R("not_leader")]
        assert refusal(lambda someone=someone: delete_record(action, actor=someone)) == [
            R("not_leader")
        ]
    # The owner (world.teacher) may correct the action's texts; the observer may not.
    texts = {"title": "Kaffe", "what": "Hver fredag.", "expectation": "E", "how_notice": "H"}
    assert refusal(lambda: edit_action_text(action, actor=world.teacher2, **texts)) == [
        R("not_owner")
    ]
    edit_action_text(action, actor=world.teacher, **texts)
    assert action.title == "Kaffe"
    edit_meeting(
        meeting,
        actor=world.leader,
        held_on=START,
        kind=MeetingKind.OTHER,
        participants="P",
        notes="N",
        decisions="",
    )
    assert meeting.kind == MeetingKind.OTHER
    kinds = [e.detail["kind"] for e in events("record_edited")]
    assert sorted(kinds) == ["action", "meeting"]


def test_a_closed_module_refuses_every_correction(world: World) -> None:
    cycle = world.cycle(1)
    action = fulfil(cycle, world)
    entry = action.log_entries[0]
    meeting = cycle.meetings[0]
    complete_cycle(cycle, world.leader)
    assert refusal(
        lambda: edit_log_entry(
            entry, actor=entry.author, happened_on=START, text="X", observation=""
        )  # type: ignore[arg-type]
    ) == [NOT_OPEN]
    assert refusal(lambda: delete_record(meeting, actor=world.leader)) == [NOT_OPEN]
    assert refusal(lambda: delete_record(action, actor=world.leader)) == [NOT_OPEN]


def test_deleted_records_vanish_from_reads_and_progress_is_recomputed(world: World) -> None:
    cycle = world.cycle(1)
    action = fulfil(cycle, world)
    assert cycle.phase == CyclePhase.READY
    db.session.commit()
    assert (cycle.log_entry_count, cycle.follow_up_count) == (2, 1)

    delete_record(action.follow_up, actor=world.leader)  # type: ignore[arg-type]
    db.session.commit()
    assert (cycle.follow_up_count, cycle.phase) == (0, CyclePhase.FOLLOW_UP)
    delete_record(cycle.meetings[0], actor=world.leader)
    db.session.commit()
    assert (cycle.meeting_count, cycle.phase) == (0, CyclePhase.INPUT)

    delete_record(action, actor=world.leader)
    db.session.commit()
    db.session.expire_all()
    assert (cycle.action_count, cycle.log_entry_count) == (0, 0)
    # Gone from every read: the module page, the teacher's page, counts and relationships.
    page = school_cycle(world.school.id, cycle.module_slug)
    assert page is not None and page.actions == [] and page.meetings == []
    mine = my_actions(world.teacher)
    assert mine.cards == [] and mine.kept.items == [] and mine.kept.total == 0
    assert (_count(Action), _count(LogEntry), _count(FollowUp), _count(Meeting)) == (0, 0, 0, 0)
    # …but kept until the purge, the action's entries deleted with it.
    assert (_count(Action, deleted=True), _count(LogEntry, deleted=True)) == (1, 2)
    (kinds) = sorted(e.detail["kind"] for e in events("record_deleted"))
    assert kinds == ["action", "follow_up", "meeting"]
    assert all(e.detail["fields"] == [] for e in events("record_deleted"))


def test_a_deleted_question_or_follow_up_can_be_written_again(world: World) -> None:
    cycle = world.cycle(1)
    question = save_question(
        cycle, team=world.team2, question="Hvorfor?", baseline="", actor=world.leader
    )
    delete_record(question, actor=world.leader)
    assert cycle.question_of(world.team2.id) is None
    again = save_question(cycle, team=world.team2, question="Nyt?", baseline="", actor=world.leader)
    assert again.question == "Nyt?" and again.deleted_at is None
    assert _count(TeamQuestion, deleted=True) == 1 + 0  # the same row, taken back into use
    action = add_action(cycle, world)
    assert refusal(lambda: delete_record(cycle.question_of(world.team.id), actor=world.leader)) == [  # type: ignore[arg-type]
        R("question_has_actions")
    ]
    follow_up = record_follow_up(
        action, outcome=Outcome.KEEP, learning="L", fit="F", actor=world.leader
    )
    delete_record(follow_up, actor=world.leader)
    assert refusal(lambda: delete_record(follow_up, actor=world.leader)) == [R("record_deleted")]
    record_follow_up(action, outcome=Outcome.STOP, learning="M", fit="G", actor=world.leader)
    db.session.commit()
    assert action.follow_up is not None and action.follow_up.learning == "M"


def test_purge_removes_deleted_records_after_the_retention(world: World, app: object) -> None:
    cycle: Cycle = world.cycle(1)
    action = add_action(cycle, world)
    _entry(action, world)
    keep = add_action(cycle, world, title="Bliver")
    _entry(keep, world)
    meeting = add_session(cycle)
    delete_record(action, actor=world.leader)
    delete_record(meeting, actor=world.leader)
    db.session.commit()
    assert purge_deleted() == 0
    later = utcnow() + timedelta(days=31)
    assert purge_deleted(later) == 3  # the action, its log entry and the meeting
    db.session.commit()
    assert (_count(Action, deleted=True), _count(LogEntry, deleted=True)) == (1, 1)
    assert _count(Meeting, deleted=True) == 0
    assert purge_deleted(later) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 2


def test_revising_through_the_create_forms_is_audited_and_a_reflection_deleted(
    world: World,
) -> None:
    cycle = world.cycle(1)
    action = add_action(cycle, world)
    record_follow_up(action, outcome=Outcome.KEEP, learning="L", fit="F", actor=world.leader)
    assert events("record_edited") == []  # the first save is no correction
    record_follow_up(action, outcome=Outcome.KEEP, learning=SECRET, fit="F", actor=world.leader)
    (event,) = events("record_edited")
    assert event.detail == {"kind": "follow_up", "cycle_id": cycle.id, "fields": ["learning"]}
    reflect(cycle, world.team, world.leader, {action.id: Outcome.ADJUST})
    reflection = cycle.reflection_of(world.team.id)
    assert reflection is not None and action.reflection_decision == Outcome.ADJUST
    delete_record(reflection, actor=world.leader)
    db.session.commit()
    assert cycle.reflection_of(world.team.id) is None and action.reflection_decision is None
    reflect(cycle, world.team, world.leader)  # written again: the same row, taken back
    assert cycle.reflection_of(world.team.id) is not None
