"""PUF's pages: the client logged in as the PUF user of the module's ``world``."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.factories import login
from tests.world import World


@pytest.fixture
def puf_client(client: FlaskClient, world: World) -> FlaskClient:
    login(client, world.puf)
    return client
