"""PUF's pages across all schools, the overview (/puf/) and the learnings digest (/puf/laering),
are kept per user, language and query string while no school changed
(web/fragment_cache.all_schools_key: the newest ``School.changed_at`` and the minute).

``changed_at`` is stamped with every bump of a school's versions (its records, people, name,
notes) and on a new school. Each test opens a page (so it is kept), changes something the way
the app does, and opens it again: the change must show at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain import areas, transitions
from learningpack.extensions import db
from learningpack.models import Area
from learningpack.models.types import utcnow
from learningpack.web.fragment_cache import fragment_cache
from tests.factories import SchoolFactory, make_leader, make_teacher
from tests.helpers import kept_and_rendered_queries, kept_page, main_of, page_of
from tests.world import YEAR, World, agree, digest_world, fill_cycle

pytestmark = pytest.mark.both_backends  # the stamps are read from each database

OVERVIEW = "/puf/"
DIGEST = "/puf/laering"
NEW = "Vi inviterer forældrene med til at planlægge mødet."


@pytest.fixture(autouse=True)
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key's minute held still: a test's two requests on either side of a minute's turn
    would be two pages (``test_a_new_minute_renders_the_page_again`` moves it on)."""
    now = utcnow()
    monkeypatch.setattr("learningpack.web.fragment_cache.utcnow", lambda: now)


@pytest.fixture
def world(package: Package) -> World:
    world = digest_world(package)
    db.session.commit()
    return world


@pytest.mark.parametrize("url", [OVERVIEW, DIGEST])
def test_the_page_is_kept_and_costs_the_users_query(
    puf_client: FlaskClient, world: World, url: str
) -> None:
    kept, rendered, page = kept_and_rendered_queries(puf_client, url)
    assert len(kept) == 1, kept  # the session's user with the bell and the newest stamp
    assert len(rendered) >= len(kept) + 3, rendered
    assert "Kildeskolen" in page


def _agreed(world: World) -> None:
    for title in (NEW, "Forældrene byder ind"):
        agree(world.cycle(2), world.leader, title, team=world.team, owners=(world.teacher,))


def _school_renamed(world: World) -> None:
    world.school.name = "Kildeskolen i Hasle"


def _new_school(world: World) -> None:
    SchoolFactory(name="Bakkeskolen", district="Nord")


def _moved(world: World) -> None:
    world.other_school.district = "Vest"


def _another_school_follows_up(world: World) -> None:
    school = SchoolFactory(name="Bakkeskolen", district="Nord")
    leader = make_leader(school, name="Berit Leder")
    run = transitions.start_run(school.id, world.package, YEAR, leader)
    fill_cycle(run.cycles[0], leader, make_teacher(school, name="Bent Lærer"))


def _area_renamed(world: World) -> None:
    found = db.session.scalar(select(Area).where(Area.name == "Syd"))
    area = found or areas.create_area("Syd", world.puf)
    areas.rename_area(area, "Sydvest", world.puf)  # its schools follow, in one UPDATE


def _team_renamed(world: World) -> None:
    world.team.name = "Team Fredag"


# What each page shows of a change: (the change, the page, what it shows).
CHANGES: dict[str, tuple[Callable[[World], None], str, str]] = {
    "overview: a new action": (_agreed, OVERVIEW, "2 aktioner<"),
    "overview: a school renamed": (_school_renamed, OVERVIEW, "Kildeskolen i Hasle"),
    "overview: a new school": (_new_school, OVERVIEW, "Bakkeskolen"),
    "overview: a school moved": (_moved, OVERVIEW, "Vest"),
    "overview: an area renamed": (_area_renamed, OVERVIEW, "Sydvest"),
    "digest: another school follows up": (_another_school_follows_up, DIGEST, "Bakkeskolen"),
    "digest: a team renamed": (_team_renamed, DIGEST, "Team Fredag"),
    "digest: a school renamed": (_school_renamed, DIGEST, "Kildeskolen i Hasle"),
}


@pytest.mark.parametrize("name", CHANGES)
def test_every_change_the_page_shows_is_shown_at_once(
    puf_client: FlaskClient, world: World, name: str
) -> None:
    change, url, shown = CHANGES[name]
    assert shown not in main_of(kept_page(puf_client, url))
    change(world)
    db.session.commit()
    assert shown in main_of(page_of(puf_client.get(url)))


@pytest.mark.parametrize("url", [OVERVIEW, DIGEST])
def test_a_new_minute_renders_the_page_again(
    puf_client: FlaskClient, world: World, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Stalled" and "days since" move with time: a kept page lives within its minute."""
    kept_page(puf_client, url)
    later = utcnow() + timedelta(minutes=1)
    monkeypatch.setattr("learningpack.web.fragment_cache.utcnow", lambda: later)
    misses = fragment_cache().misses
    page_of(puf_client.get(url))
    assert fragment_cache().misses == misses + 1


@pytest.mark.parametrize("url", [OVERVIEW, DIGEST])
def test_each_query_string_and_language_has_its_own_page(
    puf_client: FlaskClient, world: World, url: str
) -> None:
    everyone = main_of(kept_page(puf_client, url))
    south = main_of(kept_page(puf_client, f"{url}?omraade=Syd"))
    assert "Kildeskolen" in everyone and "Kildeskolen" not in south
    puf_client.post("/konto/sprog", data={"locale": "en"})
    assert main_of(page_of(puf_client.get(url))) != everyone


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"{OVERVIEW}?side=0", "Sidetallet skal være 1 eller mere."),
        (f"{DIGEST}?skole=0", "Skolen findes ikke."),
    ],
)
def test_refused_input_is_answered_and_never_kept(
    puf_client: FlaskClient, world: World, url: str, message: str
) -> None:
    size = fragment_cache().size
    for _ in range(2):
        response = puf_client.get(url)
        assert response.status_code == 400
        assert message in page_of(response)
    assert fragment_cache().size == size


def test_a_renamed_puf_user_sees_the_new_name_in_the_header(
    puf_client: FlaskClient, world: World
) -> None:
    kept_page(puf_client, OVERVIEW)
    world.puf.name = "Pia Ulrikke Frost"
    db.session.commit()
    assert "Pia Ulrikke Frost" in page_of(puf_client.get(OVERVIEW))
