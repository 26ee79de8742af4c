"""The user's notices page: newest first, one page at a time."""

from __future__ import annotations

from sqlalchemy import select

from learningpack.models import Notice
from learningpack.reads.pagination import Page, paginate_query

PER_PAGE = 20


def notices_page(user_id: int, page: int = 1) -> Page[Notice]:
    """One page of the user's own notices, the newest first."""
    statement = (
        select(Notice)
        .where(Notice.user_id == user_id)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    )
    return paginate_query(statement, page, PER_PAGE)
