"""A national-scale demo data set, loaded in bulk.

``flask --app app demo seed --schools 1100 --actions-per-school 225``.

The small demo (``demo.py``) goes through ``cycle.py`` object by object, which is right for five
schools and far too slow for a thousand. Here every row is built as a plain dict and inserted with
SQLAlchemy Core in chunks; ``progress.rebuild`` then fills each cycle's progress columns in one
UPDATE, so they say exactly what the stepper would. The spread of progress is realistic: some
schools have not started, most work in modules 1–3, a few are done, some have stalled for weeks.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from learningpack.content import Package, split_action_suggestion
from learningpack.domain.progress import rebuild
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
    School,
    Team,
    User,
    action_owner,
    team_member,
)
from learningpack.output.labels import ascii_slug

YEAR_LABEL = "2026/27"
CHUNK = 20_000
DOMAIN = "national.demo.dk"

DISTRICTS = (
    "Nord", "Syd", "Vest", "Midt", "Øst", "Åby", "Viby", "Brabrand",
    "Lystrup", "Skødstrup", "Tilst", "Højbjerg",
)  # fmt: skip
_FIRST = (
    "Ege", "Bøge", "Birke", "Ahorn", "Hassel", "Lærke", "Skov", "Sø", "Å", "Mølle",
    "Kirke", "Strand", "Bakke", "Eng", "Fjord", "Hede", "Kær", "Lyng", "Mose", "Rønne",
    "Tårn", "Vester", "Øster", "Nørre", "Sønder", "Holme", "Tved", "Hjorte", "Ravne", "Ørne",
    "Svane", "Kilde", "Bro", "Dal", "Lunde", "Tofte", "Gårde", "Rose", "Kløver", "Æble",
)  # fmt: skip
_SECOND = (
    "vang", "høj", "lund", "bakke", "dal", "gård", "toft", "holm", "bjerg", "hus",
    "mark", "kær", "ager", "strand", "bæk",
)  # fmt: skip
_SUFFIX = ("skolen", " Skole", "s Skole")
TEAMS = ("Indskolingen", "Mellemtrinnet", "Udskolingen")
TEACHERS = ("Anne Sørensen", "Jens Møller", "Sofie Kjær", "Ali Hassan")
LOG_TEXTS = (
    ("Afprøvet på forældremødet i 2. klasse.", "Forældrene talte mere med hinanden."),
    ("Sendt ud i fredagsbrevet.", "Flere svarede end sidst."),
    ("Prøvet i to klasser i mellemtrinnet.", "God stemning, men svært at nå alle."),
    ("Gennemført ved skole-hjem-samtalerne.", "Forældrene spurgte ind til fællesskabet."),
    ("Talt om i teamet bagefter.", "Vi justerer tidspunktet næste gang."),
)
LEARNINGS = (
    "Små, faste greb virker bedre end store arrangementer.",
    "Forældrene tager godt imod konkrete forventninger.",
    "Dialog i små grupper giver flere stemmer end plenum.",
    "Det kræver en fast ansvarlig i teamet, ellers glider det.",
    "Korte beskeder bliver læst; lange nyhedsbreve gør ikke.",
    "Forældrerådet kan bære en del af arbejdet, når rammen er klar.",
    "Tolkning og billeder hjælper forældre med et andet sprog.",
    "Det virker bedst, når eleverne selv er med til at invitere.",
)
OUTCOMES = (Outcome.KEEP, Outcome.KEEP, Outcome.ADJUST, Outcome.STOP)
# Where the schools are: not started, module 1–5 open, or every module completed.
PROGRESS_WEIGHTS = {0: 7, 1: 27, 2: 29, 3: 21, 4: 9, 5: 5, 6: 2}
# What the open module has reached, and how many of a full module's actions it has so far.
PHASE_WEIGHTS = {
    CyclePhase.INPUT: (9, 0.0),
    CyclePhase.ACTIONS: (10, 0.0),
    CyclePhase.TRYING: (50, 0.6),
    CyclePhase.FOLLOW_UP: (23, 0.9),
    CyclePhase.READY: (8, 1.0),
}
STALLED_SHARE = 0.15


class AlreadySeeded(Exception):
    """The national data set is already in this database."""

    def __init__(self, schools: int) -> None:
        super().__init__(f"{schools} national demo schools exist already")
        self.schools = schools


@dataclass
class NationalResult:
    schools: int = 0
    users: int = 0
    actions: int = 0
    log_entries: int = 0
    follow_ups: int = 0
    meetings: int = 0
    seconds: float = 0.0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def school_names(count: int, taken: set[str], seed: int = 2026) -> list[str]:
    """Unique Danish-looking school names (with æ, ø, å), none of them already taken."""
    names = {
        f"{first}{second}{suffix}" for first in _FIRST for second in _SECOND for suffix in _SUFFIX
    }
    unique = sorted(names - taken)
    random.Random(seed).shuffle(unique)
    if count > len(unique):
        raise ValueError(f"at most {len(unique)} national schools can be named")
    return unique[:count]


def max_schools() -> int:
    return len(_FIRST) * len(_SECOND) * len(_SUFFIX) - 50


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


class _Ids:
    """The next free id of each table, read once: rows get explicit ids, so children can refer
    to their parents without a round trip."""

    def __init__(self, *models: Any) -> None:
        self.next = {
            m.__tablename__: (db.session.scalar(select(func.max(m.id))) or 0) + 1 for m in models
        }

    def take(self, model: Any) -> int:
        value = self.next[model.__tablename__]
        self.next[model.__tablename__] = value + 1
        return value


class _Rows:
    """Rows waiting to be inserted, flushed table by table in parent-first order."""

    ORDER: tuple[Any, ...] = (
        School.__table__, User.__table__, Team.__table__, team_member, Run.__table__,
        Cycle.__table__, Meeting.__table__, Action.__table__, action_owner,
        LogEntry.__table__, FollowUp.__table__,
    )  # fmt: skip

    def __init__(self) -> None:
        self.pending: dict[Any, list[dict[str, Any]]] = {t: [] for t in self.ORDER}
        self.size = 0

    def add(self, table: Any, row: dict[str, Any]) -> None:
        self.pending[table].append(row)
        self.size += 1
        if self.size >= CHUNK:
            self.flush()

    def flush(self) -> None:
        copy = db.engine.dialect.name == "postgresql"
        for table in self.ORDER:
            rows = self.pending[table]
            if rows:
                if copy:
                    _copy_rows(table, rows)
                else:
                    db.session.execute(insert(table), rows)
                rows.clear()
        self.size = 0


def _copy_rows(table: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY: several times faster than INSERT for a bulk load. Every value here is
    a plain int, str, bool, date or aware datetime, which psycopg adapts as INSERT would."""
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = db.session.connection().connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _choice(rng: random.Random, weights: dict[Any, Any]) -> Any:
    keys = list(weights)
    values = [w[0] if isinstance(w, tuple) else w for w in weights.values()]
    return rng.choices(keys, weights=values)[0]


