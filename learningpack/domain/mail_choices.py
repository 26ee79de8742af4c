"""Which reminder e-mails each person gets: the choices per role, their defaults, and the
signed one-click unsubscribe token."""

from __future__ import annotations

from collections.abc import Iterable

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from learningpack.extensions import db
from learningpack.models import MailChoice, Role, User

# The choices a person sees on /konto, and whether each is on before they choose.
ACTIONS = "actions"  # my actions: no log or observation for a while, the period ends soon
REFLECTION = "reflection"  # my team's reflective conversation is due
FOLLOW_UP = "follow_up"  # leader: the follow-up meeting is close, with what is missing
SCHOOL_WEEK = "school_week"  # leader: the school's week every Monday (opt-in)
PUF_WEEK = "puf_week"  # PUF: the municipality's week every Monday
PROPOSALS = "proposals"  # PUF: a school proposed something for the knowledge bank

DEFAULTS: dict[str, bool] = {
    ACTIONS: True,
    REFLECTION: True,
    FOLLOW_UP: True,
    SCHOOL_WEEK: False,
    PUF_WEEK: True,
    PROPOSALS: True,
}
BY_ROLE: dict[Role, tuple[str, ...]] = {
    Role.TEACHER: (ACTIONS, REFLECTION),
    Role.LEADER: (ACTIONS, REFLECTION, FOLLOW_UP, SCHOOL_WEEK),
    Role.PUF: (PUF_WEEK, PROPOSALS),
}

# Each kind of reminder e-mail and the choice that governs it.
CHOICE_OF_KIND: dict[str, str] = {
    "quiet_log": ACTIONS,
    "quiet_observation": ACTIONS,
    "period_ends": ACTIONS,
    "reflection_due": REFLECTION,
    "follow_up": FOLLOW_UP,
    "school_week": SCHOOL_WEEK,
    "puf_week": PUF_WEEK,
    "proposal": PROPOSALS,
}

_SALT = "mail-unsubscribe"


def choices_for(role: Role) -> tuple[str, ...]:
    return BY_ROLE.get(role, ())


def wanted_choices(user_ids: Iterable[int]) -> dict[int, dict[str, bool]]:
    """Each user's explicit choices (one query); a missing entry means the default."""
    ids = sorted(set(user_ids))
    found: dict[int, dict[str, bool]] = {}
    for start in range(0, len(ids), 1000):
        rows = db.session.execute(
            select(MailChoice.user_id, MailChoice.kind, MailChoice.wanted).where(
                MailChoice.user_id.in_(ids[start : start + 1000])
            )
        )
        for user_id, kind, wanted in rows:
            found.setdefault(user_id, {})[kind] = bool(wanted)
    return found


def is_wanted(explicit: dict[str, bool], choice: str) -> bool:
    return explicit.get(choice, DEFAULTS.get(choice, False))


def choices_of(role: Role, explicit: dict[str, bool]) -> dict[str, bool]:
    """The choice for each kind the role has: the ``explicit`` ones, defaults for the rest."""
    return {choice: is_wanted(explicit, choice) for choice in choices_for(role)}


def current_choices(user: User) -> dict[str, bool]:
    """The user's choice for each kind their role has (defaults filled in)."""
    return choices_of(user.role, wanted_choices([user.id]).get(user.id, {}))


def set_choice(user: User, choice: str, wanted: bool) -> None:
    """Turn one kind of reminder e-mail on or off for the user."""
    if choice not in DEFAULTS:
        raise ValueError(choice)
    row = db.session.get(MailChoice, (user.id, choice))
    if row is None:
        db.session.add(MailChoice(user_id=user.id, kind=choice, wanted=wanted))
    else:
        row.wanted = wanted
    db.session.flush()


def unsubscribe_token(secret: str, user_id: int, choice: str) -> str:
    """A signed token that turns one kind of e-mail off for one user, without login."""
    return str(URLSafeSerializer(secret, salt=_SALT).dumps([user_id, choice]))


def read_unsubscribe_token(secret: str, token: str) -> tuple[int, str] | None:
    """The (user id, choice) a token names, or None when it is forged or malformed."""
    try:
        value = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or value[1] not in DEFAULTS
    ):
        return None
    return value[0], value[1]
