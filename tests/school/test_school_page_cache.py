"""The school's page (/skole/) is kept per user and language while nothing it shows changes
(school/routes.home, web/fragment_cache.staff_page_key).

Besides the run and its modules (the school's records: ``progress_version``), the page shows the
thread of notes with PUF and the events the school is invited to; the flush hook in
models/page_versions.py bumps the school's ``people_version`` for those. Each test opens the page
(so it is kept), changes something the way the app does, and opens it again: the change must
show at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain import calendar, notes, sharing, transitions
from learningpack.domain.dates import local_today
from learningpack.extensions import db
from learningpack.models import FollowUp, SharingEvent
from learningpack.web.fragment_cache import fragment_cache
from tests.factories import PASSWORD, login
from tests.helpers import (
    kept_and_rendered_queries,
    kept_page,
    logged_in_with_csrf,
    main_of,
    page_of,
)
from tests.world import World, complete_through, fill_cycle, make_world

pytestmark = pytest.mark.both_backends  # the versions are read from each database

URL = "/skole/"
NEW = "Tak for et godt forældremøde i 3.B."


@pytest.fixture
def world(package: Package) -> World:
    world = make_world(package)
    complete_through(world, 1)  # a follow-up PUF can mark as an example; module 2 opens
    notes.write_note(world.school.id, package.slug, "Velkommen i gang.", world.puf)
    db.session.commit()
    return world


def _event(world: World, held_on: date | None = None) -> SharingEvent:
    """An event with one of the school's follow-ups marked as an example."""
    event = sharing.create_event(
        title="Skole inspirerer skole",
        held_on=held_on or local_today() + timedelta(days=30),
        place="Dokk1",
        actor=world.puf,
    )
    follow_up = db.session.scalars(select(FollowUp)).first()
    assert follow_up is not None
    sharing.mark_example(event, follow_up.id, world.puf)
    return event


def test_the_page_is_kept_and_costs_the_users_query(leader: FlaskClient, world: World) -> None:
    kept, rendered, page = kept_and_rendered_queries(leader, URL)
    assert len(kept) == 1, kept  # the session's user, with the school's versions and the bell
    assert len(rendered) >= len(kept) + 4, rendered
    assert "Velkommen i gang." in page


def _puf_writes(world: World) -> None:
    notes.write_note(world.school.id, world.package.slug, NEW, world.puf)


def _leader_writes(world: World) -> None:
    notes.write_note(world.school.id, world.package.slug, NEW, world.leader)


def _puf_is_renamed(world: World) -> None:
    world.puf.name = NEW  # PUF belongs to no school: the schools it wrote to are found


def _invited(world: World) -> None:
    _event(world).title = NEW


def _event_renamed(world: World) -> None:
    event = _event(world)
    db.session.commit()
    event.title = NEW


def _follow_up_meeting(world: World) -> None:
    cycle = world.cycle(2)
    calendar.set_follow_up_date(cycle, calendar.follow_up_window(cycle)[0])


def _school_renamed(world: World) -> None:
    world.school.name = NEW


CHANGES: dict[str, tuple[Callable[[World], None], str]] = {
    "a note from PUF": (_puf_writes, NEW),
    "a note from the leader": (_leader_writes, NEW),
    "PUF renamed": (_puf_is_renamed, NEW),
    "an invitation": (_invited, NEW),
    "an event renamed": (_event_renamed, NEW),
    "a follow-up meeting": (_follow_up_meeting, "Opsamlingsmøde"),
    "the school renamed": (_school_renamed, NEW),
}


@pytest.mark.parametrize("name", CHANGES)
def test_every_change_the_page_shows_is_shown_at_once(
    leader: FlaskClient, world: World, name: str
) -> None:
    change, shown = CHANGES[name]
    assert shown not in main_of(kept_page(leader, URL))
    change(world)
    db.session.commit()
    assert shown in main_of(page_of(leader.get(URL)))


def test_a_completed_module_is_shown_at_once(leader: FlaskClient, world: World) -> None:
    assert main_of(kept_page(leader, URL)).count("module-card state-completed") == 1
    complete_through_two = world.cycle(2)
    fill_cycle(complete_through_two, world.leader, world.teacher, world.team)
    transitions.complete_cycle(complete_through_two, world.leader)
    db.session.commit()
    assert main_of(page_of(leader.get(URL))).count("module-card state-completed") == 2


def test_an_unmarked_example_leaves_the_invitation(leader: FlaskClient, world: World) -> None:
    event = _event(world)
    db.session.commit()
    assert "Skole inspirerer skole" in kept_page(leader, URL)
    sharing.unmark_example(event, event.examples[0].id, world.puf)
    db.session.commit()
    assert "Skole inspirerer skole" not in page_of(leader.get(URL))


