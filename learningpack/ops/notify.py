"""`flask --app app notify send`: work out which reminders are due, post them in the app, queue
the e-mails once each, and deliver what is due (retrying failures with backoff).

Safe to run as often as you like and several at once (see domain/outbox.py). Without
``MAIL_SERVER`` the e-mails are written to the log for the operator; the in-app notices work
either way. Days ("in three days", "Monday") are Europe/Copenhagen days.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from learningpack.domain import calendar, digests, outbox, reminders
from learningpack.domain.mail_choices import CHOICE_OF_KIND, SCHOOL_WEEK, is_wanted, wanted_choices
from learningpack.domain.notices import NewNotice, post_notices
from learningpack.extensions import db
from learningpack.models import MailChoice, MailStatus, OutboxMail, Role, School, User, utcnow
from learningpack.output.mail import Courier, mail_configured
from learningpack.output.reminder_mail import (
    Reader,
    Worded,
    message_of,
    render_parts,
    subject_of,
    unsubscribe_url,
    word_due,
)

ZONE = ZoneInfo("Europe/Copenhagen")


@dataclass
class Summary:
    noticed: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0
    given_up: int = 0
    waiting: int = 0
    logged_only: bool = False

    def line(self) -> str:
        text = (
            f"notify: {self.sent} sendt, {self.failed} fejlede, {self.given_up} opgivet, "
            f"{self.waiting} i kø"
        )
        if self.logged_only:
            text += " (ingen MAIL_SERVER: e-mails skrevet i loggen)"
        return text


def local_day(now: datetime) -> date:
    return now.astimezone(ZONE).date()


def _readers(user_ids: set[int]) -> dict[int, tuple[Reader, Role]]:
    """Active people (at active schools) among these, as readers."""
    found: dict[int, tuple[Reader, Role]] = {}
    ids = sorted(user_ids)
    for start in range(0, len(ids), 1000):
        rows = db.session.execute(
            select(User.id, User.email, User.name, User.locale, User.role)
            .outerjoin(School, School.id == User.school_id)
            .where(
                User.id.in_(ids[start : start + 1000]),
                User.active.is_(True),
                User.anonymised_at.is_(None),
                (User.school_id.is_(None)) | (School.active.is_(True)),
            )
        )
        for user_id, email, name, locale, role in rows:
            found[user_id] = (Reader(user_id, email, name, locale or "da"), role)
    return found


def due_today(today: date, now: datetime) -> list[reminders.Due]:
    """Every reminder due today (nothing on a quiet day)."""
    if calendar.is_quiet_day(today):
        return []
    opted_in = set(
        db.session.scalars(
            select(MailChoice.user_id).where(
                MailChoice.kind == SCHOOL_WEEK, MailChoice.wanted.is_(True)
            )
        )
    )
    puf_ids = list(
        db.session.scalars(
            select(User.id).where(User.role == Role.PUF, User.active.is_(True)).order_by(User.id)
        )
    )
    return list(
        chain(
            reminders.action_reminders(today),
            reminders.reflection_reminders(today),
            reminders.follow_up_reminders(today),
            digests.leader_digests(today, opted_in),
            digests.puf_reminders(today, now, puf_ids),
        )
    )


def plan(now: datetime, summary: Summary) -> None:
    """Post each new due reminder in the app and record it once; each person gets one e-mail
    per kind of e-mail they want (their ``/konto`` choices) holding all of that kind's new
    reminders (the rest are ``skipped``: in the app only). Commits.

    A reminder recorded by an earlier run, or by a run at the same moment, is passed over:
    the insert that records it does nothing on the unique (user, key), and only the reminders
    this run recorded itself go into its e-mails.
    """
    today = local_day(now)
    dues = due_today(today, now)
    if not dues:
        return
    recorded = outbox.recorded_keys({(d.user_id, d.key) for d in dues})
    readers = _readers({d.user_id for d in dues if (d.user_id, d.key) not in recorded})
    choices = wanted_choices(readers)
    fresh: dict[tuple[int, str], tuple[reminders.Due, Worded]] = {}
    for due in dues:
        pair = (due.user_id, due.key)
        if due.user_id in readers and pair not in recorded and pair not in fresh:
            fresh[pair] = (due, word_due(due, readers[due.user_id][0]))
    summary.noticed = post_notices(
        [NewNotice(d.user_id, d.kind, w.subject, w.path, d.key) for d, w in fresh.values()]
    )
    letters: list[outbox.Letter] = []
    by_mail: set[tuple[int, str]] = set()
    for pair, (due, worded) in fresh.items():
        reader, _role = readers[due.user_id]
        if reader.email and is_wanted(choices.get(reader.id, {}), CHOICE_OF_KIND[due.kind]):
            by_mail.add(pair)
        # Bundled until _bundle makes the first of each e-mail the one that carries it.
        status = MailStatus.BUNDLED if pair in by_mail else MailStatus.SKIPPED
        letters.append(
            outbox.Letter(
                reader.id, due.kind, due.key, reader.email, worded.subject[:250], "", "", "",
                status,
            )
        )  # fmt: skip
    ids = outbox.record(letters, now)
    summary.queued = _bundle(fresh, readers, {p: i for p, i in ids.items() if p in by_mail})
    db.session.commit()


def _bundle(
    fresh: dict[tuple[int, str], tuple[reminders.Due, Worded]],
    readers: dict[int, tuple[Reader, Role]],
    ids: dict[tuple[int, str], int],
) -> int:
    """One e-mail per person and kind of e-mail, from the reminders this run recorded to go
    by e-mail (``ids``): the first one's row carries it, the others point at it. How many
    e-mails."""
    groups: dict[tuple[int, str], list[tuple[int, reminders.Due, Worded]]] = {}
    for pair, (due, worded) in fresh.items():
        row_id = ids.get(pair)
        if row_id is not None:
            key = (due.user_id, CHOICE_OF_KIND[due.kind])
            groups.setdefault(key, []).append((row_id, due, worded))
    mails: list[dict[str, object]] = []
    bundled: list[tuple[int, int]] = []
    for (user_id, _choice), group in groups.items():
        reader = readers[user_id][0]
        head_id, head, _worded = group[0]
        sections = [worded for _id, _due, worded in group]
        unsubscribe = unsubscribe_url(reader, head.kind)
        text, html = render_parts(sections, reader, unsubscribe)
        mails.append(
            {
                "id": head_id,
                "status": MailStatus.QUEUED,
                "subject": subject_of(sections, reader)[:250],
                "body_text": text,
                "body_html": html,
                "unsubscribe_url": unsubscribe,
            }
        )
        bundled += [(row_id, head_id) for row_id, _due, _worded in group[1:]]
    outbox.fill(mails, bundled)
    return len(mails)


def _log_instead(mail: OutboxMail) -> None:
    """No SMTP server: the operator sees the mail in the log (its text outside production)."""
    app = current_app
    text = "" if app.config["PRODUCTION"] else "\n" + mail.body_text
    app.logger.warning(
        "Reminder e-mail (no MAIL_SERVER) to user %s: %s%s", mail.user_id, mail.subject, text
    )


def deliver(now: datetime, summary: Summary) -> None:
    """Deliver every mail that is due; each failure waits longer, the last one gives up.

    With SMTP, each mail's outcome is committed right after its conversation (a crash resends
    at most the one mail in flight, once its claim expires); logged mails commit per batch.
    The claimed mails are this run's alone, so a commit need not expire them (which would
    read each one back, one query per mail).
    """
    configured = mail_configured()
    summary.logged_only = not configured
    courier = Courier()
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        while True:
            mails = outbox.claim(now)
            db.session.commit()
            if not mails:
                break
            for mail in mails:
                _deliver_one(mail, courier if configured else None, now, summary)
                if configured:
                    db.session.commit()
            db.session.commit()
    finally:
        session.expire_on_commit = expire_on_commit
        courier.close()
    summary.waiting = outbox.waiting()


def _deliver_one(
    mail: OutboxMail, courier: Courier | None, now: datetime, summary: Summary
) -> None:
    try:
        if courier is None:
            _log_instead(mail)
        else:
            courier.send(message_of(mail))
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning(
            "Reminder e-mail %s to user %s failed: %r", mail.id, mail.user_id, error
        )
        if outbox.failed(mail, now, repr(error)):
            summary.given_up += 1
        else:
            summary.failed += 1
        return
    outbox.delivered(mail, utcnow(), logged=courier is None)
    summary.sent += 1


def send(now: datetime | None = None) -> Summary:
    """One `notify send`: plan, then deliver. Links point at ``APP_URL``."""
    now = now or utcnow()
    summary = Summary()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.test_request_context(base_url=app.config["APP_URL"]):
        plan(now, summary)
        deliver(now, summary)
    return summary
