"""The free-text guard: children's personal data does not belong in this app (DESIGN.md §6)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from learningpack.domain.refusals import Refusal, refusal, refuse

# After normalising: six digits (ddmmyy) and four, with at most one separator (a dash, dot,
# slash or space, with or without spaces around it) between the parts; not inside a longer
# number.
_SEP = r"(?: ?[-./] ?| )?"
_CPR_SHAPE = re.compile(rf"(?<!\d)(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d)(\d{{3}})(?!\d)")
# Dashes NFKC leaves alone: the minus sign and its small form.
_DASHES = {"\u2212": "-", "\ufe63": "-"}


def normalise_for_matching(text: str) -> str:
    """The text as the guard reads it: Unicode NFKC (full-width digits become digits, the
    no-break space a space), format characters (soft hyphen, zero-width space…) removed, every
    dash a ``-``, every run of spaces and line breaks one space."""
    folded = unicodedata.normalize("NFKC", text or "")
    out: list[str] = []
    for ch in folded:
        category = unicodedata.category(ch)
        if category == "Cf":
            continue
        if category == "Pd" or ch in _DASHES:
            out.append("-")
        elif ch.isspace():
            if not out or out[-1] != " ":
                out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


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
    """Every CPR-shaped number (ddmmyy-xxxx or ddmmyyxxxx with a valid date) in the text,
    however it is written (see :func:`normalise_for_matching`)."""
    found: list[str] = []
    for match in _CPR_SHAPE.finditer(normalise_for_matching(text)):
        day, month, year2, seventh = (int(match.group(i)) for i in range(1, 5))
        if _valid_cpr_date(day, month, year2, seventh):
            found.append(match.group(0))
    return found


def contains_cpr(text: str) -> bool:
    """Whether the text holds a CPR-shaped number."""
    return bool(find_cpr_numbers(text))


# Line breaks and tabs are text; every other control character (NUL above all, which
# PostgreSQL refuses to store, and which breaks a spreadsheet export) is refused.
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def has_control_characters(value: str) -> bool:
    """Whether the text holds a control character other than a line break or tab (or a lone
    surrogate)."""
    return any(
        (unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
        or unicodedata.category(ch) == "Cs"
        for ch in value
    )


def personal_data_in(**texts: str) -> Refusal | None:
    """``personal_data`` (naming the field) for the first text holding a CPR number, or None."""
    for name, text in texts.items():
        if contains_cpr(text):
            return refusal("personal_data", field=name)
    return None


def guard_free_text(**texts: str) -> None:
    """Refuse (``personal_data``, naming the field) when any of the texts holds a CPR number.

    Every domain write of free text calls this, so a write that skips the forms is guarded too.
    (Accounts and schools raise their own refusal type with :func:`personal_data_in`.)
    """
    found = personal_data_in(**texts)
    if found is not None:
        raise refuse(found.code, **found.params)
