"""The module page is kept per user, language and team shown while nothing it shows changes
(web/module_page.py).

Each test opens the page (so it is kept), changes something the way the app does, and opens it
again: the change must show. A kept page that hides what a leader just recorded is a record
people stop trusting. The forms on a kept page carry the token of the session asking.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from learningpack.content import Package
from learningpack.domain import calendar, corrections, learning, notices, records, teams
from learningpack.extensions import db
from learningpack.models import Outcome
from learningpack.reads.module import FOLD
from learningpack.web.fragment_cache import fragment_cache
from tests.factories import PASSWORD, login
from tests.helpers import (
    kept_and_rendered_queries,
    kept_page,
    logged_in_with_csrf,
    main_of,
    page_of,
)
from tests.world import (
    END,
    START,
    World,
    add_action,
    add_resource,
    add_session,
    agree,
    make_world,
    module_url,
)

pytestmark = pytest.mark.both_backends  # the versions are read from each database

NEW = "Anne ringede til tre familier."


@pytest.fixture
def world(package: Package) -> World:
    world = make_world(package)
    world.actions["team"] = agree(
        world.cycle(1), world.leader, "Teamets fredagsbesked", team=world.team
    )
    add_session(world.cycle(1), notes="Vi drøftede videnoplægget i teams.")
    db.session.commit()
    return world


def test_the_page_is_kept_and_costs_the_users_query_and_the_banks(
    leader: FlaskClient, world: World
) -> None:
    kept, rendered, page = kept_and_rendered_queries(leader, module_url(world, 1))
    # The session's user (with the school's versions) and the bank's newest resources.
    assert len(kept) == 2, kept
    assert len(rendered) > len(kept) + 4, rendered
    assert "Teamets fredagsbesked" in page


def _log(world: World) -> None:
    records.add_log_entry(
        world.actions["team"], author=world.teacher, happened_on=START, text=NEW, observation=""
    )


def _meeting(world: World) -> None:
    add_session(world.cycle(1), notes=NEW)


def _edit_meeting(world: World) -> None:
    meeting = world.cycle(1).meetings[0]
    corrections.edit_meeting(
        meeting,
        actor=world.leader,
        held_on=meeting.held_on,
        kind=meeting.kind,
        participants=meeting.participants,
        notes=NEW,
        decisions=meeting.decisions,
    )


def _question(world: World) -> None:
    learning.save_question(
        world.cycle(1), team=world.team, question=NEW, baseline="Tre kom.", actor=world.leader
    )


def _new_action(world: World) -> None:
    add_action(world.cycle(1), world, title=NEW)


def _retitle(world: World) -> None:
    corrections.edit_action_text(
        world.actions["team"],
        actor=world.leader,
        title=NEW,
        what="Vi ringer.",
        expectation="Flere svarer.",
        how_notice="Vi tæller.",
    )


def _reflection(world: World) -> None:
    learning.record_reflection(
        world.cycle(1),
        team=world.team,
        held_on=END,
        participants="Teamet",
        seen=NEW,
        fit="Som ventet.",
        change="Intet.",
        decisions={world.actions["team"].id: Outcome.KEEP},
        actor=world.leader,
    )


def _follow_up(world: World) -> None:
    records.record_follow_up(
        world.actions["team"], outcome=Outcome.KEEP, learning=NEW, fit="Ja.", actor=world.leader
    )


def _summary(world: World) -> None:
    records.save_summary(world.cycle(1), learned=NEW, keep="Det.", next_steps="Videre.")


def _adaptation(world: World) -> None:
    records.save_local_adaptation(world.cycle(1), notes=NEW, questions="")


def _follow_up_date(world: World) -> None:
    calendar.set_follow_up_date(world.cycle(1), calendar.follow_up_window(world.cycle(1))[0])


def _rename_colleague(world: World) -> None:
    world.leader.name = NEW


def _rename_team(world: World) -> None:
    teams.save_team(
        world.school.id, world.team, name=NEW, member_ids=[world.teacher.id], actor=world.leader
    )


def _rename_school(world: World) -> None:
    world.school.name = NEW


def _publish_to_the_bank(world: World) -> None:
    add_resource(world, title=NEW, modules=(world.slug(1),))


CHANGES = [
    _log, _meeting, _edit_meeting, _question, _new_action, _retitle, _reflection, _follow_up,
    _summary, _adaptation, _rename_colleague, _rename_team, _rename_school, _publish_to_the_bank,
]  # fmt: skip


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_the_page_shows_is_shown_at_once(
    leader: FlaskClient, world: World, change: Callable[[World], None]
) -> None:
    url = module_url(world, 1)
    assert NEW not in kept_page(leader, url)
    change(world)
    db.session.commit()
    assert NEW in page_of(leader.get(url))


def test_a_new_follow_up_date_is_shown_at_once(leader: FlaskClient, world: World) -> None:
    url = module_url(world, 1)
    assert "Opsamlingsmødet holdes" not in kept_page(leader, url)
    _follow_up_date(world)
    db.session.commit()
    assert "Opsamlingsmødet holdes" in page_of(leader.get(url))


def test_a_deleted_meeting_leaves_the_kept_page(leader: FlaskClient, world: World) -> None:
    url = module_url(world, 1)
    assert "Vi drøftede videnoplægget i teams." in kept_page(leader, url)
    corrections.delete_record(world.cycle(1).meetings[0], actor=world.leader)
    db.session.commit()
    assert "Vi drøftede videnoplægget i teams." not in page_of(leader.get(url))


def test_each_user_language_and_unfolded_team_has_its_own_page(
    client: FlaskClient, world: World
) -> None:
    extra = [  # one more than the team shows folded
        agree(world.cycle(1), world.leader, f"Ekstra aktion {n}", team=world.team)
        for n in range(FOLD)
    ]
    db.session.commit()
    card = f'id="aktion-{extra[-1].id}"'
    url = module_url(world, 1)
    login(client, world.leader)
    folded = kept_page(client, url)
    assert "Redigér skolens noter" in folded and card not in folded
    assert card in page_of(client.get(f"{url}?team={world.team.id}"))
    assert card not in page_of(client.get(url))
    client.post("/konto/sprog", data={"locale": "en"})
    assert "Module 1 of" in page_of(client.get(url))
    client.post("/logout")
    login(client, world.teacher)
    teachers = page_of(client.get(url))
    assert "Modul 1 af" in teachers and "Redigér skolens noter" not in teachers


def _token(page: str) -> str:
    found = re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', main_of(page))
    assert found, "the kept body has forms"
    assert len(set(found)) == 1
    return found[0]


def test_the_kept_forms_carry_the_token_of_the_session_asking(app: Flask, world: World) -> None:
    """Two sessions of one leader (a laptop and a phone): the body kept for the first carries
    the second's own token, and a form posted from it passes the CSRF check."""
    app.config["WTF_CSRF_ENABLED"] = True
    db.session.commit()
    laptop, phone = (logged_in_with_csrf(app, world.leader.email, PASSWORD) for _ in range(2))
    url = module_url(world, 1)
    first = page_of(laptop.get(url))
    hits = fragment_cache().hits
    second = page_of(phone.get(url))
    assert fragment_cache().hits == hits + 1
    assert _token(first) != _token(second)
    complete = f"{url}/afslut"
    refused = phone.post(complete, data={"csrf_token": _token(second)})
    assert refused.status_code == 409  # past the CSRF check: the module is not ready
    assert "Modulet kan ikke afsluttes endnu" in page_of(refused)
    assert phone.post(complete, data={"csrf_token": _token(first)}).status_code == 400


