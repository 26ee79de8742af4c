"""Personal data in the audit log: keyed hashes, scrubbing on anonymising, addresses that expire.

* An e-mail address an anonymous visitor typed (a throttled login) is kept as a keyed hash
  (HMAC-SHA256 with a key derived from ``SECRET_KEY``): PUF can still find the rows by searching
  for the exact address, but the log does not hold it, nor any other text the visitor chose.
* Anonymising a person scrubs every audit row about them: their e-mail (or its keyed hash) and
  any other detail naming them become a placeholder, so a search for the old address finds none.
* Client addresses are kept ``AUDIT_ADDRESS_RETENTION`` (default 30 days), then removed.
* Throttled logins are aggregated: one row per hashed e-mail and address per window, counted.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import String, and_, cast, func, or_, select

from learningpack.extensions import db
from learningpack.models import AuditEvent, User, utcnow
from learningpack.models.audit import record
from learningpack.models.types import contains_pattern

SCRUBBED = "(anonymiseret)"
THROTTLE_WINDOW = timedelta(minutes=15)
EMAIL_HASH = "email_hash"
ADDRESS = "address"


def audit_hash(value: str) -> str:
    """A keyed hash of an e-mail address (normalised), the same for the same address."""
    key = hashlib.sha256(b"learningpack audit v1|" + str(current_app.config["SECRET_KEY"]).encode())
    normalised = value.strip().lower().encode("utf-8")
    return hmac.new(key.digest(), normalised, hashlib.sha256).hexdigest()[:32]


def _scrubbed(detail: dict[str, Any], email: str, name: str) -> dict[str, Any]:
    hashed = audit_hash(email)
    cleaned: dict[str, Any] = {}
    for key, value in detail.items():
        text = value.lower() if isinstance(value, str) else ""
        names_them = (name and name.lower() in text) or (email and email in text)
        cleaned[key] = SCRUBBED if key == "email" or text == hashed or names_them else value
    return cleaned


def scrub_person(user: User, email: str, name: str) -> int:
    """Every audit row about this person, without their e-mail or name; returns how many changed.

    The rows are those the person did, those done to their account, and those naming their
    e-mail or its keyed hash in the detail (e.g. failed or throttled logins with their address).
    """
    email = email.strip().lower()
    pattern = contains_pattern(email)
    rows = db.session.scalars(
        select(AuditEvent).where(
            or_(
                AuditEvent.actor_id == user.id,
                and_(AuditEvent.object_type == "User", AuditEvent.object_id == user.id),
                func_lower_detail().like(pattern, escape="\\"),
                func_lower_detail().like(f"%{audit_hash(email)}%"),
            )
        )
    )
    changed = 0
    for event in rows:
        detail = event.detail if isinstance(event.detail, dict) else {}
        cleaned = _scrubbed(detail, email, name.strip())
        if cleaned != detail:
            event.detail = cleaned  # a new dict, so the JSON column sees the change
            changed += 1
    db.session.flush()
    return changed


def func_lower_detail() -> Any:
    """SQL: the event's detail as lower-case text (for LIKE on both databases)."""
    return func.lower(cast(AuditEvent.detail, String))


def record_throttled(email: str, address: str, now: datetime | None = None) -> AuditEvent:
    """A throttled anonymous login: one row per hashed e-mail and address per window, counted.

    No text the visitor chose is stored: the e-mail only as its keyed hash.
    """
    now = now or utcnow()
    email_hash = audit_hash(email) if email.strip() else ""
    recent = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.verb == "login_throttled", AuditEvent.at >= now - THROTTLE_WINDOW)
        .order_by(AuditEvent.at.desc())
        .limit(50)
    )
    for event in recent:
        detail = event.detail if isinstance(event.detail, dict) else {}
        if detail.get(EMAIL_HASH) == email_hash and detail.get(ADDRESS) == address:
            event.detail = {**detail, "count": int(detail.get("count", 1)) + 1}
            return event
    return record("login_throttled", actor=None, email_hash=email_hash, address=address, count=1)


def expire_addresses(now: datetime | None = None) -> int:
    """Remove client addresses older than the retention period; returns how many rows changed."""
    retention: timedelta = current_app.config["AUDIT_ADDRESS_RETENTION"]
    cutoff = (now or utcnow()) - retention
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.at < cutoff, func_lower_detail().like(f'%"{ADDRESS}"%'))
    )
    changed = 0
    for event in rows:
        detail = event.detail if isinstance(event.detail, dict) else {}
        if ADDRESS in detail:
            event.detail = {k: v for k, v in detail.items() if k != ADDRESS}
            changed += 1
    db.session.flush()
    return changed
