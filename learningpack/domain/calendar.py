"""When reminders may go out, and how patient they are (issue 14); the follow-up meeting's date.

- A quiet day (no reminders): Saturday, Sunday, or a day inside a school holiday PUF entered.
- Reminder days: the school's own number if its leader chose one, else PUF's default, else 7.
- The follow-up meeting (opsamlingsmøde) of a module: a date the leader sets while the module is
  open; not before the module opened, and within the run's school year.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import exists, select

from learningpack.domain.refusals import refuse
from learningpack.domain.school_progress import refresh_run
from learningpack.extensions import db
from learningpack.models import Cycle, CycleState, HolidayPeriod, MunicipalSettings, School, User
from learningpack.models.audit import record
from learningpack.models.notices import (
    DEFAULT_REMINDER_DAYS,
    REMINDER_DAYS_MAX,
    REMINDER_DAYS_MIN,
)

SETTINGS_ID = 1
SATURDAY = 5
# "2026/27", "2026-2027": the school year runs from 1 August to 31 July.
_SCHOOL_YEAR = re.compile(r"(20\d\d)\s*[/-]\s*(?:20)?\d\d")


def is_quiet_day(day: date) -> bool:
    """True on Saturdays, Sundays and days inside a school holiday period PUF entered."""
    if day.weekday() >= SATURDAY:
        return True
    inside = exists().where(HolidayPeriod.first_day <= day, HolidayPeriod.last_day >= day)
    return bool(db.session.scalar(select(inside)))


def default_reminder_days() -> int:
    """PUF's default number of days without a log before a reminder (7 until PUF sets one)."""
    settings = db.session.get(MunicipalSettings, SETTINGS_ID)
    return settings.reminder_days if settings is not None else DEFAULT_REMINDER_DAYS


def reminder_days_for(school: School) -> int:
    """The school's own setting if the leader set one, else PUF's default, else 7."""
    if school.reminder_days is not None:
        return school.reminder_days
    return default_reminder_days()


def valid_reminder_days(days: int) -> bool:
    return REMINDER_DAYS_MIN <= days <= REMINDER_DAYS_MAX


def set_default_reminder_days(days: int, actor: User) -> None:
    """PUF sets the default for every school that has not chosen its own."""
    if not valid_reminder_days(days):
        raise refuse("reminder_days_range", low=REMINDER_DAYS_MIN, high=REMINDER_DAYS_MAX)
    settings = db.session.get(MunicipalSettings, SETTINGS_ID)
    if settings is None:
        settings = MunicipalSettings(id=SETTINGS_ID, reminder_days=days)
        db.session.add(settings)
    before = settings.reminder_days
    settings.reminder_days = days
    record("reminder_days_default", actor=actor, before=before, after=days)
    db.session.flush()


def set_school_reminder_days(school: School, days: int | None) -> None:
    """A leader sets the school's own number of days, or clears it (None) to use PUF's."""
    if days is not None and not valid_reminder_days(days):
        raise refuse("reminder_days_range", low=REMINDER_DAYS_MIN, high=REMINDER_DAYS_MAX)
    school.reminder_days = days
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# School holidays (PUF)


def holidays() -> list[HolidayPeriod]:
    """Every holiday period, the latest first."""
    return list(
        db.session.scalars(
            select(HolidayPeriod).order_by(HolidayPeriod.first_day.desc(), HolidayPeriod.id)
        )
    )


def save_holiday(
    period: HolidayPeriod | None, name: str, first_day: date, last_day: date
) -> HolidayPeriod:
    """Add a holiday period (``period`` None) or change one; periods may overlap."""
    name = name.strip()
    if not name:
        raise refuse("holiday_name_missing")
    if last_day < first_day:
        raise refuse("holiday_ends_before_start")
    if period is None:
        period = HolidayPeriod()
        db.session.add(period)
    period.name, period.first_day, period.last_day = name, first_day, last_day
    db.session.flush()
    return period


def delete_holiday(period: HolidayPeriod, actor: User) -> None:
    """Remove a holiday period (the audit log keeps its name and dates)."""
    record(
        "holiday_deleted", actor=actor, obj=period, name=period.name,
        first=str(period.first_day), last=str(period.last_day),
    )  # fmt: skip
    db.session.delete(period)
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# The follow-up meeting (issue 11)


def follow_up_date(cycle: Cycle) -> date | None:
    """The follow-up meeting date set for that module, if any."""
    return cycle.follow_up_on


def school_year_end(year_label: str, started: date) -> date:
    """The last day of a run's school year: 31 July after the label's first year ("2026/27"),
    or, for a label that names no year, a year after the run started."""
    found = _SCHOOL_YEAR.search(year_label)
    if found is not None:
        return date(int(found.group(1)) + 1, 7, 31)
    return started + timedelta(days=365)


def follow_up_window(cycle: Cycle) -> tuple[date, date]:
    """The first and last day a module's follow-up meeting may be set to."""
    opened = (cycle.opened_at or cycle.run.started_at).date()
    last = school_year_end(cycle.run.year_label, cycle.run.started_at.date())
    return opened, max(last, opened)


def set_follow_up_date(cycle: Cycle, day: date | None) -> None:
    """The leader sets (or clears, None) the date of the module's follow-up meeting."""
    if cycle.state != CycleState.ACTIVE:
        raise refuse("not_open")
    if day is not None:
        first, last = follow_up_window(cycle)
        if day < first:
            raise refuse("follow_up_before_start", first=first)
        if day > last:
            raise refuse("follow_up_after_year", last=last)
    cycle.follow_up_on = day
    refresh_run(cycle.run)  # "stalled" reads the date from the summary row
