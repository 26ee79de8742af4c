"""Single sign-on around the session: PUF's second factor, logout at the provider, password
sign-in turned off for linked users, the settings, the account and audit pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from learningpack.config import ConfigError, OidcProvider, oidc_providers
from learningpack.domain import secretbox, sign_on
from learningpack.extensions import db
from learningpack.models import User
from tests.apps import (
    CraftedProvider,
    audit_events,
    oidc_app,
    oidc_sign_in,
    provider_person,
    set_provider_user,
)
from tests.factories import SchoolFactory, login, make_leader, make_puf, make_teacher
from tests.helpers import page_of

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def app(openid_provider: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    with oidc_app(openid_provider, tmp_path, getattr(request, "param", None)) as application:
        yield application


def with_totp(user: User) -> None:
    user.totp_secret = secretbox.encrypt(SECRET)
    db.session.commit()


# --- PUF's second factor ----------------------------------------------------------------------


def test_puf_without_mfa_in_the_claims_gets_the_code_step(
    client: FlaskClient, openid_provider: str
) -> None:
    puf = make_puf()
    with_totp(puf)
    response = oidc_sign_in(client, provider_person(openid_provider, puf, amr=["pwd"]))
    assert response.headers["Location"] == "/login/kode"
    assert client.get("/puf/").status_code == 302  # not signed in yet
    done = client.post("/login/kode", data={"code": pyotp.TOTP(SECRET).now()})
    assert done.headers["Location"] == "/puf/"
    (event,) = audit_events("oidc_login")
    assert event.detail == {"provider": "staff", "mfa": False}
    # Signed in through the provider: logging out goes there too.
    assert client.post("/logout").headers["Location"].startswith(openid_provider)


def test_puf_with_mfa_in_the_claims_goes_straight_in(
    client: FlaskClient, openid_provider: str
) -> None:
    puf = make_puf()
    with_totp(puf)
    response = oidc_sign_in(client, provider_person(openid_provider, puf, amr=["pwd", "mfa"]))
    assert response.headers["Location"] == "/puf/"
    assert client.get("/puf/").status_code == 200
    assert audit_events("oidc_login")[0].detail == {"provider": "staff", "mfa": True}


@pytest.mark.parametrize("app", [{"REQUIRE_PUF_TOTP": True}], indirect=True)
def test_required_totp_is_set_up_unless_the_provider_did_mfa(
    client: FlaskClient, openid_provider: str
) -> None:
    with_mfa, without = make_puf(), make_puf()
    db.session.commit()
    oidc_sign_in(client, provider_person(openid_provider, with_mfa, amr=["mfa"]))
    assert client.get("/puf/").status_code == 200
    client.post("/logout")
    oidc_sign_in(client, provider_person(openid_provider, without))
    response = client.get("/puf/")
    assert response.status_code == 302 and response.headers["Location"] == "/konto/totrin"


@pytest.mark.parametrize(
    "app", [{"provider_settings": {"mfa_acr": "urn:aarhus:loa:substantial"}}], indirect=True
)
def test_an_acr_value_can_stand_for_mfa(client: FlaskClient, openid_provider: str) -> None:
    puf = make_puf()
    with_totp(puf)
    sub = provider_person(openid_provider, puf, acr="urn:aarhus:loa:substantial")
    assert oidc_sign_in(client, sub).headers["Location"] == "/puf/"


# --- logout -----------------------------------------------------------------------------------


def test_logout_ends_the_session_here_and_at_the_provider(
    client: FlaskClient, openid_provider: str
) -> None:
    teacher = make_teacher(SchoolFactory())
    db.session.commit()
    oidc_sign_in(client, provider_person(openid_provider, teacher))
    version = teacher.session_version
    with client.session_transaction() as session:
        stolen = dict(session)
    response = client.post("/logout")
    target = urlsplit(response.headers["Location"])
    assert f"{target.scheme}://{target.netloc}" == openid_provider
    query = parse_qs(target.query)
    assert query["client_id"] == ["learningpack"]
    assert query["post_logout_redirect_uri"] == ["http://localhost/login"]
    assert query["id_token_hint"][0].count(".") == 2
    # The provider's logout page answers; the app's session is over, server-side too.
    assert requests.get(response.headers["Location"], timeout=10).status_code == 200
    db.session.refresh(teacher)
    assert teacher.session_version == version + 1
    with client.session_transaction() as session:
        session.update(stolen)
    assert client.get("/mine-aktioner/").status_code == 302
    assert [e.actor_id for e in audit_events("logout")] == [teacher.id]


def test_a_password_login_logs_out_here_only(client: FlaskClient) -> None:
    teacher = make_teacher(SchoolFactory())
    login(client, teacher)
    assert client.post("/logout").headers["Location"] == "/login"


def test_without_an_end_session_endpoint_logout_stays_here(tmp_path: Path) -> None:
    served = CraftedProvider()
    try:
        with oidc_app(served.url, tmp_path) as application:
            teacher = make_teacher(SchoolFactory(), email="uden-logout@aarhus.dk")
            served.claims = {"email": teacher.email, "email_verified": True}
            db.session.commit()
            client = application.test_client()
            to_provider = client.get("/login/oidc/staff").headers["Location"]
            back = urlsplit(
                requests.get(to_provider, allow_redirects=False, timeout=10).headers["Location"]
            )
            assert client.get(f"{back.path}?{back.query}").status_code == 302
            assert client.post("/logout").headers["Location"] == "/login"
    finally:
        served.stop()


def test_the_csp_lets_forms_lead_to_the_provider(client: FlaskClient, openid_provider: str) -> None:
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert f"form-action 'self' {openid_provider};" in csp


# --- password sign-in off for linked users ----------------------------------------------------


def linked_teacher(client: FlaskClient, issuer: str, **kwargs: Any) -> User:
    teacher = make_teacher(kwargs.pop("school", None) or SchoolFactory(), **kwargs)
    db.session.commit()
    oidc_sign_in(client, provider_person(issuer, teacher))
    client.post("/logout")
    return teacher


@pytest.mark.parametrize("app", [{"OIDC_DISABLE_PASSWORD_FOR_LINKED": True}], indirect=True)
def test_the_deployment_turns_passwords_off_for_linked_users(
    client: FlaskClient, openid_provider: str
) -> None:
    linked = linked_teacher(client, openid_provider)
    response = login(client, linked)
    assert response.status_code == 200
    assert "Din konto logger ind med kommunens login" in page_of(response)
    assert audit_events("login_failed")[0].detail["reason"] == "password_off"
    unlinked = make_teacher(SchoolFactory())
    assert login(client, unlinked).status_code == 302


def test_a_leader_turns_passwords_off_for_the_schools_linked_staff(
    client: FlaskClient, openid_provider: str
) -> None:
    school = SchoolFactory()
    leader = make_leader(school)
    linked = linked_teacher(client, openid_provider, school=school)
    elsewhere = linked_teacher(client, openid_provider)
    login(client, leader)
    page = page_of(client.get("/log-ind/indstillinger"))
    assert "kan ikke logge ind med adgangskode" in page
    response = client.post("/log-ind/indstillinger", data={"password_off": "y"})
    assert response.headers["Location"] == "/log-ind/indstillinger"
    db.session.refresh(school)
    assert school.password_off_for_linked
    (event,) = audit_events("sign_in_setting_changed")
    assert event.actor_id == leader.id and event.detail == {"password_off_for_linked": True}
    client.post("/logout")
    assert login(client, linked).status_code == 200
    assert login(client, elsewhere).status_code == 302
    assert login(client, leader).status_code == 302  # the leader has no link
    # Saving the same choice again changes (and audits) nothing.
    client.post("/log-ind/indstillinger", data={"password_off": "y"})
    assert len(audit_events("sign_in_setting_changed")) == 1


@pytest.mark.parametrize("app", [{"OIDC_DISABLE_PASSWORD_FOR_LINKED": True}], indirect=True)
def test_the_settings_page_says_when_the_deployment_decided(client: FlaskClient) -> None:
    login(client, make_leader(SchoolFactory()))
    page = page_of(client.get("/log-ind/indstillinger"))
    assert "altid slået fra" in page and 'name="password_off"' not in page


def test_the_account_page_shows_the_link(client: FlaskClient, openid_provider: str) -> None:
    teacher = make_teacher(SchoolFactory())
    login(client, teacher)
    assert "Du har ikke logget ind med kommunens login endnu" in page_of(client.get("/konto"))
    client.post("/logout")
    oidc_sign_in(client, provider_person(openid_provider, teacher))
    page = page_of(client.get("/konto"))
    assert "Din konto er koblet til kommunens login" in page and "Log ind med AarhusID" in page


def test_the_audit_log_words_sign_on_events_in_danish(
    client: FlaskClient, openid_provider: str
) -> None:
    teacher = make_teacher(SchoolFactory())
    db.session.commit()
    oidc_sign_in(client, provider_person(openid_provider, teacher))
    client.post("/logout")
    set_provider_user(
        openid_provider, "sub-ingen", {"email": "ingen@aarhus.dk", "email_verified": True}
    )
    oidc_sign_in(client, "sub-ingen")
    login(client, make_puf())
    page = page_of(client.get("/puf/revisionslog/"))
    for words in (
        "Logget ind med kommunens login",
        "Kommunens login koblet til kontoen",
        "Log ind med kommunens login afvist",
        "ingen invitation",
        "udbyder",
    ):
        assert words in page, words


# --- settings ---------------------------------------------------------------------------------


def test_without_settings_there_is_no_provider() -> None:
    assert oidc_providers({}) == []


def test_the_single_provider_form() -> None:
    (provider,) = oidc_providers(
        {
            "OIDC_ISSUER": "https://login.microsoftonline.com/tenant/v2.0",
            "OIDC_CLIENT_ID": "app",
            "OIDC_CLIENT_SECRET": "s",
            "OIDC_EMAIL_DOMAINS": "@aarhus.dk, aarhuskommune.dk",
            "OIDC_EMAIL_CLAIM": "preferred_username",
        },
        production=True,
    )
    assert provider == OidcProvider(
        name="default",
        issuer="https://login.microsoftonline.com/tenant/v2.0",
        client_id="app",
        client_secret="s",
        email_claim="preferred_username",
        email_domains=("aarhus.dk", "aarhuskommune.dk"),
    )
    assert provider.metadata_url.endswith("/v2.0/.well-known/openid-configuration")


def test_several_providers_each_with_their_own_settings() -> None:
    env = {"OIDC_PROVIDERS": "staff, puf-mfa"}
    for prefix in ("OIDC_STAFF_", "OIDC_PUF_MFA_"):
        env.update({f"{prefix}ISSUER": "https://idp", f"{prefix}CLIENT_ID": "c"})
        env[f"{prefix}CLIENT_SECRET"] = "s"
    env.update({"OIDC_PUF_MFA_ROLES": "puf", "OIDC_PUF_MFA_MFA_AMR": "mfa,hwk"})
    staff, puf = oidc_providers(env)
    assert (staff.name, staff.roles, staff.mfa_amr) == ("staff", (), ("mfa",))
    assert (puf.name, puf.roles, puf.mfa_amr) == ("puf-mfa", ("puf",), ("mfa", "hwk"))


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OIDC_ISSUER": "https://idp", "OIDC_CLIENT_SECRET": "s"}, "OIDC_CLIENT_ID"),
        ({"OIDC_PROVIDERS": "Staff!"}, "not a usable provider name"),
        ({"OIDC_PROVIDERS": "a,a"}, "not a usable provider name"),
        (
            {"OIDC_ISSUER": "http://idp", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s"},
            "https",
        ),
        (
            {
                "OIDC_ISSUER": "https://idp",
                "OIDC_CLIENT_ID": "c",
                "OIDC_CLIENT_SECRET": "s",
                "OIDC_ROLES": "admin",
            },
            "unknown roles",
        ),
    ],
)
def test_unusable_settings_stop_the_start(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        oidc_providers(env, production=True)


def test_the_claims_are_read_carefully() -> None:
    provider = OidcProvider(name="p", issuer="https://idp", client_id="c", client_secret="s")
    identity = sign_on.identity_from_claims(
        provider, {"sub": "x", "email": " A@B.dk ", "email_verified": "true", "amr": "mfa"}
    )
    assert identity.email == "a@b.dk" and identity.email_verified and identity.amr == ("mfa",)
    assert sign_on.mfa_satisfied(provider, identity)
    bare = sign_on.identity_from_claims(provider, {"sub": "y", "email": 7})
    assert bare.email == "" and not sign_on.email_trusted(provider, bare)
    assert not sign_on.mfa_satisfied(provider, bare)


def test_logout_when_the_provider_cannot_be_asked(tmp_path: Path, openid_provider: str) -> None:
    """Signed in on one worker; another, whose provider does not answer, handles the logout:
    the session ends here all the same."""
    with oidc_app(openid_provider, tmp_path) as first:
        client = first.test_client()
        teacher = make_teacher(SchoolFactory())
        db.session.commit()
        oidc_sign_in(client, provider_person(openid_provider, teacher))
        cookie = client.get_cookie("session")
        assert cookie is not None
        with oidc_app("http://127.0.0.1:9", tmp_path) as second:
            other = second.test_client()
            other.set_cookie("session", cookie.value, domain="localhost")
            assert other.get("/mine-aktioner/").status_code == 200
            assert other.post("/logout").headers["Location"] == "/login"
        assert client.get("/mine-aktioner/").status_code == 302
