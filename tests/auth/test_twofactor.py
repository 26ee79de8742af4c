"""TOTP two-factor sign-in: setup, the code step, drift, reuse, recovery codes, PUF forced."""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.domain import secretbox, twofactor
from learningpack.extensions import db
from learningpack.models import RecoveryCode, User
from tests.factories import PASSWORD, SchoolFactory, login, make_leader, make_puf, make_teacher

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# The app's TOTP clock is frozen in the middle of a 30-second step, so the codes a test computes
# and the step the app checks them against are the same whenever the suite runs (with the real
# clock, a step boundary between the two turned a drift of one step into two).
NOW = 1_800_000_015.0
assert NOW % twofactor.STEP_SECONDS == twofactor.STEP_SECONDS / 2


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(twofactor, "time", SimpleNamespace(time=lambda: NOW))
    yield


def code_at(offset_steps: int = 0, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(NOW + offset_steps * twofactor.STEP_SECONDS)


def with_totp(user: User) -> list[str]:
    user.totp_secret = secretbox.encrypt(SECRET)
    codes = twofactor.new_recovery_codes(user)
    db.session.commit()
    return codes


def test_setup_shows_secret_and_qr_and_needs_a_code(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    login(client, user)
    page = client.get("/konto/totrin").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)  # type: ignore[union-attr]
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    with client.session_transaction() as session:
        assert secret not in str(dict(session)), "the pending secret is not readable in the cookie"
    wrong = client.post("/konto/totrin", data={"code": "000000"})
    assert wrong.status_code == 400 and "Koden passer ikke" in wrong.get_data(as_text=True)
    db.session.refresh(user)
    assert user.totp_secret is None
    response = client.post("/konto/totrin", data={"code": code_at(secret=secret)})
    assert response.headers["Location"] == "/konto/totrin/gendannelseskoder"
    codes_page = client.get("/konto/totrin/gendannelseskoder").get_data(as_text=True)
    codes = re.findall(r"<code>([0-9a-f-]{14})</code>", codes_page)
    assert len(codes) == 10
    # Shown once only, and stored hashed.
    assert client.get("/konto/totrin/gendannelseskoder").status_code == 302
    stored = [r.code_hash for r in db.session.scalars(select(RecoveryCode))]
    assert len(stored) == 10 and not set(codes) & set(stored)
    db.session.refresh(user)
    assert user.totp_secret and secret not in user.totp_secret, "stored encrypted"
    assert secretbox.decrypt(user.totp_secret) == secret


def test_a_changed_key_refuses_codes_but_recovery_codes_still_work(
    app: Flask, client: FlaskClient
) -> None:
    user = make_teacher(SchoolFactory())
    codes = with_totp(user)
    app.config["TOTP_ENCRYPTION_KEY"] = "a-new-key-after-rotation-0123456789"
    _password_step(client, user)
    assert client.post("/login/kode", data={"code": code_at()}).status_code == 400
    assert client.post("/login/kode", data={"code": codes[0]}).status_code == 302


def _password_step(client: FlaskClient, user: User, next_: str = "") -> None:
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": next_}
    )
    assert response.headers["Location"] == "/login/kode"


def test_login_takes_two_steps_when_totp_is_on(client: FlaskClient) -> None:
    user = make_leader(SchoolFactory())
    with_totp(user)
    _password_step(client, user, "/skole/personale")
    assert client.get("/skole/").status_code == 302, "not logged in between the steps"
    response = client.post("/login/kode", data={"code": code_at()})
    assert response.headers["Location"] == "/skole/personale"
    assert client.get("/skole/").status_code == 200


def test_code_step_without_password_step_goes_back_to_login(client: FlaskClient) -> None:
    assert client.get("/login/kode").headers["Location"].startswith("/login")
    assert client.post("/login/kode", data={"code": "123456"}).status_code == 302


@pytest.mark.parametrize("drift", [-1, 1])
def test_one_step_of_clock_drift_is_accepted(client: FlaskClient, drift: int) -> None:
    user = make_teacher(SchoolFactory())
    with_totp(user)
    _password_step(client, user)
    assert client.post("/login/kode", data={"code": code_at(drift)}).status_code == 302