def test_a_deleted_event_leaves_the_page(leader: FlaskClient, world: World) -> None:
    event = _event(world)
    db.session.commit()
    assert "Skole inspirerer skole" in kept_page(leader, URL)
    db.session.delete(event)
    db.session.commit()
    assert "Skole inspirerer skole" not in page_of(leader.get(URL))


def test_a_note_to_another_school_keeps_our_page(leader: FlaskClient, world: World) -> None:
    kept_page(leader, URL)
    world.other_run = transitions.start_run(
        world.other_school.id, world.package, "2026/27", world.other_leader
    )
    db.session.commit()
    hits = fragment_cache().hits
    notes.write_note(world.other_school.id, world.package.slug, NEW, world.puf)
    db.session.commit()
    assert NEW not in page_of(leader.get(URL))
    assert fragment_cache().hits == hits + 1


@pytest.fixture
def tomorrow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Move the school's date one day on, for the key and for the invitations' read."""

    def move() -> None:
        day = local_today() + timedelta(days=1)
        monkeypatch.setattr("learningpack.web.fragment_cache.local_today", lambda: day)
        monkeypatch.setattr("learningpack.reads.sharing.local_today", lambda: day)

    yield move


def test_a_kept_page_is_not_carried_over_midnight(
    leader: FlaskClient, world: World, tomorrow: Callable[[], None]
) -> None:
    _event(world, held_on=local_today())
    db.session.commit()
    assert "Skole inspirerer skole" in kept_page(leader, URL)
    tomorrow()
    assert "Skole inspirerer skole" not in page_of(leader.get(URL))


def test_the_teacher_and_each_language_have_their_own_page(
    client: FlaskClient, world: World
) -> None:
    login(client, world.leader)
    leaders = kept_page(client, URL)
    assert "Beskeder mellem PUF og skolen" in leaders
    client.post("/konto/sprog", data={"locale": "en"})
    assert "Beskeder mellem PUF og skolen" not in page_of(client.get(URL))
    client.post("/logout")
    login(client, world.teacher)
    teachers = kept_page(client, URL)
    assert "Velkommen i gang." not in teachers and "Skolens data" not in teachers


def test_a_note_sent_from_a_page_kept_for_another_session(app: Flask, world: World) -> None:
    """A leader's laptop and phone: the phone is served the page kept for the laptop, with its
    own token, and its note is sent."""
    app.config["WTF_CSRF_ENABLED"] = True
    db.session.commit()
    laptop, phone = (logged_in_with_csrf(app, world.leader.email, PASSWORD) for _ in range(2))
    page_of(laptop.get(URL))
    hits = fragment_cache().hits
    page = page_of(phone.get(URL))
    assert fragment_cache().hits == hits + 1
    form = main_of(page)[main_of(page).index('action="/skole/beskeder"') :]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    assert token is not None
    sent = phone.post("/skole/beskeder", data={"text": NEW, "csrf_token": token.group(1)})
    assert sent.status_code in (302, 303)
    after = page_of(phone.get(URL))
    assert "Beskeden er sendt til PUF." in after and NEW in after
    assert "Beskeden er sendt til PUF." not in page_of(phone.get(URL))


def _note_form_token(page: str) -> str:
    form = main_of(page)[main_of(page).index('action="/skole/beskeder"') :]
    found = re.search(r'name="once"[^>]*value="([^"]+)"', form)
    assert found is not None, "the note form has its one-time token"
    return found.group(1)


def test_two_devices_served_the_kept_page_each_send_their_own_note(
    app: Flask, world: World
) -> None:
    """The note form's one-time token (Back + send again sends once) is one per page served,
    not one per kept page: a note from the phone is not taken for the laptop's sent again."""
    db.session.commit()
    laptop, phone = (logged_in_with_csrf(app, world.leader.email, PASSWORD) for _ in range(2))
    first = page_of(laptop.get(URL))
    hits = fragment_cache().hits
    second = page_of(phone.get(URL))
    assert fragment_cache().hits == hits + 1
    assert _note_form_token(first) != _note_form_token(second)
    for client, page, text in (
        (laptop, first, "Fra computeren."),
        (phone, second, "Fra telefonen."),
    ):
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert csrf is not None
        data = {"text": text, "once": _note_form_token(page), "csrf_token": csrf.group(1)}
        assert client.post("/skole/beskeder", data=data).status_code in (302, 303)
    after = page_of(phone.get(URL))
    assert "Fra computeren." in after and "Fra telefonen." in after
    assert "kun sendt én gang" not in after
