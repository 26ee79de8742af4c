"""The notices page and the header's bell: each user sees only their own notices."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain.notices import post_notice
from learningpack.extensions import db
from learningpack.models import Notice
from tests.factories import login
from tests.helpers import count_queries, page_of
from tests.world import World, make_world


@pytest.fixture
def world(package: Package) -> World:
    world = make_world(package)
    post_notice(world.teacher.id, "reminder", "Husk at logge", "/mine-aktioner/", "t1")
    post_notice(world.teacher.id, "follow_up", "Opsamlingsmøde snart", "/skole/", "t2")
    post_notice(world.teacher2.id, "reminder", "Kun for Bo", "/mine-aktioner/", "b1")
    db.session.commit()
    return world


def notice_id(title: str) -> int:
    found = db.session.scalar(select(Notice.id).where(Notice.title == title))
    assert found is not None
    return found


def test_the_bell_counts_unread_notices_in_words(client: FlaskClient, world: World) -> None:
    login(client, world.teacher)
    page = page_of(client.get("/mine-aktioner/"))
    assert 'aria-label="Beskeder, 2 ulæste"' in page and 'href="/beskeder"' in page
    client.post("/logout")
    login(client, world.leader)
    assert 'aria-label="Beskeder, ingen ulæste"' in page_of(client.get("/skole/"))


def test_the_bell_costs_no_query_of_its_own(client: FlaskClient, world: World) -> None:
    """The count comes with the user's own row: the page runs as many queries as without it."""
    login(client, world.teacher)
    with count_queries() as with_notices:
        client.get("/konto")
    db.session.execute(Notice.__table__.delete())
    with count_queries() as without:
        client.get("/konto")
    assert len(with_notices) == len(without)
    assert sum("notice" in s for s in with_notices) == 1  # inside the user's SELECT


def test_the_page_lists_only_the_users_own_notices(client: FlaskClient, world: World) -> None:
    login(client, world.teacher)
    page = page_of(client.get("/beskeder"))
    assert "Husk at logge" in page and "Opsamlingsmøde snart" in page
    assert "Kun for Bo" not in page
    assert page.index("Opsamlingsmøde snart") < page.index("Husk at logge")  # newest first


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(
    client: FlaskClient, world: World
) -> None:
    login(client, world.teacher)
    response = client.post(f"/beskeder/{notice_id('Husk at logge')}/aabn")
    assert response.status_code == 302 and response.headers["Location"] == "/mine-aktioner/"
    page = page_of(client.get("/beskeder"))
    assert 'aria-label="Beskeder, 1 ulæst"' in page


def test_another_users_notice_answers_404_and_stays_unread(
    client: FlaskClient, world: World
) -> None:
    login(client, world.teacher)
    theirs = notice_id("Kun for Bo")
    assert client.post(f"/beskeder/{theirs}/aabn").status_code == 404
    assert client.post(f"/beskeder/{theirs}/laest").status_code == 404
    client.post("/beskeder/alle-laest")
    db.session.expire_all()
    assert db.session.get(Notice, theirs).read_at is None  # type: ignore[union-attr]


def test_mark_one_and_all_read(client: FlaskClient, world: World) -> None:
    login(client, world.teacher)
    response = client.post(f"/beskeder/{notice_id('Husk at logge')}/laest")
    assert response.status_code == 302 and response.headers["Location"] == "/beskeder"
    assert "Beskeder, 1 ulæst" in page_of(client.get("/beskeder"))
    response = client.post("/beskeder/alle-laest", follow_redirects=True)
    page = page_of(response)
    assert "Alle beskeder er markeret som læst." in page and "Beskeder, ingen ulæste" in page


def test_the_page_in_english(client: FlaskClient, world: World) -> None:
    login(client, world.teacher)
    client.post("/sprog/en", data={"back": "/beskeder"})
    page = page_of(client.get("/beskeder"))
    assert "Notifications, 2 unread" in page and "Mark all as read" in page
