"""Notes between PUF and a school: praise, a question, an offer of help, and the leaders' answers.

One thread per run (kept with it); every note is audited and guarded against personal data.
"""

from __future__ import annotations

from learningpack.domain.privacy import guard_free_text
from learningpack.domain.refusals import ReportRefused
from learningpack.extensions import db
from learningpack.models import Role, SchoolNote, User
from learningpack.models.audit import record
from learningpack.reads.runs import runs_newest_first

MAX_NOTE = 2000


def write_note(school_id: int, package_slug: str, text: str, actor: User) -> SchoolNote:
    """PUF writes to a school, or one of the school's leaders answers, in its newest run."""
    text = text.strip()
    guard_free_text(text=text)
    if not text:
        raise ReportRefused.one("note_empty")
    if len(text) > MAX_NOTE:
        raise ReportRefused.one("note_too_long", max=MAX_NOTE)
    from_puf = actor.role == Role.PUF
    if not from_puf and not (actor.role == Role.LEADER and actor.school_id == school_id):
        raise ReportRefused.one("note_not_allowed")
    run = db.session.scalar(runs_newest_first(school_id, package_slug).limit(1))
    if run is None:
        raise ReportRefused.one("run_not_started")
    note = SchoolNote(
        school_id=school_id, run_id=run.id, author_id=actor.id, from_puf=from_puf, text=text
    )
    db.session.add(note)
    db.session.flush()
    record(
        "note_written",
        actor=actor,
        obj=note,
        school_id=school_id,
        run_id=run.id,
        from_puf=from_puf,
    )
    return note
