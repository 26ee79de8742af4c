"""In-app notices, the municipality's school holidays and PUF's reminder settings (issue 14)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from learningpack.extensions import Model, db
from learningpack.models.types import UTCDateTime, utcnow

# Days without a log entry before a reminder, when neither PUF nor the school chose.
DEFAULT_REMINDER_DAYS = 7
REMINDER_DAYS_MIN = 1
REMINDER_DAYS_MAX = 60


class Notice(Model):
    """A short in-app notice to one user: a title and an internal link, never free text.

    ``key`` names what the notice is about (e.g. "reminder:cycle:12:2026-12-02"); the unique
    (user, key) makes posting the same notice twice, even concurrently, add it once.
    """

    __tablename__ = "notice"
    __table_args__ = (
        db.UniqueConstraint("user_id", "key", name="uq_notice_user_key"),
        # The header's unread count and the newest-first page both read by user.
        Index("ix_notice_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HolidayPeriod(Model):
    """A school holiday of the municipality (first and last day included): no reminders then."""

    __tablename__ = "holiday_period"
    __table_args__ = (CheckConstraint("first_day <= last_day", name="holiday_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    first_day: Mapped[date] = mapped_column(Date, index=True)
    last_day: Mapped[date] = mapped_column(Date)


class MunicipalSettings(Model):
    """PUF's settings for every school (one row, id 1; absent until PUF saves them)."""

    __tablename__ = "municipal_settings"
    __table_args__ = (
        CheckConstraint(
            f"reminder_days BETWEEN {REMINDER_DAYS_MIN} AND {REMINDER_DAYS_MAX}",
            name="reminder_days_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_REMINDER_DAYS)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
