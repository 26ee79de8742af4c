"""Quiet days, reminder days and the follow-up meeting's date (domain/calendar.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from learningpack.domain import calendar
from learningpack.domain.refusals import CycleRefused
from learningpack.extensions import db
from learningpack.models import AuditEvent, CycleState
from tests.world import World

MONDAY = date(2026, 10, 5)


def autumn() -> None:
    calendar.save_holiday(None, "Efterårsferie", date(2026, 10, 12), date(2026, 10, 18))


@pytest.mark.parametrize(
    ("day", "quiet"),
    [
        (MONDAY, False),
        (date(2026, 10, 9), False),  # Friday before the holiday
        (date(2026, 10, 10), True),  # Saturday
        (date(2026, 10, 11), True),  # Sunday
        (date(2026, 10, 12), True),  # first day of the holiday (a Monday)
        (date(2026, 10, 14), True),
        (date(2026, 10, 16), True),  # a Friday inside it
        (date(2026, 10, 18), True),  # last day
        (date(2026, 10, 19), False),  # the Monday after
    ],
)
def test_quiet_days_are_weekends_and_holidays_first_and_last_day_included(
    app: Flask, day: date, quiet: bool
) -> None:
    autumn()
    assert calendar.is_quiet_day(day) is quiet


def test_overlapping_holidays_are_allowed_and_a_deleted_one_no_longer_counts(
    app: Flask, world: World
) -> None:
    autumn()
    extra = calendar.save_holiday(None, "Ekstra", date(2026, 10, 16), date(2026, 10, 21))
    assert calendar.is_quiet_day(date(2026, 10, 20))
    calendar.delete_holiday(extra, world.puf)
    assert not calendar.is_quiet_day(date(2026, 10, 20))
    assert [h.name for h in calendar.holidays()] == ["Efterårsferie"]
    assert db.session.query(AuditEvent).filter_by(verb="holiday_deleted").count() == 1


@pytest.mark.parametrize(
    ("name", "first", "last", "code"),
    [
        ("  ", MONDAY, MONDAY, "holiday_name_missing"),
        ("Jul", date(2026, 12, 31), date(2026, 12, 20), "holiday_ends_before_start"),
    ],
)
def test_a_holiday_needs_a_name_and_an_order(
    app: Flask, name: str, first: date, last: date, code: str
) -> None:
    with pytest.raises(CycleRefused) as refused:
        calendar.save_holiday(None, name, first, last)
    assert refused.value.codes == [code]


def test_reminder_days_fall_back_from_school_to_puf_to_seven(app: Flask, world: World) -> None:
    assert calendar.reminder_days_for(world.school) == 7
    calendar.set_default_reminder_days(10, world.puf)
    assert calendar.reminder_days_for(world.school) == 10
    calendar.set_school_reminder_days(world.school, 3)
    assert calendar.reminder_days_for(world.school) == 3
    assert calendar.reminder_days_for(world.other_school) == 10
    calendar.set_school_reminder_days(world.school, None)
    assert calendar.reminder_days_for(world.school) == 10
    calendar.set_default_reminder_days(12, world.puf)  # the one row is updated
    assert calendar.default_reminder_days() == 12


@pytest.mark.parametrize("days", [0, 61, -1])
def test_reminder_days_outside_1_to_60_are_refused(app: Flask, world: World, days: int) -> None:
    with pytest.raises(CycleRefused):
        calendar.set_default_reminder_days(days, world.puf)
    with pytest.raises(CycleRefused):
        calendar.set_school_reminder_days(world.school, days)


def opened_on(world: World, day: date) -> None:
    cycle = world.cycle(1)
    cycle.opened_at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    db.session.flush()


def test_follow_up_date_is_set_within_the_module_and_the_school_year(
    app: Flask, world: World
) -> None:
    opened_on(world, date(2026, 9, 1))
    cycle = world.cycle(1)
    assert calendar.follow_up_date(cycle) is None
    assert calendar.follow_up_window(cycle) == (date(2026, 9, 1), date(2027, 7, 31))
    calendar.set_follow_up_date(cycle, date(2026, 9, 1))  # the first day is allowed
    calendar.set_follow_up_date(cycle, date(2027, 7, 31))  # and the school year's last
    assert calendar.follow_up_date(cycle) == date(2027, 7, 31)
    with pytest.raises(CycleRefused) as early:
        calendar.set_follow_up_date(cycle, date(2026, 8, 31))
    assert early.value.codes == ["follow_up_before_start"]
    with pytest.raises(CycleRefused) as late:
        calendar.set_follow_up_date(cycle, date(2027, 8, 1))
    assert late.value.codes == ["follow_up_after_year"]
    calendar.set_follow_up_date(cycle, None)
    assert calendar.follow_up_date(cycle) is None


def test_follow_up_date_only_while_the_module_is_open(app: Flask, world: World) -> None:
    locked = world.cycle(2)
    assert locked.state == CycleState.LOCKED
    with pytest.raises(CycleRefused) as refused:
        calendar.set_follow_up_date(locked, date(2026, 12, 10))
    assert refused.value.codes == ["not_open"]


@pytest.mark.parametrize(
    ("label", "end"),
    [
        ("2026/27", date(2027, 7, 31)),
        ("2026-2027", date(2027, 7, 31)),
        ("Skoleåret 2025/26", date(2026, 7, 31)),
        ("Forløb A", date(2027, 9, 1)),  # no year named: a year after the start
    ],
)
def test_the_school_years_last_day(label: str, end: date) -> None:
    assert calendar.school_year_end(label, date(2026, 9, 1)) == end
