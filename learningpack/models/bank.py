"""The knowledge bank (videndelingsbank): resources schools and PUF share."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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


class Resource(Model):
    __tablename__ = "resource"
    __table_args__ = (
        enum_check("category", ResourceCategory, "category"),
        enum_check("status", ResourceStatus, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[ResourceCategory] = mapped_column(enum_column_type(ResourceCategory))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    module_slug: Mapped[str | None] = mapped_column(String(80))
    source_school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    status: Mapped[ResourceStatus] = mapped_column(
        enum_column_type(ResourceStatus), default=ResourceStatus.PROPOSED, index=True
    )
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    source_school: Mapped[School | None] = relationship()
    proposed_by: Mapped[User | None] = relationship()
