"""Single sign-on with OpenID Connect, at the HTTP level, against a real provider on 127.0.0.1.

The provider is oidc-provider-mock (discovery, JWKS, the code flow with PKCE and nonce,
RP-initiated logout); the app talks to it over real HTTP. Where it cannot produce a case (a token
for another client), a small provider of the test's own signs the ID token with a test key.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from learningpack.domain import accounts
from learningpack.extensions import db
from learningpack.models import OidcIdentity, Role
from tests.apps import (
    CraftedProvider,
    mock_openid_provider,
    oidc_app,
    refusal_reasons,
    set_provider_user,
    with_query,
)
from tests.apps import audit_events as events
from tests.apps import oidc_authorize as authorize
from tests.apps import oidc_sign_in as sign_in
from tests.apps import oidc_start as start
from tests.apps import provider_person as person
from tests.factories import SchoolFactory, make_leader, make_teacher
from tests.helpers import page_of


@pytest.fixture
def app(
    openid_provider: str, tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> Iterator[Flask]:
    """The app with the mock provider configured as "staff" (and any overrides)."""
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    options = getattr(request, "param", None)
    with oidc_app(openid_provider, tmp_path, options, database_url=url) as application:
        yield application


# --- signing in ---------------------------------------------------------------------------------


def test_login_page_offers_the_provider_and_the_password(client: FlaskClient) -> None:
    page = page_of(client.get("/login"))
    assert "Log ind med AarhusID" in page and 'href="/login/oidc/staff"' in page
    assert 'name="password"' in page


def test_the_authorization_request_has_state_nonce_and_pkce(client: FlaskClient) -> None:
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["learningpack"]
    assert query["state"][0] and query["nonce"][0]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert "openid" in query["scope"][0].split()


@pytest.mark.both_backends
def test_an_invited_teacher_signs_in_and_the_invitation_is_accepted(
    app: Flask, client: FlaskClient, openid_provider: str
) -> None:
    school = SchoolFactory()
    leader = make_leader(school)
    invited, _raw = accounts.invite(
        email="ny.laerer@aarhus.dk",
        name="Ny Lærer",
        role=Role.TEACHER,
        school=school,
        actor=leader,
        valid_for=timedelta(days=7),
    )
    db.session.commit()
    sub = person(openid_provider, invited)
    response = sign_in(client, sub)
    assert response.status_code == 302 and response.headers["Location"] == "/mine-aktioner/"
    assert "Mine aktioner" in page_of(client.get("/mine-aktioner/"))
    assert "har ingen adgangskode i Læringspakken" in page_of(client.get("/konto"))
    db.session.refresh(invited)
    assert invited.active and invited.last_login_at is not None
    link = db.session.scalar(select(OidcIdentity).where(OidcIdentity.user_id == invited.id))
    assert link is not None and link.provider == "staff" and link.subject == sub
    assert [e.detail["provider"] for e in events("oidc_linked")] == ["staff"]
    assert [e.actor_id for e in events("invitation_accepted")] == [invited.id]
    (signed_in,) = events("oidc_login")
    assert signed_in.actor_id == invited.id and signed_in.detail == {
        "provider": "staff",
        "mfa": False,
    }


def test_the_link_is_by_subject_after_the_first_time(
    client: FlaskClient, openid_provider: str
) -> None:
    teacher = make_teacher(SchoolFactory())
    db.session.commit()
    sub = person(openid_provider, teacher)
    assert sign_in(client, sub).status_code == 302
    client.post("/logout")
    # The provider now says another address: the link, not the e-mail, decides.
    set_provider_user(openid_provider, sub, {"email": "skiftet@aarhus.dk", "email_verified": True})
    response = sign_in(client, sub)
    assert response.headers["Location"] == "/mine-aktioner/"
    assert len(events("oidc_linked")) == 1 and len(events("oidc_login")) == 2


def test_an_uninvited_person_sees_the_danish_page_and_is_audited(
    client: FlaskClient, openid_provider: str
) -> None:
    set_provider_user(
        openid_provider, "sub-fremmed", {"email": "fremmed@aarhus.dk", "email_verified": True}
    )
    response = sign_in(client, "sub-fremmed")
    page = page_of(response)
    assert response.status_code == 403
    assert "Bed din leder om en invitation" in page and "Du har ikke en konto endnu" in page
    assert "fremmed@aarhus.dk" in page
    (event,) = events("oidc_refused")
    assert event.detail == {"provider": "staff", "reason": "unknown", "email": "fremmed@aarhus.dk"}
    assert db.session.scalar(select(OidcIdentity)) is None
    assert client.get("/mine-aktioner/").status_code == 302  # not signed in


def test_an_unverified_email_links_nothing(client: FlaskClient, openid_provider: str) -> None:
    teacher = make_teacher(SchoolFactory(), email="uverificeret@aarhus.dk")
    db.session.commit()
    sub = person(openid_provider, teacher, email_verified=False)
    response = sign_in(client, sub)
    assert response.status_code == 400
    assert "ikke bekræftet din e-mailadresse" in page_of(response)
    assert refusal_reasons() == ["email_unverified"]


@pytest.mark.parametrize(
    "app", [{"provider_settings": {"email_domains": "aarhus.dk"}}], indirect=True
)
def test_an_allow_listed_domain_counts_as_verified(
    client: FlaskClient, openid_provider: str
) -> None:
    teacher = make_teacher(SchoolFactory(), email="domaene@aarhus.dk")
    db.session.commit()
    sub = f"sub-{teacher.email}"
    set_provider_user(openid_provider, sub, {"email": teacher.email})  # no email_verified at all
    assert sign_in(client, sub).headers["Location"] == "/mine-aktioner/"
    other = make_teacher(SchoolFactory(), email="andet@eksempel.dk")
    db.session.commit()
    client.post("/logout")
    set_provider_user(openid_provider, "sub-andet", {"email": other.email})
    assert sign_in(client, "sub-andet").status_code == 400
    assert refusal_reasons() == ["email_unverified"]


@pytest.mark.parametrize("app", [{"provider_settings": {"roles": "puf"}}], indirect=True)
def test_a_provider_for_one_role_refuses_the_others(
    client: FlaskClient, openid_provider: str
) -> None:
    teacher = make_teacher(SchoolFactory())
    db.session.commit()
    response = sign_in(client, person(openid_provider, teacher))
    assert response.status_code == 403 and refusal_reasons() == ["role"]


@pytest.mark.both_backends
def test_deactivated_and_anonymised_users_cannot_sign_in(
    client: FlaskClient, openid_provider: str
) -> None:
    school = SchoolFactory()
    leader = make_leader(school)
    gone = make_teacher(school)
    leaving = make_teacher(school)
    db.session.commit()
    gone_sub, leaving_sub = person(openid_provider, gone), person(openid_provider, leaving)
    for sub in (gone_sub, leaving_sub):  # both linked first
        assert sign_in(client, sub).status_code == 302
        client.post("/logout")
    accounts.set_active(gone, False, leader)
    accounts.anonymise(leaving, leader)
    db.session.commit()
    assert db.session.scalar(select(OidcIdentity).where(OidcIdentity.user_id == leaving.id)) is None
    deactivated = sign_in(client, gone_sub)
    assert deactivated.status_code == 403 and "deaktiveret" in page_of(deactivated)
    # The anonymised account's link is gone and its address too: nobody to sign in as.
    assert sign_in(client, leaving_sub).status_code == 403
    assert refusal_reasons() == ["inactive", "unknown"]
    assert [e.actor_id for e in events("oidc_refused")] == [gone.id, None]
    assert client.get("/mine-aktioner/").status_code == 302


def test_a_deactivated_school_keeps_its_staff_out(
    client: FlaskClient, openid_provider: str
) -> None:
    school = SchoolFactory(active=False)
    teacher = make_teacher(school)
    db.session.commit()
    assert sign_in(client, person(openid_provider, teacher)).status_code == 403
    assert refusal_reasons() == ["inactive"]


def test_an_expired_invitation_is_refused(client: FlaskClient, openid_provider: str) -> None:
    school = SchoolFactory()
    invited, _raw = accounts.invite(
        email="sent@aarhus.dk",
        name="Sent",
        role=Role.TEACHER,
        school=school,
        actor=make_leader(school),
        valid_for=timedelta(seconds=-1),
    )
    db.session.commit()
    response = sign_in(client, person(openid_provider, invited))
    assert response.status_code == 400 and "invitation er udløbet" in page_of(response)
    assert refusal_reasons() == ["invitation_expired"]
    db.session.refresh(invited)
    assert not invited.active


# --- what the protocol checks refuse ------------------------------------------------------------


def test_a_tampered_state_is_refused(client: FlaskClient, openid_provider: str) -> None:
    teacher = make_teacher(SchoolFactory())
    db.session.commit()
    callback = authorize(start(client), person(openid_provider, teacher))
    response = client.get(with_query(callback, state="forfalsket"))
    assert response.status_code == 400 and "kunne ikke genkendes" in page_of(response)
    assert refusal_reasons() == ["state"]
    assert client.get("/mine-aktioner/").status_code == 302


def test_a_replayed_code_is_refused(client: FlaskClient, openid_provider: str) -> None:
    teacher = make_teacher(SchoolFactory())
    db.session.commit()
    callback = authorize(start(client), person(openid_provider, teacher))
    assert client.get(callback).status_code == 302
    client.post("/logout")
    # The same callback again: its state was used up with the first sign-in.
    assert client.get(callback).status_code == 400
    # The old code with a fresh state: the provider refuses to exchange it twice.
    fresh_state = parse_qs(urlsplit(start(client)).query)["state"][0]
    old_code = parse_qs(urlsplit(callback).query)["code"][0]
    response = client.get(with_query(callback, state=fresh_state, code=old_code))
    assert response.status_code == 400
    assert refusal_reasons() == ["state", "provider_error"]
    assert client.get("/mine-aktioner/").status_code == 302


def test_a_wrong_nonce_is_refused(client: FlaskClient, openid_provider: str) -> None:
    teacher = make_teacher(SchoolFactory())
    db.session.commit()
    # The provider is asked for another nonce than the app stored: the ID token carries it.
    url = with_query(start(client), nonce="en-anden-nonce")
    response = client.get(authorize(url, person(openid_provider, teacher)))
    assert response.status_code == 400 and "kunne ikke godkendes" in page_of(response)
    assert refusal_reasons() == ["token_invalid"]
    assert client.get("/mine-aktioner/").status_code == 302


@pytest.fixture
def crafted(tmp_path: Path) -> Iterator[tuple[CraftedProvider, FlaskClient]]:
    served = CraftedProvider()
    with oidc_app(served.url, tmp_path) as application:
        teacher = make_teacher(SchoolFactory(), email="craft@aarhus.dk")
        served.claims = {"email": teacher.email, "email_verified": True}
        db.session.commit()
        yield served, application.test_client()
    served.stop()


def crafted_sign_in(client: FlaskClient) -> Any:
    response = requests.get(start(client), allow_redirects=False, timeout=10)
    back = urlsplit(response.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def test_the_crafted_provider_signs_in_when_nothing_is_wrong(
    crafted: tuple[CraftedProvider, FlaskClient],
) -> None:
    _served, client = crafted
    assert crafted_sign_in(client).headers["Location"] == "/mine-aktioner/"


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"aud": "en-anden-klient"}, id="another-client"),
        pytest.param({"exp": 1_000_000_000, "iat": 999_999_000}, id="expired"),
        pytest.param({"iss": "https://falsk.example"}, id="another-issuer"),
        pytest.param({"nonce": "forkert"}, id="wrong-nonce"),
    ],
)
def test_a_token_the_app_must_not_accept_is_refused(
    crafted: tuple[CraftedProvider, FlaskClient], claims: dict[str, Any]
) -> None:
    served, client = crafted
    served.claims.update(claims)
    response = crafted_sign_in(client)
    assert response.status_code == 400
    assert refusal_reasons() == ["token_invalid"]
    assert client.get("/mine-aktioner/").status_code == 302


def test_an_answer_without_an_id_token_is_refused(
    crafted: tuple[CraftedProvider, FlaskClient],
) -> None:
    served, client = crafted
    served.with_id_token = False
    assert crafted_sign_in(client).status_code == 400
    assert refusal_reasons() == ["token_invalid"]


def test_a_provider_gone_before_the_code_exchange(
    crafted: tuple[CraftedProvider, FlaskClient],
) -> None:
    served, client = crafted
    response = requests.get(start(client), allow_redirects=False, timeout=10)
    back = urlsplit(response.headers["Location"])
    served.stop()
    answer = client.get(f"{back.path}?{back.query}")
    assert answer.status_code == 400 and "svarer ikke" in page_of(answer)
    assert refusal_reasons() == ["provider_unavailable"]


def test_an_expired_id_token_from_the_provider_is_refused(tmp_path: Path) -> None:
    expiring = mock_openid_provider(access_token_max_age=timedelta(minutes=-10))
    try:
        with oidc_app(expiring.url, tmp_path) as application:
            teacher = make_teacher(SchoolFactory())
            db.session.commit()
            response = sign_in(application.test_client(), person(expiring.url, teacher))
            assert response.status_code == 400
            assert refusal_reasons() == ["token_invalid"]
    finally:
        expiring.stop()


def test_a_cancelled_sign_in_and_an_unreachable_provider(
    client: FlaskClient, tmp_path: Path
) -> None:
    url = start(client)
    state = parse_qs(urlsplit(url).query)["state"][0]
    cancelled = client.get(f"/login/oidc/staff/svar?error=access_denied&state={state}")
    assert cancelled.status_code == 400 and "afbrød" in page_of(cancelled)
    with oidc_app("http://127.0.0.1:9", tmp_path / "ned") as down:
        response = down.test_client().get("/login/oidc/staff")
        assert response.status_code == 400 and "svarer ikke" in page_of(response)
        assert refusal_reasons() == ["provider_unavailable"]


def test_an_unknown_provider_is_not_found(client: FlaskClient) -> None:
    assert client.get("/login/oidc/ukendt").status_code == 404
    assert client.get("/login/oidc/ukendt/svar?code=x&state=y").status_code == 404


@pytest.mark.both_backends
def test_two_first_sign_ins_at_once_make_one_link(
    client: FlaskClient, openid_provider: str
) -> None:
    """Another request links the same person just before this one flushes: one link, signed in."""
    teacher = make_teacher(SchoolFactory())
    db.session.commit()
    sub = person(openid_provider, teacher)
    callback = authorize(start(client), sub)
    fired: list[bool] = []

    def other_request_links_first(session: Session, *_args: Any) -> None:
        if fired or not any(isinstance(o, OidcIdentity) for o in session.new):
            return
        fired.append(True)
        with db.engine.begin() as conn:
            conn.execute(
                insert(OidcIdentity).values(
                    provider="staff", subject=sub, user_id=teacher.id, created_at=datetime.now(UTC)
                )
            )

    event.listen(Session, "before_flush", other_request_links_first)
    try:
        response = client.get(callback)
    finally:
        event.remove(Session, "before_flush", other_request_links_first)
    assert fired and response.headers["Location"] == "/mine-aktioner/"
    assert len(db.session.scalars(select(OidcIdentity)).all()) == 1
    assert events("oidc_linked") == [] and len(events("oidc_login")) == 1


@pytest.mark.parametrize(
    ("asked", "landing"), [("/konto", "/konto"), ("https://ond.example/", "/mine-aktioner/")]
)
def test_the_page_asked_for_comes_after_sign_in_if_it_is_ours(
    client: FlaskClient, openid_provider: str, asked: str, landing: str
) -> None:
    teacher = make_teacher(SchoolFactory())
    db.session.commit()
    to_provider = client.get("/login/oidc/staff", query_string={"next": asked})
    callback = authorize(to_provider.headers["Location"], person(openid_provider, teacher))
    assert client.get(callback).headers["Location"] == landing
