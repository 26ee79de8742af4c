"""When Redis or the database is away, in one process (web/errors.py): friendly 503s.

Redis away: a rate-limited step (a login, the API) is refused rather than let through uncounted,
and other pages work on. The database away: the page says so at once, as for a visitor (the
user's row cannot be read). The same with real gunicorn nodes and services that go away and
come back: tests/ops/test_production.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError

from learningpack.extensions import db
from tests.apps import free_port
from tests.factories import login
from tests.world import World, make_world

DEAD_REDIS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",
}


@pytest.mark.parametrize("app", [DEAD_REDIS], indirect=True)
def test_without_redis_logins_and_the_api_are_refused_and_pages_work(
    app: Flask, client: FlaskClient, package: Any
) -> None:
    world: World = make_world(package)
    db.session.commit()
    assert client.get("/login").status_code == 200
    refused = client.post("/login", data={"email": world.leader.email, "password": "x"})
    assert refused.status_code == 503
    page = refused.get_data(as_text=True)
    assert "Log ind er midlertidigt lukket" in page
    assert refused.headers["X-Request-ID"] in page
    api = client.get("/api/v1/schools", headers={"Authorization": "Bearer lp_x"})
    assert api.status_code == 503 and api.is_json


def test_without_the_database_a_page_answers_503_as_for_a_visitor(
    app: Flask, client: FlaskClient, package: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world: World = make_world(package)
    login(client, world.leader)

    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("SELECT user", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", unreachable, raising=False)
    response = client.get("/skole/")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "databasen ikke svarer" in page
    assert world.leader.name not in page  # rendered without the user's row
    assert response.headers["X-Request-ID"] in page
