"""Fixtures of the school's pages' tests: each module builds its own ``world``."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.factories import login
from tests.world import World


@pytest.fixture
def leader(client: FlaskClient, world: World) -> FlaskClient:
    """The test client, logged in as the world's leader."""
    login(client, world.leader)
    return client
