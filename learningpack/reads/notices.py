"""The user's notices page: newest first, one page at a time."""

from __future__ import annotations

from sqlalchemy import func, select

from learningpack.extensions import db
from learningpack.models import Notice
from learningpack.reads.pagination import Page, paginate_query

PER_PAGE = 20


def notices_page(user_id: int, page: int = 1) -> Page[Notice]:
    """One page of the user's own notices, the newest first.

    One statement: the page's rows carry the count of all the user's notices (a window over
    the few rows a user has), where a count and a page were two. A page past the end has no
    row to carry it: then the count and the last page, as ``paginate_query`` does."""
    statement = (
        select(Notice)
        .where(Notice.user_id == user_id)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    )
    page = max(page, 1)
    rows = db.session.execute(
        statement.add_columns(func.count().over().label("total"))
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    if not rows and page > 1:
        return paginate_query(statement, page, PER_PAGE)
    return Page([row[0] for row in rows], rows[0].total if rows else 0, page, PER_PAGE)
