"""Page-sized module pages and drill-down (DESIGN.md §8): a team's first few actions are shown,
the rest are a link away (the same page, that team unfolded, with the same access checks)."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from learningpack.content import Package
from learningpack.domain import learning, records
from learningpack.extensions import db
from learningpack.models import Action, Outcome
from learningpack.reads.module import DRILLDOWN_FOLD, FOLD
from tests.factories import login
from tests.helpers import page_of
from tests.world import START, World, add_action, agree, make_world, module_url, observe, reflect

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


def test_the_drill_down_loads_only_the_actions_it_shows(client: FlaskClient, world: World) -> None:
    """Each team's first few actions are read whole, not every action of the run with its logs
    (the national seed's heaviest school: 700 actions for the 70 shown)."""
    many_actions(world, 12, logs=2)
    login(client, world.puf)
    url = f"/puf/skoler/{world.school.id}"
    db.session.expunge_all()
    read: list[int] = []

    def count(target: Action, *_args: object) -> None:
        read.append(target.id)

    event.listen(Action, "load", count)
    event.listen(Action, "refresh", count)
    try:
        drill = page_of(client.get(url))
    finally:
        event.remove(Action, "load", count)
        event.remove(Action, "refresh", count)
    assert sorted(set(read)) == sorted(read)  # each once
    assert len(read) == DRILLDOWN_FOLD + 1  # the other team's one action too
    assert drill.count("Logget.") == 2 * DRILLDOWN_FOLD
    assert "Vis alle 12 aktioner for Indskolingen" in drill


def test_a_second_round_on_the_drill_down_names_its_first(
    client: FlaskClient, world: World
) -> None:
    cycle = world.cycle(1)
    first = agree(cycle, world.leader, "Fredagsbesked", team=world.team, owners=(world.teacher,))
    records.add_log_entry(first, author=world.teacher, happened_on=START, text="X", observation="")
    observe(first)
    reflect(cycle, world.team, world.leader, {first.id: Outcome.ADJUST})
    learning.start_second_round(
        first, actor=world.leader, title="Fredagsbesked igen", what="Torsdag.",
        expectation="Flere svar.", how_notice="Vi tæller.", observation_focus="Hvem?",
        period_start=date(2026, 10, 20), period_end=date(2026, 11, 20),
    )  # fmt: skip
    db.session.commit()
    login(client, world.puf)
    drill = page_of(client.get(f"/puf/skoler/{world.school.id}"))
    assert "Anden runde af »Fredagsbesked«" in drill