def test_an_unknown_module_is_not_found_and_nothing_is_kept(
    leader: FlaskClient, world: World
) -> None:
    size = fragment_cache().size
    assert leader.get("/skole/modul/findes-ikke").status_code == 404
    assert fragment_cache().size == size


def test_a_saved_form_shows_its_message_once_on_the_kept_page(
    leader: FlaskClient, world: World
) -> None:
    url = module_url(world, 1)
    kept_page(leader, url)
    saved = leader.post(f"{url}/tilpasning", data={"notes": NEW, "questions": ""})
    assert saved.status_code in (302, 303)
    after = page_of(leader.get(url))
    assert "Skolens lokale tilpasning er gemt." in after and NEW in after
    assert "Skolens lokale tilpasning er gemt." not in kept_page(leader, url)


def test_a_new_notice_shows_in_the_header_of_the_kept_page(
    leader: FlaskClient, world: World
) -> None:
    url = module_url(world, 1)
    assert "Beskeder, 1 ulæst" not in kept_page(leader, url)
    notices.post_notice(world.leader.id, "reminder", "Husk logningen", url, "test-1")
    db.session.commit()
    assert "Beskeder, 1 ulæst" in page_of(leader.get(url))


def test_the_language_form_returns_to_the_page_asked_for(leader: FlaskClient, world: World) -> None:
    url = module_url(world, 1)
    kept_page(leader, url)
    from_a_mail = page_of(leader.get(f"{url}?fra=mail"))
    assert f'name="back" value="{url}?fra=mail"' in from_a_mail
