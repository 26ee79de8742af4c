"""/metrics in one process (ops/metrics.py): the token, the text format, what is counted.

Several gunicorn workers adding up (multiprocess mode) is shown in test_production.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from learningpack.ops import metrics
from tests.factories import login, make_puf
from tests.world import World, make_world

TOKEN = "metrics-test-token-0123456789"
WITH_TOKEN = {"METRICS_TOKEN": TOKEN}


def scrape(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return {f.name: f for f in text_string_to_metric_families(response.get_data(as_text=True))}


def value(families: dict[str, Any], family: str, sample: str, **labels: str) -> float:
    return sum(
        s.value
        for s in families[family].samples
        if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_metrics_are_off_without_a_token(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize("app", [WITH_TOKEN], indirect=True)
def test_metrics_need_the_bearer_token(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"
    assert "learningpack_http_requests" in scrape(client)


@pytest.mark.parametrize("app", [WITH_TOKEN], indirect=True)
def test_requests_and_their_sql_are_counted_by_endpoint(
    app: Flask, client: FlaskClient, package: Any
) -> None:
    world: World = make_world(package)
    login(client, world.leader)
    before = scrape(client)
    assert client.get("/skole/").status_code == 200
    assert client.get("/ingen-side").status_code == 404
    after = scrape(client)

    def delta(family: str, sample: str, **labels: str) -> float:
        return value(after, family, sample, **labels) - value(before, family, sample, **labels)

    requests = "learningpack_http_requests"
    assert delta(requests, f"{requests}_total", endpoint="school.home", status="200") == 1
    assert delta(requests, f"{requests}_total", endpoint="none", status="404") == 1
    latency = "learningpack_http_request_duration_seconds"
    assert delta(latency, f"{latency}_count", endpoint="school.home", status="200") == 1
    queries = "learningpack_db_queries_per_request"
    assert delta(queries, f"{queries}_count", endpoint="school.home") == 1
    assert 1 <= delta(queries, f"{queries}_sum", endpoint="school.home") <= 8  # DESIGN §8
    seconds = "learningpack_db_seconds_per_request"
    assert delta(seconds, f"{seconds}_sum", endpoint="school.home") > 0


@pytest.mark.parametrize("app", [WITH_TOKEN], indirect=True)
def test_failed_logins_are_counted(app: Flask, client: FlaskClient) -> None:
    leader = make_puf()
    family = "learningpack_login_failures"
    before = value(scrape(client), family, f"{family}_total", step="password")
    client.post("/login", data={"email": leader.email, "password": "forkert kodeord"})
    assert value(scrape(client), family, f"{family}_total", step="password") == before + 1


@pytest.mark.parametrize(
    "app", [{**WITH_TOKEN, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "1 per minute"}],
    indirect=True,
)  # fmt: skip
def test_throttled_logins_are_counted(app: Flask, client: FlaskClient) -> None:
    family = "learningpack_rate_limited"
    before = value(scrape(client), family, f"{family}_total", endpoint="auth.login")
    for _ in range(2):
        answer = client.post("/login", data={"email": "x@skole.dk", "password": "forkert"})
    assert answer.status_code == 429
    assert value(scrape(client), family, f"{family}_total", endpoint="auth.login") == before + 1


def test_multiprocess_mode_reads_the_workers_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With PROMETHEUS_MULTIPROC_DIR the scrape adds up the folder's files (here: none yet), and
    a dead worker's files are let go."""
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    assert list(text_string_to_metric_families(metrics.exposition().decode())) == []
    metrics.worker_exited(123456)
    monkeypatch.delenv(metrics.MULTIPROC_ENV)
    metrics.worker_exited(123456)  # nothing to do in one process
    assert "learningpack_http_requests" in metrics.exposition().decode()
