"""The thread of notes between PUF and a school in its newest run, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from learningpack.extensions import db
from learningpack.models import SchoolNote, User
from learningpack.reads.runs import newest_run_id


@dataclass(frozen=True)
class Note:
    id: int
    from_puf: bool
    author: str
    text: str
    created_at: datetime


def thread(school_id: int, package_slug: str) -> list[Note]:
    """Only this school's notes: the run is the school's own newest run."""
    rows = db.session.execute(
        select(
            SchoolNote.id, SchoolNote.from_puf, User.name, SchoolNote.text, SchoolNote.created_at
        )
        .outerjoin(User, User.id == SchoolNote.author_id)
        .where(
            SchoolNote.school_id == school_id,
            SchoolNote.run_id == newest_run_id(school_id, package_slug),
        )
        .order_by(SchoolNote.id)
    )
    return [Note(r[0], r[1], r[2] or "", r[3], r[4]) for r in rows]
