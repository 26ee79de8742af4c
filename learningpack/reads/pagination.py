"""Ordering and paging of lists the pages and the API show: the Danish sort key and one paginator.

Danish order (Æ, Ø, Å after Z, "aa" as "å") is applied in Python, as SQLite cannot sort that
way; the lists sorted so are at most the country's ~1,100 schools. A page is cut from a list
already in order (``paginate``) or read with OFFSET/LIMIT after a count (``paginate_query``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause, Join

from learningpack.extensions import db
from learningpack.models.types import danish_key

__all__ = ["Page", "danish_key", "driving_join", "page_number", "paginate", "paginate_query"]

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, the list's length, the page number (from 1) and size."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one, also when it is empty)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position (from 1) of the page's first item in the list; 0 on an empty list."""
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        """The position of the page's last item in the list."""
        return min(self.page * self.per_page, self.total)


def page_number(requested: int, total: int, per_page: int) -> int:
    """The requested page, moved into the pages the list has (the last if past it)."""
    return min(max(1, requested), max(1, -(-total // per_page)))


def paginate(rows: Sequence[T], page: int, per_page: int, *, clamp: bool = True) -> Page[T]:
    """One page of rows already in order. ``clamp``: a page past the end shows the last one
    (the pages); without it, it is empty (the API: a client reads until a page is empty)."""
    if clamp:
        page = page_number(page, len(rows), per_page)
    start = (page - 1) * per_page
    return Page(list(rows[start : start + per_page]), len(rows), page, per_page)


def paginate_query(statement: Select[Any], page: int, per_page: int) -> Page[Any]:
    """One page of an ordered query's rows (scalars), read with a count and OFFSET/LIMIT; a
    page past the end shows the last one."""
    total = int(
        db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
        or 0
    )
    page = page_number(page, total, per_page)
    items = list(db.session.scalars(statement.offset((page - 1) * per_page).limit(per_page)))
    return Page(items, total, page, per_page)


class _DrivingJoin(Join):
    """An inner join whose left side the database reads first, in its index's order."""

    inherit_cache = True


@compiles(_DrivingJoin)
def _plain_join(join: _DrivingJoin, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.visit_join(join, **kw))  # type: ignore[no-untyped-call]


@compiles(_DrivingJoin, "sqlite")
def _sqlite_cross_join(join: _DrivingJoin, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's planner never reorders the two sides of a CROSS JOIN (its documented way to
    # fix a join order); with an ON clause it is an inner join.
    kw["asfrom"] = True
    assert join.onclause is not None  # driving_join always has one
    left = join.left._compiler_dispatch(compiler, **kw)
    right = join.right._compiler_dispatch(compiler, **kw)
    return f"{left} CROSS JOIN {right} ON {join.onclause._compiler_dispatch(compiler, **kw)}"


def driving_join(left: FromClause, right: FromClause, on: ColumnElement[bool]) -> Join:
    """``left JOIN right ON on``, read from ``left`` first. For a page in ``left``'s index order
    (e.g. schools by their Danish key) the database then walks the index and stops after the
    page, where SQLite's planner would otherwise start from ``right`` and sort every row."""
    return _DrivingJoin(left, right, on)
