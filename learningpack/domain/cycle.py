"""The rules of the action-learning cycle (DESIGN.md §3).

A run holds one cycle per module. A cycle is ``locked``, ``active`` or ``completed``; inside
``active`` the phase is derived from what has been recorded. Functions here change the models and
``flush``; the caller (a view or the CLI) commits. Refusals raise :class:`CycleRefused` with the
reasons in plain language.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict, Unpack, cast

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import (
    Action,
    ActionStatus,
    Cycle,
    CyclePhase,
    CycleState,
    FollowUp,
    LogEntry,
    Meeting,
    MeetingKind,
    Outcome,
    Role,
    Run,
    Team,
    User,
    utcnow,
)
from learningpack.models.audit import record

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult


class CycleRefused(Exception):
    """A transition or a change the rules do not allow; ``reasons`` say why, for the user."""

    def __init__(self, reasons: Sequence[str | LazyString]) -> None:
        super().__init__("; ".join(str(r) for r in reasons))
        self.reasons = [str(r) for r in reasons]


class Step(enum.IntEnum):
    INPUT = 1  # videnoplæg og drøftelse
    ACTIONS = 2  # aktioner aftalt
    TRYING = 3  # afprøvning
    FOLLOW_UP = 4  # opsamling


STEP_PHASES = {
    Step.INPUT: CyclePhase.INPUT,
    Step.ACTIONS: CyclePhase.ACTIONS,
    Step.TRYING: CyclePhase.TRYING,
    Step.FOLLOW_UP: CyclePhase.FOLLOW_UP,
}

STEP_TITLES = {
    Step.INPUT: _l("Videnoplæg og drøftelse"),
    Step.ACTIONS: _l("Aktioner aftalt"),
    Step.TRYING: _l("Afprøvning"),
    Step.FOLLOW_UP: _l("Opsamling"),
}


@dataclass(frozen=True)
class StepStatus:
    step: Step
    done: bool
    missing: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return str(STEP_TITLES[self.step])


# ---------------------------------------------------------------------------------------------
# Reading the state of a cycle


def action_missing_fields(action: Action) -> list[str]:
    """What an agreed action still lacks before it counts as agreed."""
    missing: list[str] = []
    if not action.what.strip():
        missing.append(str(_l("hvad vi gør")))
    if not action.expectation.strip():
        missing.append(str(_l("hvorfor / hvad vi forventer at se")))
    if not action.how_notice.strip():
        missing.append(str(_l("hvordan vi opdager det")))
    if action.team_id is None and not action.owners:
        missing.append(str(_l("team eller ansvarlige")))
    if action.period_start is None or action.period_end is None:
        missing.append(str(_l("periode")))
    return missing


def meeting_counts_as_input(session: Meeting) -> bool:
    return bool(session.participants.strip() and session.notes.strip())


def step_statuses(cycle: Cycle) -> list[StepStatus]:
    """The four steps of the stepper, each with what is still missing."""
    input_missing: list[str] = []
    if not any(meeting_counts_as_input(s) for s in cycle.meetings):
        input_missing.append(
            str(_l("Registrér mindst ét møde med dato, deltagere og noter fra drøftelsen."))
        )

    actions = list(cycle.actions)
    actions_missing: list[str] = []
    if not actions:
        actions_missing.append(str(_l("Aftal mindst én aktion.")))
    for action in actions:
        lacking = action_missing_fields(action)
        if lacking:
            actions_missing.append(
                str(
                    _l(
                        "Aktionen »%(title)s« mangler: %(fields)s.",
                        title=action.title,
                        fields=", ".join(lacking),
                    )
                )
            )

    trying_missing: list[str] = []
    if not actions:
        trying_missing.append(str(_l("Der er ingen aktioner at afprøve endnu.")))
    for action in actions:
        if action.status != ActionStatus.DROPPED and not action.log_entries:
            trying_missing.append(
                str(_l("Aktionen »%(title)s« har ingen logninger endnu.", title=action.title))
            )

    follow_missing: list[str] = []
    for action in actions:
        if action.follow_up is None:
            follow_missing.append(
                str(_l("Aktionen »%(title)s« mangler en opsamling.", title=action.title))
            )
    for text, name in (
        (cycle.summary_learned, _l("hvad vi har lært")),
        (cycle.summary_keep, _l("hvad vi fastholder")),
        (cycle.summary_next, _l("næste skridt")),
    ):
        if not text.strip():
            follow_missing.append(str(_l("Modulets opsamling mangler: %(field)s.", field=name)))
    if not actions:
        follow_missing.append(str(_l("Der er ingen aktioner at samle op på endnu.")))

    return [
        StepStatus(Step.INPUT, not input_missing, tuple(input_missing)),
        StepStatus(Step.ACTIONS, not actions_missing, tuple(actions_missing)),
        StepStatus(Step.TRYING, not trying_missing, tuple(trying_missing)),
        StepStatus(Step.FOLLOW_UP, not follow_missing, tuple(follow_missing)),
    ]


def current_step(cycle: Cycle) -> Step | None:
    """The first step not yet done; None when every step is done."""
    for status in step_statuses(cycle):
        if not status.done:
            return status.step
    return None


def unmet_conditions(cycle: Cycle) -> list[str]:
    """Everything that stands between this cycle and being completed, in plain language."""
    if cycle.state == CycleState.LOCKED:
        return [str(_l("Modulet er låst og kan ikke afsluttes."))]
    if cycle.state == CycleState.COMPLETED:
        return [str(_l("Modulet er allerede afsluttet."))]
    return [reason for status in step_statuses(cycle) for reason in status.missing]


def _nothing_recorded() -> ColumnElement[bool]:
    """SQL: a cycle row with nothing recorded in it, read from the row's own progress columns.

    A condition on the row itself is re-checked by PostgreSQL against the newest row version
    when a concurrent writer got there first, so it is safe inside a conditional UPDATE.
    """
    return and_(
        Cycle.meeting_count == 0,
        Cycle.action_count == 0,
        *(column == "" for column in _RECORDED_TEXTS),
    )


_RECORDED_TEXTS = (
    Cycle.local_notes,
    Cycle.local_questions,
    Cycle.summary_learned,
    Cycle.summary_keep,
    Cycle.summary_next,
)


def has_records(cycle: Cycle) -> bool:
    """Whether anything has been recorded in a cycle (sessions, actions, notes, summary)."""
    texts = (
        cycle.local_notes,
        cycle.local_questions,
        cycle.summary_learned,
        cycle.summary_keep,
        cycle.summary_next,
    )
    return bool(cycle.meeting_count or cycle.action_count or any(t.strip() for t in texts))


def lock_reason(cycle: Cycle, package: Package) -> str | None:
    """Why a locked cycle is locked, for the user; None if it is not locked."""
    if cycle.state != CycleState.LOCKED:
        return None
    previous = next((c for c in cycle.run.cycles if c.position == cycle.position - 1), None)
    if previous is None:
        return str(_l("Forløbet er ikke startet."))
    title = package.module(previous.module_slug).title
    return str(
        _l(
            "Åbner, når modul %(pos)d »%(title)s« er samlet op og afsluttet.",
            pos=previous.position,
            title=title,
        )
    )


# ---------------------------------------------------------------------------------------------
# Transitions


def start_run(school_id: int, package: Package, year_label: str, actor: User) -> Run:
    """Start the school's run of a package: one cycle per module, the first one open."""
    existing = db.session.scalar(
        select(Run).where(
            Run.school_id == school_id,
            Run.package_slug == package.slug,
            Run.completed_at.is_(None),
        )
    )
    if existing is not None:
        raise CycleRefused([_l("Skolen har allerede et forløb i gang med denne pakke.")])
    label = year_label.strip()
    same_name = db.session.scalar(
        select(Run.id).where(
            Run.school_id == school_id, Run.package_slug == package.slug, Run.year_label == label
        )
    )
    if same_name is not None:
        raise CycleRefused(
            [
                _l(
                    "Skolen har allerede haft et forløb med navnet »%(label)s«. "
                    "Vælg et andet navn.",
                    label=label,
                )
            ]
        )
    now = utcnow()
    run = Run(
        school_id=school_id,
        package_slug=package.slug,
        year_label=label,
        started_at=now,
        started_by_id=actor.id,
    )
    for module in package.modules:
        cycle = Cycle(module_slug=module.slug, position=module.position, state=CycleState.LOCKED)
        if module.position == 1:
            cycle.state = CycleState.ACTIVE
            cycle.opened_at = now
            cycle.opened_by_id = actor.id
            cycle.last_activity_at = now
        run.cycles.append(cycle)
    db.session.add(run)
    db.session.flush()
    record(
        "run_started",
        actor=actor,
        obj=run,
        school_id=school_id,
        package=package.slug,
        year=run.year_label,
    )
    return run


