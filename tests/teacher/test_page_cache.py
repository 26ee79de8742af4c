""" "My actions" is kept per user and language while nothing it shows changes (web/fragment_cache).

Each test opens the page (so it is kept), changes something the way the app does, and opens it
again: the change must show. A kept page that hides a correction is a record people stop
trusting.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain import accounts, corrections, records, teams
from learningpack.extensions import db
from learningpack.models import LogEntry, School
from learningpack.web.fragment_cache import fragment_cache
from tests.factories import login
from tests.helpers import kept_and_rendered_queries, kept_page, page_of
from tests.world import START, World, agree, close_module_one, make_world, observe

pytestmark = pytest.mark.both_backends  # the versions are read from each database

PAGE = "/mine-aktioner/"


@pytest.fixture
def world(package: Package) -> World:
    world = make_world(package)
    world.actions["team"] = agree(
        world.cycle(1), world.leader, "Teamets fredagsbesked", team=world.team
    )
    world.actions["other_team"] = agree(
        world.cycle(1), world.leader, "Udskolingens forældreråd", team=world.team2
    )
    records.add_log_entry(
        world.actions["team"],
        author=world.teacher2,
        happened_on=START,
        text="Bo skrev til forældrene.",
        observation="",
    )
    db.session.commit()
    return world


@pytest.fixture
def teacher(client: FlaskClient, world: World) -> FlaskClient:
    login(client, world.teacher)
    return client


def test_the_page_is_kept_and_costs_only_the_session_users_query(
    teacher: FlaskClient, world: World
) -> None:
    kept, rendered, _page = kept_and_rendered_queries(teacher, PAGE)
    # The session's user (with the school's versions) instead of the four reads of the cards.
    assert len(kept) == 1, kept
    assert len(rendered) > len(kept) + 3, rendered


def _log(world: World) -> None:
    records.add_log_entry(
        world.actions["team"],
        author=world.teacher,
        happened_on=START,
        text="Anne ringede til tre familier.",
        observation="",
    )


def _bos_entry(world: World) -> LogEntry:
    entry = db.session.scalar(select(LogEntry).where(LogEntry.author_id == world.teacher2.id))
    assert entry is not None
    return entry


def _correct_entry(world: World) -> None:
    corrections.edit_log_entry(
        _bos_entry(world),
        actor=world.teacher2,
        happened_on=START,
        text="Anne ringede til tre familier.",
        observation="",
    )


def _delete_entry(world: World) -> None:
    corrections.delete_record(_bos_entry(world), actor=world.leader)


def _retitle(world: World) -> None:
    corrections.edit_action_text(
        world.actions["team"],
        actor=world.leader,
        title="Anne ringede til tre familier.",
        what="Vi ringer.",
        expectation="Flere svarer.",
        how_notice="Vi tæller.",
    )


def _rename_colleague(world: World) -> None:
    world.teacher2.name = "Anne ringede til tre familier."


def _rename_team(world: World) -> None:
    teams.save_team(
        world.school.id,
        world.team,
        name="Anne ringede til tre familier.",
        member_ids=[world.teacher.id],
        actor=world.leader,
    )


def _new_action(world: World) -> None:
    agree(world.cycle(1), world.leader, "Anne ringede til tre familier.", team=world.team)


def _observe(world: World) -> None:
    observe(world.actions["team"], world.leader, text="Anne ringede til tre familier.")


@pytest.mark.parametrize(
    "change",
    [_log, _correct_entry, _retitle, _rename_colleague, _rename_team, _new_action, _observe],
)
def test_every_change_the_page_shows_is_shown_at_once(
    teacher: FlaskClient, world: World, change: Callable[[World], None]
) -> None:
    assert "Anne ringede til tre familier." not in kept_page(teacher, PAGE)
    change(world)
    db.session.commit()
    assert "Anne ringede til tre familier." in page_of(teacher.get(PAGE))


def test_a_deleted_entry_leaves_the_kept_page(teacher: FlaskClient, world: World) -> None:
    assert "Bo skrev til forældrene." in kept_page(teacher, PAGE)
    _delete_entry(world)
    db.session.commit()
    assert "Bo skrev til forældrene." not in page_of(teacher.get(PAGE))


def test_leaving_the_team_takes_its_actions_off_the_page(
    teacher: FlaskClient, world: World
) -> None:
    assert "Teamets fredagsbesked" in kept_page(teacher, PAGE)
    teams.save_team(
        world.school.id, world.team, name=world.team.name, member_ids=[], actor=world.leader
    )
    db.session.commit()
    assert "Teamets fredagsbesked" not in page_of(teacher.get(PAGE))


def test_completing_the_module_moves_the_card(teacher: FlaskClient, world: World) -> None:
    assert "Du har ingen aktioner" not in kept_page(teacher, PAGE)
    close_module_one(world)
    db.session.commit()
    page = page_of(teacher.get(PAGE))
    assert "Du har ingen aktioner" in page
    assert "Teamets fredagsbesked" in page.split("Det fortsætter vi med", 1)[1]


def test_each_user_and_language_has_its_own_page(
    client: FlaskClient, world: World, package: Package
) -> None:
    login(client, world.teacher)
    mine = kept_page(client, PAGE)
    assert "Teamets fredagsbesked" in mine and "Udskolingens forældreråd" not in mine
    client.post("/konto/sprog", data={"locale": "en"})
    english = page_of(client.get(PAGE))
    assert "My actions" in english and "Mine aktioner" not in english
    client.post("/logout")
    login(client, world.teacher2)
    theirs = page_of(client.get(PAGE))
    assert "Udskolingens forældreråd" in theirs and "Teamets fredagsbesked" not in theirs


def test_logging_in_does_not_drop_the_schools_pages(world: World) -> None:
    before = db.session.scalar(select(School.people_version).where(School.id == world.school.id))
    world.teacher.last_login_at = world.teacher.created_at
    world.teacher.set_password("et-helt-nyt-kodeord-2026")
    world.teacher.end_sessions()
    world.teacher.locale = "en"  # their own pages are kept per language
    db.session.commit()
    after = db.session.scalar(select(School.people_version).where(School.id == world.school.id))
    assert after == before


def test_a_move_to_another_school_changes_both_schools(world: World) -> None:
    def versions() -> tuple[int | None, ...]:
        return tuple(
            db.session.scalar(select(School.people_version).where(School.id == s.id))
            for s in (world.school, world.other_school)
        )

    before = versions()
    world.teacher.school_id = world.other_school.id
    world.teacher.teams = []
    db.session.commit()
    assert all(a > b for a, b in zip(versions(), before, strict=True))  # type: ignore[operator]


def test_a_deactivated_colleague_changes_the_school(world: World) -> None:
    before = db.session.scalar(select(School.people_version).where(School.id == world.school.id))
    accounts.set_active(world.teacher2, False, world.leader)
    db.session.commit()
    after = db.session.scalar(select(School.people_version).where(School.id == world.school.id))
    assert after == (before or 0) + 1


def test_nothing_is_kept_when_the_limit_is_zero(teacher: FlaskClient) -> None:
    current_app.config["FRAGMENT_CACHE_BYTES"] = 0
    current_app.extensions.pop("learningpack.fragment_cache", None)
    teacher.get(PAGE)
    teacher.get(PAGE)
    assert fragment_cache().hits == 0
    assert not fragment_cache().parts


def test_the_oldest_parts_go_first_within_the_limit() -> None:
    from markupsafe import Markup

    from learningpack.web.fragment_cache import FragmentCache

    cache = FragmentCache(limit=10)
    cache.put("a", Markup("12345"))
    cache.put("b", Markup("12345"))
    assert cache.get("a") == "12345"  # now the newest
    cache.put("c", Markup("123"))
    assert cache.get("b") is None and cache.get("a") and cache.get("c")
    assert cache.size == 8
    cache.put("huge", Markup("x" * 11))
    assert cache.get("huge") is None and cache.size == 8
