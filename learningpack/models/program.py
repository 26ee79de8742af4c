"""A school's run of a package: its cycles (one per module) and what is recorded in them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learningpack.extensions import Model, db
from learningpack.models.people import School, Team, User
from learningpack.models.soft_delete import SoftDeleted
from learningpack.models.types import UTCDateTime, enum_check, enum_column_type, utcnow


class CycleState(enum.StrEnum):
    LOCKED = "locked"
    ACTIVE = "active"
    COMPLETED = "completed"


class CyclePhase(enum.StrEnum):
    """Where an open cycle stands: the first step of the stepper not yet done, or ready."""

    INPUT = "input"  # videnoplæg og drøftelse
    QUESTION = "question"  # teamets undring
    ACTIONS = "actions"  # aktioner aftalt
    TRYING = "trying"  # afprøvning og observation
    REFLECTION = "reflection"  # refleksion
    FOLLOW_UP = "follow_up"  # opsamling
    READY = "ready"  # klar til at blive afsluttet


class MeetingKind(enum.StrEnum):
    INPUT = "input"  # videnoplæg og drøftelse
    FOLLOW_UP = "follow_up"  # opsamling
    OTHER = "other"


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class Outcome(enum.StrEnum):
    KEEP = "keep"
    ADJUST = "adjust"
    STOP = "stop"


class LogKind(enum.StrEnum):
    """A log entry is either what an owner did or what the observer saw."""

    DID = "did"
    OBSERVATION = "observation"


class Run(Model):
    """One school's run (forløb) of a package, e.g. a school year."""

    __tablename__ = "run"
    __table_args__ = (
        db.UniqueConstraint(
            "school_id", "package_slug", "year_label", name="uq_run_school_package_year"
        ),
        # One unfinished run per school and package, kept by the database (races included).
        Index(
            "uq_run_one_unfinished",
            "school_id",
            "package_slug",
            unique=True,
            sqlite_where=text("completed_at IS NULL"),
            postgresql_where=text("completed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    package_slug: Mapped[str] = mapped_column(String(80))
    year_label: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School] = relationship()
    started_by: Mapped[User | None] = relationship()
    cycles: Mapped[list[Cycle]] = relationship(
        back_populates="run", order_by="Cycle.position", cascade="all, delete-orphan"
    )


class Cycle(Model):
    """One module of the package as one action-learning cycle in a run."""

    __tablename__ = "cycle"
    __table_args__ = (
        db.UniqueConstraint("run_id", "position", name="uq_cycle_run_position"),
        db.UniqueConstraint("run_id", "module_slug", name="uq_cycle_run_module"),
        enum_check("state", CycleState, "state"),
        enum_check("phase", CyclePhase, "phase"),
        # A module's cycles by their newest learning: the report's newest learnings (examples.py).
        Index("ix_cycle_module_newest_learning", "module_slug", "newest_learning_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[CycleState] = mapped_column(
        enum_column_type(CycleState), default=CycleState.LOCKED, index=True
    )
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Why PUF opened the module before its turn; empty when it opened in turn.
    unlock_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Lokal tilpasning: the school's own notes and discussion questions for this module.
    local_notes: Mapped[str] = mapped_column(Text, default="")
    local_questions: Mapped[str] = mapped_column(Text, default="")
    # The module's summary (opsamling).
    summary_learned: Mapped[str] = mapped_column(Text, default="")
    summary_keep: Mapped[str] = mapped_column(Text, default="")
    summary_next: Mapped[str] = mapped_column(Text, default="")
    # The date of the module's follow-up meeting (opsamlingsmøde), once the leader has set it.
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    # Progress, kept up to date on every write by cycle.py (and rebuilt in bulk by
    # progress.rebuild), so views across all schools read cycle rows, not every action.
    phase: Mapped[CyclePhase] = mapped_column(
        enum_column_type(CyclePhase), default=CyclePhase.INPUT, server_default=CyclePhase.INPUT
    )
    # Stored as "session_count" (the first cut called meetings sessions).
    meeting_count: Mapped[int] = mapped_column(
        "session_count", Integer, default=0, server_default="0"
    )
    action_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    done_action_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    log_entry_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    follow_up_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the newest follow-up with a learning was recorded (None while there is none).
    newest_learning_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    run: Mapped[Run] = relationship(back_populates="cycles")
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="cycle", order_by="Meeting.held_on", cascade="all, delete-orphan"
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="cycle", order_by="Action.id", cascade="all, delete-orphan"
    )
    questions: Mapped[list[TeamQuestion]] = relationship(
        back_populates="cycle", order_by="TeamQuestion.id", cascade="all, delete-orphan"
    )
    reflections: Mapped[list[Reflection]] = relationship(
        back_populates="cycle", order_by="Reflection.id", cascade="all, delete-orphan"
    )

    def question_of(self, team_id: int | None) -> TeamQuestion | None:
        """The team's question (undring) in this module, if it has stated one."""
        return next((q for q in self.questions if q.team_id == team_id), None)

    def reflection_of(self, team_id: int | None) -> Reflection | None:
        """The team's reflective conversation in this module, if it has held one."""
        return next((r for r in self.reflections if r.team_id == team_id), None)


class Meeting(SoftDeleted, Model):
    """A staff meeting in a cycle: knowledge input and discussion, or follow-up."""

    __tablename__ = "cycle_session"
    __table_args__ = (enum_check("kind", MeetingKind, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[MeetingKind] = mapped_column(enum_column_type(MeetingKind))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    participants: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship(back_populates="meetings")
    facilitator: Mapped[User | None] = relationship(foreign_keys=[facilitator_id])


action_owner = Table(
    "action_owner",
    Model.metadata,
    Column("action_id", Integer, ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_action_owner_user_id", "user_id"),
)


class Action(SoftDeleted, Model):
    """An agreed action (aktion) that a team or named staff carry out and log."""

    __tablename__ = "action"
    __table_args__ = (
        enum_check("status", ActionStatus, "status"),
        enum_check("reflection_decision", Outcome, "reflection_decision"),
        Index("ix_action_cycle_id_status", "cycle_id", "status"),
        # A cycle's first actions in order (the digest's first follow-ups: migration 0023).
        Index("ix_action_cycle_id_id", "cycle_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(Text, default="")
    expectation: Mapped[str] = mapped_column(Text, default="")
    how_notice: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    # Derived from the records by the domain (planned, in progress, done, dropped); never set apart.
    status: Mapped[ActionStatus] = mapped_column(
        enum_column_type(ActionStatus), default=ActionStatus.PLANNED
    )
    # The colleague who observes (not an owner) and what exactly they look for.
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    observation_focus: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The team's reflection on this action: keep, adjust (a second round may follow) or stop.
    reflection_decision: Mapped[Outcome | None] = mapped_column(enum_column_type(Outcome))
    # A second round (anden runde) points at the action it adjusts.
    parent_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cycle: Mapped[Cycle] = relationship(back_populates="actions")
    team: Mapped[Team | None] = relationship()
    owners: Mapped[list[User]] = relationship(secondary=action_owner, order_by="User.name")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    observer: Mapped[User | None] = relationship(foreign_keys=[observer_id])
    parent: Mapped[Action | None] = relationship(
        remote_side="Action.id", back_populates="second_rounds"
    )
    second_rounds: Mapped[list[Action]] = relationship(
        back_populates="parent", order_by="Action.id"
    )
    log_entries: Mapped[list[LogEntry]] = relationship(
        back_populates="action",
        order_by="(LogEntry.happened_on.desc(), LogEntry.id.desc())",
        cascade="all, delete-orphan",
    )
    follow_up: Mapped[FollowUp | None] = relationship(
        back_populates="action", cascade="all, delete-orphan", uselist=False
    )


class LogEntry(SoftDeleted, Model):
    """What happened when an action was tried, logged by a teacher."""

    __tablename__ = "log_entry"
    __table_args__ = (enum_check("kind", LogKind, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    happened_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    observation: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[LogKind] = mapped_column(
        enum_column_type(LogKind), default=LogKind.DID, server_default=LogKind.DID
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="log_entries")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class FollowUp(SoftDeleted, Model):
    """The follow-up of one action: keep, adjust or stop, and what was learned."""

    __tablename__ = "follow_up"
    __table_args__ = (enum_check("outcome", Outcome, "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[Outcome] = mapped_column(enum_column_type(Outcome))
    learning: Mapped[str] = mapped_column(Text)
    # Expected vs observed: how what we saw fits what we expected (empty before revision 0006).
    fit: Mapped[str] = mapped_column(Text, default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="follow_up")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class TeamQuestion(SoftDeleted, Model):
    """A team's own question in a module (undring) and what it sees today (baseline)."""

    __tablename__ = "team_question"
    __table_args__ = (
        db.UniqueConstraint("cycle_id", "team_id", name="uq_team_question_cycle_team"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    baseline: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship(back_populates="questions")
    team: Mapped[Team] = relationship()


class Reflection(SoftDeleted, Model):
    """A team's reflective conversation on its actions in a module."""

    __tablename__ = "reflection"
    __table_args__ = (db.UniqueConstraint("cycle_id", "team_id", name="uq_reflection_cycle_team"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[str] = mapped_column(Text)
    # What did we do, and what did the observer see.
    seen: Mapped[str] = mapped_column(Text)
    # How does that fit what we expected.
    fit: Mapped[str] = mapped_column(Text)
    # What do we change.
    change: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship(back_populates="reflections")
    team: Mapped[Team] = relationship()
