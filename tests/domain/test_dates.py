"""Which dates a record may carry: what happened is not in the future nor long ago; an action's
period lies in its run's school year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from learningpack.domain.dates import (
    DateProblem,
    happened_problem,
    local_today,
    period_problem,
    school_year,
)
from learningpack.models import Run

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (TODAY, None),
        (TODAY - timedelta(days=365), None),
        (TODAY + timedelta(days=1), DateProblem.FUTURE),
        (TODAY - timedelta(days=366), DateProblem.TOO_OLD),
    ],
)
def test_what_happened_is_not_in_the_future_nor_more_than_a_year_back(
    day: date, problem: DateProblem | None
) -> None:
    assert happened_problem(day, TODAY) is problem


def test_today_is_copenhagens() -> None:
    # Between 23:00 and 24:00 UTC (in winter) it is already tomorrow in Copenhagen.
    assert local_today() in {datetime.now(UTC).date(), datetime.now(UTC).date() + timedelta(1)}


@pytest.mark.parametrize(
    ("label", "first"),
    [("2026/27", 2026), ("Skoleåret 2025-2026", 2025), ("2099/00", 2099), ("1999/2000", 1999)],
)
def test_the_school_year_is_the_one_the_label_names(label: str, first: int) -> None:
    run = Run(year_label=label, started_at=datetime(2030, 1, 1, tzinfo=UTC))
    assert school_year(run) == (date(first, 8, 1), date(first + 1, 7, 31))


@pytest.mark.parametrize(
    ("started", "first"),
    [(datetime(2026, 9, 3, 8, tzinfo=UTC), 2026), (datetime(2027, 3, 1, 8, tzinfo=UTC), 2026)],
)
def test_without_a_school_year_in_the_label_it_is_the_one_the_run_started_in(
    started: datetime, first: int
) -> None:
    run = Run(year_label="Forældresamarbejde", started_at=started)
    assert school_year(run) == (date(first, 8, 1), date(first + 1, 7, 31))


def test_a_period_lies_in_the_school_year() -> None:
    year = (date(2026, 8, 1), date(2027, 7, 31))
    assert period_problem(date(2026, 8, 1), year) is None
    assert period_problem(date(2027, 7, 31), year) is None
    assert period_problem(date(2026, 7, 31), year) is DateProblem.BEFORE_YEAR
    assert period_problem(date(2027, 8, 1), year) is DateProblem.AFTER_YEAR