def complete_cycle(cycle: Cycle, actor: User) -> Cycle | None:
    """Complete an active cycle whose conditions all hold, and open the next one.

    One transition only, however many press at once: the state change is a conditional UPDATE
    (``WHERE state = 'active'``), so a second, concurrent attempt changes no row and is refused.
    Returns the cycle that opened, or None when the run is complete.
    """
    reasons = unmet_conditions(cycle)
    if reasons:
        raise CycleRefused(reasons)
    now = utcnow()
    try:
        changed = _rowcount(
            update(Cycle)
            .where(Cycle.id == cycle.id, Cycle.state == CycleState.ACTIVE)
            .values(
                state=CycleState.COMPLETED,
                completed_at=now,
                completed_by_id=actor.id,
                last_activity_at=now,
            )
        )
    except OperationalError as error:  # SQLite: another writer holds the database
        raise CycleRefused([_l("Modulet blev ændret af en anden lige nu. Prøv igen.")]) from error
    if changed != 1:
        raise CycleRefused([_l("Modulet er allerede afsluttet.")])

    run = cycle.run
    following = db.session.scalar(
        select(Cycle)
        .where(
            Cycle.run_id == run.id,
            Cycle.position > cycle.position,
            Cycle.state != CycleState.COMPLETED,  # one completed out of order is not "next"
        )
        .order_by(Cycle.position)
        .limit(1)
    )
    opened: Cycle | None = None
    if following is not None:
        db.session.execute(
            update(Cycle)
            .where(Cycle.id == following.id, Cycle.state == CycleState.LOCKED)
            .values(
                state=CycleState.ACTIVE, opened_at=now, opened_by_id=actor.id, last_activity_at=now
            )
            .execution_options(synchronize_session=False)
        )
        opened = following
    elif all(c.state == CycleState.COMPLETED or c.id == cycle.id for c in run.cycles):
        run.completed_at = now
    record(
        "cycle_completed", actor=actor, obj=cycle, school_id=run.school_id, module=cycle.module_slug
    )
    db.session.flush()
    db.session.expire(cycle)
    if opened is not None:
        db.session.expire(opened)
    return opened


