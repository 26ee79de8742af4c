"""Soft delete: a record a user deletes is hidden at once everywhere, and purged later.

The records a school writes in a module (meetings, actions, log entries, follow-ups, team
questions, reflections) carry ``deleted_at`` and ``deleted_by_id``. One session hook adds
``deleted_at IS NULL`` for every such table to every ORM SELECT (pages, counts, exports, the
API, snapshots, relationship loads), in the same statement, so no read needs to remember it
and no query is added. A read that must see deleted rows (the purge, reviving a row under a
unique key) passes ``execution_options(include_deleted=True)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, with_loader_criteria

from learningpack.models.types import UTCDateTime

INCLUDE_DELETED = "include_deleted"


class SoftDeleted:
    """A mixin: the row is hidden from every read once ``deleted_at`` is set."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    deleted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )


def not_deleted(cls: Any) -> Any:
    return cls.deleted_at.is_(None)


@event.listens_for(Session, "do_orm_execute")
def _hide_deleted(state: ORMExecuteState) -> None:
    if (
        state.is_select
        and not state.is_column_load
        and not state.execution_options.get(INCLUDE_DELETED, False)
    ):
        state.statement = state.statement.options(
            with_loader_criteria(SoftDeleted, not_deleted, include_aliases=True)
        )
