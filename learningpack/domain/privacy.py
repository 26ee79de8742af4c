"""The free-text guard: children's personal data does not belong in this app (DESIGN.md §6)."""

from __future__ import annotations

import re
from datetime import date

from learningpack.domain.refusals import refuse

# Six digits (ddmmyy), an optional dash or space, four digits; not inside a longer number.
_CPR_SHAPE = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})[- ]?(\d)(\d{3})(?!\d)")


def _century(year2: int, seventh_digit: int) -> int:
    """The century of a CPR number from its 7th digit (the CPR office's rules)."""
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if year2 <= 36 else 1900
    return 2000 if year2 <= 57 else 1800


def _valid_cpr_date(day: int, month: int, year2: int, seventh_digit: int) -> bool:
    try:
        date(_century(year2, seventh_digit) + year2, month, day)
    except ValueError:
        return False
    return True


def find_cpr_numbers(text: str) -> list[str]:
    """Every CPR-shaped number (ddmmyy-xxxx or ddmmyyxxxx with a valid date) in the text."""
    found: list[str] = []
    for match in _CPR_SHAPE.finditer(text or ""):
        day, month, year2, seventh = (int(match.group(i)) for i in range(1, 5))
        if _valid_cpr_date(day, month, year2, seventh):
            found.append(match.group(0))
    return found


def contains_cpr(text: str) -> bool:
    """Whether the text holds a CPR-shaped number."""
    return bool(find_cpr_numbers(text))


def guard_free_text(**texts: str) -> None:
    """Refuse (``personal_data``, naming the field) when any of the texts holds a CPR number.

    Every domain write of free text calls this, so a write that skips the forms is guarded too.
    """
    for name, text in texts.items():
        if contains_cpr(text):
            raise refuse("personal_data", field=name)
