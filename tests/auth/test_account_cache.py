"""The account page (/konto) is kept under everything it shows (auth/account.account): the user's
row, loaded with the session, and its two reads, the sign-on links and the e-mail choices. Each
test opens the page (so it is kept), changes something, and opens it again: the change must show
at once. The settings' own pages and errors are tested where they are (test_mail_settings.py,
test_twofactor.py, test_login.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from learningpack.content import Package
from learningpack.domain import mail_choices
from learningpack.extensions import db
from learningpack.models import OidcIdentity
from learningpack.web.fragment_cache import fragment_cache
from tests.factories import login
from tests.helpers import kept_and_rendered_queries, kept_page, main_of, page_of
from tests.world import World, make_world

pytestmark = pytest.mark.both_backends  # the links and choices are one statement on each

URL = "/konto"
SAVED = "Dine e-mailvalg er gemt."


@pytest.fixture
def world(package: Package) -> World:
    world = make_world(package, started=False)
    db.session.commit()
    return world


@pytest.fixture
def teacher(client: FlaskClient, world: World) -> FlaskClient:
    login(client, world.teacher)
    return client


def test_the_page_is_kept_and_costs_two_queries(teacher: FlaskClient, world: World) -> None:
    _linked(world)
    mail_choices.set_choice(world.teacher, mail_choices.ACTIONS, False)
    db.session.commit()
    kept, rendered, page = kept_and_rendered_queries(teacher, URL)
    assert len(kept) == 2, kept  # the session's user; its links and choices in one statement
    assert len(rendered) == len(kept), rendered  # a kept page saves the render, not a read
    assert "Din konto er koblet til kommunens login" in page
    assert '<input id="mail-actions"' in page  # turned off: not checked


def _renamed(world: World) -> None:
    world.teacher.name = "Anne Marie Lærer"


def _new_address(world: World) -> None:
    world.teacher.email = "anne.marie@skole.dk"


def _mail_choice(world: World) -> None:
    mail_choices.set_choice(world.teacher, mail_choices.ACTIONS, False)


def _linked(world: World) -> None:
    db.session.add(OidcIdentity(provider="staff", subject="anne-1", user_id=world.teacher.id))


def _two_factor(world: World) -> None:
    world.teacher.totp_secret = "JBSWY3DPEHPK3PXP"


def _no_password(world: World) -> None:
    world.teacher.password_hash = ""


CHANGES: dict[str, tuple[Callable[[World], None], Callable[[str], bool]]] = {
    "the name": (_renamed, lambda page: "Anne Marie Lærer" in page),
    "the e-mail address": (_new_address, lambda page: "anne.marie@skole.dk" in page),
    "an e-mail choice": (
        _mail_choice,
        lambda page: '<input checked id="mail-actions"' not in page,
    ),
    "a sign-on link": (_linked, lambda page: "Din konto er koblet til kommunens login" in page),
    "two-factor on": (_two_factor, lambda page: "Totrinsbekræftelse er slået til" in page),
    "no password": (_no_password, lambda page: "har ingen adgangskode i Læringspakken" in page),
}


@pytest.mark.parametrize("name", CHANGES)
def test_every_change_the_page_shows_is_shown_at_once(
    teacher: FlaskClient, world: World, name: str
) -> None:
    change, shows = CHANGES[name]
    assert not shows(main_of(kept_page(teacher, URL)))
    change(world)
    db.session.commit()
    assert shows(main_of(page_of(teacher.get(URL))))


def test_a_saved_choice_is_flashed_once_and_then_kept(teacher: FlaskClient, world: World) -> None:
    kept_page(teacher, URL)
    assert teacher.post("/konto/e-mails", data={"mail-follow_up": "y"}).status_code == 302
    page = page_of(teacher.get(URL))  # with the message: rendered, not kept
    assert SAVED in page and '<input checked id="mail-actions"' not in page
    again = page_of(teacher.get(URL))
    assert SAVED not in again and '<input checked id="mail-actions"' not in again
    hits = fragment_cache().hits
    page_of(teacher.get(URL))
    assert fragment_cache().hits == hits + 1


def test_each_user_has_their_own_page(client: FlaskClient, world: World) -> None:
    login(client, world.teacher)
    assert world.teacher.email in kept_page(client, URL)
    client.post("/logout")
    login(client, world.leader)
    page = page_of(client.get(URL))
    assert world.leader.email in page and world.teacher.email not in page
    assert "Skolens uge, hver mandag" in page  # the leader's own e-mail choices
