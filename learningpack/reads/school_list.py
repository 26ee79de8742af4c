"""PUF's list of schools to administer: a page at a time, searched by name, filtered by area."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from learningpack.extensions import db
from learningpack.models import School, User
from learningpack.models.types import contains_pattern, danish_key
from learningpack.reads.pagination import Page, paginate_query

PAGE_SIZE = 50


def name_like(text: str) -> str:
    """A LIKE pattern over ``School.sort_key`` that finds the text anywhere in the name: the
    stored Danish key (casefolded, "aa" as "å"), so Ø finds ø on SQLite too; wildcards literal."""
    return contains_pattern(danish_key(text.strip()))


@dataclass(frozen=True)
class SchoolListing:
    schools: Page[School]
    active_users: dict[int, int]
    """Active accounts per school on the page."""


def school_listing(search: str, district: str, page: int) -> SchoolListing:
    """One page of schools in Danish order (by the sort key's index), with how many active
    accounts each has (three queries, whatever the number of schools)."""
    statement = select(School).order_by(School.sort_key, School.id)
    if search.strip():
        statement = statement.where(School.sort_key.like(name_like(search), escape="\\"))
    if district:
        statement = statement.where(School.district == district)
    schools = paginate_query(statement, page, PAGE_SIZE)
    ids = [s.id for s in schools.items]
    counts = db.session.execute(
        select(User.school_id, func.count(User.id))
        .where(User.active.is_(True), User.school_id.in_(ids))
        .group_by(User.school_id)
    )
    return SchoolListing(schools, {int(row[0] or 0): int(row[1]) for row in counts})
