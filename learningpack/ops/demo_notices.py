"""The demo's reminders: school holidays, a follow-up meeting date, and a few notices.

Idempotent like the rest of the demo: holidays are found by name and first day, a follow-up
date is set only where none is, and a notice is posted once per (user, key).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta

from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain.calendar import set_follow_up_date
from learningpack.domain.notices import mark_read, post_notice
from learningpack.domain.refusals import Refused
from learningpack.extensions import db
from learningpack.models import Cycle, CycleState, HolidayPeriod, Notice, Role, Run, User


def _holidays(today: date) -> None:
    """The next autumn, Christmas and winter holidays, as a municipality would enter them."""
    year = today.year if today.month < 8 else today.year + 1  # the school year's second year
    periods = [
        ("Efterårsferie", date(year - 1, 10, 12), date(year - 1, 10, 18)),
        ("Juleferie", date(year - 1, 12, 21), date(year, 1, 3)),
        ("Vinterferie", date(year, 2, 13), date(year, 2, 21)),
    ]
    for name, first, last in periods:
        found = db.session.scalar(
            select(HolidayPeriod.id).where(
                HolidayPeriod.name == name, HolidayPeriod.first_day == first
            )
        )
        if found is None:
            db.session.add(HolidayPeriod(name=name, first_day=first, last_day=last))
    db.session.flush()


def _open_cycle(school_id: int, package: Package) -> Cycle | None:
    return db.session.scalar(
        select(Cycle)
        .join(Run, Run.id == Cycle.run_id)
        .where(
            Run.school_id == school_id,
            Run.package_slug == package.slug,
            Cycle.state == CycleState.ACTIVE,
        )
        .order_by(Cycle.position)
        .limit(1)
    )


def seed_reminders(package: Package, puf: User, leader: User, today: date) -> None:
    """Holidays for everyone; a follow-up date and notices at the leader's (first) school."""
    _holidays(today)
    cycle = _open_cycle(leader.school_id or 0, package)
    if cycle is None:
        return
    module = package.module(cycle.module_slug)
    if cycle.follow_up_on is None:
        # A demo seeded outside the run's school year gets no date.
        day = today + timedelta(days=4)
        while day.weekday() >= 5:  # a meeting on a weekday
            day += timedelta(days=1)
        with suppress(Refused):
            set_follow_up_date(cycle, day)
    teacher = db.session.scalar(
        select(User)
        .where(User.school_id == leader.school_id, User.role == Role.TEACHER)
        .order_by(User.id)
        .limit(1)
    )
    module_url = f"/skole/modul/{cycle.module_slug}"
    notices = [
        (leader, "follow_up", f"Opsamlingsmøde snart: {module.title}", module_url),
        (leader, "reminder", f"Et team har ikke logget i en uge i »{module.title}«", module_url),
        (leader, "note", "Ny besked fra PUF om forløbet", "/skole/#noter"),
        (puf, "digest", "Ny læring fra skolerne at læse", "/puf/laering"),
    ]
    if teacher is not None:
        notices.append((teacher, "reminder", "Husk at logge på din aktion", "/mine-aktioner/"))
    for user, kind, title, url in notices:
        key = f"demo:{kind}:{cycle.id}"
        if post_notice(user.id, kind, title, url, key) and user is leader and kind == "reminder":
            # One of the leader's notices is already read, so the page shows both kinds.
            read = db.session.scalar(
                select(Notice).where(Notice.user_id == user.id, Notice.key == key)
            )
            if read is not None:
                mark_read(read)
    db.session.flush()
