"""The password policy, used everywhere a password is chosen (DESIGN.md §10).

At least 12 characters; not a common password or a common word dressed up with digits and
symbols; not built on the user's own e-mail, name or the app's name.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from itertools import pairwise

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 200
APP_NAMES = ("læringspakken", "læringspakke", "laeringspakken", "laeringspakke", "learningpack")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords and base words (lower-case)."""
    text = resources.files("learningpack").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def _letters(value: str) -> str:
    return "".join(c for c in value.casefold() if c.isalpha())


def _is_repetition(core: str, words: frozenset[str]) -> bool:
    """ "sommersommer" is the word "sommer" twice."""
    for size in range(1, len(core) // 2 + 1):
        if len(core) % size == 0 and core[:size] * (len(core) // size) == core:
            return core[:size] in words or size <= 2
    return False


def _is_sequence(value: str) -> bool:
    """Runs like 123456789012 or abcdefghijkl, or one character over and over."""
    if len(set(value)) <= 2:
        return True
    steps = {ord(b) - ord(a) for a, b in pairwise(value)}
    return steps <= {1, -9} or steps <= {-1, 9}


def password_problems(password: str, *, email: str = "", name: str = "") -> list[LazyString]:
    """What is wrong with this password (empty when it may be used)."""
    problems: list[LazyString] = []
    if len(password) < MIN_LENGTH:
        problems.append(
            _l("Adgangskoden skal have mindst %(min)d tegn.", min=MIN_LENGTH),
        )
        return problems
    if len(password) > MAX_LENGTH:
        problems.append(_l("Adgangskoden må højst have %(max)d tegn.", max=MAX_LENGTH))
        return problems
    folded = password.casefold()
    words = common_passwords()
    core = _letters(password)
    compact = re.sub(r"\s+", "", folded)
    if (
        folded in words
        or compact in words
        or core in words
        or (core and _is_repetition(core, words))
        or _is_sequence(compact)
    ):
        problems.append(
            _l(
                "Adgangskoden er for almindelig og let at gætte. Vælg fx tre-fire tilfældige "
                "ord med mellemrum."
            )
        )
    personal = []
    local = email.split("@", 1)[0].casefold()
    if len(local) >= 3:
        personal.append(local)
        personal += [part for part in re.split(r"[._\-+]", local) if len(part) >= 3]
    personal += [part for part in name.casefold().split() if len(part) >= 3]
    if any(part in folded for part in personal):
        problems.append(_l("Adgangskoden må ikke indeholde dit navn eller din e-mailadresse."))
    if any(app_name in folded for app_name in APP_NAMES):
        problems.append(_l("Adgangskoden må ikke indeholde navnet på systemet."))
    return problems


class PasswordPolicy:
    """A WTForms validator: the policy, with the user's own e-mail and name from the form
    (fields ``email`` and ``name``) or from the form's ``user_email`` / ``user_name``."""

    def __init__(self, email_field: str = "email", name_field: str = "name") -> None:
        self.email_field = email_field
        self.name_field = name_field

    def __call__(self, form: object, field: object) -> None:
        from wtforms.validators import StopValidation

        email = _value(form, self.email_field) or getattr(form, "user_email", "")
        name = _value(form, self.name_field) or getattr(form, "user_name", "")
        problems = password_problems(getattr(field, "data", "") or "", email=email, name=name)
        if problems:
            raise StopValidation(" ".join(str(p) for p in problems))


def _value(form: object, name: str) -> str:
    field = getattr(form, name, None)
    data = getattr(field, "data", None)
    return data if isinstance(data, str) else ""
