"""The one definition of "the school's newest run", used by every page, export and the API.

A school runs a package one school year at a time; the run it works in is its newest run *of
that package*: the latest ``started_at``, and of two started at the same moment the higher id.
Every read that shows "where the school is" (PUF's overview and digest, the drill-down, the
school's own pages and the API) asks here, so they cannot disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, UnaryExpression, select
from sqlalchemy.orm import QueryableAttribute, selectinload

from learningpack.extensions import db
from learningpack.models import Run, School

# Newest first: the order of a school's runs of one package everywhere they are listed.
NEWEST_FIRST: tuple[UnaryExpression[Any], ...] = (Run.started_at.desc(), Run.id.desc())


def runs_newest_first(school_id: int, package_slug: str) -> Select[Run]:
    """The school's runs of the package, newest first (the first is its newest run)."""
    return (
        select(Run)
        .where(Run.school_id == school_id, Run.package_slug == package_slug)
        .order_by(*NEWEST_FIRST)
    )


def newest_run_id(school_id: QueryableAttribute[int] | int, package_slug: str) -> Any:
    """The id of the school's newest run of the package, as a scalar subquery.

    ``school_id`` is a number, or ``School.id`` of the enclosing query: then the subquery is
    correlated to it, once per school (the enclosing query may join ``Run`` too; only ``School``
    is correlated).
    """
    return (
        select(Run.id)
        .where(Run.school_id == school_id, Run.package_slug == package_slug)
        .order_by(*NEWEST_FIRST)
        .limit(1)
        .correlate(School)
        .scalar_subquery()
    )


def newest_run(school_id: int, package_slug: str) -> Run | None:
    """The school's newest run of the package, with its cycles loaded; None before it starts."""
    return db.session.scalar(
        runs_newest_first(school_id, package_slug).options(selectinload(Run.cycles)).limit(1)
    )


def days_since(moment: datetime | None, now: datetime) -> int | None:
    """Whole days from ``moment`` to ``now`` (0 if it lies ahead); None without a moment."""
    return None if moment is None else max(0, (now - moment).days)


def days_in_module(active: bool, opened_at: datetime | None, now: datetime) -> int | None:
    """ "Days in the module": whole days since an open module was opened; None for locked and
    completed modules. The overview, its export and the API all count it here."""
    return days_since(opened_at, now) if active else None
