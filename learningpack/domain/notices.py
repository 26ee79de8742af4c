"""In-app notices: short titles with an internal link, one list per user (issue 14).

A notice names what it is about with a ``key``; the unique (user, key) makes posting the same
notice again, or from two processes at once, add it once. Writes flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, select, update
from sqlalchemy.orm import InstrumentedAttribute

from learningpack.extensions import conflict_insert, db
from learningpack.models import Notice, utcnow

TITLE_MAX = 200
URL_MAX = 500
KEY_MAX = 200
READ_LIFETIME = timedelta(days=180)


def is_internal_url(url: str) -> bool:
    """A path on this site ("/skole/…"): not another host, not a scheme, not "//host"."""
    return (
        url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and not any(c.isspace() or ord(c) < 32 for c in url)
    )


@dataclass(frozen=True)
class NewNotice:
    user_id: int
    kind: str
    title: str
    url: str
    key: str


def _checked(notice: NewNotice) -> NewNotice:
    """The notice with its title on one line and cut to size; a link off the site, or a
    missing or overlong key, is a programming error."""
    if not is_internal_url(notice.url) or len(notice.url) > URL_MAX:
        raise ValueError(f"a notice links only to an internal path: {notice.url!r}")
    if not notice.key or len(notice.key) > KEY_MAX:
        raise ValueError("a notice needs a key of at most 200 characters")
    title = " ".join(notice.title.split())[:TITLE_MAX]
    return NewNotice(notice.user_id, notice.kind[:40], title, notice.url, notice.key)


def post_notices(notices: list[NewNotice]) -> int:
    """Add each notice unless its user has one with its key; how many were added.

    ``INSERT … ON CONFLICT DO NOTHING`` in chunks: safe when another process posts the same
    notices at the same moment. The users' read notices older than READ_LIFETIME go first.
    """
    rows = [_checked(n).__dict__ for n in notices]
    users = sorted({n.user_id for n in notices})
    now = utcnow()
    for start in range(0, len(users), 1000):
        db.session.execute(
            delete(Notice).where(
                Notice.user_id.in_(users[start : start + 1000]),
                Notice.read_at < now - READ_LIFETIME,
            )
        )
    statement = (
        conflict_insert(Notice.__table__)
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(Notice.__table__.c.id)
    )
    added = 0
    connection = db.session.connection()
    for start in range(0, len(rows), 1000):
        chunk = [{**row, "created_at": now} for row in rows[start : start + 1000]]
        # executemany: one compiled statement, sent as multi-row batches (insertmanyvalues).
        added += len(connection.execute(statement, chunk).all())
    return added


def post_notice(user_id: int, kind: str, title: str, url: str, key: str) -> bool:
    """Add a notice for the user unless one with this key exists; False if it did (also when
    a concurrent process added it a moment ago: see ``post_notices``)."""
    return post_notices([NewNotice(user_id, kind, title, url, key)]) == 1


def unread_count(user_id: int) -> int:
    """How many of the user's notices are unread."""
    return int(db.session.scalar(_count_unread(user_id)) or 0)


def unread_count_query(user_id: int | ColumnElement[int] | InstrumentedAttribute[int]) -> Any:
    """The unread count as a subquery, to fold into another query (``user_id`` a column)."""
    return _count_unread(user_id).scalar_subquery()


def _count_unread(user_id: Any) -> Select[Any]:
    return select(func.count(Notice.id)).where(Notice.user_id == user_id, Notice.read_at.is_(None))


def own_notice(user_id: int, notice_id: int) -> Notice | None:
    """One of the user's notices; another user's (or none) is None."""
    return db.session.scalar(
        select(Notice).where(Notice.id == notice_id, Notice.user_id == user_id)
    )


def mark_read(notice: Notice) -> bool:
    """Mark a notice read; False if it already was."""
    if notice.read_at is not None:
        return False
    notice.read_at = utcnow()
    db.session.flush()
    return True


def mark_all_read(user_id: int) -> int:
    """Mark every unread notice of the user read; how many were."""
    result = db.session.execute(
        update(Notice)
        .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
