"""A national-scale demo data set, loaded in bulk.

``flask --app app demo seed --schools 1100 --actions-per-school 225``, or at any size
``flask --app app national seed --schools 10000`` (about 250 actions per school).

The small demo (``demo.py``) goes through ``domain/cycle.py`` object by object, which is right for
five schools and far too slow for a thousand. Here every row is built as a plain dict and written
in chunks by ``bulk.py``; ``national_runs.py`` builds each school's run. ``progress.rebuild`` then
fills each cycle's progress columns in one UPDATE, so they say exactly what the stepper would.
The spread of progress is realistic: some schools have not started, most work in modules 1–3, a
few are done, some have stalled for weeks.
"""

from __future__ import annotations

import random
import time
from datetime import date

from sqlalchemy import func, select, text
from werkzeug.security import generate_password_hash

from learningpack.content import Package, split_action_suggestion
from learningpack.domain.areas import ensure_areas
from learningpack.domain.progress import rebuild
from learningpack.domain.school_progress import refresh
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    FollowUp,
    LogEntry,
    Meeting,
    Reflection,
    Role,
    Run,
    School,
    Team,
    TeamQuestion,
    User,
    team_member,
)
from learningpack.models.types import danish_key
from learningpack.ops.bulk import BulkIds, BulkRows, reset_sequences
from learningpack.ops.national_runs import NationalResult, add_run, at, plan_school
from learningpack.output.labels import ascii_slug

__all__ = ["AlreadySeeded", "NationalResult", "max_schools", "school_names", "seed_national"]

DOMAIN = "national.demo.dk"
BULK_MODELS = (
    School, User, Team, Run, Cycle, Meeting, TeamQuestion, Reflection, Action, LogEntry, FollowUp,
)  # fmt: skip

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


class AlreadySeeded(Exception):
    """The national data set is already in this database."""

    def __init__(self, schools: int) -> None:
        super().__init__(f"{schools} national demo schools exist already")
        self.schools = schools


def school_names(count: int, taken: set[str], seed: int = 2026) -> list[str]:
    """Unique Danish-looking school names (with æ, ø, å), none of them already taken; past the
    ~1,800 plain names, the same names again with a district ("Egevangskolen, Tilst")."""
    plain = [
        f"{first}{second}{suffix}" for first in _FIRST for second in _SECOND for suffix in _SUFFIX
    ]
    names = set(plain)
    for district in DISTRICTS:
        if len(names) - len(taken) >= count:
            break
        names.update(f"{name}, {district}" for name in plain)
    unique = sorted(names - taken)
    random.Random(seed).shuffle(unique)
    if count > len(unique):
        raise ValueError(f"at most {len(unique)} national schools can be named")
    return unique[:count]


def max_schools() -> int:
    return len(_FIRST) * len(_SECOND) * len(_SUFFIX) * (1 + len(DISTRICTS)) - 50


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
    plans = [plan_school(rng, len(modules)) for _ in names]
    total_weight = sum(p.weight for p in plans) or 1.0
    target = schools * actions_per_school

    ids = BulkIds(*BULK_MODELS)
    rows = BulkRows()
    result = NationalResult()
    password_hash = generate_password_hash("demo-forældre-2026")
    now = at(today)
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        # A bulk load of demo data on this connection (a CLI process that ends after it): if
        # the machine dies mid-way, the demo database is simply built again.
        db.session.execute(text("PRAGMA synchronous = OFF"))

    ensure_areas(DISTRICTS)
    for index, (name, plan) in enumerate(zip(names, plans, strict=True)):
        school_id = ids.take(School)
        district = DISTRICTS[index % len(DISTRICTS)]
        rows.add(
            School.__table__,
            {
                "id": school_id,
                "name": name,
                "district": district,
                "created_at": now,
                "sort_key": danish_key(name),
            },
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
        add_run(rows, ids, rng, result, package, ideas, plan, now, today,
             school_id, leader_id, team_ids, members,
             actions=round(target * plan.weight / total_weight))  # fmt: skip

    rows.flush()
    reset_sequences(*BULK_MODELS)
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        # What autovacuum would do soon after a bulk load: give the planner real statistics
        # (without them the rebuild's correlated subqueries get slow plans).
        db.session.execute(text("ANALYZE"))
    rebuild()
    refresh(package_slug=package.slug)  # every school's summary row, in one statement
    if postgres:
        db.session.execute(text("ANALYZE cycle"))
        db.session.execute(text("ANALYZE school_progress"))
    result.seconds = time.perf_counter() - started_clock
    return result
