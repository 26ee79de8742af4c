"""Reminder e-mails: what each person wants, and every message queued, sent or given up."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from learningpack.extensions import Model, db
from learningpack.models.types import UTCDateTime, enum_check, enum_column_type, utcnow


class MailStatus(enum.StrEnum):
    QUEUED = "queued"  # due, waiting for (another) delivery attempt
    SENDING = "sending"  # claimed by one `notify send` until ``next_attempt_at``
    SENT = "sent"
    LOGGED = "logged"  # no SMTP server configured: written to the log for the operator
    GIVEN_UP = "given_up"
    SKIPPED = "skipped"  # in-app notice only: this kind is not wanted by e-mail (or no address)
    BUNDLED = "bundled"  # e-mailed inside another reminder's mail (``bundled_into_id``)


class MailChoice(Model):
    """One person's choice for one kind of reminder e-mail (no row: the kind's default)."""

    __tablename__ = "mail_choice"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    wanted: Mapped[bool] = mapped_column(Boolean)


class OutboxMail(Model):
    """One reminder to one person, e-mailed or (``skipped``) posted in the app only. The unique
    (user, key) is the claim: the same reminder is recorded once, however many ``notify send``
    run at the same time.

    A person's reminders of one kind of e-mail in one run travel in one mail: the first one's
    row holds it (subject and both parts for all of them); the others are ``bundled`` and point
    at it with ``bundled_into_id``."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        db.UniqueConstraint("user_id", "dedupe_key", name="uq_mail_outbox_user_key"),
        enum_check("status", MailStatus, "status"),
        Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # kind:subject:period, e.g. "period_ends:17:2026-10-15".
    dedupe_key: Mapped[str] = mapped_column(String(120))
    status: Mapped[MailStatus] = mapped_column(
        enum_column_type(MailStatus), default=MailStatus.QUEUED
    )
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(250))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    unsubscribe_url: Mapped[str] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(String(250), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bundled_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_outbox.id", ondelete="SET NULL")
    )
