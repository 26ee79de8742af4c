"""JSON log lines and request ids (ops/logs.py, web/observe.py), and what never gets logged.

Every request writes one line with its id, endpoint, status and duration (and the user's and
school's ids once logged in); the id comes from a sensible X-Request-ID or is made, and is
returned in the response and on the friendly error page. Passwords, tokens and free text stay
out of every line.
"""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from learningpack import create_app
from learningpack.extensions import db
from learningpack.ops.logs import JsonFormatter, configure_logging
from tests.apps import make_test_config
from tests.factories import PASSWORD, login
from tests.world import World, action_data, ask, make_world


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """Everything the app logs while the test runs, as JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("learningpack")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def parsed(log: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.getvalue().splitlines()]


def test_a_request_id_is_taken_when_sensible_and_made_otherwise(client: FlaskClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "nginx-0123abc.9:x"})
    assert given.headers["X-Request-ID"] == "nginx-0123abc.9:x"
    for bad in ("a" * 65, "hej med dig", "<script>", "-leading-dash"):
        made = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert made != bad and len(made) == 32
    first, second = (client.get("/healthz").headers["X-Request-ID"] for _ in range(2))
    assert first != second


def test_the_error_page_shows_the_request_id(client: FlaskClient) -> None:
    response = client.get("/findes-ikke", headers={"X-Request-ID": "til-support-42"})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'class="request-id">til-support-42<' in page
    assert "fejl-id" in page


def test_one_json_line_per_request_with_user_and_school(
    app: Flask, client: FlaskClient, package: Any, log: io.StringIO
) -> None:
    world: World = make_world(package)
    login(client, world.leader)
    client.get("/skole/", headers={"X-Request-ID": "side-1"})
    requests = [line for line in parsed(log) if line["logger"] == "learningpack.access"]
    page = next(line for line in requests if line["request_id"] == "side-1")
    assert page["endpoint"] == "school.home" and page["method"] == "GET"
    assert page["status"] == 200 and page["duration_ms"] > 0 and page["db_queries"] >= 1
    assert page["user_id"] == world.leader.id and page["school_id"] == world.school.id
    assert page["level"] == "INFO" and page["timestamp"].endswith("+00:00")


def test_the_login_request_names_who_logged_in(
    app: Flask, client: FlaskClient, package: Any, log: io.StringIO
) -> None:
    world: World = make_world(package)
    login(client, world.teacher)
    requests = [line for line in parsed(log) if line["logger"] == "learningpack.access"]
    done = next(line for line in requests if line["endpoint"] == "auth.login")
    assert done["method"] == "POST" and done["status"] == 302
    assert done["user_id"] == world.teacher.id and done["school_id"] == world.school.id


def test_no_password_token_or_free_text_reaches_the_log(
    app: Flask, client: FlaskClient, package: Any, log: io.StringIO
) -> None:
    app.config["PRODUCTION"] = True  # production never logs a reset link
    world: World = make_world(package)
    ask(world.cycle(1), world.team, world.leader)  # actions are agreed from the team's question
    db.session.commit()
    client.post("/login", data={"email": world.teacher.email, "password": "mit hemmelige gæt"})
    client.post("/glemt-adgangskode", data={"email": world.teacher.email})
    login(client, world.leader)
    free_text = "Forældrene til Emil kom ikke til mødet"
    saved = client.post(
        f"/skole/modul/{world.slug(1)}/aktion", data=action_data(world, what=free_text)
    )
    assert saved.status_code == 302
    lines = parsed(log)
    everything = log.getvalue()
    assert "mit hemmelige gæt" not in everything and PASSWORD not in everything
    assert "/nulstil/" not in everything and free_text not in everything
    # Production without mail issues no reset link at all (issue 16), so none can be logged.
    assert not any("Password reset link" in line["message"] for line in lines)


def test_an_exception_is_logged_by_type_and_stack_without_its_message() -> None:
    detail = "Key (email)=(anne@skole.dk) already exists"  # as a database error quotes a row
    try:
        raise ValueError(detail)
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["exception"] == "ValueError" and "test_logs.py" in line["stack"]
    assert "anne@skole.dk" not in line["stack"] + line["message"]
    assert "request_id" not in line  # outside a request


def test_json_logging_is_configured_once_and_only_when_asked(tmp_path: Any) -> None:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    try:
        for _ in range(2):
            app = create_app(make_test_config(f"sqlite:///{tmp_path / 'l.sqlite'}", LOG_JSON=True))
        added = [h for h in root.handlers if h not in before]
        assert len(added) == 1 and isinstance(added[0].formatter, JsonFormatter)
        app.config["LOG_JSON"] = False
        configure_logging(app)
        assert [h for h in root.handlers if h not in before] == added
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
        root.setLevel(level)
        with app.app_context():
            db.engine.dispose()


def test_a_request_that_never_started_is_passed_through(app: Flask) -> None:
    """The after-request hook of a request whose first hook did not run adds nothing."""
    from learningpack.web.observe import finish_request

    with app.test_request_context("/"):
        response = app.response_class("x")
        assert "X-Request-ID" not in finish_request(response).headers
