"""School calendar (placeholder: the real version comes with the in-app notices and holidays)."""

from __future__ import annotations

from datetime import date

from learningpack.models import Cycle, School


def is_quiet_day(day: date) -> bool:
    """No reminders on this day (placeholder: Saturdays and Sundays)."""
    return day.weekday() >= 5


def reminder_days_for(school: School) -> int:
    """After how many days without a log an action's owners are reminded (placeholder: 7)."""
    return 7


def follow_up_date(cycle: Cycle) -> date | None:
    """The date of the module's follow-up meeting, if the leader set one (placeholder: none)."""
    return None
