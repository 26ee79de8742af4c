"""Duplicate submissions: a form that creates something carries a one-time token.

The token is stored (unique) in the same transaction as what the form creates. A second
submission of the same form, a double click or a resend after a slow answer, cannot store it
again: the insert fails on the unique token, even when both requests arrive at once.

The browser's Back does not always bring the old token back: a page sent with ``no-store`` is
fetched again (a new token), and the browser then restores what the user had typed into it. So
the content is claimed too: the same user sending the same values to the same form again within
``CONTENT_WINDOW`` is the same submission, whatever its token.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, exists, inspect, select
from sqlalchemy.exc import IntegrityError

from learningpack.extensions import db
from learningpack.models import FormSubmission, User, utcnow

# A form sent again after this long is not a double click: old tokens are let go.
TOKEN_LIFETIME = timedelta(days=30)
# The same values sent again this soon are the same submission (Back, then save again).
CONTENT_WINDOW = timedelta(days=1)
CONTENT_PREFIX = "c:"  # never in a form token (URL-safe base64)


def content_key(user: User | None, content: str) -> str:
    """The claim for one user's submitted values (``content`` names the form and its values)."""
    owner = str(user.id) if user is not None else "-"
    digest = hashlib.sha256(f"{owner}\n{content}".encode()).hexdigest()
    return CONTENT_PREFIX + digest[: 64 - len(CONTENT_PREFIX)]


def claim_submission(form: Any, user: User | None) -> bool:
    """Claim the form's one-time token (and its content); False if this was already saved.

    Call it before the change is added. A duplicate undoes only the claim's own insert (a
    savepoint): what the caller changed before stays in its transaction, for it to commit or roll
    back. A form posted without its token (not from our pages) is refused too. The form's
    ``submitted_content()``, when it has one, names the form and the values sent.
    """
    field = getattr(form, "once", None)
    if field is None:
        return True  # not a creating form
    if not field.raw_data or not field.raw_data[0]:
        return False
    token = str(field.raw_data[0])[:64]
    describe = getattr(form, "submitted_content", None)
    keys = [token] + ([content_key(user, describe())] if callable(describe) else [])
    if any(already_claimed(key) for key in keys):
        return False
    # Keep the table small: an indexed range delete, nearly always of nothing. Being a write, it
    # also makes SQLite's driver open the outer transaction (it defers BEGIN to the first write),
    # so the savepoint below nests in it instead of starting, and on release committing, its own.
    db.session.execute(
        delete(FormSubmission).where(FormSubmission.created_at < utcnow() - TOKEN_LIFETIME)
    )
    try:
        with db.session.begin_nested():
            for key in keys:
                db.session.add(
                    FormSubmission(token=key, user_id=user.id if user is not None else None)
                )
    except IntegrityError:  # the same token, saved by a concurrent request a moment ago
        return False
    return True


def already_claimed(token: str) -> bool:
    """Whether a committed (or this transaction's) claim holds the token.

    A content claim holds only for ``CONTENT_WINDOW``; an older one is let go here, so that the
    same values may be saved again (a new, identical entry a week later is a new entry).
    """
    if token.startswith(CONTENT_PREFIX):
        db.session.execute(
            delete(FormSubmission).where(
                FormSubmission.token == token,
                FormSubmission.created_at < utcnow() - CONTENT_WINDOW,
            )
        )
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
