"""Single sign-on: who an OpenID provider's person is here, and whether they may come in.

No self-provisioning: a provider's person is linked to an existing (invited) account by the
provider's stable subject, found the first time by a verified e-mail. The ID token itself is
checked by Authlib before anything here sees its claims.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, select

from learningpack.config import OidcProvider
from learningpack.domain.accounts import is_pending, now
from learningpack.domain.refusals import Refused
from learningpack.extensions import db
from learningpack.models import AccountToken, OidcIdentity, School, TokenKind, User
from learningpack.models.audit import record
from learningpack.models.people import normalise_email


class SignOnRefused(Refused):
    """The provider's person may not sign in here; the code says why (for the page and the log).

    A refusal about a known account carries its ``user_id``. Codes: ``no_subject``,
    ``no_email``, ``email_unverified``, ``unknown`` (no invited account),
    ``inactive``, ``anonymised``, ``role`` (this provider is not for the account's role),
    ``linked_elsewhere`` (the account is linked to another person at this provider),
    ``invitation_expired``.
    """


@dataclass(frozen=True)
class Identity:
    """What the checked ID token says about the person."""

    provider: str
    subject: str
    email: str
    email_verified: bool
    amr: tuple[str, ...]
    acr: str


def identity_from_claims(provider: OidcProvider, claims: Mapping[str, Any]) -> Identity:
    """The parts of the ID token's claims that sign-in uses."""
    amr = claims.get("amr") or ()
    if isinstance(amr, str):
        amr = (amr,)
    email = claims.get(provider.email_claim)
    return Identity(
        provider=provider.name,
        subject=str(claims.get("sub") or ""),
        email=normalise_email(email) if isinstance(email, str) else "",
        # Only a real boolean true counts (some providers send the string "true").
        email_verified=claims.get("email_verified") is True
        or claims.get("email_verified") == "true",
        amr=tuple(str(a).lower() for a in amr if isinstance(a, str)),
        acr=str(claims.get("acr") or ""),
    )


def email_trusted(provider: OidcProvider, identity: Identity) -> bool:
    """The provider vouches for the address: ``email_verified``, or an allow-listed domain."""
    if not identity.email:
        return False
    domain = identity.email.rpartition("@")[2]
    return identity.email_verified or domain in provider.email_domains


def mfa_satisfied(provider: OidcProvider, identity: Identity) -> bool:
    """The provider says the sign-in used more than one factor (``amr`` or ``acr``)."""
    by_amr = bool(set(identity.amr) & set(provider.mfa_amr))
    by_acr = bool(identity.acr) and identity.acr in provider.mfa_acr
    return by_amr or by_acr


def _refuse_unusable(user: User, provider: OidcProvider, pending: bool) -> None:
    if user.anonymised_at is not None:
        raise SignOnRefused.one("anonymised", user_id=user.id)
    if provider.roles and str(user.role) not in provider.roles:
        raise SignOnRefused.one("role", user_id=user.id)
    if not pending and not user.may_log_in:
        raise SignOnRefused.one("inactive", user_id=user.id)


def _live_invitation(user: User) -> AccountToken | None:
    return db.session.scalar(
        select(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.kind == TokenKind.INVITE,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now(),
        )
        .order_by(AccountToken.id.desc())
        .limit(1)
    )


def _accept_invitation(user: User, provider: OidcProvider) -> None:
    """An invited person's first sign-in through the provider accepts the invitation."""
    token = _live_invitation(user)
    if token is None:
        raise SignOnRefused.one("invitation_expired", user_id=user.id)
    if user.school is not None and not user.school.active:
        raise SignOnRefused.one("inactive", user_id=user.id)
    user.active = True
    user.end_sessions()
    token.used_at = now()
    record(
        "invitation_accepted",
        actor=user,
        obj=user,
        school_id=user.school_id,
        provider=provider.name,
    )


def _link(user: User, provider: OidcProvider, identity: Identity) -> OidcIdentity:
    other = db.session.scalar(
        select(OidcIdentity).where(
            OidcIdentity.provider == provider.name, OidcIdentity.user_id == user.id
        )
    )
    if other is not None:
        raise SignOnRefused.one("linked_elsewhere", user_id=user.id)
    link = OidcIdentity(provider=provider.name, subject=identity.subject, user_id=user.id)
    db.session.add(link)
    record(
        "oidc_linked",
        actor=user,
        obj=user,
        school_id=user.school_id,
        provider=provider.name,
        email=identity.email,
    )
    return link


def sign_on(provider: OidcProvider, identity: Identity) -> User:
    """The account this person signs in as: by an earlier link, or linked now by e-mail.

    Raises SignOnRefused (the caller audits it). Flushes; the caller commits.
    """
    if not identity.subject:
        raise SignOnRefused.one("no_subject")
    link = db.session.scalar(
        select(OidcIdentity).where(
            OidcIdentity.provider == provider.name, OidcIdentity.subject == identity.subject
        )
    )
    if link is not None:
        user = link.user
        _refuse_unusable(user, provider, pending=False)
    else:
        if not identity.email:
            raise SignOnRefused.one("no_email")
        if not email_trusted(provider, identity):
            raise SignOnRefused.one("email_unverified")
        found = db.session.scalar(select(User).where(User.email == identity.email))
        if found is None:
            raise SignOnRefused.one("unknown")
        user = found
        # Invited, never signed in: neither a password chosen nor a provider linked.
        pending = is_pending(user) and not has_link(user)
        _refuse_unusable(user, provider, pending)
        link = _link(user, provider, identity)
        if pending:
            _accept_invitation(user, provider)
    link.last_login_at = datetime.now(UTC)
    db.session.flush()
    return user


def has_link(user: User) -> bool:
    return bool(db.session.scalar(select(exists().where(OidcIdentity.user_id == user.id))))


def password_login_allowed(user: User, off_for_linked: bool) -> bool:
    """Password sign-in, unless the deployment or the user's school turned it off for linked
    users and this user has a link."""
    school_off = user.school is not None and user.school.password_off_for_linked
    if not (off_for_linked or school_off):
        return True
    return not has_link(user)


def set_password_off_for_linked(school: School, off: bool, actor: User) -> None:
    """The leader's choice: staff with a sign-on link use only the provider, or also a password."""
    if school.password_off_for_linked == off:
        return
    school.password_off_for_linked = off
    record(
        "sign_in_setting_changed",
        actor=actor,
        obj=school,
        school_id=school.id,
        password_off_for_linked=off,
    )
    db.session.flush()
