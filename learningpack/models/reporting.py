"""What PUF reports to the committee: daily progress snapshots, report drafts, notes to schools."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learningpack.extensions import Model, db
from learningpack.models.people import School, User
from learningpack.models.types import UTCDateTime, utcnow


class ProgressCounts:
    """What a snapshot counts of a school in a module, and a tally sums over schools."""

    action_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    done_action_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    follow_up_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    keep_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    adjust_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stop_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reflection_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ProgressSnapshot(ProgressCounts, Model):
    """One school in one module on one day, written only when something changed since the last.

    ``state`` is the overview's cell state (locked, the phase of an open module, or completed).
    The state of a school in a module on day D is its newest row on or before D.
    """

    __tablename__ = "progress_snapshot"
    __table_args__ = (
        db.UniqueConstraint(
            "school_id", "module_slug", "taken_on", name="uq_progress_snapshot_school_module_day"
        ),
        Index("ix_progress_snapshot_taken_on", "taken_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_on: Mapped[date] = mapped_column(Date)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProgressTally(ProgressCounts, Model):
    """How many schools of an area stood in each module × state on a snapshot day, and their
    counts summed: the snapshots' newest rows on or before that day, grouped.

    Written with the day's snapshot (``domain/tallies.py``), so PUF's chart and the report
    read a few hundred rows per day instead of every school's. A school counts in the area it
    lay in when the day was tallied; an area's rename renames its tallies too.
    """

    __tablename__ = "progress_tally"
    __table_args__ = (
        db.UniqueConstraint(
            "taken_on", "district", "position", "state", name="uq_progress_tally_day_cell"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_on: Mapped[date] = mapped_column(Date)
    district: Mapped[str] = mapped_column(String(120), default="", server_default="")
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    schools: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ReportDraft(Model):
    """PUF's half-yearly report: its period, area and chosen practice examples."""

    __tablename__ = "report_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    district: Mapped[str] = mapped_column(String(120), default="", server_default="")
    name_stalled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    created_by: Mapped[User | None] = relationship()
    quotes: Mapped[list[ReportQuote]] = relationship(
        back_populates="draft", order_by="ReportQuote.id", cascade="all, delete-orphan"
    )


class ReportQuote(Model):
    """A practice example in a report: a follow-up's learning, as PUF edited it (no names)."""

    __tablename__ = "report_quote"
    __table_args__ = (
        db.UniqueConstraint("draft_id", "follow_up_id", name="uq_report_quote_draft_follow_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        ForeignKey("report_draft.id", ondelete="CASCADE"), index=True
    )
    follow_up_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_up.id", ondelete="SET NULL")
    )
    school_name: Mapped[str] = mapped_column(String(200))
    module_slug: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)

    draft: Mapped[ReportDraft] = relationship(back_populates="quotes")


class SchoolNote(Model):
    """PUF's note to a school, or a leader's answer: one thread per run, kept with the run."""

    __tablename__ = "school_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    from_puf: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school: Mapped[School] = relationship()
    author: Mapped[User | None] = relationship()
