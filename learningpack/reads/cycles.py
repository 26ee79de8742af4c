"""Read queries shared by several pages, each a fixed number of SQL statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, union
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from learningpack.content import default_package
from learningpack.domain.access import people_filter, school_filter
from learningpack.domain.cycle import kept_expression
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    CycleState,
    LogEntry,
    Meeting,
    Reflection,
    Role,
    Run,
    Team,
    TeamQuestion,
    User,
    action_owner,
    team_member,
)
from learningpack.reads.pagination import Page, danish_key, page_number
from learningpack.reads.runs import newest_run, newest_run_id
from learningpack.reads.teacher_page import NO_HISTORY, histories

EXCERPT = 60


def current_run(school_id: int, package_slug: str | None = None) -> Run | None:
    """The school's newest run of the package (the library's default), with its cycles."""
    return newest_run(school_id, package_slug or default_package().slug)


@dataclass
class ActionCard:
    """One action on the teacher's "my actions" page, with how often and when it was logged."""

    action: Action
    log_count: int
    last_logged_on: date | None
    history: tuple[LogEntry, ...] = ()
    """The newest log entries and observations, newest first (``log_count`` counts them all)."""
    kept: bool = False
    """From a completed module: the team decided to keep the action, so it goes on."""
    edits_text: bool = False
    """The user may correct what the action says (its leader, an owner, or its team's member
    when it names no owners); never on a kept action, whose module is closed."""
    own_entries: tuple[OwnEntry, ...] = ()
    """The user's own log entries on the action (newest first), to correct or delete."""


@dataclass(frozen=True)
class OwnEntry:
    """One of the user's log entries on "my actions": when, and the start of its text."""

    id: int
    happened_on: date
    excerpt: str


KEPT_SHOWN = 5
"""Kept actions "my actions" shows (newest module first); the rest are on their own pages: the
list grows every module all year, and the page is opened on a phone between lessons."""
KEPT_PER_PAGE = 20


@dataclass(frozen=True)
class MyActions:
    """The cards of "my actions": every action in the open modules, and a page of the kept."""

    cards: list[ActionCard]
    kept: Page[ActionCard]


