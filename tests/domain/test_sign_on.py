"""The sign-on rules without a provider: who a checked identity is, and who may not come in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from learningpack.config import OidcProvider
from learningpack.domain import accounts, sign_on
from learningpack.extensions import db
from learningpack.models import OidcIdentity, Role, User
from tests.factories import SchoolFactory, make_leader, make_puf, make_teacher

STAFF = OidcProvider(name="staff", issuer="https://idp", client_id="c", client_secret="s")


def identity(subject: str = "sub-1", email: str = "", **extra: Any) -> sign_on.Identity:
    values: dict[str, Any] = {
        "provider": "staff",
        "subject": subject,
        "email": email,
        "email_verified": True,
        "amr": (),
        "acr": "",
    }
    values.update(extra)
    return sign_on.Identity(**values)


def refused_code(provider: OidcProvider, who: sign_on.Identity) -> str:
    with pytest.raises(sign_on.SignOnRefused) as refused:
        sign_on.sign_on(provider, who)
    return refused.value.codes[0]


def link(user: User, subject: str) -> None:
    db.session.add(OidcIdentity(provider="staff", subject=subject, user_id=user.id))
    db.session.flush()


def test_an_identity_without_subject_or_email_is_refused(app: Flask) -> None:
    assert refused_code(STAFF, identity(subject="")) == "no_subject"
    assert refused_code(STAFF, identity(email="")) == "no_email"


def test_a_linked_but_anonymised_account_is_refused(app: Flask) -> None:
    teacher = make_teacher(SchoolFactory())
    link(teacher, "sub-a")
    teacher.anonymised_at = datetime.now(UTC)
    assert refused_code(STAFF, identity("sub-a")) == "anonymised"


def test_a_provider_for_puf_refuses_a_linked_teacher(app: Flask) -> None:
    teacher = make_teacher(SchoolFactory())
    link(teacher, "sub-t")
    puf_only = OidcProvider(**{**STAFF.__dict__, "roles": ("puf",)})
    assert refused_code(puf_only, identity("sub-t")) == "role"
    make_puf(email="puf@aarhus.dk")
    assert sign_on.sign_on(puf_only, identity("sub-p", "puf@aarhus.dk")).role == Role.PUF


def test_an_account_linked_to_another_person_is_not_linked_again(app: Flask) -> None:
    teacher = make_teacher(SchoolFactory(), email="lærer@aarhus.dk")
    link(teacher, "sub-first")
    assert refused_code(STAFF, identity("sub-second", "lærer@aarhus.dk")) == "linked_elsewhere"


def test_an_invitation_to_a_deactivated_school_is_refused(app: Flask) -> None:
    school = SchoolFactory()
    invited, _raw = accounts.invite(
        email="inviteret@aarhus.dk",
        name="Inviteret",
        role=Role.TEACHER,
        school=school,
        actor=make_leader(school),
        valid_for=timedelta(days=7),
    )
    school.active = False
    assert refused_code(STAFF, identity("sub-i", "inviteret@aarhus.dk")) == "inactive"
    assert not invited.active


def test_a_deactivated_linked_account_without_password_stays_out(app: Flask) -> None:
    """Signed up through the provider (no password), later deactivated: not 'invited' again."""
    teacher = make_teacher(SchoolFactory(), email="kun-sso@aarhus.dk", password_hash="")
    link(teacher, "sub-k")
    teacher.active = False
    assert refused_code(STAFF, identity("sub-k")) == "inactive"
    assert refused_code(STAFF, identity("sub-new", "kun-sso@aarhus.dk")) == "inactive"


def test_password_sign_in_is_off_only_for_linked_users_where_chosen(app: Flask) -> None:
    school = SchoolFactory()
    linked, unlinked = make_teacher(school), make_teacher(school)
    link(linked, "sub-l")
    assert sign_on.password_login_allowed(linked, off_for_linked=False)
    assert not sign_on.password_login_allowed(linked, off_for_linked=True)
    assert sign_on.password_login_allowed(unlinked, off_for_linked=True)
    school.password_off_for_linked = True
    assert not sign_on.password_login_allowed(linked, off_for_linked=False)
    assert sign_on.password_login_allowed(unlinked, off_for_linked=False)
    assert sign_on.password_login_allowed(make_puf(), off_for_linked=False)
