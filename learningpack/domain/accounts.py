"""Accounts: invitations, password resets and changes, deactivation, roles and anonymising.

Domain functions change the models and flush; the view or CLI commits. Tokens are random
(``secrets.token_urlsafe``), single-use and expiring, and only their SHA-256 hash is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from learningpack.domain.audit_privacy import scrub_person
from learningpack.domain.privacy import personal_data_in
from learningpack.domain.refusals import Refused
from learningpack.extensions import db
from learningpack.models import (
    AccountToken,
    OidcIdentity,
    RecoveryCode,
    Role,
    School,
    TokenKind,
    User,
)
from learningpack.models.audit import record
from learningpack.models.people import normalise_email


class AccountRefused(Refused):
    """A change to an account the rules do not allow; ``refusals`` say why (codes)."""


def _guard_name(name: str) -> None:
    """A person's name holds no CPR number (``personal_data``)."""
    found = personal_data_in(name=name)
    if found is not None:
        raise AccountRefused([found])


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def issue_token(user: User, kind: TokenKind, valid_for: timedelta, created_by: User | None) -> str:
    """A new single-use link token for this user; earlier unused ones of the kind stop working."""
    _retire_tokens(user.id, kind)
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            kind=kind,
            user_id=user.id,
            token_hash=hash_token(raw),
            expires_at=now() + valid_for,
            created_by_id=created_by.id if created_by else None,
        )
    )
    db.session.flush()
    return raw


def _retire_tokens(user_id: int, kind: TokenKind) -> None:
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user_id,
            AccountToken.kind == kind,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now())
    )


def _consume(token: AccountToken) -> None:
    """Mark the token used in one conditional UPDATE: of two requests using the same link at
    the same moment, one gets it and the other is refused (``link_used``)."""
    used_at = now()
    claimed = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=used_at)
        .execution_options(synchronize_session=False)
    )
    if int(getattr(claimed, "rowcount", 0)) != 1:
        raise AccountRefused.one("link_used")
    set_committed_value(token, "used_at", used_at)


def find_token(raw: str, kind: TokenKind) -> AccountToken:
    """The live token for this link, or AccountRefused saying why it cannot be used."""
    token = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == hash_token(raw or ""), AccountToken.kind == kind
        )
    )
    if token is None:
        raise AccountRefused.one("link_invalid")
    if token.used_at is not None:
        raise AccountRefused.one("link_used")
    if token.expires_at <= now():
        raise AccountRefused.one("link_expired")
    return token


def invite(
    *,
    email: str,
    name: str,
    role: Role,
    school: School | None,
    actor: User,
    valid_for: timedelta,
) -> tuple[User, str]:
    """Create an inactive account (or renew a pending one) and return it with its invite token,
    which works for ``valid_for`` (the app's ``INVITE_VALID_FOR``).

    The invitee sets a password and becomes active when accepting the link.
    """
    _guard_name(name)
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        pending = not user.active and not user.password_hash and user.anonymised_at is None
        same_place = user.role == role and user.school_id == (school.id if school else None)
        if not (pending and same_place):
            raise AccountRefused.one("email_taken")
        if user.deactivated_by_role == Role.PUF and actor.role != Role.PUF:
            raise AccountRefused.one("deactivated_by_puf")
        user.name = name
        user.deactivated_by_role = None
    else:
        user = User(
            email=email,
            name=name,
            role=role,
            school_id=school.id if school else None,
            active=False,
            password_hash="",
        )
        db.session.add(user)
        db.session.flush()
    raw = issue_token(user, TokenKind.INVITE, valid_for, actor)
    record(
        "user_invited",
        actor=actor,
        obj=user,
        school_id=user.school_id,
        role=str(role),
    )
    return user, raw


def renew_invitation(user: User, actor: User, valid_for: timedelta) -> str:
    """A new invitation link for someone who has not accepted yet; the old link stops working
    (as a new invitation does, it also undoes a deactivation of the invitation). Refused
    (``not_pending``) for an account already in use or anonymised."""
    if not is_pending(user):
        raise AccountRefused.one("not_pending")
    if user.deactivated_by_role == Role.PUF and actor.role != Role.PUF:
        raise AccountRefused.one("deactivated_by_puf")
    user.deactivated_by_role = None
    raw = issue_token(user, TokenKind.INVITE, valid_for, actor)
    record("invitation_renewed", actor=actor, obj=user, school_id=user.school_id)
    return raw


def accept_invitation(token: AccountToken, *, name: str, password: str) -> User:
    """The invitee chose a name and a password: the account becomes active."""
    _guard_name(name)
    _consume(token)
    user = token.user
    user.name = name
    user.set_password(password)
    user.active = True
    user.end_sessions()
    record("invitation_accepted", actor=user, obj=user, school_id=user.school_id)
    db.session.flush()
    return user


