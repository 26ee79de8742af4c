"""The free-text guard: children's personal data does not belong in this app (DESIGN.md §6)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.form import BaseForm
from wtforms.validators import ValidationError

# Six digits (ddmmyy), an optional dash or space, four digits; not inside a longer number.
_CPR_SHAPE = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})[- ]?(\d)(\d{3})(?!\d)")

FREE_TEXT_HINT = _l("Skriv ikke børns navne, CPR-numre eller oplysninger om helbred.")
CPR_MESSAGE = _l(
    "Teksten ser ud til at indeholde et CPR-nummer. Fjern det – der må ikke stå "
    "personoplysninger om børn her."
)


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
    found = []
    for match in _CPR_SHAPE.finditer(text or ""):
        day, month, year2, seventh = (int(match.group(i)) for i in range(1, 5))
        if _valid_cpr_date(day, month, year2, seventh):
            found.append(match.group(0))
    return found


def contains_cpr(text: str) -> bool:
    return bool(find_cpr_numbers(text))


class NoPersonalData:
    """WTForms validator that refuses text holding a CPR-shaped number."""

    field_flags: ClassVar[dict[str, bool]] = {"free_text": True}

    def __call__(self, form: BaseForm, field: Field) -> None:
        value: Any = field.data
        if isinstance(value, str) and contains_cpr(value):
            raise ValidationError(str(CPR_MESSAGE))
