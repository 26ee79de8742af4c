"""Schools, the people who use the app, and their teams."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from learningpack.extensions import Model, db
from learningpack.models.types import (
    SortKey,
    UTCDateTime,
    danish_key,
    enum_check,
    enum_column_type,
    utcnow,
)


class Role(enum.StrEnum):
    PUF = "puf"
    LEADER = "leader"
    TEACHER = "teacher"


class Area(Model):
    """An area (område) of the municipality, from PUF's managed list. A school's ``district``
    holds the area's name: the many readers filter on it as a string; the domain keeps the two in
    step (domain/areas.py)."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # The name in lower case: unique, so »vest« and »Vest« cannot both exist (computed in Python:
    # SQLite's lower() knows only ASCII, and area names have æøå).
    name_key: Mapped[str] = mapped_column(String(120), unique=True)

    @validates("name")
    def _set_key(self, _key: str, value: str) -> str:
        self.name_key = area_key(value)
        return value

    def __repr__(self) -> str:
        return f"<Area {self.name!r}>"


def area_key(name: str) -> str:
    """The case-insensitive key of an area name."""
    return name.strip().lower()


def _sort_key(context: Any) -> str:
    return danish_key(context.get_current_parameters().get("name") or "")


class School(Model):
    __tablename__ = "school"
    __table_args__ = (
        # The overview and the API page schools in Danish order, all or in one district.
        Index("ix_school_sort_key", "sort_key", "id"),
        Index("ix_school_district_sort_key", "district", "sort_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # danish_key(name), so the database sorts as a Danish reader does: set on insert (Core bulk
    # inserts too) and by ``_name`` below when the name changes.
    sort_key: Mapped[str] = mapped_column(SortKey, default=_sort_key, server_default="")
    district: Mapped[str] = mapped_column(String(120), index=True, default="")
    # A deactivated school's users cannot log in; its data stays.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    # Staff with a single sign-on link may not use a password here (the leader's choice).
    password_off_for_linked: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Days without a log entry before a reminder; None: PUF's default (domain/calendar.py).
    reminder_days: Mapped[int | None] = mapped_column(Integer)
    # Bumped in the same flush as any change to the school's staff or teams (names, roles,
    # memberships; models/page_versions.py), and in the same transaction as any rewrite of its
    # summary rows (domain/school_progress.refresh: every write to its runs and records).
    # Together they tell whether a page kept for one of its users may still be shown
    # (web/fragment_cache.py); both come with the logged-in user's school.
    people_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Stamped with every bump of either version, and set when the school is created: the
    # newest stamp of all schools (an index look-up) tells whether a page kept across all of
    # them (PUF's overview and digest) may still be shown.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow, index=True)

    users: Mapped[list[User]] = relationship(back_populates="school")
    teams: Mapped[list[Team]] = relationship(back_populates="school", order_by="Team.name")

    @validates("name")
    def _name(self, _key: str, value: str) -> str:
        self.sort_key = danish_key(value)
        return value

    def __repr__(self) -> str:
        return f"<School {self.name!r}>"


team_member = Table(
    "team_member",
    Model.metadata,
    Column("team_id", Integer, ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, Model):
    __tablename__ = "user"
    __table_args__ = (
        enum_check("role", Role, "role"),
        CheckConstraint("role = 'puf' OR school_id IS NOT NULL", name="school_for_staff"),
        CheckConstraint("locale IN ('da', 'en')", name="locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[Role] = mapped_column(enum_column_type(Role))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(5), default="da")
    # Bumped on logout, deactivation and password change: every older session stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor: the TOTP secret once confirmed (encrypted, see secretbox), and the last time
    # step accepted, so the same code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The role of whoever deactivated the account: a leader may not undo PUF's deactivation.
    deactivated_by_role: Mapped[str | None] = mapped_column(String(10))
    # The header's unread notices, loaded with the user on each request (web/session_guard.py).
    unread_notices: Mapped[int | None] = query_expression()
    # The newest School.changed_at of all schools, loaded with the session's user
    # (web/session_guard.py) for the key of PUF's pages across all schools.
    schools_changed_at: Mapped[datetime | None] = query_expression()

    school: Mapped[School | None] = relationship(back_populates="users")
    teams: Mapped[list[Team]] = relationship(
        secondary=team_member, back_populates="members", order_by="Team.name"
    )

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return normalise_email(value)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Invalidate every session this user has open, everywhere."""
        self.session_version = (self.session_version or 0) + 1

    # Flask-Login: the session carries id and version, so a bumped version logs the user out.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active)

    @property
    def may_log_in(self) -> bool:
        """Active, and (for school staff) at a school that is active."""
        return bool(self.active) and (self.school is None or bool(self.school.active))

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret)

    @property
    def is_puf(self) -> bool:
        return self.role == Role.PUF

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_teacher(self) -> bool:
        return self.role == Role.TEACHER

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


def normalise_email(value: str) -> str:
    return value.strip().lower()


class Team(Model):
    __tablename__ = "team"
    __table_args__ = (db.UniqueConstraint("school_id", "name", name="uq_team_school_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    school: Mapped[School] = relationship(back_populates="teams")
    members: Mapped[list[User]] = relationship(
        secondary=team_member, back_populates="teams", order_by="User.name"
    )

    def __repr__(self) -> str:
        return f"<Team {self.name!r}>"
