"""The knowledge bank (videndelingsbank): resources schools and PUF share.

A resource is text, a link or an uploaded file (or several of them), in one of the decision's
four categories, tied to modules (slugs) and findings (keys) of the content package. Schools
propose; PUF publishes, rejects (with a reason the school sees) and unpublishes.

Full-text search lives outside the ORM metadata, because it differs by database: on PostgreSQL a
GIN index over ``to_tsvector('danish', …)``, on SQLite an FTS5 table of Danish stems that the
domain keeps in step on every write. The migration creates them; ``create_all`` (tests) creates
them through the DDL events at the end of this module.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import DDL, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learningpack.extensions import Model
from learningpack.models.people import School, User
from learningpack.models.types import UTCDateTime, enum_check, enum_column_type, utcnow


class ResourceCategory(enum.StrEnum):
    PARENT_MEETINGS = "parent_meetings"  # materialer til forældremøder
    PARENT_COUNCILS = "parent_councils"  # inspiration til forældreråd
    PROCESSES = "processes"  # procesbeskrivelser
    KNOWLEDGE = "knowledge"  # relevant viden


class ResourceStatus(enum.StrEnum):
    PROPOSED = "proposed"
    PUBLISHED = "published"
    REJECTED = "rejected"
    UNPUBLISHED = "unpublished"


class Resource(Model):
    __tablename__ = "resource"
    __table_args__ = (
        enum_check("category", ResourceCategory, "category"),
        enum_check("status", ResourceStatus, "status"),
        Index("ix_resource_status_published_at", "status", "published_at"),
        Index("ix_resource_status_use_count", "status", "use_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[ResourceCategory] = mapped_column(enum_column_type(ResourceCategory))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    # Who shared it: a school, or (no school) an outside source PUF names, e.g. a parent body.
    source_school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    source_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ResourceStatus] = mapped_column(
        enum_column_type(ResourceStatus), default=ResourceStatus.PROPOSED, index=True
    )
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Views of the published resource and downloads of its file: "most used first".
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    # An uploaded file: stored under a random key outside the web root; its type was found
    # from its content (pdf, docx, pptx, png, jpeg), its name is the one shown on download.
    file_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    file_type: Mapped[str] = mapped_column(String(10), default="")
    file_size: Mapped[int] = mapped_column(Integer, default=0)

    source_school: Mapped[School | None] = relationship()
    proposed_by: Mapped[User | None] = relationship()
    modules: Mapped[list[ResourceModule]] = relationship(
        cascade="all, delete-orphan", order_by="ResourceModule.module_slug"
    )
    findings: Mapped[list[ResourceFinding]] = relationship(
        cascade="all, delete-orphan", order_by="ResourceFinding.finding_key"
    )

    @property
    def module_slugs(self) -> list[str]:
        return [m.module_slug for m in self.modules]

    @property
    def finding_keys(self) -> list[str]:
        return [f.finding_key for f in self.findings]


class ResourceModule(Model):
    """A module (by slug) a resource belongs to."""

    __tablename__ = "resource_module"

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True
    )
    module_slug: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


class ResourceFinding(Model):
    """A finding of the municipality's survey (by key, e.g. "F2") a resource answers."""

    __tablename__ = "resource_finding"

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True
    )
    finding_key: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


# ---------------------------------------------------------------------------------------------
# The search structures (kept in step with migrations/versions/0007_knowledge_bank.py)

SEARCH_INDEX = "ix_resource_search"  # PostgreSQL: GIN over the Danish tsvector
SEARCH_TABLE = "resource_fts"  # SQLite: FTS5 table of Danish stems, rowid = resource.id
# What the PostgreSQL index covers; queries repeat it word for word so the planner uses it.
SEARCH_DOCUMENT_SQL = "title || ' ' || body || ' ' || source_name || ' ' || file_name"
SEARCH_VECTOR_SQL = f"to_tsvector('danish'::regconfig, {SEARCH_DOCUMENT_SQL})"
# FTS5 keeps shadow tables beside the virtual one.
_FTS_SHADOWS = ("data", "idx", "content", "docsize", "config")
SEARCH_NAMES = frozenset(
    {SEARCH_INDEX, SEARCH_TABLE, *(f"{SEARCH_TABLE}_{s}" for s in _FTS_SHADOWS)}
)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's filter: the search structures are not in the metadata, so not compared."""
    return name not in SEARCH_NAMES


event.listen(
    Resource.__table__,
    "after_create",
    DDL(
        f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
        "terms, tokenize = 'unicode61 remove_diacritics 0')"
    ).execute_if(dialect="sqlite"),
)
event.listen(
    Resource.__table__,
    "after_create",
    DDL(f"CREATE INDEX {SEARCH_INDEX} ON resource USING gin (({SEARCH_VECTOR_SQL}))").execute_if(
        dialect="postgresql"
    ),
)
event.listen(
    Resource.__table__,
    "before_drop",
    DDL(f"DROP TABLE IF EXISTS {SEARCH_TABLE}").execute_if(dialect="sqlite"),
)
