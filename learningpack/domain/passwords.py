"""The password policy, used everywhere a password is chosen (DESIGN.md §10).

At least 12 characters; not a common password or a common word dressed up with digits and
symbols; not built on the user's own e-mail, name or the app's name. The problems are codes
(``output/labels.py`` words them); the forms' validator is ``auth/account_forms.PasswordPolicy``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from itertools import pairwise

from learningpack.domain.refusals import Refusal, refusal

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


def password_problems(password: str, *, email: str = "", name: str = "") -> list[Refusal]:
    """What is wrong with this password (empty when it may be used)."""
    if len(password) < MIN_LENGTH:
        return [refusal("password_too_short", min=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [refusal("password_too_long", max=MAX_LENGTH)]
    problems: list[Refusal] = []
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
        problems.append(refusal("password_common"))
    personal = []
    local = email.split("@", 1)[0].casefold()
    if len(local) >= 3:
        personal.append(local)
        personal += [part for part in re.split(r"[._\-+]", local) if len(part) >= 3]
    personal += [part for part in name.casefold().split() if len(part) >= 3]
    if any(part in folded for part in personal):
        problems.append(refusal("password_personal"))
    if any(app_name in folded for app_name in APP_NAMES):
        problems.append(refusal("password_app_name"))
    return problems