def request_reset(email: str, valid_for: timedelta) -> tuple[User, str] | None:
    """A reset token (working for ``valid_for``) for an account that may log in, or None (the
    caller says the same)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.may_log_in or not user.password_hash:
        # The same writes as for a known address (a token UPDATE, an audit row; the caller
        # commits either way), so the answer's timing does not tell whether the address exists.
        _retire_tokens(0, TokenKind.RESET)
        record("password_reset_requested", actor=None, known=False)
        db.session.flush()
        return None
    raw = issue_token(user, TokenKind.RESET, valid_for, None)
    record("password_reset_requested", actor=None, obj=user, school_id=user.school_id)
    return user, raw


def reset_password(token: AccountToken, password: str) -> User:
    """Set a new password from a reset link; every session of the user ends."""
    _consume(token)
    user = token.user
    user.set_password(password)
    user.end_sessions()
    record("password_reset", actor=user, obj=user, school_id=user.school_id)
    db.session.flush()
    return user


def change_password(user: User, password: str) -> None:
    """The user changed their own password: their other sessions end."""
    user.set_password(password)
    user.end_sessions()
    record("password_changed", actor=user, obj=user, school_id=user.school_id)
    db.session.flush()


def set_active(user: User, active: bool, actor: User) -> None:
    """Deactivate (ending every session) or reactivate an account."""
    if user.id == actor.id:
        raise AccountRefused.one("own_account_deactivate")
    if user.anonymised_at is not None:
        raise AccountRefused.one("anonymised_reactivate")
    # A school must not lock itself out; PUF (who can invite a new leader) may.
    if not active and actor.role != Role.PUF and _last_active_leader(user):
        raise AccountRefused.one("last_active_leader")
    if active and user.deactivated_by_role == Role.PUF and actor.role != Role.PUF:
        raise AccountRefused.one("deactivated_by_puf")
    if not active and is_pending(user):
        # An invitee who has not accepted yet: the invitation link stops working.
        _retire_tokens(user.id, TokenKind.INVITE)
        user.deactivated_by_role = str(actor.role)
        record("user_deactivated", actor=actor, obj=user, school_id=user.school_id, pending=True)
        db.session.flush()
        return
    if active and not user.password_hash:
        raise AccountRefused.one("pending_reactivate")
    if user.active == active:
        return
    user.active = active
    user.deactivated_by_role = None if active else str(actor.role)
    if not active:
        user.end_sessions()
    record(
        "user_reactivated" if active else "user_deactivated",
        actor=actor,
        obj=user,
        school_id=user.school_id,
    )
    db.session.flush()


def _last_active_leader(user: User) -> bool:
    others = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.school_id == user.school_id,
            User.role == Role.LEADER,
            User.active.is_(True),
            User.id != user.id,
        )
    )
    return user.role == Role.LEADER and user.active and not others


def change_role(user: User, role: Role, actor: User) -> None:
    """Teacher ↔ leader within a school; never one's own role, never the last active leader."""
    if role not in (Role.LEADER, Role.TEACHER) or user.role == Role.PUF:
        raise AccountRefused.one("role_not_allowed")
    if user.id == actor.id:
        raise AccountRefused.one("own_role")
    if user.role == role:
        return
    if user.role == Role.LEADER and _last_active_leader(user):
        raise AccountRefused.one("last_active_leader")
    old = user.role
    user.role = role
    user.end_sessions()
    record(
        "role_changed",
        actor=actor,
        obj=user,
        school_id=user.school_id,
        old=str(old),
        new=str(role),
    )
    db.session.flush()


def anonymise(user: User, actor: User) -> None:
    """A departing user: name and e-mail become a placeholder; secrets cleared; history kept."""
    if user.id == actor.id:
        raise AccountRefused.one("own_account_anonymise")
    if user.anonymised_at is not None:
        return
    if actor.role != Role.PUF and _last_active_leader(user):
        raise AccountRefused.one("last_active_leader")
    scrub_person(user, user.email, user.name)  # the audit log forgets them too
    user.name = f"Tidligere medarbejder #{user.id}"
    # The .invalid top-level domain is reserved: this address can never receive mail.
    user.email = f"anonymiseret-{user.id}@anonymiseret.invalid"
    user.password_hash = ""
    user.totp_secret = None
    user.totp_last_step = None
    user.active = False
    user.anonymised_at = now()
    user.end_sessions()
    user.teams.clear()
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(AccountToken).where(AccountToken.user_id == user.id))
    # The provider's subject is an identifier of the person: the link goes too.
    db.session.execute(delete(OidcIdentity).where(OidcIdentity.user_id == user.id))
    record("user_anonymised", actor=actor, obj=user, school_id=user.school_id)
    db.session.flush()


def is_pending(user: User) -> bool:
    """Invited, but the invitation is not yet accepted."""
    return not user.active and not user.password_hash and user.anonymised_at is None