def _split(total: int, weights: list[float]) -> list[int]:
    """total split in proportion to weights, as whole numbers that add up to total."""
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    shares = [int(total * w / whole) for w in weights]
    for index in sorted(range(len(weights)), key=lambda i: -weights[i])[: total - sum(shares)]:
        shares[index] += 1
    return shares


@dataclass
class _Plan:
    """One school's place in the package: its open module, that module's phase, its pace."""

    position: int  # 0 = not started, 1–5 open module, 6 = all completed
    phase: CyclePhase | None
    idle_days: int
    days_in_open: int
    weight: float


def _plan(rng: random.Random, modules: int) -> _Plan:
    position = min(_choice(rng, PROGRESS_WEIGHTS), modules + 1)
    phase = _choice(rng, PHASE_WEIGHTS) if 1 <= position <= modules else None
    stalled = rng.random() < STALLED_SHARE
    idle = rng.randint(21, 120) if stalled else rng.randint(0, 12)
    in_open = idle + rng.randint(5, 40)
    completed = min(position - 1, modules) if position else 0
    share = PHASE_WEIGHTS[phase][1] if phase else 0.0
    return _Plan(position, phase, idle, in_open, weight=completed + share)


def seed_national(
    package: Package,
    schools: int,
    actions_per_school: int,
    today: date | None = None,
    seed: int = 2026,
) -> NationalResult:
    """Add ``schools`` schools with about ``schools × actions_per_school`` actions in bulk.

    Refuses (AlreadySeeded) when national demo schools exist already. The caller commits.
    """
    started_clock = time.perf_counter()
    existing = db.session.scalar(
        select(func.count(User.id)).where(User.email.like(f"leder@%.{DOMAIN}"))
    )
    if existing:
        raise AlreadySeeded(existing)
    today = today or date.today()
    rng = random.Random(seed)
    taken = set(db.session.scalars(select(School.name)))
    names = school_names(schools, taken, seed)
    modules = package.modules
    ideas = [[split_action_suggestion(s) for s in m.action_suggestions] for m in modules]
    plans = [_plan(rng, len(modules)) for _ in names]
    total_weight = sum(p.weight for p in plans) or 1.0
    target = schools * actions_per_school

    ids = _Ids(School, User, Team, Run, Cycle, Meeting, Action, LogEntry, FollowUp)
    rows = _Rows()
    result = NationalResult()
    password_hash = generate_password_hash("demo-forældre-2026")
    now = _at(today)
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        # A bulk load of demo data on this connection (a CLI process that ends after it): if
        # the machine dies mid-way, the demo database is simply built again.
        db.session.execute(text("PRAGMA synchronous = OFF"))

    for index, (name, plan) in enumerate(zip(names, plans, strict=True)):
        school_id = ids.take(School)
        district = DISTRICTS[index % len(DISTRICTS)]
        rows.add(
            School.__table__,
            {"id": school_id, "name": name, "district": district, "created_at": now},
        )
        slug = ascii_slug(name)
        user = {
            "password_hash": password_hash, "school_id": school_id, "active": True,
            "locale": "da", "session_version": 1, "created_at": now,
        }  # fmt: skip
        leader_id = ids.take(User)
        leader = {"id": leader_id, "email": f"leder@{slug}.{DOMAIN}", "name": f"Leder på {name}"}
        rows.add(User.__table__, {**user, **leader, "role": Role.LEADER.value})
        teacher_ids = []
        for number, teacher in enumerate(TEACHERS, start=1):
            teacher_ids.append(ids.take(User))
            rows.add(User.__table__, {**user, "id": teacher_ids[-1], "name": teacher,
                                      "email": f"laerer{number}@{slug}.{DOMAIN}",
                                      "role": Role.TEACHER.value})  # fmt: skip
        if index < 2:
            result.logins += [("leader", f"leder@{slug}.{DOMAIN}", name),
                              ("teacher", f"laerer1@{slug}.{DOMAIN}", name)]  # fmt: skip
        team_ids = [ids.take(Team) for _ in TEAMS]
        members = ([teacher_ids[0], teacher_ids[1]], [teacher_ids[2]], [teacher_ids[3]])
        for team_id, team_name, team_members in zip(team_ids, TEAMS, members, strict=True):
            rows.add(Team.__table__, {"id": team_id, "school_id": school_id, "name": team_name})
            for member in team_members:
                rows.add(team_member, {"team_id": team_id, "user_id": member})
        result.schools += 1
        result.users += 1 + len(TEACHERS)
        if plan.position == 0:
            continue
        _run(rows, ids, rng, result, package, ideas, plan, now, today,
             school_id, leader_id, team_ids, members,
             actions=round(target * plan.weight / total_weight))  # fmt: skip

    rows.flush()
    if db.engine.dialect.name == "postgresql":
        for model in (School, User, Team, Run, Cycle, Meeting, Action, LogEntry, FollowUp):
            table = model.__tablename__
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT max(id) FROM "{table}"))'
                )
            )
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        # What autovacuum would do soon after a bulk load: give the planner real statistics
        # (without them the rebuild's correlated subqueries get slow plans).
        db.session.execute(text("ANALYZE"))
    rebuild()
    if postgres:
        db.session.execute(text("ANALYZE cycle"))
    result.seconds = time.perf_counter() - started_clock
    return result


