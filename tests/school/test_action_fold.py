"""Page-sized module pages and drill-down (DESIGN.md §8): a team's first few actions are shown,
the rest are a link away (the same page, that team unfolded, with the same access checks)."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from learningpack.content import Package
from learningpack.domain import records
from learningpack.extensions import db
from learningpack.reads.module import DRILLDOWN_FOLD, FOLD
from tests.factories import login
from tests.helpers import page_of
from tests.world import World, add_action, make_world, module_url

CARD = 'class="card record action"'


@pytest.fixture
def world(package: Package) -> World:
    return make_world(package)


def many_actions(world: World, count: int, logs: int = 0) -> None:
    cycle = world.cycle(1)
    for n in range(count):
        action = add_action(cycle, world, title=f"Aktion nummer {n}")
        for _ in range(logs):
            records.add_log_entry(
                action, author=world.teacher, happened_on=date(2026, 9, 1), text="Logget.",
                observation="",
            )  # fmt: skip
    add_action(cycle, world, title="Den anden gruppes aktion", team=world.team2)
    db.session.commit()


def test_module_page_shows_a_teams_first_actions_and_links_to_the_rest(
    client: FlaskClient, world: World
) -> None:
    many_actions(world, 60)
    login(client, world.leader)
    page = page_of(client.get(module_url(world, 1)))
    assert page.count(CARD) == FOLD + 1  # the other team's one action is shown too
    assert "Aktion nummer 0" in page and f"Aktion nummer {FOLD}<" not in page
    assert 'Indskolingen <span class="muted">· 60 aktioner' in page
    more = f'href="{module_url(world, 1)}?team={world.team.id}#aktioner-team-{world.team.id}"'
    assert more in page and "Vis alle 60 aktioner for Indskolingen" in page
    assert "Vis alle 1 " not in page  # the other team has nothing folded

    unfolded = page_of(client.get(f"{module_url(world, 1)}?team={world.team.id}"))
    assert unfolded.count(CARD) == 61
    assert "Aktion nummer 59" in unfolded and "Vis alle 60" not in unfolded
    # Nonsense in the query string is ignored, never a 500.
    assert client.get(f"{module_url(world, 1)}?team=abc").status_code == 200


def test_puf_sees_the_same_fold_and_the_drill_down_links_to_it(
    client: FlaskClient, world: World
) -> None:
    many_actions(world, 12)
    login(client, world.puf)
    puf_module = f"/puf/skoler/{world.school.id}/modul/{world.slug(1)}"
    page = page_of(client.get(puf_module))
    assert page.count(CARD) == FOLD + 1
    assert f'href="{puf_module}?team={world.team.id}#aktioner-team-{world.team.id}"' in page
    drill = page_of(client.get(f"/puf/skoler/{world.school.id}"))
    assert "Aktion nummer 0" in drill and f"Aktion nummer {DRILLDOWN_FOLD}<" not in drill
    assert f'href="{puf_module}?team={world.team.id}#aktioner-team-{world.team.id}"' in drill
    assert "Vis alle 12 aktioner for Indskolingen" in drill
    # Another school's leader cannot unfold this school's team: the module page is their own.
    login(client, world.other_leader)
    assert "Aktion nummer" not in page_of(
        client.get(f"{module_url(world, 1)}?team={world.team.id}")
    )


def test_drill_down_of_a_busy_school_stays_small(client: FlaskClient, world: World) -> None:
    """The drill-down's size does not grow with a team's actions or their logs (the national
    data set's largest school was 1 MB; the budget is 150 KB)."""
    login(client, world.puf)
    many_actions(world, 4, logs=1)
    small = len(client.get(f"/puf/skoler/{world.school.id}").data)
    many_actions(world, 40, logs=5)
    large = len(client.get(f"/puf/skoler/{world.school.id}").data)
    assert large < 60_000
    assert large - small < 3_000, (small, large)
