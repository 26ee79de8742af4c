"""The world the tests run in: two schools, their staff and teams, PUF, and their runs.

One builder for every test module (DESIGN.md §3): ``make_world`` and the helpers that fill a
cycle through the domain, the route-access world with objects at both schools, and the builders
used by the PUF and query-budget tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from learningpack.content import Package
from learningpack.domain import (
    areas,
    bank,
    calendar,
    learning,
    notes,
    records,
    reports,
    sharing,
    snapshots,
    transitions,
)
from learningpack.domain.api_keys import create_api_key
from learningpack.domain.notices import post_notice
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    EventExample,
    FollowUp,
    Meeting,
    MeetingKind,
    Notice,
    Outcome,
    ReportQuote,
    Resource,
    ResourceCategory,
    Run,
    School,
    Team,
    User,
)
from learningpack.ops.demo import seed_demo
from learningpack.reads.cycles import school_cycle
from tests.factories import SchoolFactory, TeamFactory, make_leader, make_puf, make_teacher

YEAR = "2026/27"
START = date(2026, 9, 1)
END = date(2026, 10, 15)

RECORD_BUTTON = ">Registrér møde</a>"
COMPLETE_BUTTON = ">Afslut modulet</button>"
# Links and form targets that record something in a module (a read-only page has none).
RECORDING_TARGETS = re.compile(
    r'(href|action)="[^"]*(/moede|/aktion|\?forslag=\d+|/rediger|/opsamling|/tilpasning|/afslut|'
    r'/genaabn)"'
)


@dataclass
class World:
    """Two schools: ours (leader, two teachers in two teams) and another one; and PUF."""

    package: Package
    school: School
    leader: User
    teacher: User  # member of ``team``
    teacher2: User  # member of ``team2``
    team: Team
    team2: Team
    other_school: School
    other_leader: User
    other_teacher: User
    other_team: Team
    puf: User
    run: Run | None = None
    other_run: Run | None = None
    actions: dict[str, Action] = field(default_factory=dict)

    def slug(self, position: int) -> str:
        return self.package.module_at(position).slug

    def cycle(self, position: int, run: Run | None = None) -> Cycle:
        run = run or self.run
        assert run is not None
        found = db.session.scalar(
            select(Cycle).where(Cycle.run_id == run.id, Cycle.position == position)
        )
        assert found is not None
        return found

    @property
    def action(self) -> Action:
        return self.actions["team"]


def make_world(package: Package, *, started: bool = True, other_started: bool = False) -> World:
    """The two schools; a test that needs several worlds gets "Kildeskolen 2" and so on."""
    built = db.session.scalar(select(func.count()).where(School.name.like("Kildeskolen%")))
    suffix = f" {built + 1}" if built else ""
    school = SchoolFactory(name="Kildeskolen" + suffix)
    teacher = make_teacher(school, name="Anne Lærer")
    teacher2 = make_teacher(school, name="Bo Pædagog")
    other_school = SchoolFactory(name="Fjordskolen" + suffix)
    other_teacher = make_teacher(other_school, name="Cecilie Fremmed")
    world = World(
        package=package,
        school=school,
        leader=make_leader(school, name="Lise Leder"),
        teacher=teacher,
        teacher2=teacher2,
        team=TeamFactory(school=school, name="Indskolingen", members=[teacher]),
        team2=TeamFactory(school=school, name="Udskolingen", members=[teacher2]),
        other_school=other_school,
        other_leader=make_leader(other_school, name="Ole Leder"),
        other_teacher=other_teacher,
        other_team=TeamFactory(school=other_school, name="Mellemtrinnet", members=[other_teacher]),
        puf=make_puf(name="Pia PUF"),
    )
    if started:
        world.run = transitions.start_run(school.id, package, YEAR, world.leader)
    if other_started:
        world.other_run = transitions.start_run(other_school.id, package, YEAR, world.other_leader)
    return world


def ask(cycle: Cycle, team: Team, actor: User | None = None) -> None:
    """The team's question (undring) in the module, unless it has one already."""
    if cycle.question_of(team.id) is None:
        learning.save_question(
            cycle,
            team=team,
            question="Hvorfor kommer så få forældre til forældremøderne?",
            baseline="3 af 24 familier kom til sidste forældremøde.",
            actor=actor or cycle.run.started_by,  # type: ignore[arg-type]
        )