def _run(
    rows: _Rows, ids: _Ids, rng: random.Random, result: NationalResult, package: Package,
    ideas: list[list[dict[str, str]]], plan: _Plan, now: datetime, today: date,
    school_id: int, leader_id: int, team_ids: list[int], members: tuple[list[int], ...],
    actions: int,
) -> None:  # fmt: skip
    """One school's run: completed modules, the open one at its phase, the rest locked."""
    modules = package.modules
    open_since = today - timedelta(days=plan.days_in_open)
    completed = min(plan.position - 1, len(modules))
    # Each completed module took 35–70 days; the run started before the first one.
    spans = [rng.randint(35, 70) for _ in range(completed)]
    start = open_since - timedelta(days=sum(spans) + rng.randint(1, 10))
    run_id = ids.take(Run)
    all_done = completed == len(modules)
    rows.add(Run.__table__, {
        "id": run_id, "school_id": school_id, "package_slug": package.slug,
        "year_label": YEAR_LABEL, "started_at": _at(start, 9), "started_by_id": leader_id,
        "completed_at": _at(open_since) if all_done else None,
    })  # fmt: skip
    phase_share = PHASE_WEIGHTS[plan.phase][1] if plan.phase else 0.0
    weights = [1.0] * completed + ([phase_share] if not all_done else [])
    per_cycle = _split(actions, weights) + [0] * len(modules)
    begin = start
    for position, module in enumerate(modules, start=1):
        cycle_id = ids.take(Cycle)
        base = {
            "id": cycle_id, "run_id": run_id, "module_slug": module.slug, "position": position,
            "local_notes": "", "local_questions": "", "summary_learned": "", "summary_keep": "",
            "summary_next": "", "opened_by_id": None, "completed_by_id": None,
            "opened_at": None, "completed_at": None, "last_activity_at": None,
            "state": CycleState.LOCKED.value,
        }  # fmt: skip
        # The cycle row goes in before its sessions and actions: a chunk may be flushed
        # between any two rows, and children need their parent in the database.
        work: tuple[CyclePhase, date, date] | None = None
        if position <= completed:
            end = begin + timedelta(days=spans[position - 1])
            base.update(state=CycleState.COMPLETED.value, opened_at=_at(begin, 8),
                        opened_by_id=leader_id, completed_at=_at(end, 15),
                        completed_by_id=leader_id, last_activity_at=_at(end, 15),
                        **_summary())  # fmt: skip
            work = (CyclePhase.READY, begin, end)
            begin = end
        elif position == completed + 1 and plan.phase is not None:
            last = today - timedelta(days=plan.idle_days)
            base.update(state=CycleState.ACTIVE.value, opened_at=_at(open_since, 8),
                        opened_by_id=leader_id, last_activity_at=_at(last, 14))  # fmt: skip
            if plan.phase == CyclePhase.READY:
                base.update(_summary())
            work = (plan.phase, open_since, last)
        rows.add(Cycle.__table__, base)
        if work is not None:
            phase, first, last_day = work
            _cycle_work(rows, ids, rng, result, ideas[position - 1], cycle_id,
                        per_cycle[position - 1], phase, first, last_day, leader_id,
                        team_ids, members)  # fmt: skip


