"""The audit trail of corrections to what a school recorded in a module, without its text.

An edit or a delete is audited as who, when, which kind of record and its id, and the names of
the fields that changed, never their values: a child's name typed by mistake must be gone from
every page and export once the entry is corrected or deleted, the audit log included.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import object_mapper

from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    FollowUp,
    LogEntry,
    Meeting,
    Reflection,
    TeamQuestion,
    User,
)
from learningpack.models.audit import record
from learningpack.models.soft_delete import INCLUDE_DELETED

Record = Meeting | Action | LogEntry | FollowUp | TeamQuestion | Reflection

# The kind of record, as the audit log and the pages name it.
RECORD_KINDS: dict[type, str] = {
    Meeting: "meeting",
    Action: "action",
    LogEntry: "log_entry",
    FollowUp: "follow_up",
    TeamQuestion: "question",
    Reflection: "reflection",
}
_BOOKKEEPING = {"id", "created_at", "updated_at", "recorded_at", "recorded_by_id", "status"}


def cycle_of(found: Record) -> Cycle:
    """The module (cycle) a record was written in."""
    if isinstance(found, LogEntry | FollowUp):
        return found.action.cycle
    return found.cycle


def snapshot(found: Record | None) -> dict[str, Any]:
    """The record's saved column values, to compare after an edit (kept in memory only)."""
    if found is None:
        return {}
    return {c.key: getattr(found, c.key) for c in object_mapper(found).column_attrs}


def changed_fields(found: Record, before: dict[str, Any], **extra: bool) -> list[str]:
    """The names of the fields whose value differs from ``before`` (``extra``: other changes,
    e.g. an action's owners, by name)."""
    after = snapshot(found)
    names = {k for k, v in after.items() if k not in _BOOKKEEPING and before.get(k) != v}
    return sorted(names | {name for name, changed in extra.items() if changed})


def audit_correction(verb: str, actor: User | None, found: Record, fields: list[str]) -> None:
    """One audit row for an edit (``record_edited``) or a delete (``record_deleted``): the kind,
    the id, the module and the changed field names, never the text."""
    cycle = cycle_of(found)
    record(
        verb,
        actor=actor,
        obj=found,
        school_id=cycle.run.school_id,
        kind=RECORD_KINDS[type(found)],
        cycle_id=cycle.id,
        fields=fields,
    )


def audit_edit(actor: User | None, found: Record | None, before: dict[str, Any]) -> None:
    """Audit a revision of an existing record, when anything in it changed."""
    if found is None or not before:
        return
    fields = changed_fields(found, before)
    if fields:
        audit_correction("record_edited", actor, found, fields)


R = TypeVar("R", FollowUp, TeamQuestion, Reflection)


def revive(model: type[R], **keys: Any) -> R | None:
    """A deleted record under a unique key (a team's question or reflection in a module, an
    action's follow-up), taken back into use by a new save instead of a second row."""
    found = db.session.scalars(
        select(model).filter_by(**keys).execution_options(**{INCLUDE_DELETED: True})
    ).first()
    if found is None or found.deleted_at is None:
        return None
    found.deleted_at, found.deleted_by_id = None, None
    return found