def own_team(school_user: User) -> Team:
    """A team for a user who has none (the action's team must have a question)."""
    if school_user.teams:
        return school_user.teams[0]
    return TeamFactory(
        school=school_user.school, name=f"Team {school_user.name}", members=[school_user]
    )


def agree(
    cycle: Cycle,
    actor: User,
    title: str,
    *,
    team: Team | None = None,
    owners: tuple[User, ...] = (),
    observer: User | None = None,
) -> Action:
    """A fully described action in an open cycle (its team asked first; the actor observes
    unless another observer is given)."""
    team = team or own_team(owners[0] if owners else actor)
    ask(cycle, team, actor)
    return records.agree_action(
        cycle,
        title=title,
        what="Vi sender en kort besked om fællesskabet hver fredag.",
        expectation="Flere forældre svarer og spørger ind til klassen.",
        how_notice="Vi tæller svarene i fire uger.",
        team=team,
        owners=list(owners),
        observer=observer or actor,
        observation_focus="Hvor mange forældre svarer, og hvad spørger de om?",
        period_start=START,
        period_end=END,
        actor=actor,
    )


def observe(action: Action, observer: User | None = None, text: str = "Otte svar.") -> None:
    """The observer logs an observation on the action."""
    observer = observer or action.observer
    assert observer is not None
    records.add_log_entry(
        action, author=observer, happened_on=START, text=text, observation="Forældrene spurgte."
    )


def reflect(
    cycle: Cycle, team: Team, actor: User, decisions: dict[int, Outcome] | None = None
) -> None:
    """The team's reflection, deciding "keep" on each of its actions unless told otherwise."""
    learning.record_reflection(
        cycle,
        team=team,
        held_on=END,
        participants="Teamets lærere og pædagoger",
        seen="Vi sendte beskederne; observatøren så flere svar.",
        fit="Lidt flere svar end forventet.",
        change="Vi sender om torsdagen.",
        decisions=decisions
        if decisions is not None
        else {a.id: Outcome.KEEP for a in cycle.actions if a.team_id == team.id},
        actor=actor,
    )


def fill_cycle(cycle: Cycle, leader: User, logger: User, team: Team | None = None) -> Action:
    """Record everything the cycle needs before it can be completed."""
    add_session(
        cycle,
        participants="Hele personalet",
        notes="Vi drøftede videnoplægget.",
        decisions="",
        facilitator=leader,
    )
    action = agree(cycle, leader, f"Aktion i modul {cycle.position}", team=team, owners=(logger,))
    records.add_log_entry(
        action, author=logger, happened_on=START, text="Vi prøvede det.", observation=""
    )
    observe(action)
    assert action.team is not None
    reflect(cycle, action.team, leader)
    records.record_follow_up(
        action, outcome=Outcome.KEEP, learning="Det virkede.", fit="Som ventet.", actor=leader
    )
    records.save_summary(cycle, learned="Meget.", keep="Beskederne.", next_steps="Modul 2.")
    return action


def complete_through(world: World, last: int) -> None:
    """Fill and complete modules 1..last of our school's run."""
    for position in range(1, last + 1):
        cycle = world.cycle(position)
        fill_cycle(cycle, world.leader, world.teacher, world.team)
        transitions.complete_cycle(cycle, world.leader)


def close_module_one(world: World, outcomes: dict[str, Outcome] | None = None) -> None:
    """Give our school's module-1 actions a log and a follow-up (each "keep" unless
    ``outcomes`` says otherwise, by the key in ``world.actions``), then complete module 1."""
    # Load the leader first: record_follow_up reads actor.id while its new FollowUp is not yet
    # in the session, and an expired actor would autoflush (SAWarning) at that moment.
    db.session.refresh(world.leader)
    ours = {k: a for k, a in world.actions.items() if a.cycle.run_id == world.run.id}
    decided = {a.id: (outcomes or {}).get(k, Outcome.KEEP) for k, a in ours.items()}
    for action in ours.values():
        records.add_log_entry(
            action,
            author=world.teacher,
            happened_on=action.period_start,
            text="Prøvet.",
            observation="",
        )
        observe(action)
    for team in (world.team, world.team2):
        mine = {i: o for i, o in decided.items() if db.session.get(Action, i).team_id == team.id}
        reflect(world.cycle(1), team, world.leader, mine)
    for action in ours.values():
        records.record_follow_up(
            action, outcome=decided[action.id], learning="Godt.", fit="Ja.", actor=world.leader
        )
    complete_through(world, 1)


