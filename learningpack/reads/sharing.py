"""Page models for the common approach and each school's local approach (its versions), and for
PUF's knowledge-sharing events: the examples marked, the follow-ups to pick from, the programme.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from learningpack.content import Module, Package
from learningpack.domain.dates import local_today
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    EventExample,
    FollowUp,
    LocalApproachVersion,
    Run,
    School,
    SharingEvent,
)
from learningpack.reads.examples import newest_learning_cycles

# The module in which a school writes its own local approach (the package's module 5).
LOCAL_APPROACH_MODULE = "lokale-tilgange"
CANDIDATES = 50


def links_local_approach(module: Module) -> bool:
    """Whether the module's page links to the school's local approach."""
    return module.slug == LOCAL_APPROACH_MODULE


def approach_versions(school_id: int) -> list[LocalApproachVersion]:
    """Every saved version of the school's local approach, newest first (one query)."""
    return list(
        db.session.scalars(
            select(LocalApproachVersion)
            .where(LocalApproachVersion.school_id == school_id)
            .options(joinedload(LocalApproachVersion.saved_by))
            .order_by(LocalApproachVersion.version.desc())
        )
    )


def approach_version(school_id: int, number: int) -> LocalApproachVersion | None:
    """One version of the school's local approach, or None."""
    return db.session.scalar(
        select(LocalApproachVersion).where(
            LocalApproachVersion.school_id == school_id, LocalApproachVersion.version == number
        )
    )


# ---------------------------------------------------------------------------------------------
# Knowledge-sharing events


@dataclass(frozen=True)
class Example:
    """A practice example: a school's follow-up on one action, as the digest shows it."""

    id: int
    """The event example's id (0 for a candidate not yet marked)."""
    follow_up_id: int
    school_id: int
    school: str
    module_slug: str
    action_title: str
    what: str
    outcome: str
    learning: str
    recorded_at: datetime


def _examples_query() -> Any:
    """Follow-ups with their school, module and action (the row ``_example`` reads)."""
    return (
        select(
            FollowUp.id,
            School.id,
            School.name,
            Cycle.module_slug,
            Action.title,
            Action.what,
            FollowUp.outcome,
            FollowUp.learning,
            FollowUp.recorded_at,
        )
        .select_from(FollowUp)
        .join(Action, Action.id == FollowUp.action_id)
        .join(Cycle, Cycle.id == Action.cycle_id)
        .join(Run, Run.id == Cycle.run_id)
        .join(School, School.id == Run.school_id)
    )


def _example(row: Any, example_id: int = 0) -> Example:
    f, school_id, school, slug, title, what, outcome, learning, at = row
    return Example(example_id, f, school_id, school, slug, title, what, str(outcome), learning, at)


def events() -> list[SharingEvent]:
    """Every event, the coming and newest first."""
    return list(
        db.session.scalars(
            select(SharingEvent).order_by(SharingEvent.held_on.desc(), SharingEvent.id.desc())
        )
    )


def event_or_none(event_id: int) -> SharingEvent | None:
    return db.session.get(SharingEvent, event_id)


@dataclass(frozen=True)
class SchoolSlot:
    """One school's five minutes on the programme, with its marked examples."""

    school_id: int
    school: str
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class EventPage:
    event: SharingEvent
    examples: tuple[Example, ...]
    slots: tuple[SchoolSlot, ...]
    """The programme: schools in the order their first example was marked."""
    candidates: tuple[Example, ...]
    """Follow-ups with a learning in the chosen module not yet marked, newest first (at most
    CANDIDATES)."""
    module: Module | None

    @property
    def minutes(self) -> int:
        return 5 * len(self.slots)


def event_page(event: SharingEvent, package: Package, module_slug: str = "") -> EventPage:
    """The event with its examples, the programme, and what may still be picked (3 queries)."""
    ids = {e.follow_up_id: e.id for e in event.examples if e.follow_up_id is not None}
    marked = [
        _example(row, ids[row[0]])
        for row in db.session.execute(_examples_query().where(FollowUp.id.in_(list(ids))))
    ]
    order = {e.follow_up_id: e.position for e in event.examples}
    marked.sort(key=lambda x: order.get(x.follow_up_id, 0))
    slots: dict[int, list[Example]] = {}
    for example in marked:
        slots.setdefault(example.school_id, []).append(example)
    module = next((m for m in package.modules if m.slug == module_slug), None)
    candidates: list[Example] = []
    if module is not None:
        # The cycles with the newest learnings, enough of them for the marked ones left out.
        top = newest_learning_cycles(module.slug, CANDIDATES + len(ids))
        query = (
            _examples_query()
            .join(top, top.c.id == Cycle.id)
            .where(FollowUp.learning != "", FollowUp.id.not_in(list(ids)))
            .order_by(FollowUp.recorded_at.desc(), FollowUp.id.desc())
            .limit(CANDIDATES)
        )
        candidates = [_example(row) for row in db.session.execute(query)]
    return EventPage(
        event=event,
        examples=tuple(marked),
        slots=tuple(SchoolSlot(s[0].school_id, s[0].school, tuple(s)) for s in slots.values()),
        candidates=tuple(candidates),
        module=module,
    )


@dataclass(frozen=True)
class Invitation:
    """An event at which the school presents, for the school's own page."""

    event_id: int
    title: str
    held_on: date
    place: str


def invitations(school_id: int, today: date | None = None) -> list[Invitation]:
    """Coming events with at least one of the school's examples marked (one query); ``today``
    is the schools' date (Copenhagen) unless given."""
    today = today or local_today()
    rows = db.session.execute(
        select(SharingEvent.id, SharingEvent.title, SharingEvent.held_on, SharingEvent.place)
        .join(EventExample, EventExample.event_id == SharingEvent.id)
        .where(EventExample.school_id == school_id, SharingEvent.held_on >= today)
        .distinct()
        .order_by(SharingEvent.held_on)
    )
    return [Invitation(*row) for row in rows]


def school_in_event(event: SharingEvent, school_id: int) -> bool:
    return any(e.school_id == school_id for e in event.examples)