def reopen_refusals(cycle: Cycle) -> list[str]:
    """Why a cycle cannot be reopened now; empty when it can."""
    if cycle.state != CycleState.COMPLETED:
        return [str(_l("Kun et afsluttet modul kan genåbnes."))]
    following = next((c for c in cycle.run.cycles if c.position == cycle.position + 1), None)
    if following is not None and has_records(following):
        return [
            str(
                _l(
                    "Modulet kan ikke genåbnes, fordi der allerede er registreret noget "
                    "i næste modul."
                )
            )
        ]
    return []


def may_start_run(current: Run | None) -> bool:
    """A school may start a run when it has none, or its newest one is completed."""
    return current is None or current.completed_at is not None


def reopen_cycle(cycle: Cycle, actor: User) -> None:
    """Reopen a completed cycle, allowed only while the next one has nothing recorded.

    The next module is locked again only when it was opened by this cycle's completion (same
    moment); one that PUF opened out of order stays open. Both changes are conditional UPDATEs,
    so a concurrent recording in the next module or a second reopen makes this one refuse.
    """
    reasons = reopen_refusals(cycle)
    if reasons:
        raise CycleRefused(reasons)
    following = next((c for c in cycle.run.cycles if c.position == cycle.position + 1), None)
    try:
        reopened = _rowcount(
            update(Cycle)
            .where(Cycle.id == cycle.id, Cycle.state == CycleState.COMPLETED)
            .values(
                state=CycleState.ACTIVE,
                completed_at=None,
                completed_by_id=None,
                last_activity_at=utcnow(),
            )
        )
        if reopened != 1:
            raise CycleRefused([_l("Modulet er allerede genåbnet.")])
        if (
            following is not None
            and following.state == CycleState.ACTIVE
            and following.opened_at == cycle.completed_at
        ):
            relocked = _rowcount(
                update(Cycle)
                .where(Cycle.id == following.id, Cycle.state == CycleState.ACTIVE)
                .where(_nothing_recorded())
                .values(state=CycleState.LOCKED, opened_at=None, opened_by_id=None)
            )
            if relocked != 1:  # the caller rolls back, so the reopening above is undone too
                raise CycleRefused(
                    [_l("Nu er der registreret noget i næste modul, så modulet kan ikke genåbnes.")]
                )
    except OperationalError as error:  # SQLite: another writer holds the database
        raise CycleRefused([_l("Modulet blev ændret af en anden lige nu. Prøv igen.")]) from error
    cycle.run.completed_at = None
    record(
        "cycle_reopened",
        actor=actor,
        obj=cycle,
        school_id=cycle.run.school_id,
        module=cycle.module_slug,
    )
    db.session.flush()
    db.session.expire(cycle)
    if following is not None:
        db.session.expire(following)


