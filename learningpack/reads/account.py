"""What the account page (/konto) reads of a user beyond the user's row, in one statement."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Boolean, cast, null, select, union_all

from learningpack.domain.mail_choices import choices_of
from learningpack.extensions import db
from learningpack.models import MailChoice, OidcIdentity, User


class AccountReads(NamedTuple):
    linked: list[str]  # the providers the user has signed in with, by name
    choices: dict[str, bool]  # each kind of reminder e-mail the role has: wanted or not


def account_reads(user: User) -> AccountReads:
    """The user's sign-on links and e-mail choices (defaults filled in): one ``UNION ALL``,
    where a link's row has no ``wanted``."""
    rows = db.session.execute(
        union_all(
            select(OidcIdentity.provider, cast(null(), Boolean)).where(
                OidcIdentity.user_id == user.id
            ),
            select(MailChoice.kind, MailChoice.wanted).where(MailChoice.user_id == user.id),
        )
    ).all()
    explicit = {name: bool(wanted) for name, wanted in rows if wanted is not None}
    return AccountReads(
        sorted(name for name, wanted in rows if wanted is None), choices_of(user.role, explicit)
    )
