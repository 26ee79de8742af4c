"""A demo municipality: schools with Danish names, their staff and a run in progress.

Idempotent: every object is found by its natural key before it is created, so running the
seed twice gives the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from learningpack.content import Package, split_action_suggestion
from learningpack.domain.areas import ensure_areas
from learningpack.domain.learning import record_reflection, save_question, start_second_round
from learningpack.domain.records import (
    add_log_entry,
    agree_action,
    record_follow_up,
    record_meeting,
    save_summary,
)
from learningpack.domain.transitions import complete_cycle, start_run
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    CycleState,
    MeetingKind,
    Outcome,
    Role,
    Run,
    School,
    Team,
    User,
)
from learningpack.ops.demo_bank import seed_bank
from learningpack.ops.demo_notices import seed_reminders
from learningpack.output.labels import ascii_slug

DEMO_PASSWORD = "demo-forældre-2026"
YEAR_LABEL = "2026/27"

SCHOOLS = [
    ("Ellevangskolen", "Nord"),
    ("Åbyhøj Skole", "Vest"),
    ("Skæring Skole", "Nord"),
    ("Søndervangskolen", "Vest"),
    ("Møllevangskolen", "Midt"),
    ("Holme Skole", "Syd"),
    ("Frydenlunds Skole", "Syd"),
    ("Strandskolen", "Øst"),
]
TEAMS = ("Indskolingen", "Mellemtrinnet", "Udskolingen")
TEACHER_NAMES = (
    "Anne Sørensen",
    "Jens Møller",
    "Sofie Kjær",
    "Ali Hassan",
    "Mette Ørum",
    "Bo Åberg",
)
# Ordinary names (the role is shown beside the name; a name need not repeat it).
LEADER_NAMES = (
    "Karen Lund",
    "Peter Holm",
    "Hanne Bech",
    "Morten Dahl",
    "Lene Friis",
    "Søren Kjeldsen",
    "Birthe Vestergaard",
    "Thomas Iversen",
)
PUF_NAME = "Birgitte Nørgaard"
DISTRICTS = ("Nord", "Syd", "Vest", "Midt", "Øst")


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    school: str


def school_specs(count: int) -> list[tuple[str, str]]:
    specs = list(SCHOOLS[:count])
    for n in range(len(specs) + 1, count + 1):
        specs.append((f"Demoskole {n:04d}", DISTRICTS[n % len(DISTRICTS)]))
    return specs


class _Seeder:
    def __init__(self, package: Package) -> None:
        self.package = package
        self.password_hash = generate_password_hash(DEMO_PASSWORD)
        self.logins: list[Login] = []

    def school(self, name: str, district: str) -> School:
        school = db.session.scalar(select(School).where(School.name == name))
        if school is None:
            school = School(name=name, district=district)
            db.session.add(school)
            db.session.flush()
        return school

    def user(self, email: str, name: str, role: Role, school: School | None) -> User:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=name,
                role=role,
                school_id=school.id if school else None,
                password_hash=self.password_hash,
            )
            db.session.add(user)
            db.session.flush()
        self.logins.append(
            Login(role=role.value, email=email, school=school.name if school else "")
        )
        return user

    def team(self, school: School, name: str, members: list[User]) -> Team:
        team = db.session.scalar(select(Team).where(Team.school_id == school.id, Team.name == name))
        if team is None:
            team = Team(school_id=school.id, name=name, members=members)
            db.session.add(team)
            db.session.flush()
        return team

    def staff(self, school: School, index: int) -> tuple[User, list[User], list[Team]]:
        slug = ascii_slug(school.name)
        name = LEADER_NAMES[index % len(LEADER_NAMES)]
        leader = self.user(f"leder@{slug}.demo.dk", name, Role.LEADER, school)
        teachers = [
            self.user(f"laerer{i + 1}@{slug}.demo.dk", TEACHER_NAMES[i], Role.TEACHER, school)
            for i in range(4)
        ]
        teams = [
            self.team(school, TEAMS[0], teachers[:2]),
            self.team(school, TEAMS[1], teachers[2:]),
        ]
        return leader, teachers, teams

    def run(
        self,
        school: School,
        leader: User,
        teachers: list[User],
        teams: list[Team],
        progress: int,
        today: date,
    ) -> None:
        existing = db.session.scalar(
            select(Run).where(
                Run.school_id == school.id,
                Run.package_slug == self.package.slug,
                Run.year_label == YEAR_LABEL,
            )
        )
        if existing is not None or progress < 0:
            return
        run = start_run(school.id, self.package, YEAR_LABEL, leader)
        first = run.cycles[0]
        if progress == 0:
            return
        self.fill_cycle(
            first, leader, teachers, teams, today - timedelta(days=60), full=progress >= 2
        )
        if progress >= 2:
            complete_cycle(first, leader)
            second = db.session.scalar(
                select(Cycle).where(Cycle.run_id == run.id, Cycle.position == 2)
            )
            assert second is not None and second.state == CycleState.ACTIVE
            self.fill_cycle(second, leader, teachers, teams, today - timedelta(days=14), full=False)

    def fill_cycle(
        self,
        cycle: Cycle,
        leader: User,
        teachers: list[User],
        teams: list[Team],
        start: date,
        *,
        full: bool,
    ) -> None:
        module = self.package.module(cycle.module_slug)
        record_meeting(
            cycle,
            held_on=start,
            kind=MeetingKind.INPUT,
            participants="Hele personalegruppen, 24 lærere og pædagoger",
            notes=f"Videnoplæg om {module.title.lower()}. Drøftelse i teams af egen praksis: "
            "vi gør meget for det enkelte barn, mindre for fællesskabet.",
            decisions="Indskolingen og mellemtrinnet afprøver hver en aktion i seks uger.",
            facilitator=leader,
        )
        questions = (
            (
                "Hvorfor kommer så få forældre til forældremøderne – og hvem mangler?",
                "Til sidste forældremøde kom 9 af 24 familier; de samme forældre taler hver gang.",
            ),
            (
                "Hvordan kan forældrene støtte fællesskabet, når de sjældent mødes?",
                "Forældrene kender mest hinanden fra fødselsdage; 2 af 3 klasser har intet "
                "forældreråd.",
            ),
        )
        actions: list[Action] = []
        for index, team in enumerate(teams):
            question, baseline = questions[index % len(questions)]
            save_question(cycle, team=team, question=question, baseline=baseline, actor=leader)
            idea = split_action_suggestion(module.action_suggestions[index])
            owner, observer = teachers[index * 2], teachers[index * 2 + 1]
            action = agree_action(
                cycle,
                title=idea["title"],
                what=idea["what"],
                expectation=idea["expectation"],
                how_notice=idea["how_notice"],
                team=team,
                owners=[owner],
                observer=observer,
                observation_focus="Hvem taler med hvem, og hvem står uden for samtalen?",
                period_start=start + timedelta(days=7),
                period_end=start + timedelta(days=35),
                actor=leader,
            )
            actions.append(action)
            self.try_out(action, owner, observer, start + timedelta(days=10))
        if full or len(teams) > 1:
            self.reflect(cycle, teams[0], [actions[0]], Outcome.KEEP, leader, start)
        if full:
            self.reflect(cycle, teams[1], [actions[1]], Outcome.ADJUST, leader, start)
            second = start_second_round(
                actions[1],
                actor=leader,
                title=f"{actions[1].title} – anden runde",
                what=actions[1].what + " Nu i mindre grupper på fire-fem forældre.",
                expectation="Flere af de forældre, der plejer at være stille, siger noget.",
                how_notice=actions[1].how_notice,
                observation_focus="Hvor mange forældre siger noget i hver gruppe?",
                period_start=start + timedelta(days=37),
                period_end=start + timedelta(days=52),
            )
            self.try_out(second, teachers[2], teachers[3], start + timedelta(days=40))
            self.reflect(
                cycle, teams[1], [second], Outcome.KEEP, leader, start + timedelta(days=14)
            )
            for action in [*actions, second]:
                record_follow_up(
                    action,
                    outcome=action.reflection_decision or Outcome.KEEP,
                    learning="Små, faste greb virker bedre end store arrangementer.",
                    fit="Vi forventede flere svar og fik dem – men kun fra de forældre, der "
                    "i forvejen deltager. Det så observatøren også.",
                    actor=leader,
                )
        if full:
            save_summary(
                cycle,
                learned="Forældrene tager godt imod konkrete forventninger.",
                keep="Vi fastholder dialog i små grupper på forældremøder.",
                next_steps="Vi deler erfaringerne med udskolingen.",
            )

    def try_out(self, action: Action, owner: User, observer: User, day: date) -> None:
        """The owner logs what was done, the observer what was seen."""
        add_log_entry(
            action,
            author=owner,
            happened_on=day,
            text="Første gang afprøvet på forældremødet i 2.-klasserne.",
            observation="Forældrene talte mere med hinanden end sædvanligt.",
        )
        add_log_entry(
            action,
            author=observer,
            happened_on=day,
            text="Fire grupper à fem forældre; i to af dem talte alle. To fædre sagde intet.",
            observation="Grupperne med en lærer ved bordet kom hurtigere i gang.",
        )

    def reflect(
        self,
        cycle: Cycle,
        team: Team,
        actions: list[Action],
        decision: Outcome,
        leader: User,
        start: date,
    ) -> None:
        record_reflection(
            cycle,
            team=team,
            held_on=start + timedelta(days=36),
            participants=f"{team.name}s lærere og pædagoger med observatøren",
            seen="Vi prøvede aktionen to gange; observatøren så, at de samme forældre talte.",
            fit="Flere forældre kom, som vi forventede, men samtalen var skæv.",
            change="Mindre grupper og et konkret spørgsmål at tale om.",
            decisions={a.id: decision for a in actions},
            actor=leader,
        )


def seed_demo(package: Package, schools: int = 5, today: date | None = None) -> list[Login]:
    """Create (or find) the demo municipality; returns the demo logins. The caller commits."""
    seeder = _Seeder(package)
    today = today or date.today()
    puf = seeder.user("puf@demo.dk", PUF_NAME, Role.PUF, None)
    leaders = []
    ensure_areas(district for _name, district in school_specs(schools))
    for index, (name, district) in enumerate(school_specs(schools)):
        school = seeder.school(name, district)
        leader, teachers, teams = seeder.staff(school, index)
        leaders.append(leader)
        # The first school is in module 2, the second in module 1 with work under way,
        # the third has just started, the rest have not started yet.
        progress = {0: 2, 1: 1, 2: 0}.get(index, -1)
        seeder.run(school, leader, teachers, teams, progress, today)
    seed_bank(puf, leaders)
    if leaders:
        seed_reminders(package, puf, leaders[0], today)
    return seeder.logins
