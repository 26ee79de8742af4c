"""PUF's drill-down of one school (/puf/skoler/<id>) is kept per user and language while nothing
it shows changes (puf/routes.school, web/fragment_cache.page_key).

The key holds the school's versions (``progress_version``: its records; ``people_version``: its
people, teams, name and the thread of notes), read in one statement with the school's timeline,
which the daily snapshot command writes and which is therefore put in on every request. Each test
opens the page (so it is kept), changes something the way the app does, and opens it again: the
change must show at once.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from learningpack.content import Package
from learningpack.domain import notes, records, snapshots, transitions
from learningpack.domain.dates import local_today
from learningpack.extensions import db
from learningpack.models import CycleState
from learningpack.web.fragment_cache import fragment_cache
from tests.factories import login
from tests.helpers import kept_and_rendered_queries, kept_page, main_of, page_of
from tests.world import START, World, agree, complete_through, make_world

pytestmark = pytest.mark.both_backends  # the versions are read from each database

NEW = "Tak for et godt forældremøde i 3.B."


@pytest.fixture
def world(package: Package) -> World:
    world = make_world(package)
    complete_through(world, 1)  # module 2 opens
    agree(world.cycle(2), world.leader, "Fredagsbeskeder", owners=(world.teacher,))
    notes.write_note(world.school.id, package.slug, "Velkommen i gang.", world.puf)
    db.session.commit()
    return world


def _url(world: World) -> str:
    return f"/puf/skoler/{world.school.id}"


def test_the_page_is_kept_and_costs_two_queries(puf_client: FlaskClient, world: World) -> None:
    kept, rendered, page = kept_and_rendered_queries(puf_client, _url(world))
    # The session's user with the bell; the school's versions with its timeline.
    assert len(kept) == 2, kept
    assert len(rendered) >= len(kept) + 5, rendered
    assert "Fredagsbeskeder" in page and "Velkommen i gang." in page


def _logged(world: World) -> None:
    action = world.cycle(2).actions[0]
    records.add_log_entry(action, author=world.teacher, happened_on=START, text=NEW, observation="")


def _teacher_renamed(world: World) -> None:
    world.teacher.name = NEW


def _leader_writes(world: World) -> None:
    notes.write_note(world.school.id, world.package.slug, NEW, world.leader)


def _puf_renamed(world: World) -> None:
    world.puf.name = NEW


def _school_renamed(world: World) -> None:
    world.school.name = NEW


CHANGES: dict[str, tuple[Callable[[World], None], str]] = {
    "a log entry": (_logged, NEW),
    "an owner renamed": (_teacher_renamed, NEW),
    "a note from the leader": (_leader_writes, NEW),
    "PUF renamed": (_puf_renamed, NEW),
    "the school renamed": (_school_renamed, NEW),
}


@pytest.mark.parametrize("name", CHANGES)
def test_every_change_the_page_shows_is_shown_at_once(
    puf_client: FlaskClient, world: World, name: str
) -> None:
    change, shown = CHANGES[name]
    assert shown not in main_of(kept_page(puf_client, _url(world)))
    change(world)
    db.session.commit()
    assert shown in main_of(page_of(puf_client.get(_url(world))))


def _timeline(page: str) -> str:
    main = main_of(page)
    return main[
        main.index('id="tidslinje"') : main.index("</section>", main.index('id="tidslinje"'))
    ]


def test_a_snapshot_shows_on_the_kept_page(puf_client: FlaskClient, world: World) -> None:
    """The snapshot command is not the school's write: the timeline is read on every request,
    also when the day's snapshot is taken again after the school moved on."""
    snapshots.take_snapshot(world.package.slug, local_today())
    db.session.commit()
    assert "<tbody>" in _timeline(kept_page(puf_client, _url(world)))
    transitions.unlock_out_of_order(world.cycle(3), world.puf, "Skolen vil i gang med modul 3.")
    db.session.commit()
    before = _timeline(page_of(puf_client.get(_url(world))))  # a new version: rendered again
    hits = fragment_cache().hits
    snapshots.take_snapshot(world.package.slug, local_today())  # the same day, again
    db.session.commit()
    after = _timeline(page_of(puf_client.get(_url(world))))
    assert fragment_cache().hits == hits + 1  # the page kept, the timeline put in
    assert world.cycle(3).state == CycleState.ACTIVE
    # Today's row of module 3 is rewritten: locked this morning, open now.
    assert after.count("<tr>") == before.count("<tr>")
    assert after != before


def test_another_schools_change_keeps_our_page(puf_client: FlaskClient, world: World) -> None:
    kept_page(puf_client, _url(world))
    world.other_school.name = NEW
    db.session.commit()
    hits = fragment_cache().hits
    assert NEW not in page_of(puf_client.get(_url(world)))
    assert fragment_cache().hits == hits + 1


def test_each_language_has_its_own_page(puf_client: FlaskClient, world: World) -> None:
    assert "Tidslinje" in kept_page(puf_client, _url(world))
    puf_client.post("/konto/sprog", data={"locale": "en"})
    assert "Tidslinje" not in page_of(puf_client.get(_url(world)))


def test_an_unknown_school_is_not_found_and_nothing_is_kept(
    puf_client: FlaskClient, world: World
) -> None:
    size = fragment_cache().size
    assert puf_client.get("/puf/skoler/999999").status_code == 404
    assert fragment_cache().size == size


def test_school_staff_cannot_open_it(client: FlaskClient, world: World) -> None:
    login(client, world.leader)
    assert client.get(_url(world)).status_code in (403, 404)
