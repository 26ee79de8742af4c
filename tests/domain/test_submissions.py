"""One-time form tokens: the same form is saved once, even when two requests race."""

from __future__ import annotations

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import func, select

from learningpack.content import Package
from learningpack.domain import submissions
from learningpack.domain.submissions import TOKEN_LIFETIME, claim_submission
from learningpack.extensions import db
from learningpack.models import Cycle, FormSubmission, School, utcnow
from tests.factories import make_puf

# Claims use savepoints and unique constraints: on both databases.
pytestmark = pytest.mark.both_backends

TOKEN = "t" * 32


def form(token: str | None, content: str | None = None) -> SimpleNamespace:
    once = SimpleNamespace(raw_data=[token] if token is not None else [])
    if content is None:
        return SimpleNamespace(once=once)
    return SimpleNamespace(once=once, submitted_content=lambda: content)


def tokens() -> int:
    return int(db.session.scalar(select(func.count(FormSubmission.id))) or 0)


def test_second_claim_of_the_same_token_is_refused(app: Flask) -> None:
    assert claim_submission(form(TOKEN), None)
    db.session.commit()
    assert not claim_submission(form(TOKEN), None)
    db.session.rollback()
    assert claim_submission(form("u" * 32), None)
    db.session.commit()
    assert tokens() == 2


@pytest.mark.parametrize("token", [None, ""])
def test_a_form_without_its_token_is_refused(app: Flask, token: str | None) -> None:
    assert not claim_submission(form(token), None)
    assert tokens() == 0


def test_a_form_without_a_token_field_is_not_a_creating_form(app: Flask) -> None:
    assert claim_submission(SimpleNamespace(), None)


def test_the_same_values_with_a_new_token_are_refused(app: Flask) -> None:
    """Back re-fetches a no-store page (a new token) and restores the typed text: one save."""
    user, other = make_puf(), make_puf()
    assert claim_submission(form("a" * 32, "/log: Vi prøvede"), user)
    db.session.commit()
    assert not claim_submission(form("b" * 32, "/log: Vi prøvede"), user)
    db.session.rollback()
    assert claim_submission(form("c" * 32, "/log: Vi prøvede noget andet"), user)
    assert claim_submission(form("d" * 32, "/log: Vi prøvede"), other)  # someone else's entry
    db.session.commit()


def test_the_same_values_a_day_later_are_a_new_entry(app: Flask) -> None:
    key = submissions.content_key(None, "/log: Vi prøvede")
    old = utcnow() - submissions.CONTENT_WINDOW - timedelta(minutes=1)
    db.session.add(FormSubmission(token=key, created_at=old))
    db.session.commit()
    assert claim_submission(form("a" * 32, "/log: Vi prøvede"), None)
    db.session.commit()
    assert tokens() == 2


def test_two_concurrent_claims_save_once(app: Flask) -> None:
    """B checks while A's claim is not yet committed; the unique token still stops B."""
    a_flushed, b_checked = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        with app.app_context():
            results["a"] = claim_submission(form(TOKEN), None)
            a_flushed.set()
            b_checked.wait(5)
            threading.Event().wait(0.3)  # B is now waiting on our row
            db.session.commit()
            db.session.remove()

    def second() -> None:
        with app.app_context():
            a_flushed.wait(5)
            b_checked.set()
            try:
                results["b"] = claim_submission(form(TOKEN), None)
                db.session.commit()
            except Exception as error:  # pragma: no cover - would fail the assertion below
                results["b"] = error
            db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == {"a": True, "b": False}
    db.session.expire_all()
    assert tokens() == 1


def test_a_refused_duplicate_keeps_the_callers_earlier_change(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: the check misses a claim committed a moment ago, the insert then fails.

    Only the token's insert is undone (a savepoint); what the caller had changed before stays.
    """
    db.session.add(FormSubmission(token=TOKEN))
    db.session.commit()
    monkeypatch.setattr(submissions, "already_claimed", lambda token: False)
    db.session.add(School(name="Skolen før kravet"))
    db.session.flush()
    assert not claim_submission(form(TOKEN), None)
    db.session.commit()
    assert db.session.scalar(select(School.name)) == "Skolen før kravet"
    assert tokens() == 1


def test_old_tokens_are_let_go(app: Flask) -> None:
    db.session.add(FormSubmission(token=TOKEN, created_at=utcnow() - TOKEN_LIFETIME - timedelta(1)))
    db.session.commit()
    assert claim_submission(form("n" * 32), None)
    db.session.commit()
    assert db.session.scalars(select(FormSubmission.token)).all() == ["n" * 32]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_locked_waits_for_a_concurrent_save_and_sees_it(app: Flask, package: Package) -> None:
    """Two saves of the same module summary: the second's stale check sees the first's save."""
    from learningpack.domain.submissions import locked
    from tests.world import make_world

    world = make_world(package)
    cycle_id = world.cycle(1).id
    db.session.commit()
    a_locked = threading.Event()
    seen: dict[str, str] = {}

    def first() -> None:
        with app.app_context():
            cycle = locked(db.session.get(Cycle, cycle_id))
            a_locked.set()
            threading.Event().wait(0.5)  # B is now waiting for our lock
            cycle.summary_learned = "Gemt af den første"
            db.session.commit()
            db.session.remove()

    def second() -> None:
        with app.app_context():
            cycle = db.session.get(Cycle, cycle_id)
            a_locked.wait(5)
            seen["before"] = cycle.summary_learned  # read before the lock: stale
            seen["after"] = locked(cycle).summary_learned
            db.session.rollback()
            db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert seen == {"before": "", "after": "Gemt af den første"}
