"""The password policy: codes from the domain, no request and no database needed."""

from __future__ import annotations

import pytest

from learningpack.domain.passwords import MAX_LENGTH, MIN_LENGTH, password_problems
from learningpack.domain.refusals import refusal
from tests.factories import PASSWORD

HANNE = {"email": "hanne.jensen@skole.dk", "name": "Hanne Jensen"}


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Password2024!!", "password_common"),
        ("123456789012", "password_common"),
        ("aaaaaaaaaaaaaaa", "password_common"),
        ("sommersommer12", "password_common"),
        ("Adgangskode123!", "password_common"),
        ("qwertyuiopåø", "password_common"),
        ("københavn2026!!", "password_common"),
        ("hanne.jensen-er-her", "password_personal"),
        ("JENSEN i skolegården", "password_personal"),
        ("min-læringspakken-kode", "password_app_name"),
    ],
)
def test_policy_refuses(password: str, code: str) -> None:
    assert code in [p.code for p in password_problems(password, **HANNE)]


def test_length_is_checked_first_and_alone() -> None:
    assert password_problems("kort-kode", **HANNE) == [
        refusal("password_too_short", min=MIN_LENGTH)
    ]
    assert password_problems("x" * (MAX_LENGTH + 1)) == [
        refusal("password_too_long", max=MAX_LENGTH)
    ]


@pytest.mark.parametrize("password", [PASSWORD, "blå cykel under æbletræet", "Tre grønne Ænder 7"])
def test_policy_accepts_long_uncommon_passwords(password: str) -> None:
    assert password_problems(password, **HANNE) == []
