"""API keys: create (shown once), revoke, and authenticate the key sent as a bearer token.

"API key" is the one name for this credential in code and on the page (the model keeps its
name ``ApiToken`` and its table ``api_token``; the audit verbs keep ``api_token_*``, as stored).
A key is ``lp_`` followed by 43 URL-safe characters (32 random bytes). Only its SHA-256 is
stored; the prefix (the first few characters) lets the owner tell keys apart in the list.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from learningpack.domain.accounts import hash_token
from learningpack.extensions import db
from learningpack.models import ApiToken, Role, User, utcnow
from learningpack.models.audit import record

KEY_PREFIX = "lp_"
SHOWN_PREFIX_LENGTH = 10
# last_used_at is a hint for the owner, not a log: write it at most once a minute per key.
LAST_USED_RESOLUTION = timedelta(minutes=1)
LIFETIMES_DAYS = (30, 90, 365)


class ApiKeyRefused(Exception):
    """The key cannot be created (the user may not have keys, or the lifetime is unknown)."""


@dataclass(frozen=True)
class NewApiKey:
    """A key just created: the secret is shown once and then forgotten."""

    key: ApiToken
    secret: str


def create_api_key(user: User, name: str, lifetime_days: int) -> NewApiKey:
    """Give a PUF user a new API key; audited without the secret. The caller commits."""
    if user.role != Role.PUF or not user.active:
        raise ApiKeyRefused("only active PUF users have API keys")
    if lifetime_days not in LIFETIMES_DAYS:
        raise ApiKeyRefused("unknown lifetime")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        token_hash=hash_token(secret),
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days),
    )
    db.session.add(token)
    db.session.flush()
    record(
        "api_token_created",
        actor=user,
        obj=token,
        name=token.name,
        prefix=token.prefix,
        expires_at=token.expires_at.isoformat(),
    )
    return NewApiKey(key=token, secret=secret)


def user_api_keys(user: User) -> list[ApiToken]:
    """The user's API keys, newest first (revoked ones too, so the history is visible)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def own_api_key(user: User, key_id: int) -> ApiToken | None:
    """One of the user's own API keys, or None (another user's key is as good as missing)."""
    return db.session.scalar(
        select(ApiToken).where(ApiToken.id == key_id, ApiToken.user_id == user.id)
    )


def revoke_api_key(token: ApiToken, actor: User) -> bool:
    """Revoke an API key for good; False if it was already revoked. Audited. The caller commits."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    record("api_token_revoked", actor=actor, obj=token, name=token.name, prefix=token.prefix)
    return True


def authenticate(secret: str, now: datetime | None = None) -> User | None:
    """The PUF user an API key (sent as a bearer token) stands for, or None when it cannot be
    used. Refused: unknown, revoked or expired keys, and keys of deactivated or non-PUF users.
    One query to find the key and its owner; at most one more to note when it was used
    (the caller commits).
    """
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    now = now or utcnow()
    token = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(secret))
        .options(joinedload(ApiToken.user))
    )
    if token is None or not token.is_usable(now):
        return None
    user = token.user
    if not user.active or user.role != Role.PUF:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token.id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
    return user
