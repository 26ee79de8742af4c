"""Rate limits, timing and start-up checks (issue 16, items 4, 5, 12 and 13)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.wrappers import Response

from learningpack import create_app
from learningpack.auth.limits import account_failures, account_key, counted_failures
from learningpack.config import ConfigError
from learningpack.extensions import db, limiter
from learningpack.models import AccountToken
from learningpack.ops.startup import check_production
from learningpack.web.access import public
from tests.apps import make_test_config
from tests.factories import SchoolFactory, make_teacher
from tests.helpers import count_queries

THROTTLED = [{"RATELIMIT_ENABLED": True}]

# --- item 4: a huge e-mail makes no huge key ---------------------------------------------------


@pytest.mark.parametrize("app", THROTTLED, indirect=True)
def test_a_huge_email_makes_no_huge_rate_limit_key(app: Flask, client: FlaskClient) -> None:
    huge = "a" * 1_900_000 + "@skole.dk"
    for path in ("/glemt-adgangskode", "/login"):
        response = client.post(path, data={"email": huge, "password": "forkert"})
        assert response.status_code < 500
    keys = list(limiter.storage.storage)  # type: ignore[attr-defined]
    assert keys, "the limiter counted the requests"
    assert max(len(key) for key in keys) < 160
    assert not [key for key in keys if "aaaa" in key or "@" in key], keys


def test_keys_from_input_are_hashed_and_bounded() -> None:
    assert account_key("A@Skole.dk ") == account_key("a@skole.dk")
    assert account_key("a" * 300) == account_key("b" * 300)  # one bucket for the impossible
    assert len(account_key("\ud800" + "x" * 10_000)) < 60  # a lone surrogate is no 500


# --- item 5: the same work for every address ---------------------------------------------------


def _hash_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import werkzeug.security

    calls: list[str] = []
    real = werkzeug.security.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        calls.append(pwhash[:6])
        return real(pwhash, password)

    monkeypatch.setattr("learningpack.auth.routes.check_password_hash", spy)
    monkeypatch.setattr("learningpack.models.people.check_password_hash", spy)
    return calls


@pytest.mark.parametrize("who", ["unknown", "invited, not accepted", "known, wrong password"])
def test_every_failed_login_costs_one_password_hash(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, who: str
) -> None:
    school = SchoolFactory()
    invited = make_teacher(school, email="inviteret@skole.dk", active=False, password_hash="")
    known = make_teacher(school, email="kendt@skole.dk")
    email = {"unknown": "ukendt@skole.dk", "known, wrong password": known.email}.get(
        who, invited.email
    )
    calls = _hash_checks(monkeypatch)
    response = client.post("/login", data={"email": email, "password": "forkert-kode"})
    assert response.status_code == 200
    assert len(calls) == 1, calls


def _writes(client: FlaskClient, email: str) -> list[str]:
    with count_queries() as statements:
        assert client.post("/glemt-adgangskode", data={"email": email}).status_code == 302
    return [
        " ".join(s.split()[:3]).replace('"', "")
        for s in statements
        if s.split()[0] in {"INSERT", "UPDATE", "DELETE"}
    ]


def test_forgot_password_does_the_same_writes_for_a_known_and_an_unknown_address(
    client: FlaskClient,
) -> None:
    user = make_teacher(SchoolFactory())
    db.session.commit()
    known, unknown = _writes(client, user.email), _writes(client, "ukendt@skole.dk")
    assert "UPDATE account_token SET" in unknown and "INSERT INTO audit_event" in unknown
    assert set(unknown) <= set(known) and len(known) - len(unknown) <= 1, (known, unknown)


class SlowSMTP:
    """An SMTP server that answers only when the test lets it."""

    release = threading.Event()
    sent: list[Any] = []  # noqa: RUF012 - shared on purpose, reset by the test

    def __init__(self, host: str, port: int, timeout: float) -> None:
        pass

    def __enter__(self) -> SlowSMTP:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def starttls(self) -> None:
        return None

    def send_message(self, message: Any) -> None:
        SlowSMTP.release.wait(10)
        SlowSMTP.sent.append(message)


def test_the_reset_mail_leaves_after_the_answer(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    SlowSMTP.release.clear()
    SlowSMTP.sent = []
    monkeypatch.setattr("smtplib.SMTP", SlowSMTP)
    app.config.update(MAIL_SERVER="smtp.test", MAIL_USE_TLS=False, MAIL_IN_BACKGROUND=True)
    user = make_teacher(SchoolFactory())
    db.session.commit()
    started = time.monotonic()
    assert client.post("/glemt-adgangskode", data={"email": user.email}).status_code == 302
    assert time.monotonic() - started < 5, "the answer waited for the mail server"
    assert SlowSMTP.sent == []
    SlowSMTP.release.set()
    deadline = time.monotonic() + 10
    while not SlowSMTP.sent and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(SlowSMTP.sent) == 1 and "/nulstil/" in SlowSMTP.sent[0].get_content()


# --- item 12: no live reset link in a production log -----------------------------------------


@pytest.mark.parametrize("app", [{"PRODUCTION": True}], indirect=True)
def test_production_without_mail_issues_no_reset_link(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    user = make_teacher(SchoolFactory())
    db.session.commit()
    with caplog.at_level(logging.DEBUG):
        response = client.post("/glemt-adgangskode", data={"email": user.email})
    assert response.status_code == 302
    assert db.session.scalar(select(AccountToken)) is None
    assert not [r for r in caplog.records if "/nulstil/" in r.getMessage()]


@pytest.mark.parametrize("app", [{"PRODUCTION": True}], indirect=True)
def test_production_says_at_start_up_that_reset_links_need_mail(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        check_production(app)
    assert any("MAIL_SERVER is not set" in r.getMessage() for r in caplog.records)
    app.config["MAIL_SERVER"] = "smtp.test"
    caplog.clear()
    check_production(app)
    assert not caplog.records


# --- item 13: atomic counting, no silent fallback -------------------------------------------


def _probe(app: Flask, decorate: Any) -> list[int]:
    """A login-like route whose every attempt fails; each attempt lets a "parallel" request in
    while it is being checked, as concurrent requests do."""
    calls: list[int] = []
    client = app.test_client()

    @decorate
    def probe() -> tuple[str, int]:
        calls.append(1)
        if len(calls) < 10:
            client.post("/probe")  # arrives while this attempt is still being checked
        return "forkert", 200

    app.add_url_rule("/probe", "probe", public(probe), methods=["POST"])
    client.post("/probe")
    return calls


@pytest.mark.parametrize("app", THROTTLED, indirect=True)
def test_parallel_failed_attempts_get_no_extra_try(app: Flask) -> None:
    calls = _probe(app, account_failures(lambda: account_key("x@skole.dk"), _failed))
    assert len(calls) == 5  # the limit, however the attempts overlap


def _failed(response: Response) -> bool:
    return response.status_code != 302


@pytest.mark.parametrize("app", THROTTLED, indirect=True)
@pytest.mark.parametrize("swallow", [False, True])
def test_a_failing_limiter_storage_fails_closed_unless_told_to_swallow(
    app: Flask, monkeypatch: pytest.MonkeyPatch, swallow: bool
) -> None:
    app.config["RATELIMIT_SWALLOW_ERRORS"] = swallow

    def broken(*args: Any, **kwargs: Any) -> bool:
        raise ConnectionError("redis is gone")

    monkeypatch.setattr(limiter.limiter, "hit", broken)
    app.add_url_rule(
        "/probe",
        "probe",
        public(counted_failures("5 per minute", lambda: "k", _failed)(lambda: ("nej", 200))),
        methods=["POST"],
    )
    status = app.test_client().post("/probe").status_code
    assert status == (200 if swallow else 503)


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "LEARNINGPACK_ENV": "production",
        "SECRET_KEY": "p" * 48,
        "TRUSTED_HOSTS": "laeringspakken.aarhus.dk",
    }.items():
        monkeypatch.setenv(name, value)
    yield


def test_production_refuses_to_start_when_the_limiter_storage_is_down(
    production_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:9/0")  # nothing listens
    config = make_test_config(f"sqlite:///{tmp_path / 'prod.sqlite'}")
    for name in ("TESTING", "SECRET_KEY", "RATELIMIT_ENABLED"):
        config.pop(name)
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        create_app(config)


def test_production_does_not_fall_back_to_memory_silently(production_env: None) -> None:
    from learningpack.config import load_config

    config = load_config(
        {
            "LEARNINGPACK_ENV": "production",
            "SECRET_KEY": "p" * 48,
            "TRUSTED_HOSTS": "a.dk",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        }
    )
    assert config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is False
    assert config["RATELIMIT_SWALLOW_ERRORS"] is False