@pytest.mark.parametrize("drift", [-2, 2])
def test_two_steps_of_drift_are_refused(client: FlaskClient, drift: int) -> None:
    user = make_teacher(SchoolFactory())
    with_totp(user)
    _password_step(client, user)
    response = client.post("/login/kode", data={"code": code_at(drift)})
    assert response.status_code == 400
    assert "forkert eller allerede brugt" in response.get_data(as_text=True)


def test_a_code_cannot_be_used_twice(app: Flask) -> None:
    user = make_teacher(SchoolFactory())
    with_totp(user)
    code = code_at()
    first, second = app.test_client(), app.test_client()
    _password_step(first, user)
    assert first.post("/login/kode", data={"code": code}).status_code == 302
    _password_step(second, user)
    assert second.post("/login/kode", data={"code": code}).status_code == 400


def test_recovery_code_replaces_the_code_once(app: Flask) -> None:
    user = make_teacher(SchoolFactory())
    codes = with_totp(user)
    first, second = app.test_client(), app.test_client()
    _password_step(first, user)
    assert first.post("/login/kode", data={"code": codes[0].upper()}).status_code == 302
    _password_step(second, user)
    assert second.post("/login/kode", data={"code": codes[0]}).status_code == 400
    assert second.post("/login/kode", data={"code": codes[1]}).status_code == 302


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_wrong_codes_are_throttled_per_account(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    with_totp(user)
    _password_step(client, user)
    statuses = [client.post("/login/kode", data={"code": "000000"}).status_code for _ in range(6)]
    assert statuses[:5] == [400] * 5 and statuses[5] == 429


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_wrong_passwords_and_wrong_codes_count_together(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    with_totp(user)
    for _ in range(3):
        client.post("/login", data={"email": user.email, "password": "forkert"})
    _password_step(client, user)
    for _ in range(2):
        assert client.post("/login/kode", data={"code": "000000"}).status_code == 400
    assert client.post("/login/kode", data={"code": code_at()}).status_code == 429


def test_totp_can_be_turned_off_with_the_password(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    with_totp(user)
    _password_step(client, user)
    client.post("/login/kode", data={"code": code_at()})
    wrong = client.post("/konto/totrin/slaa-fra", data={"current_password": "forkert"})
    assert wrong.status_code == 400
    assert (
        client.post("/konto/totrin/slaa-fra", data={"current_password": PASSWORD}).status_code
        == 302
    )
    db.session.refresh(user)
    assert user.totp_secret is None
    assert db.session.scalar(select(RecoveryCode)) is None


@pytest.mark.parametrize("app", [{"REQUIRE_PUF_TOTP": True}], indirect=True)
def test_puf_without_totp_must_set_it_up_first(client: FlaskClient) -> None:
    puf = make_puf()
    login(client, puf)
    for path in ("/puf/", "/administration/skoler", "/konto"):
        response = client.get(path)
        assert response.headers["Location"] == "/konto/totrin", path
    page = client.get("/konto/totrin").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)  # type: ignore[union-attr]
    client.post("/konto/totrin", data={"code": code_at(secret=secret)})
    assert client.get("/puf/").status_code == 200
    # Required: PUF cannot turn it off.
    assert (
        client.post("/konto/totrin/slaa-fra", data={"current_password": PASSWORD}).status_code
        == 403
    )


def test_puf_totp_is_required_in_production() -> None:
    from learningpack.config import load_config

    config = load_config(
        {
            "LEARNINGPACK_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "TRUSTED_HOSTS": "a.dk",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            "REQUIRE_PUF_TOTP": "0",
        }
    )
    assert config["REQUIRE_PUF_TOTP"] is True
    assert load_config({})["REQUIRE_PUF_TOTP"] is False
    assert load_config({"REQUIRE_PUF_TOTP": "1"})["REQUIRE_PUF_TOTP"] is True