def _rowcount(statement: Any) -> int:
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return cast("CursorResult[Any]", result).rowcount


def unlock_out_of_order(cycle: Cycle, actor: User, reason: str) -> None:
    """PUF opens a locked module before its turn; the reason goes to the audit log."""
    if actor.role != Role.PUF:
        raise CycleRefused([_l("Kun PUF kan åbne et modul uden for rækkefølgen.")])
    if not reason.strip():
        raise CycleRefused([_l("Skriv en begrundelse for at åbne modulet.")])
    if cycle.state != CycleState.LOCKED:
        raise CycleRefused([_l("Modulet er ikke låst.")])
    now = utcnow()
    cycle.state = CycleState.ACTIVE
    cycle.opened_at = now
    cycle.opened_by_id = actor.id
    cycle.last_activity_at = now
    record(
        "cycle_unlocked_override",
        actor=actor,
        obj=cycle,
        school_id=cycle.run.school_id,
        module=cycle.module_slug,
        reason=reason.strip(),
    )
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# Recording inside an active cycle


def _require_active(cycle: Cycle) -> None:
    if cycle.state != CycleState.ACTIVE:
        raise CycleRefused([_l("Modulet er ikke åbent, så der kan ikke registreres noget i det.")])


def _touch(cycle: Cycle) -> None:
    """After a change inside a cycle: its progress columns and last activity, brought up to date.

    The rules' relationships are loaded in one batch of SELECT-IN queries (not one query per
    action), then the phase is the stepper's own verdict, so the overview can never disagree
    with the module page.
    """
    db.session.flush()
    db.session.scalars(
        select(Cycle)
        .where(Cycle.id == cycle.id)
        .options(
            selectinload(Cycle.meetings),
            selectinload(Cycle.actions).options(
                selectinload(Action.log_entries),
                selectinload(Action.follow_up),
                selectinload(Action.owners),
            ),
        )
    ).one()
    step = current_step(cycle)
    cycle.phase = CyclePhase.READY if step is None else STEP_PHASES[step]
    actions = cycle.actions
    cycle.meeting_count = len(cycle.meetings)
    cycle.action_count = len(actions)
    cycle.done_action_count = sum(1 for a in actions if a.status == ActionStatus.DONE)
    cycle.log_entry_count = sum(len(a.log_entries) for a in actions)
    cycle.follow_up_count = sum(1 for a in actions if a.follow_up is not None)
    cycle.last_activity_at = utcnow()


def _same_school(cycle: Cycle, teams: Iterable[Team | None], users: Iterable[User]) -> None:
    school_id = cycle.run.school_id
    if any(t is not None and t.school_id != school_id for t in teams) or any(
        u.school_id != school_id for u in users
    ):
        raise CycleRefused([_l("Team og ansvarlige skal høre til skolen.")])