def recording_controls(page: str) -> list[str]:
    return [m.group(0) for m in RECORDING_TARGETS.finditer(page)]


def module_url(world: World, position: int, suffix: str = "") -> str:
    return f"/skole/modul/{world.slug(position)}{suffix}"


def action_data(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Fredagsbesked om fællesskabet",
        "what": "Teamet skriver hver fredag om klassens fællesskab.",
        "expectation": "Flere forældre svarer på beskederne.",
        "how_notice": "Vi tæller svarene i fire uger.",
        "team_id": str(world.team.id),
        "owner_ids": [str(world.teacher.id), str(world.teacher2.id)],
        "observer_id": str(world.leader.id),
        "observation_focus": "Hvor mange forældre svarer?",
        "period_start": "2026-09-01",
        "period_end": "2026-10-15",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# One record at a time, through the domain (defaults that satisfy every rule)


def add_session(cycle: Cycle, **overrides: Any) -> Meeting:
    values: dict[str, Any] = {
        "held_on": START,
        "kind": MeetingKind.INPUT,
        "participants": "Hele personalegruppen",
        "notes": "Vi drøftede videnoplægget i teams.",
        "decisions": "Indskolingen afprøver en aktion.",
        "facilitator": None,
    }
    values.update(overrides)
    return records.record_meeting(cycle, **values)


def add_action(cycle: Cycle, w: World, **overrides: Any) -> Action:
    team = overrides.get("team", w.team)
    if team is not None:
        ask(cycle, team, w.leader)
    values: dict[str, Any] = {
        "title": "Forældrekaffe",
        "what": "Vi inviterer forældre til kaffe hver fredag.",
        "expectation": "Forældrene lærer hinanden at kende.",
        "how_notice": "Vi tæller fremmøde.",
        "team": w.team,
        "owners": [w.teacher],
        "observer": w.teacher2,
        "observation_focus": "Hvem taler med hvem?",
        "period_start": START,
        "period_end": END,
        "actor": w.leader,
    }
    values.update(overrides)
    return records.agree_action(cycle, **values)


def add_log(action: Action, w: World, **overrides: Any) -> None:
    values: dict[str, Any] = {
        "author": w.teacher,
        "happened_on": START,
        "text": "Tolv forældre kom.",
        "observation": "De blev længe.",
    }
    values.update(overrides)
    records.add_log_entry(action, **values)


def add_follow_up(action: Action, w: World, outcome: Outcome = Outcome.KEEP) -> FollowUp:
    return records.record_follow_up(
        action, outcome=outcome, learning="Det virker.", fit="Som ventet.", actor=w.leader
    )


def add_summary(cycle: Cycle) -> None:
    records.save_summary(
        cycle, learned="Små tiltag virker.", keep="Forældrekaffen.", next_steps="Udbred."
    )


def add_resource(
    w: World, *, by: User | None = None, published: bool = True, **overrides: Any
) -> Resource:
    """A resource proposed by a leader (ours by default) and, unless told, published by PUF."""
    actor = by or w.leader
    values: dict[str, Any] = {
        "title": "Dagsorden til forældremøderne i 0. klasse",
        "category": ResourceCategory.PARENT_MEETINGS,
        "body": "Sådan holdt vi forældremøderne om klassens fællesskab.",
        "modules": (w.slug(2),),
        "findings": ("F2",),
    }
    values.update(overrides)
    upload_dir = Path(current_app.config["BANK_UPLOAD_DIR"])
    resource = bank.propose(
        bank.Draft(**values), school_id=actor.school_id, actor=actor, upload_dir=upload_dir
    )
    if published:
        bank.publish(resource, actor=w.puf)
    return resource


# ---------------------------------------------------------------------------------------------
# Worlds for the route-access, PUF and query-budget tests


def two_schools(package: Package) -> World:
    """Two started schools, each with a leader and two teachers in two teams, and actions."""
    world = make_world(package, other_started=True)
    ours, theirs = world.cycle(1), world.cycle(1, world.other_run)
    world.actions["ours"] = agree(ours, world.leader, "Kildeskolens fredagsbesked", team=world.team)
    world.actions["ours2"] = agree(
        ours, world.leader, "Kildeskolens forældreråd", team=world.team2, owners=(world.teacher2,)
    )
    add_session(
        ours,
        participants="Kildeskolens personale",
        notes="Kildeskolens mødenoter",
        decisions="",
        facilitator=world.leader,
    )
    records.add_log_entry(
        world.actions["ours"],
        author=world.teacher,
        happened_on=START,
        text="Kildeskolens logning",
        observation="",
    )
    other_teacher2 = make_teacher(world.other_school, name="Dorte Fremmed")
    other_team2 = TeamFactory(
        school=world.other_school, name="Fjordens SFO", members=[other_teacher2]
    )
    world.actions["theirs"] = agree(
        theirs, world.other_leader, "Fjordskolens forældrekaffe", team=world.other_team
    )
    world.actions["theirs2"] = agree(
        theirs, world.other_leader, "Fjordskolens SFO-aktion", team=other_team2
    )
    add_session(
        theirs,
        participants="Fjordskolens personale",
        notes="Fjordskolens mødenoter",
        decisions="",
        facilitator=world.other_leader,
    )
    world.other_teacher2 = other_teacher2  # type: ignore[attr-defined]
    # Staff the account pages may deactivate and anonymise, one at each school.
    world.spare = make_teacher(world.school, name="Karl Kildereserve")  # type: ignore[attr-defined]
    world.other_spare = make_teacher(  # type: ignore[attr-defined]
        world.other_school, name="Frida Fjordreserve"
    )
    # A proposal (with a file) from each school, waiting for PUF: another school's is out of sight.
    world.resource_ids = [  # type: ignore[attr-defined]
        add_resource(
            world,
            published=False,
            title="Vores forslag til banken",
            upload=bank.Upload(b"%PDF-1.4\n%%EOF\n", "dagsorden.pdf"),
        ).id,
        add_resource(
            world,
            by=world.other_leader,
            published=False,
            title="Deres forslag",
            upload=bank.Upload(b"\x89PNG\r\n\x1a\n", "billede.png"),
        ).id,
    ]
    # Each school's local approach (version 1), and a sharing event where both schools present.
    for school, leader in ((world.school, world.leader), (world.other_school, world.other_leader)):
        sharing.save_local_approach(
            school.id, text=f"{school.name}s tilgang", note="", actor=leader
        )
    event = sharing.create_event(
        title="Skole inspirerer skole", held_on=END, place="Rådhuset", actor=world.puf
    )
    for position, school in enumerate((world.school, world.other_school), 1):
        db.session.add(EventExample(event=event, school_id=school.id, position=position))
    world.event_id = event.id  # type: ignore[attr-defined]
    # An area on PUF's list, in use by the school (so removing it is refused).
    world.school.district = world.school.district or "Nord"
    area = areas.create_area(world.school.district, world.puf)
    world.area_id = area.id  # type: ignore[attr-defined]
    # The PUF user's own API token, and another PUF user's.
    world.token_ids = [  # type: ignore[attr-defined]
        create_api_key(world.puf, "Egen nøgle", 30).key.id,
        create_api_key(make_puf(name="Anden PUF"), "Andens nøgle", 30).key.id,
    ]
    # PUF's notes to each school, and a report draft with one practice example.
    slug = package.slug
    notes.write_note(world.school.id, slug, "Kildeskolens besked fra PUF", world.puf)
    notes.write_note(world.other_school.id, slug, "Fjordskolens besked fra PUF", world.puf)
    draft = reports.save_draft(
        None,
        period_from=START,
        period_to=END,
        district="",
        name_stalled=False,
        actor=world.puf,
    )
    quote = ReportQuote(school_name="Kildeskolen", module_slug=world.slug(1), text="Et eksempel.")
    draft.quotes.append(quote)
    db.session.flush()
    world.draft_id, world.quote_id = draft.id, quote.id  # type: ignore[attr-defined]
    # A notice of the PUF user's own (anyone else's answers 404), and a school holiday.
    post_notice(world.puf.id, "digest", "Ny læring at læse", "/puf/laering", "world:puf")
    world.notice_id = db.session.scalar(  # type: ignore[attr-defined]
        select(Notice.id).where(Notice.user_id == world.puf.id)
    )
    world.holiday_id = calendar.save_holiday(  # type: ignore[attr-defined]
        None, "Efterårsferie", date(2026, 10, 12), date(2026, 10, 18)
    ).id
    # The records a correction route names, ours then theirs: a log entry, a meeting, a team's
    # question and its reflection.
    records.add_log_entry(
        world.actions["theirs"],
        author=world.other_teacher,
        happened_on=START,
        text="Fjordskolens logning",
        observation="",
    )
    world.record_ids = [  # type: ignore[attr-defined]
        _record_ids(ours, world.team2, world.leader),
        _record_ids(theirs, world.other_team, world.other_leader),
    ]
    return world


def _record_ids(cycle: Cycle, team: Team, leader: User) -> dict[str, int]:
    reflect(cycle, team, leader)
    question, reflection = cycle.question_of(team.id), cycle.reflection_of(team.id)
    assert question is not None and reflection is not None
    return {
        "entry_id": cycle.actions[0].log_entries[0].id,
        "meeting_id": cycle.meetings[0].id,
        "question_id": question.id,
        "reflection_id": reflection.id,
    }


def digest_world(package: Package) -> World:
    """Kildeskolen (Nord) completed module 1 and learned something; Fjordskolen (Syd) followed
    up in module 1 too; Åby Skole (Syd) followed up; Anker Skole has nothing to tell."""
    world = make_world(package, other_started=True)
    complete_through(world, 1)
    world.other_school.district = "Syd"
    fill_cycle(world.cycle(1, world.other_run), world.other_leader, world.other_teacher)
    aaby = SchoolFactory(name="Åby Skole", district="Syd")
    leader = make_leader(aaby, name="Åse Leder")
    run = transitions.start_run(aaby.id, package, YEAR, leader)
    action = fill_cycle(run.cycles[0], leader, make_teacher(aaby, name="Åge Lærer"))
    action.follow_up.learning = '=HYPERLINK("http://evil")'  # type: ignore[union-attr]
    action.follow_up.outcome = Outcome.STOP  # type: ignore[union-attr]
    SchoolFactory(name="Anker Skole", district="Nord")
    return world


def grow(package: Package, extra_actions: int) -> None:
    """More schools and many more actions and log entries in the first school's open module."""
    seed_demo(package, schools=8)
    leader = db.session.scalar(select(User).where(User.email == "leder@ellevangskolen.demo.dk"))
    teacher = db.session.scalar(select(User).where(User.email == "laerer1@ellevangskolen.demo.dk"))
    assert leader is not None and teacher is not None
    cycle = school_cycle(leader.school_id, "foraeldremoeder")
    assert cycle is not None
    team = teacher.teams[0]
    ask(cycle, team, leader)
    for n in range(extra_actions):
        action = records.agree_action(
            cycle,
            title=f"Ekstra aktion {n}",
            what="Noget.",
            expectation="Noget.",
            how_notice="Noget.",
            team=team,
            owners=[teacher, leader],
            observer=None,
            observation_focus="",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 2, 1),
            actor=leader,
        )
        for _ in range(3):
            records.add_log_entry(
                action, author=teacher, happened_on=date(2026, 1, 5), text="Logget.", observation=""
            )
    db.session.commit()


def history_world(package: Package) -> World:
    """Snapshots over three weeks: ours starts 1 Sep, completes module 1 on 16 Sep (one action
    kept, one stopped); the other school starts on 10 Sep."""
    world = make_world(package)
    slug = package.slug
    snapshots.take_snapshot(slug, date(2026, 9, 1))
    world.other_run = transitions.start_run(
        world.other_school.id, package, YEAR, world.other_leader
    )
    snapshots.take_snapshot(slug, date(2026, 9, 10))
    first = world.cycle(1)
    kept = fill_cycle(first, world.leader, world.teacher, world.team)
    stopped = add_action(first, world, title="Forældrebrev")
    add_log(stopped, world)
    observe(stopped)
    reflect(first, world.team, world.leader, {kept.id: Outcome.KEEP, stopped.id: Outcome.STOP})
    records.record_follow_up(
        stopped,
        outcome=Outcome.STOP,
        learning="For tungt.",
        fit="Færre svar end ventet.",
        actor=world.leader,
    )
    assert kept.follow_up is not None
    transitions.complete_cycle(first, world.leader)
    snapshots.take_snapshot(slug, date(2026, 9, 16))
    db.session.commit()
    return world
