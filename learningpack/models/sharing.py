"""What the schools share beyond their own run: each school's local approach to parent
collaboration (a versioned document) and PUF's knowledge-sharing events with their practice
examples (videndelingsarrangement, seed solution 4)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learningpack.extensions import Model, db
from learningpack.models.bank import Resource
from learningpack.models.people import School, User
from learningpack.models.program import FollowUp
from learningpack.models.types import UTCDateTime, utcnow


class LocalApproachVersion(Model):
    """One saved version of a school's local approach: every save is a new row, never an edit."""

    __tablename__ = "local_approach_version"
    __table_args__ = (
        db.UniqueConstraint("school_id", "version", name="uq_local_approach_school_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(200), default="")
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school: Mapped[School] = relationship()
    saved_by: Mapped[User | None] = relationship()


class SharingEvent(Model):
    """A knowledge-sharing event PUF holds, where schools present their practice."""

    __tablename__ = "sharing_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    examples: Mapped[list[EventExample]] = relationship(
        back_populates="event", order_by="EventExample.position", cascade="all, delete-orphan"
    )


class EventExample(Model):
    """A practice example marked for an event: a school's follow-up learning from the digest,
    or (when the knowledge bank is wired) a bank resource."""

    __tablename__ = "event_example"
    __table_args__ = (
        db.UniqueConstraint("event_id", "follow_up_id", name="uq_event_example_follow_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("sharing_event.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up.id", ondelete="CASCADE"))
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[SharingEvent] = relationship(back_populates="examples")
    school: Mapped[School | None] = relationship()
    follow_up: Mapped[FollowUp | None] = relationship()
    resource: Mapped[Resource | None] = relationship()
