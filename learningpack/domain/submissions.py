"""Duplicate submissions: a form that creates something carries a one-time token.

The token is stored (unique) in the same transaction as what the form creates. A second
submission of the same form, a double click or a resend after a slow answer, cannot store it
again: the insert fails on the unique token, even when both requests arrive at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, exists, inspect, select
from sqlalchemy.exc import IntegrityError

from learningpack.extensions import db
from learningpack.models import FormSubmission, User, utcnow

# A form sent again after this long is not a double click: old tokens are let go.
TOKEN_LIFETIME = timedelta(days=30)


def claim_submission(form: Any, user: User | None) -> bool:
    """Claim the form's one-time token; False if this form was already saved.

    Call it before the change is added. A duplicate undoes only the token's own insert (a
    savepoint): what the caller changed before stays in its transaction, for it to commit or roll
    back. A form posted without a token (not from our pages) is not checked.
    """
    field = getattr(form, "once", None)
    if field is None or not field.raw_data or not field.raw_data[0]:
        return True
    token = str(field.raw_data[0])[:64]
    if already_claimed(token):
        return False
    # Keep the table small: an indexed range delete, nearly always of nothing. Being a write, it
    # also makes SQLite's driver open the outer transaction (it defers BEGIN to the first write),
    # so the savepoint below nests in it instead of starting, and on release committing, its own.
    db.session.execute(
        delete(FormSubmission).where(FormSubmission.created_at < utcnow() - TOKEN_LIFETIME)
    )
    try:
        with db.session.begin_nested():
            db.session.add(
                FormSubmission(token=token, user_id=user.id if user is not None else None)
            )
    except IntegrityError:  # the same token, saved by a concurrent request a moment ago
        return False
    return True


def already_claimed(token: str) -> bool:
    """Whether a committed (or this transaction's) claim holds the token."""
    return bool(db.session.scalar(select(exists().where(FormSubmission.token == token))))


T = TypeVar("T")


def locked(instance: T) -> T:
    """Re-read a row and lock it until the transaction ends (PostgreSQL ``FOR UPDATE``).

    A save that first checks "did anyone change this since the form was loaded?" then cannot
    interleave with another save of the same row: the second waits, then sees the first's
    change. SQLite writes one at a time anyway and ignores the lock.
    """
    # Lock with a bare statement (FOR UPDATE cannot apply to the outer joins of eager loads),
    # then re-read: under the lock, the next statement sees the latest committed values.
    mapper = inspect(instance).mapper
    key = inspect(instance).identity
    columns = mapper.primary_key
    db.session.execute(
        select(*columns)
        .where(*(c == v for c, v in zip(columns, key or (), strict=True)))
        .with_for_update()
    )
    db.session.refresh(instance)
    return instance
