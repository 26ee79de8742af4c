"""The outbox of reminder e-mails: record once, claim once, retry with backoff, give up.

Recording is ``INSERT … ON CONFLICT DO NOTHING … RETURNING`` on the unique (user, dedupe key):
two ``notify send`` running at once record a reminder once, and each run bundles into its
e-mails only the reminders it recorded itself. Delivery claims due rows with
``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite has one writer at a time) and one
conditional ``UPDATE … RETURNING`` to ``sending``, committed before the SMTP conversation: a
row is delivered by the one run that claimed it. A run that dies mid-send leaves its claim to
expire, and the mail is tried again then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from learningpack.extensions import conflict_insert, db
from learningpack.models import MailStatus, OutboxMail

# Give up after this many failed attempts; wait BACKOFF × 2^(attempt-1) between them.
MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=5)
# How long a claim holds before another run may take the mail over.
CLAIM_FOR = timedelta(minutes=10)
BATCH = 200


@dataclass(frozen=True)
class Letter:
    """A rendered reminder e-mail, ready to queue."""

    user_id: int
    kind: str
    dedupe_key: str
    to_address: str
    subject: str
    body_text: str
    body_html: str
    unsubscribe_url: str
    status: MailStatus = MailStatus.QUEUED
    bundled_into_id: int | None = None


def _insert() -> Any:
    return conflict_insert(OutboxMail.__table__)


def recorded_keys(user_keys: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of these (user, key) pairs are recorded already (one query per 500 users)."""
    users = sorted({u for u, _ in user_keys})
    found: set[tuple[int, str]] = set()
    for start in range(0, len(users), 500):
        rows = db.session.execute(
            select(OutboxMail.user_id, OutboxMail.dedupe_key).where(
                OutboxMail.user_id.in_(users[start : start + 500])
            )
        )
        found.update((user_id, key) for user_id, key in rows)
    return found & user_keys


def record(letters: list[Letter], now: datetime) -> dict[tuple[int, str], int]:
    """Record each letter unless the same (user, key) is recorded already; the ids of the new
    rows by (user, key). What a concurrent run recorded first is not among them."""
    rows = [
        {
            **letter.__dict__,
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": "",
            "created_at": now,
        }
        for letter in letters
    ]
    statement = (
        _insert()
        .on_conflict_do_nothing(index_elements=["user_id", "dedupe_key"])
        .returning(OutboxMail.id, OutboxMail.user_id, OutboxMail.dedupe_key)
    )
    added: dict[tuple[int, str], int] = {}
    connection = db.session.connection()
    for start in range(0, len(rows), 1000):
        # executemany: one compiled statement, sent as multi-row batches (insertmanyvalues).
        returned = connection.execute(statement, rows[start : start + 1000])
        added.update(((user_id, key), row_id) for row_id, user_id, key in returned)
    return added


def fill(mails: list[dict[str, Any]], bundled: list[tuple[int, int]]) -> None:
    """Give the rows that carry an e-mail their subject and parts (dicts with ``id``), and
    point each bundled reminder (id, its mail's id) at the mail that carries it."""
    if mails:
        db.session.execute(update(OutboxMail), mails)
    if bundled:
        db.session.execute(
            update(OutboxMail),
            [{"id": row_id, "bundled_into_id": mail_id} for row_id, mail_id in bundled],
        )


def claim(now: datetime, limit: int = BATCH) -> list[OutboxMail]:
    """Claim up to ``limit`` mails that are due (queued, or a claim that expired): each is then
    this run's alone until ``CLAIM_FOR`` has passed. The caller commits before sending."""
    due = or_(OutboxMail.status == MailStatus.QUEUED, OutboxMail.status == MailStatus.SENDING)
    ids = list(
        db.session.scalars(
            select(OutboxMail.id)
            .where(due, OutboxMail.next_attempt_at <= now)
            .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return []
    claimed = list(
        db.session.scalars(
            update(OutboxMail)
            .where(OutboxMail.id.in_(ids), due, OutboxMail.next_attempt_at <= now)
            .values(status=MailStatus.SENDING, next_attempt_at=now + CLAIM_FOR)
            .returning(OutboxMail.id)
            .execution_options(synchronize_session=False)
        )
    )
    if not claimed:
        return []
    return list(
        db.session.scalars(
            select(OutboxMail).where(OutboxMail.id.in_(claimed)).order_by(OutboxMail.id)
        )
    )


def delivered(mail: OutboxMail, now: datetime, *, logged: bool = False) -> None:
    mail.status = MailStatus.LOGGED if logged else MailStatus.SENT
    mail.attempts += 1
    mail.sent_at = now
    mail.last_error = ""


def failed(mail: OutboxMail, now: datetime, error: str) -> bool:
    """Record a failed attempt; True when this was the last one (the mail is given up)."""
    mail.attempts += 1
    mail.last_error = error[:250]
    if mail.attempts >= MAX_ATTEMPTS:
        mail.status = MailStatus.GIVEN_UP
        return True
    mail.status = MailStatus.QUEUED
    mail.next_attempt_at = now + BACKOFF * 2 ** (mail.attempts - 1)
    return False


def waiting() -> int:
    """Mails still to be delivered (now or at a later attempt)."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMail)
            .where(OutboxMail.status.in_((MailStatus.QUEUED, MailStatus.SENDING)))
        )
        or 0
    )
