"""One summary row per school and package: where the school's newest run stands.

The overview, the API and the exports read this row instead of every cycle of every school:
the database sorts, filters and pages it, and totals come from one aggregate over it.
``domain/school_progress.py`` rewrites a school's row in the same transaction as every change
to its runs or cycles, and rebuilds all rows in bulk.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, false, func
from sqlalchemy.orm import Mapped, mapped_column

from learningpack.extensions import Model
from learningpack.models.types import UTCDateTime, utcnow


class SchoolProgress(Model):
    """A school's newest run of a package, in numbers (no row before the school starts one)."""

    __tablename__ = "school_progress"
    __table_args__ = (
        # "Stalled" (started, unfinished, idle since a cutoff) is a range on this index.
        Index("ix_school_progress_stalled", "package_slug", "finished", "last_activity_at"),
    )

    school_id: Mapped[int] = mapped_column(
        ForeignKey("school.id", ondelete="CASCADE"), primary_key=True
    )
    package_slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("run.id", ondelete="CASCADE"), index=True, unique=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When someone last recorded anything in the run (its start if nothing since).
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The open module the school works in (the first, if PUF opened more than one).
    current_position: Mapped[int | None] = mapped_column(Integer)
    current_phase: Mapped[str | None] = mapped_column(String(20))
    current_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cycle_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    meeting_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    action_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    done_action_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    log_entry_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    follow_up_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The earliest follow-up meeting date of an open module with no follow-up recorded yet:
    # "stalled" is then two comparisons on this row, not a look at every school's cycles.
    overdue_from: Mapped[date | None] = mapped_column(Date)
    # When the row was last written: the overview's totals are kept until a row changes.
    refreshed_at: Mapped[datetime] = mapped_column(
        UTCDateTime, index=True, default=utcnow, server_default=func.current_timestamp()
    )
