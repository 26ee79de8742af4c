"""The free-text guard against CPR numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learningpack.domain.privacy import contains_cpr, find_cpr_numbers, guard_free_text
from learningpack.domain.refusals import CycleRefused, refusal


@pytest.mark.parametrize(
    "text",
    [
        "Eleven har cpr 010203-1234 og er ny.",
        "0102031234",
        "Nummer: 311299-4321.",
        "Skrevet med mellemrum 010203 1234",
    ],
)
def test_cpr_shaped_numbers_are_found(text: str) -> None:
    assert contains_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mødet var d. 12.03.2026 kl. 14",
        "Ring på 86 12 34 56",
        "320199-1234",  # day 32
        "011399-1234",  # month 13
        "290201-1234",  # 29 February in a non-leap year
        "12345678901234",  # a longer number
        "ordre 1234567890-1",
        "",
    ],
)
def test_other_numbers_are_not_cpr(text: str) -> None:
    assert not contains_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "010203 - 1234",
        "010203\u20131234",  # en dash
        "010203\u20141234",  # em dash
        "010203\u20111234",  # non-breaking hyphen
        "010203\u22121234",  # minus sign
        "010203\u00a01234",  # no-break space
        "010203\u202f-\u202f1234",  # narrow no-break spaces around a dash
        "01.02.03-1234",
        "01 02 03 1234",
        "01-02-03-1234",
        "010203/1234",
        "010203\n1234",  # a line break
        "010203\r\n1234",
        "0102\u00ad03-1234",  # a soft hyphen inside
        "01020\u200b3-1234",  # a zero-width space inside
        "\uff10\uff11\uff10\uff12\uff10\uff13-1234",  # full-width digits
        "CPR: 010203 -\t1234.",
    ],
)
def test_cpr_numbers_written_in_common_ways_are_found(text: str) -> None:
    """Issue 16, item 3: every one of these was saved before the text was normalised."""
    assert contains_cpr(text)
    with pytest.raises(CycleRefused):
        guard_free_text(notes=f"Barnet {text} er ny i klassen.")


def test_leap_day_depends_on_century() -> None:
    # 7th digit 4 and year 00 -> 2000 (leap); 7th digit 0 and year 00 -> 1900 (not leap).
    assert contains_cpr("290200-4123")
    assert not contains_cpr("290200-0123")


@settings(suppress_health_check=[HealthCheck.too_slow])  # a loaded CI machine is not a failure
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2036, 12, 31)),
    st.integers(min_value=0, max_value=999),
    st.booleans(),
)
def test_every_valid_cpr_is_found(born: date, serial: int, dash: bool) -> None:
    seventh = 0 if born.year < 2000 else 4
    digits = f"{born:%d%m}{born.year % 100:02d}"
    cpr = f"{digits}{'-' if dash else ''}{seventh}{serial:03d}"
    assert find_cpr_numbers(f"Tekst før {cpr} og efter") == [cpr]


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2030, 12, 31)))
def test_invalid_day_is_not_found(day: date) -> None:
    # The day after the last of the month never exists as dd in that month.
    last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    bad = f"{last.day + 1:02d}{day:%m}{day.year % 100:02d}-4123"
    assert not contains_cpr(bad)


def test_the_guard_names_the_first_field_holding_a_cpr_number() -> None:
    guard_free_text(notes="Ingen numre her", title="")
    with pytest.raises(CycleRefused) as info:
        guard_free_text(notes="Fint", decisions="Eleven 010203-1234 er ny", title="0102031234")
    assert list(info.value.refusals) == [refusal("personal_data", field="decisions")]
