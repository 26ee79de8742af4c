"""Searching the audit log: by person, school (by name), verb and date range; one page at a
time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, cast, func, or_, select
from sqlalchemy.orm import joinedload

from learningpack.domain.audit_privacy import audit_hash
from learningpack.extensions import db
from learningpack.models import AuditEvent, School, User
from learningpack.models.types import contains_pattern
from learningpack.output.audit_labels import VERB_LABELS, verb_label
from learningpack.reads.pagination import Page, paginate_query
from learningpack.reads.school_list import name_like

PAGE_SIZE = 50
LOCAL = ZoneInfo("Europe/Copenhagen")


@dataclass(frozen=True)
class AuditQuery:
    person: str = ""
    school: str = ""
    verb: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


def local_day_start(day: date) -> datetime:
    """Midnight in Denmark on that day, in UTC (the log stores UTC)."""
    return datetime.combine(day, time.min, tzinfo=LOCAL).astimezone(UTC)


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    person = query.person.strip().lower()
    if person:
        pattern = contains_pattern(person)
        matching_users = select(User.id).where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
        conditions.append(
            or_(
                AuditEvent.actor_id.in_(matching_users),
                # Failed logins of unknown addresses have no actor: the address is in the detail,
                # or (throttled logins) its keyed hash, found by the exact address.
                func.lower(cast(AuditEvent.detail, String)).like(pattern, escape="\\"),
                func.lower(cast(AuditEvent.detail, String)).like(f"%{audit_hash(person)}%"),
            )
        )
    if query.school.strip():
        matching_schools = select(School.id).where(
            School.sort_key.like(name_like(query.school), escape="\\")
        )
        conditions.append(AuditEvent.school_id.in_(matching_schools))
    if query.verb:
        conditions.append(AuditEvent.verb == query.verb)
    if query.date_from is not None:
        conditions.append(AuditEvent.at >= local_day_start(query.date_from))
    if query.date_to is not None:
        conditions.append(AuditEvent.at < local_day_start(query.date_to + timedelta(days=1)))
    return conditions


def search_audit_log(query: AuditQuery) -> Page[AuditEvent]:
    """One page of matching events, newest first, with the total (two queries)."""
    statement = (
        select(AuditEvent)
        .where(*_conditions(query))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.school))
    )
    return paginate_query(statement, query.page, PAGE_SIZE)


def known_verbs() -> list[str]:
    """Every verb in the log or in our labels, for the filter."""
    present = set(db.session.scalars(select(AuditEvent.verb).distinct()))
    return sorted(present | set(VERB_LABELS), key=verb_label)