def _summary() -> dict[str, str]:
    return {
        "summary_learned": "Forældrene tager godt imod konkrete forventninger.",
        "summary_keep": "Vi fastholder dialog i små grupper på forældremøder.",
        "summary_next": "Vi deler erfaringerne på tværs af teams.",
    }


def _days(rng: random.Random, first: date, last: date) -> Iterator[date]:
    span = max(0, (last - first).days)
    while True:
        yield first + timedelta(days=rng.randint(0, span))


def _cycle_work(
    rows: _Rows, ids: _Ids, rng: random.Random, result: NationalResult,
    ideas: list[dict[str, str]], cycle_id: int, actions: int, phase: CyclePhase,
    first: date, last: date, leader_id: int, team_ids: list[int],
    members: tuple[list[int], ...],
) -> None:  # fmt: skip
    """Sessions, actions, log entries and follow-ups of one cycle, as far as its phase goes."""
    if phase == CyclePhase.INPUT:
        return
    days = _days(rng, first, last)
    sessions = [(MeetingKind.INPUT, first)]
    if phase in (CyclePhase.FOLLOW_UP, CyclePhase.READY):
        sessions.append((MeetingKind.FOLLOW_UP, last))
    for kind, held_on in sessions:
        rows.add(Meeting.__table__, {
            "id": ids.take(Meeting), "cycle_id": cycle_id, "held_on": held_on,
            "kind": kind.value, "facilitator_id": leader_id,
            "participants": "Hele personalegruppen", "notes": "Drøftelse i teams af egen praksis.",
            "decisions": "", "created_at": _at(held_on, 16),
        })  # fmt: skip
        result.meetings += 1
    untried_left = phase == CyclePhase.TRYING
    without_follow_up_left = phase == CyclePhase.FOLLOW_UP
    for number in range(actions):
        action_id = ids.take(Action)
        team = number % len(team_ids)
        idea = ideas[number % len(ideas)]
        status = _status(rng, phase)
        created = _at(first, 17)
        rows.add(Action.__table__, {
            "id": action_id, "cycle_id": cycle_id, "team_id": team_ids[team],
            "title": f"{idea['title']} ({number + 1})"[:200], "what": idea["what"] or "Aktionen.",
            "expectation": idea["expectation"] or "Flere forældre deltager.",
            "how_notice": idea["how_notice"] or "Vi tæller og spørger.",
            "period_start": first + timedelta(days=7), "period_end": first + timedelta(days=49),
            "status": status.value, "created_by_id": leader_id, "created_at": created,
            "updated_at": created,
        })  # fmt: skip
        rows.add(action_owner, {"action_id": action_id, "user_id": members[team][0]})
        result.actions += 1
        if phase == CyclePhase.TRYING:
            logs = 0 if (untried_left or rng.random() < 0.4) else rng.randint(1, 2)
            untried_left = False
        elif status == ActionStatus.DROPPED:
            logs = rng.randint(0, 1)
        else:
            logs = rng.choice((1, 1, 2, 2, 3))
        for _ in range(logs):
            happened = next(days)
            text_, observation = LOG_TEXTS[rng.randrange(len(LOG_TEXTS))]
            rows.add(LogEntry.__table__, {
                "id": ids.take(LogEntry), "action_id": action_id,
                "author_id": members[team][0], "happened_on": happened, "text": text_,
                "observation": observation, "created_at": _at(happened, 15),
            })  # fmt: skip
            result.log_entries += 1
        follow = phase == CyclePhase.READY or (
            phase == CyclePhase.FOLLOW_UP and not without_follow_up_left and rng.random() < 0.6
        )
        without_follow_up_left = False
        if follow:
            rows.add(FollowUp.__table__, {
                "id": ids.take(FollowUp), "action_id": action_id,
                "outcome": rng.choice(OUTCOMES).value,
                "learning": LEARNINGS[rng.randrange(len(LEARNINGS))],
                "recorded_by_id": leader_id, "recorded_at": _at(last, 15),
            })  # fmt: skip
            result.follow_ups += 1


def _status(rng: random.Random, phase: CyclePhase) -> ActionStatus:
    roll = rng.random()
    if phase == CyclePhase.TRYING:
        return ActionStatus.PLANNED if roll < 0.3 else (
            ActionStatus.IN_PROGRESS if roll < 0.9 else ActionStatus.DONE
        )  # fmt: skip
    if roll < 0.75:
        return ActionStatus.DONE
    return ActionStatus.IN_PROGRESS if roll < 0.9 else ActionStatus.DROPPED