def my_actions(
    user: User,
    *,
    kept_page: int = 1,
    kept_per_page: int | None = None,
    open_modules: bool = True,
) -> MyActions:
    """Actions that the user owns, whose team they are in, or that they observe: those in the
    school's open modules (unless ``open_modules`` is false), and one page (``kept_per_page``,
    default ``KEPT_SHOWN``) of those of completed modules of its newest run that the team
    decided to keep, the newest module first; a page past the end is the last one.

    Four queries whatever the number of actions: the open actions and the page of kept ones
    (each with its team and module; the kept count in the same row), the newest log entries of
    each with their count (teacher_page.histories), and the start of the text of the user's own
    entries. A page past the end costs two more (the count, then the last page).
    """
    per_page = KEPT_SHOWN if kept_per_page is None else kept_per_page
    if user.school_id is None:
        return MyActions([], Page([], 0, 1, per_page))
    team_ids = select(team_member.c.team_id).where(team_member.c.user_id == user.id)
    edits_text = or_(
        literal(user.role == Role.LEADER),
        Action.owners.any(User.id == user.id),
        and_(~Action.owners.any(), Action.team_id.in_(team_ids)),
    )
    mine = (
        select(Action)
        .join(Cycle, Cycle.id == Action.cycle_id)
        .join(Run, Run.id == Cycle.run_id)
        .where(
            school_filter(user, Run.school_id),
            or_(
                Action.team_id.in_(team_ids),
                Action.owners.any(User.id == user.id),
                Action.observer_id == user.id,
            ),
        )
        .options(joinedload(Action.team), contains_eager(Action.cycle))
    )
    open_rows: list[Any] = []
    if open_modules:
        open_rows = list(
            db.session.execute(
                mine.add_columns(edits_text.label("edits_text"))
                .where(Cycle.state == CycleState.ACTIVE)
                .order_by(Cycle.position, Action.id)
            )
        )
    kept = mine.where(
        Cycle.state == CycleState.COMPLETED,
        Run.id == newest_run_id(user.school_id, default_package().slug),
        kept_expression(),
    )

    def kept_rows_of(page: int) -> list[Any]:
        return list(
            db.session.execute(
                kept.add_columns(func.count().over().label("kept_total"))
                .order_by(Cycle.position.desc(), Action.id)
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
        )

    page = max(1, kept_page)
    kept_rows = kept_rows_of(page)
    kept_total = kept_rows[0].kept_total if kept_rows else 0
    if not kept_rows and page > 1:  # past the last page: the last one
        kept_total = db.session.scalar(select(func.count()).select_from(kept.subquery())) or 0
        page = page_number(page, kept_total, per_page)
        kept_rows = kept_rows_of(page) if kept_total else []
    actions = [row.Action for row in open_rows] + [row.Action for row in kept_rows]
    if not actions:
        return MyActions([], Page([], int(kept_total), page, per_page))
    ids = [a.id for a in actions]
    logs = histories(ids)
    own: dict[int, list[OwnEntry]] = defaultdict(list)
    open_ids = [row.Action.id for row in open_rows]
    if open_ids:  # a kept action's entries are not corrected here: its module is closed
        for entry in db.session.execute(
            select(
                LogEntry.action_id,
                LogEntry.id,
                LogEntry.happened_on,
                func.substr(LogEntry.text, 1, EXCERPT).label("excerpt"),
            )
            .where(LogEntry.action_id.in_(open_ids), LogEntry.author_id == user.id)
            .order_by(LogEntry.happened_on.desc(), LogEntry.id.desc())
        ):
            own[entry.action_id].append(OwnEntry(entry.id, entry.happened_on, entry.excerpt))

    def card(action: Action, kept: bool, edits: bool) -> ActionCard:
        h = logs.get(action.id, NO_HISTORY)
        entries = () if kept else tuple(own.get(action.id, ()))
        return ActionCard(action, h.total, h.last_on, h.entries, kept, edits, entries)

    return MyActions(
        [card(row.Action, False, bool(row.edits_text)) for row in open_rows],
        Page([card(row.Action, True, False) for row in kept_rows], int(kept_total), page, per_page),
    )


def school_cycle(school_id: int, module_slug: str, package_slug: str | None = None) -> Cycle | None:
    """One module's cycle in the school's newest run of the package (the library's default),
    with everything the module page shows."""
    run_id = newest_run_id(school_id, package_slug or default_package().slug)
    # The run's other cycles (for the lock reason) come in the same query: a few rows.
    cycle = (
        db.session.scalars(
            select(Cycle)
            .where(Cycle.run_id == run_id, Cycle.module_slug == module_slug)
            .options(
                joinedload(Cycle.run).joinedload(Run.cycles),
                joinedload(Cycle.questions).joinedload(TeamQuestion.team),
                joinedload(Cycle.reflections).joinedload(Reflection.team),
            )
        )
        .unique()
        .first()
    )
    if cycle is not None:
        load_cycle_records([cycle], with_learning=False)
    return cycle


def load_cycle_records(
    cycles: list[Cycle], *, with_learning: bool = True, with_meetings: bool = True
) -> None:
    """Fill the cycles' sessions and actions, and the actions' owners and log entries.

    Five SELECTs however much is recorded, each selected by the few cycle ids and put into the
    collections here: SELECT-IN loading by action id takes one more query per 500 actions, and
    a joined owner list made SQLite materialise the whole owner table. ``with_meetings=False``
    when the caller loaded the meetings with the cycles (``with_learning`` likewise).
    """
    cycle_ids = [c.id for c in cycles]
    sessions = (
        db.session.scalars(
            select(Meeting)
            .where(Meeting.cycle_id.in_(cycle_ids))
            .options(joinedload(Meeting.facilitator))
            .order_by(Meeting.held_on, Meeting.id)
        ).all()
        if with_meetings
        else []
    )
    if with_learning:
        load_questions_reflections(cycles)
    by_cycle: dict[int, list[Any]] = defaultdict(list)
    for session in sessions:
        by_cycle[session.cycle_id].append(session)
    for cycle in cycles if with_meetings else ():
        set_committed_value(cycle, "meetings", by_cycle.pop(cycle.id, []))
    for action in _load_actions(Action.cycle_id.in_(cycle_ids)):
        by_cycle[action.cycle_id].append(action)
    for cycle in cycles:
        set_committed_value(cycle, "actions", by_cycle.pop(cycle.id, []))


def _load_actions(which: Any) -> list[Action]:
    """Every action of some cycles (``which`` selects them), in id order, with their team,
    follow-up, observer, owners, log entries (newest first) and second rounds: three SELECTs
    however many."""
    actions = list(
        db.session.scalars(
            select(Action)
            .where(which)
            .options(joinedload(Action.team), joinedload(Action.follow_up))
            .order_by(Action.id)
        )
    )
    fill_actions(actions, which)
    return actions


def fill_actions(actions: list[Action], which: Any, *, whole_cycles: bool = True) -> None:
    """Put the log entries, owners and observers of ``actions`` (the ones ``which`` selects) in
    place: two SELECTs. With ``whole_cycles`` (every action of their cycles is among them) each
    action's second rounds are filled in too; otherwise they are left to load when asked for."""
    entries = db.session.scalars(
        select(LogEntry)
        .join(Action, Action.id == LogEntry.action_id)
        .where(which)
        .order_by(LogEntry.happened_on.desc(), LogEntry.id.desc())
    ).all()
    # The few people behind the many authors, owners and observers, with the actions they own
    # (joined to every log entry, the same user was matched against the session hundreds of
    # times).
    people, owners = _people(which)
    by_action: dict[int, list[Any]] = defaultdict(list)
    for entry in entries:
        set_committed_value(entry, "author", people.get(entry.author_id))  # type: ignore[arg-type]
        by_action[entry.action_id].append(entry)
    owned: dict[int, list[User]] = defaultdict(list)
    for action_id, user in owners:
        owned[action_id].append(user)
    for names in owned.values():
        names.sort(key=lambda u: u.name)
    later: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        if action.parent_action_id is not None:
            later[action.parent_action_id].append(action)
    for action in actions:
        set_committed_value(action, "observer", people.get(action.observer_id))  # type: ignore[arg-type]
        set_committed_value(action, "log_entries", by_action.pop(action.id, []))
        set_committed_value(action, "owners", owned.pop(action.id, []))
        if whole_cycles:
            set_committed_value(action, "second_rounds", later.pop(action.id, []))


def _people(in_run: Any) -> tuple[dict[int, User], list[tuple[int, User]]]:
    """The authors, owners and observers of the cycles' actions by id, and the (action id,
    owner) pairs: one SELECT."""
    owned = (
        select(action_owner.c.action_id, action_owner.c.user_id)
        .join(Action, Action.id == action_owner.c.action_id)
        .where(in_run)
        .subquery()
    )
    ids = union(
        select(LogEntry.author_id).join(Action, Action.id == LogEntry.action_id).where(in_run),
        select(Action.observer_id).where(in_run),
        select(owned.c.user_id),
    )
    rows = db.session.execute(
        select(User, owned.c.action_id)
        .outerjoin(owned, owned.c.user_id == User.id)
        .where(User.id.in_(ids))
    ).all()
    people = {user.id: user for user, _action_id in rows}
    return people, [(action_id, user) for user, action_id in rows if action_id is not None]


def load_questions_reflections(cycles: list[Cycle]) -> None:
    """Each team's question and reflection in these cycles, with the team, in one SELECT (a
    team reflects only in a module where it has stated its question)."""
    rows = db.session.execute(
        select(TeamQuestion, Team, Reflection)
        .join(Team, Team.id == TeamQuestion.team_id)
        .outerjoin(
            Reflection,
            and_(Reflection.team_id == Team.id, Reflection.cycle_id == TeamQuestion.cycle_id),
        )
        .where(TeamQuestion.cycle_id.in_([c.id for c in cycles]))
        .order_by(TeamQuestion.id)
    ).all()
    questions: dict[int, list[TeamQuestion]] = defaultdict(list)
    reflections: dict[int, list[Reflection]] = defaultdict(list)
    for question, team, reflection in rows:
        set_committed_value(question, "team", team)
        questions[question.cycle_id].append(question)
        if reflection is not None:
            set_committed_value(reflection, "team", team)
            reflections[reflection.cycle_id].append(reflection)
    for cycle in cycles:
        set_committed_value(cycle, "questions", questions.pop(cycle.id, []))
        set_committed_value(cycle, "reflections", reflections.pop(cycle.id, []))


def scoped_action(action_id: int, user: User) -> Action | None:
    """An action the user's role may see (own school; PUF all), with its cycle and run."""

    return db.session.scalar(
        select(Action)
        .join(Cycle, Cycle.id == Action.cycle_id)
        .join(Run, Run.id == Cycle.run_id)
        .where(Action.id == action_id, school_filter(user, Run.school_id))
        .options(
            joinedload(Action.cycle).joinedload(Cycle.run),
            joinedload(Action.team).selectinload(Team.members),
            selectinload(Action.owners),
            selectinload(Action.log_entries).joinedload(LogEntry.author),
            joinedload(Action.follow_up),
            joinedload(Action.observer),
        )
    )


def school_staff(school_id: int) -> tuple[list[Team], list[User]]:
    """The school's teams and active staff, for choosing owners of an action or team members."""
    teams = list(db.session.scalars(select(Team).where(Team.school_id == school_id)))
    staff = list(
        db.session.scalars(select(User).where(User.school_id == school_id, User.active.is_(True)))
    )
    teams.sort(key=lambda t: danish_key(t.name))
    staff.sort(key=lambda u: danish_key(u.name))
    return teams, staff


def staff_page(viewer: User) -> tuple[list[User], list[Team]]:
    """The leader's staff page: everyone of the school (anonymised last) and its teams with
    their members, each in Danish order."""
    people = sorted(
        db.session.scalars(select(User).where(people_filter(viewer))),
        key=lambda u: (u.anonymised_at is not None, danish_key(u.name)),
    )
    teams = sorted(
        db.session.scalars(
            select(Team)
            .where(school_filter(viewer, Team.school_id))
            .options(selectinload(Team.members))
        ),
        key=lambda t: danish_key(t.name),
    )
    return people, teams
