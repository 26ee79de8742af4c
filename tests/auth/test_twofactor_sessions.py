"""Turning on two-factor (issue 16, items 8 and 9): the recovery codes never travel readable in
the session cookie, and every other session of the account ends."""

from __future__ import annotations

import re

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import SchoolFactory, login, make_teacher


def _turn_on(client: FlaskClient) -> list[str]:
    page = client.get("/konto/totrin").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)  # type: ignore[union-attr]
    response = client.post("/konto/totrin", data={"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"] == "/konto/totrin/gendannelseskoder"
    with client.session_transaction() as session:
        cookie = str(dict(session))
    page = client.get("/konto/totrin/gendannelseskoder").get_data(as_text=True)
    codes = re.findall(r"<code>([0-9a-f-]{14})</code>", page)
    assert len(codes) == 10
    return [cookie, *codes]


def test_recovery_codes_never_travel_readable_in_the_cookie(client: FlaskClient) -> None:
    login(client, make_teacher(SchoolFactory()))
    cookie, *codes = _turn_on(client)
    for code in codes:
        assert code not in cookie and code.replace("-", "") not in cookie
    assert client.get("/konto/totrin/gendannelseskoder").status_code == 302  # shown once


def test_turning_on_two_factor_ends_the_other_sessions(app: Flask, client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    elsewhere = app.test_client()
    login(elsewhere, user)
    login(client, user)
    assert elsewhere.get("/konto").status_code == 200
    _turn_on(client)
    assert elsewhere.get("/konto").status_code == 302, "the other session ended"
    assert client.get("/konto").status_code == 200, "this one goes on"
