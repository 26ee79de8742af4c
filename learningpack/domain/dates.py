"""Which dates a record may carry.

A log entry or a meeting records something that happened: not in the future (the school's
today, in Copenhagen) and not more than a year ago. An action is planned inside its run's
school year (1 August to 31 July).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from learningpack.models import Run

LOCAL = ZoneInfo("Europe/Copenhagen")
HISTORY = timedelta(days=365)
# "2026/27", "2026-2027", "skoleåret 2026/2027": the first year and the next.
_SCHOOL_YEAR = re.compile(r"(?<!\d)(\d{4})\s*[/–-]\s*(\d{4}|\d{2})(?!\d)")


class DateProblem(StrEnum):
    FUTURE = "future"
    TOO_OLD = "too_old"
    BEFORE_YEAR = "before_year"
    AFTER_YEAR = "after_year"


def local_today() -> date:
    """Today at the schools (Copenhagen), whatever the server's time zone."""
    return datetime.now(LOCAL).date()


def happened_problem(day: date, today: date | None = None) -> DateProblem | None:
    """Why a day cannot be the date of something that happened, or None."""
    today = today or local_today()
    if day > today:
        return DateProblem.FUTURE
    if day < today - HISTORY:
        return DateProblem.TOO_OLD
    return None


def earliest_happened(today: date | None = None) -> date:
    return (today or local_today()) - HISTORY


def school_year(run: Run) -> tuple[date, date]:
    """The run's school year: the one its label names (e.g. 2026/27), else the one it started in."""
    found = _SCHOOL_YEAR.search(run.year_label or "")
    if found:
        first, second = int(found.group(1)), found.group(2)
        following = first + 1
        if int(second) == (following if len(second) == 4 else following % 100):
            return date(first, 8, 1), date(following, 7, 31)
    started = run.started_at.astimezone(LOCAL).date() if run.started_at else local_today()
    first = started.year if started.month >= 8 else started.year - 1
    return date(first, 8, 1), date(first + 1, 7, 31)


def period_problem(day: date, year: tuple[date, date]) -> DateProblem | None:
    """Why a day cannot be in an action's period in the given school year, or None."""
    if day < year[0]:
        return DateProblem.BEFORE_YEAR
    if day > year[1]:
        return DateProblem.AFTER_YEAR
    return None
