"""In-app notices: posted once per (user, key), also when two processes post at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from learningpack.domain import notices
from learningpack.extensions import db
from learningpack.models import Notice, School, utcnow
from learningpack.reads.notices import PER_PAGE, notices_page
from tests.helpers import run_in_threads
from tests.world import World


def count(user_id: int) -> int:
    return int(db.session.scalar(select(func.count(Notice.id)).where(Notice.user_id == user_id)))


@pytest.mark.both_backends  # a savepoint and a unique constraint
def test_a_notice_is_posted_once_per_user_and_key(app: Flask, world: World) -> None:
    assert notices.post_notice(
        world.teacher.id, "reminder", "Husk at logge", "/mine-aktioner/", "k1"
    )
    assert not notices.post_notice(world.teacher.id, "reminder", "Igen", "/mine-aktioner/", "k1")
    # The same key for another user is another notice.
    assert notices.post_notice(world.teacher2.id, "reminder", "Husk", "/mine-aktioner/", "k1")
    db.session.commit()
    assert count(world.teacher.id) == 1
    assert notices.unread_count(world.teacher.id) == 1


@pytest.mark.both_backends
def test_a_duplicate_keeps_the_callers_other_changes(app: Flask, world: World) -> None:
    notices.post_notice(world.leader.id, "reminder", "Første", "/skole/", "same")
    db.session.commit()
    world.school.reminder_days = 5  # the caller's own change, in the same transaction
    assert not notices.post_notice(world.leader.id, "reminder", "Anden", "/skole/", "same")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(School, world.school.id).reminder_days == 5  # type: ignore[union-attr]


@pytest.mark.both_backends
def test_posting_never_commits_and_old_read_notices_are_let_go(app: Flask, world: World) -> None:
    """The caller decides: a rollback takes the notice back (also on SQLite, whose driver would
    otherwise commit a savepoint opened outside a transaction)."""
    db.session.commit()
    notices.post_notice(world.leader.id, "reminder", "Tilbage", "/skole/", "rolled-back")
    db.session.rollback()
    assert count(world.leader.id) == 0
    notices.post_notice(world.leader.id, "reminder", "Gammel", "/skole/", "old")
    old = db.session.scalar(select(Notice))
    assert old is not None
    old.read_at = utcnow() - notices.READ_LIFETIME - timedelta(days=1)
    db.session.commit()
    notices.post_notice(world.leader.id, "reminder", "Ny", "/skole/", "new")
    db.session.commit()
    assert [n.title for n in notices_page(world.leader.id).items] == ["Ny"]


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "skole", "/a b"])
def test_a_notice_links_only_inside_the_app(app: Flask, world: World, url: str) -> None:
    with pytest.raises(ValueError):
        notices.post_notice(world.leader.id, "reminder", "Titel", url, "k")


def test_titles_are_cut_to_200_and_flattened(app: Flask, world: World) -> None:
    notices.post_notice(world.leader.id, "reminder", "Linje\nto  " + "x" * 300, "/skole/", "k")
    notice = db.session.scalar(select(Notice))
    assert notice is not None and notice.title.startswith("Linje to x") and len(notice.title) == 200


def test_mark_read_one_and_all_only_touch_the_users_own(app: Flask, world: World) -> None:
    for n in range(3):
        notices.post_notice(world.teacher.id, "reminder", f"T{n}", "/mine-aktioner/", f"t{n}")
    notices.post_notice(world.teacher2.id, "reminder", "Anden", "/mine-aktioner/", "o")
    db.session.commit()
    first = notices_page(world.teacher.id).items[-1]
    assert notices.own_notice(world.teacher2.id, first.id) is None  # not theirs
    assert notices.mark_read(first) and not notices.mark_read(first)
    assert notices.unread_count(world.teacher.id) == 2
    assert notices.mark_all_read(world.teacher.id) == 2
    assert notices.unread_count(world.teacher.id) == 0
    assert notices.unread_count(world.teacher2.id) == 1


def test_the_page_lists_the_newest_first_and_pages(app: Flask, world: World) -> None:
    for n in range(PER_PAGE + 2):
        notices.post_notice(world.leader.id, "reminder", f"N{n}", "/skole/", f"n{n}")
    db.session.commit()
    first = notices_page(world.leader.id)
    assert first.total == PER_PAGE + 2 and first.pages == 2
    assert first.items[0].title == f"N{PER_PAGE + 1}"
    assert [n.title for n in notices_page(world.leader.id, 2).items] == ["N1", "N0"]
    past = notices_page(world.leader.id, 9)  # past the end: the last page, as other lists
    assert (past.page, past.total, [n.title for n in past.items]) == (2, PER_PAGE + 2, ["N1", "N0"])
    empty = notices_page(world.teacher2.id, 3)
    assert (empty.page, empty.total, empty.items) == (1, 0, [])


@pytest.mark.postgres
def test_two_concurrent_posts_of_the_same_notice_add_it_once(app: Flask, world: World) -> None:
    """B posts while A's notice is flushed but not committed: the unique key stops B."""
    user_id = world.teacher.id
    db.session.commit()
    a_flushed = threading.Event()

    def side_a() -> str:
        posted = notices.post_notice(user_id, "reminder", "A", "/mine-aktioner/", "race")
        a_flushed.set()
        threading.Event().wait(0.3)  # B is now waiting on our row
        db.session.commit()
        return str(posted)

    def side_b() -> str:
        a_flushed.wait(5)
        posted = notices.post_notice(user_id, "reminder", "B", "/mine-aktioner/", "race")
        db.session.commit()
        return str(posted)

    results = run_in_threads(app, {"A": side_a, "B": side_b})
    assert results == {"A": "True", "B": "False"}
    db.session.expire_all()
    assert count(user_id) == 1
