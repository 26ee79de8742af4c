"""The app under test: its configuration, throw-away PostgreSQL databases, the test client."""

from __future__ import annotations

import contextvars
import os
import secrets
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.ctx import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.datastructures import MultiDict

from learningpack.extensions import db


def make_test_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_IN_BACKGROUND": False,
        "SERVER_NAME": None,
        "LOG_JSON": False,  # the process's logging is pytest's (tests/ops/test_logs.py opts in)
    }
    config.update(overrides)
    return config


class PostgresDatabases:
    """Creates throw-away databases on the test server and drops them afterwards."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.created: list[str] = []

    def create(self) -> str:
        name = f"lp_test_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def with_page_token(kwargs: dict[str, Any]) -> None:
    """A form POST carries a one-time token, as the browser sends the token of the page it
    loaded: a fresh one is added when the test's data has none. A test of a POST without
    a token sends ``once=""`` (or data that is not a dict)."""
    data = kwargs.get("data")
    posting = kwargs.get("method", "GET").upper() == "POST"
    if posting and isinstance(data, dict) and "once" not in data:
        if isinstance(data, MultiDict):  # keeps every value of a many-valued field
            data = data.copy()
            data.add("once", secrets.token_urlsafe(24))
            kwargs["data"] = data
        else:
            kwargs["data"] = {**data, "once": secrets.token_urlsafe(24)}


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as they do in production.

    The test's own session is committed before each request (so the request sees the test's
    data) and expired after it (so the test sees what the request changed).
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        db.session.commit()
        with_page_token(kwargs)

        def in_fresh_context() -> Any:
            _cv_app.set(None)
            return super(IsolatedClient, self).open(*args, **kwargs)

        response = contextvars.copy_context().run(in_fresh_context)
        db.session.expire_all()
        return response


# Servers the tests start as separate processes (gunicorn), and the Redis they share.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_client() -> Any:
    """A client for the test database, or skip (fail with REQUIRE_REDIS=1) when unreachable."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
    except Exception as error:
        reason = f"Redis is not reachable at {REDIS_URL}: {error.__class__.__name__}"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, probe: str) -> None:
    """Poll ``probe`` (e.g. /healthz) until it answers 200; fail with the log's tail if the
    server exits or is not up within 40 s."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("gunicorn exited:\n" + log.read_text(encoding="utf-8")[-3000:])
        try:
            with urllib.request.urlopen(f"{url}{probe}", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{probe} did not answer 200 within 40 s:\n" + log.read_text()[-3000:])


# --- OpenID providers for the single sign-on tests -------------------------------------------


class ServedApp:
    """A WSGI app served on 127.0.0.1 on a free port, in a thread."""

    def __init__(self, wsgi: Any) -> None:
        import threading

        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()


def mock_openid_provider(**options: Any) -> ServedApp:
    """oidc-provider-mock, a real OpenID provider (discovery, JWKS, code flow with PKCE and
    nonce, RP-initiated logout). Its issuer is the served URL."""
    import oidc_provider_mock

    return ServedApp(oidc_provider_mock.app(require_nonce=True, **options))


def set_provider_user(issuer: str, sub: str, claims: dict[str, Any]) -> None:
    """The claims the mock provider puts in the ID token of ``sub``."""
    from urllib.parse import quote

    import requests

    response = requests.put(f"{issuer}/users/{quote(sub)}", json=claims, timeout=10)
    assert response.status_code == 204, response.text


def oidc_settings(issuer: str, name: str = "staff", **extra: str) -> dict[str, Any]:
    """App settings with one provider, read from environment variables as in production."""
    from learningpack.config import oidc_providers

    prefix = f"OIDC_{name.upper()}_"
    env = {
        "OIDC_PROVIDERS": name,
        f"{prefix}ISSUER": issuer,
        f"{prefix}CLIENT_ID": "learningpack",
        f"{prefix}CLIENT_SECRET": "hemmelig-klientnoegle",
        f"{prefix}LABEL": "Log ind med AarhusID",
    }
    env.update({f"{prefix}{key.upper()}": value for key, value in extra.items()})
    return {"OIDC_PROVIDERS": oidc_providers(env)}


class CraftedProvider:
    """A small OpenID provider whose ID tokens the test writes (signed by a test key served
    from its JWKS): for the cases a real provider will not produce, e.g. another client's
    audience. ``claims`` is merged into the next token; the nonce is the one asked for."""

    def __init__(self) -> None:
        from flask import Flask, jsonify, redirect, request
        from joserfc import jwt
        from joserfc.jwk import RSAKey

        key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.claims: dict[str, Any] = {}
        self.with_id_token = True
        codes: dict[str, str] = {}
        app = Flask("crafted_provider")
        self.served = ServedApp(app)
        issuer = self.url = self.served.url

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            return jsonify(
                issuer=issuer,
                authorization_endpoint=f"{issuer}/authorize",
                token_endpoint=f"{issuer}/token",
                jwks_uri=f"{issuer}/jwks",
                id_token_signing_alg_values_supported=["RS256"],
                response_types_supported=["code"],
                subject_types_supported=["public"],
            )

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify(keys=[key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize() -> Any:
            code = uuid.uuid4().hex
            codes[code] = request.args.get("nonce", "")
            target = request.args["redirect_uri"]
            return redirect(f"{target}?code={code}&state={request.args['state']}")

        @app.post("/token")
        def token() -> Any:
            import time

            nonce = codes.pop(request.form.get("code", ""), None)
            if nonce is None:
                return jsonify(error="invalid_grant"), 400
            now = int(time.time())
            claims = {
                "iss": issuer,
                "sub": "crafted-subject",
                "aud": "learningpack",
                "iat": now,
                "exp": now + 300,
                "nonce": nonce,
                **self.claims,
            }
            answer: dict[str, Any] = {
                "access_token": "crafted",
                "token_type": "Bearer",
                "expires_in": 300,
            }
            if self.with_id_token:
                answer["id_token"] = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)
            return jsonify(answer)

    def stop(self) -> None:
        self.served.stop()


@contextmanager
def oidc_app(
    issuer: str,
    tmp_path: Path,
    options: dict[str, Any] | None = None,
    database_url: str | None = None,
) -> Iterator[Flask]:
    """An app (SQLite unless ``database_url``; empty tables) with ``issuer`` as its provider
    "staff"; ``options`` are config overrides, with ``provider_settings`` for the provider's own
    (e.g. email_domains)."""
    from learningpack import create_app

    options = dict(options or {})
    extra = options.pop("provider_settings", {})
    url = database_url or f"sqlite:///{tmp_path / 'oidc.sqlite'}"
    application = create_app(make_test_config(url, **oidc_settings(issuer, **extra), **options))
    application.test_client_class = IsolatedClient
    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        if database_url:  # a shared PostgreSQL database: empty it for the next test
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


def with_query(url: str, **changes: str) -> str:
    """The URL with some query parameters replaced."""
    from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def oidc_start(client: FlaskClient, name: str = "staff") -> str:
    """Begin signing in: the provider's authorization URL the app sends the browser to."""
    response = client.get(f"/login/oidc/{name}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return str(response.headers["Location"])


def oidc_authorize(authorization_url: str, sub: str) -> str:
    """The person signs in at the mock provider: the app's callback (path and query) comes
    back."""
    from urllib.parse import urlsplit

    import requests

    response = requests.post(
        authorization_url, data={"sub": sub}, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text
    back = urlsplit(response.headers["Location"])
    return f"{back.path}?{back.query}"


def oidc_sign_in(client: FlaskClient, sub: str, name: str = "staff") -> Any:
    """The whole round trip: app → provider → app; the app's last response."""
    return client.get(oidc_authorize(oidc_start(client, name), sub))


def provider_person(issuer: str, user: Any, **claims: Any) -> str:
    """The user's person at the mock provider, verified e-mail by default; returns the sub."""
    sub = f"sub-{user.email}"
    set_provider_user(issuer, sub, {"email": user.email, "email_verified": True, **claims})
    return sub


def audit_events(verb: str) -> list[Any]:
    from sqlalchemy import select

    from learningpack.models import AuditEvent

    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.verb == verb)))


def refusal_reasons() -> list[str]:
    """The reasons of the refused single sign-ons, in order."""
    return [str(e.detail["reason"]) for e in audit_events("oidc_refused")]


# --- A real SMTP server for the reminder e-mails ------------------------------------------------


class SmtpSink:
    """An SMTP server (aiosmtpd) on a free port that keeps every message it accepts; ``refuse``
    set to a reply such as "451 Try again later" makes it refuse every message instead."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list[Any] = []
        self.refused = 0
        self.refuse = ""
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        from email import policy

        if self.refuse:
            self.refused += 1
            return self.refuse
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=policy.default)
        )
        return "250 OK"

    def config(self) -> dict[str, Any]:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False}

    def stop(self) -> None:
        self.controller.stop()