def record_meeting(
    cycle: Cycle,
    *,
    held_on: date,
    kind: MeetingKind,
    participants: str,
    notes: str,
    decisions: str,
    facilitator: User | None,
) -> Meeting:
    """Record a staff session held in the module."""
    _require_active(cycle)
    session = Meeting(
        held_on=held_on,
        kind=kind,
        participants=participants.strip(),
        notes=notes.strip(),
        decisions=decisions.strip(),
        facilitator_id=facilitator.id if facilitator else None,
    )
    cycle.meetings.append(session)
    _touch(cycle)
    db.session.flush()
    return session


class ActionDescription(TypedDict):
    """What an action is, who carries it out and when."""

    title: str
    what: str
    expectation: str
    how_notice: str
    team: Team | None
    owners: Sequence[User]
    period_start: date | None
    period_end: date | None


def _describe_action(action: Action, cycle: Cycle, description: ActionDescription) -> None:
    """Check and set what an action is, who carries it out and when."""
    team, owners = description["team"], description["owners"]
    period_start, period_end = description["period_start"], description["period_end"]
    title, what = description["title"], description["what"]
    expectation, how_notice = description["expectation"], description["how_notice"]
    _require_active(cycle)
    _same_school(cycle, [team], owners)
    if period_start and period_end and period_end < period_start:
        raise CycleRefused([_l("Periodens slutdato ligger før startdatoen.")])
    action.title, action.what = title.strip(), what.strip()
    action.expectation, action.how_notice = expectation.strip(), how_notice.strip()
    action.team, action.owners = team, list(owners)
    action.period_start, action.period_end = period_start, period_end


def agree_action(cycle: Cycle, *, actor: User, **description: Unpack[ActionDescription]) -> Action:
    """Agree a new action in the module."""
    action = Action(created_by_id=actor.id)
    _describe_action(action, cycle, description)
    cycle.actions.append(action)
    _touch(cycle)
    db.session.flush()
    return action


def update_action(action: Action, **description: Unpack[ActionDescription]) -> None:
    """Change an agreed action's description while its module is open."""
    _describe_action(action, action.cycle, description)
    _touch(action.cycle)
    db.session.flush()


def add_log_entry(
    action: Action, *, author: User, happened_on: date, text: str, observation: str
) -> LogEntry:
    """A teacher logs what happened when the action was tried."""
    _require_active(action.cycle)
    if author.school_id != action.cycle.run.school_id:
        raise CycleRefused([_l("Du kan kun logge på din egen skoles aktioner.")])
    entry = LogEntry(
        author_id=author.id,
        happened_on=happened_on,
        text=text.strip(),
        observation=observation.strip(),
    )
    action.log_entries.append(entry)
    if action.status == ActionStatus.PLANNED:
        action.status = ActionStatus.IN_PROGRESS
    _touch(action.cycle)
    db.session.flush()
    return entry


def set_action_status(action: Action, status: ActionStatus) -> None:
    """Mark an action planned, in progress, done or dropped."""
    _require_active(action.cycle)
    action.status = status
    _touch(action.cycle)
    db.session.flush()


def record_follow_up(action: Action, *, outcome: Outcome, learning: str, actor: User) -> FollowUp:
    """Record (or revise) the follow-up of one action."""
    _require_active(action.cycle)
    recorded_by_id = actor.id
    follow_up = action.follow_up or FollowUp(action=action)
    db.session.add(follow_up)
    follow_up.outcome = outcome
    follow_up.learning = learning.strip()
    follow_up.recorded_by_id = recorded_by_id
    follow_up.recorded_at = utcnow()
    _touch(action.cycle)
    db.session.flush()
    return follow_up


def save_summary(cycle: Cycle, *, learned: str, keep: str, next_steps: str) -> None:
    """Save the module's summary: what we learned, what we keep, next steps."""
    _require_active(cycle)
    cycle.summary_learned, cycle.summary_keep = learned.strip(), keep.strip()
    cycle.summary_next = next_steps.strip()
    _touch(cycle)
    db.session.flush()


def save_local_adaptation(cycle: Cycle, *, notes: str, questions: str) -> None:
    """The school's own notes and discussion questions for a module (lokal tilpasning)."""
    _require_active(cycle)
    cycle.local_notes, cycle.local_questions = notes.strip(), questions.strip()
    _touch(cycle)
    db.session.flush()
