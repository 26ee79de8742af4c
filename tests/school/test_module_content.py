"""The module page shows the shared content: finding summaries, the parent text, the board brief."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from learningpack.content import Package
from tests.factories import login
from tests.helpers import page_of
from tests.world import World, make_world, module_url


@pytest.fixture
def world(package: Package) -> World:
    return make_world(package)


@pytest.mark.parametrize("position", [1, 2, 3, 4, 5])
def test_module_page_shows_finding_summaries_and_both_audiences(
    client: FlaskClient, world: World, position: int
) -> None:
    login(client, world.leader)
    module = world.package.module_at(position)
    page = page_of(client.get(module_url(world, position)))
    for finding in module.findings:
        assert f'id="fund-{finding.key}"' in page
        assert str(escape(finding.title)) in page
        assert finding.summary_html.strip() in page
    parents, board = module.section("parents"), module.section("board")
    assert (parents.title, board.title) == ("Til forældre", "Til skolebestyrelsen")
    assert 'id="foraeldre-heading">Til forældre<' in page
    assert 'id="bestyrelse-heading">Til skolebestyrelsen<' in page
    assert parents.html.strip() in page and board.html.strip() in page
    assert 'href="#bestyrelse"' in page
    assert "Til forældre og skolebestyrelse" not in page
