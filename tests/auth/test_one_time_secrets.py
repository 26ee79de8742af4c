"""One-time secrets sent twice at the same moment are used once (issue 16, item 7).

Two real connections on PostgreSQL: both sides find the secret valid before a barrier, then
both use it. Without an atomic consumption both succeed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from learningpack.domain import accounts, twofactor
from learningpack.extensions import db
from learningpack.models import AccountToken, AuditEvent, Role, TokenKind, User
from tests.factories import SchoolFactory, make_leader, make_teacher
from tests.helpers import run_in_threads

pytestmark = pytest.mark.postgres

PASSWORDS = {"A": "Forste-lange-kodeord-81", "B": "Andet-lange-kodeord-92"}


def _outcomes(results: dict[str, object]) -> list[str]:
    return sorted(r if isinstance(r, str) else ",".join(r.codes) for r in results.values())  # type: ignore[attr-defined]


def _link_race(app: Flask, kind: TokenKind) -> dict[str, object]:
    school = SchoolFactory()
    if kind == TokenKind.INVITE:
        user, raw = accounts.invite(
            email="ny@skole.dk",
            name="Ny",
            role=Role.TEACHER,
            school=school,
            actor=make_leader(school),
            valid_for=timedelta(days=1),
        )
    else:
        user = make_teacher(school, email="ny@skole.dk")
        found = accounts.request_reset(user.email, timedelta(hours=1))
        assert found is not None
        raw = found[1]
    db.session.commit()
    barrier = threading.Barrier(2)

    def side(name: str) -> Callable[[], str]:
        def target() -> str:
            token = accounts.find_token(raw, kind)  # both find the link unused
            barrier.wait(timeout=10)
            if kind == TokenKind.INVITE:
                accounts.accept_invitation(token, name=f"Navn {name}", password=PASSWORDS[name])
            else:
                accounts.reset_password(token, PASSWORDS[name])
            db.session.commit()
            return "used"

        return target

    return run_in_threads(app, {"A": side("A"), "B": side("B")})


@pytest.mark.parametrize("kind", [TokenKind.INVITE, TokenKind.RESET], ids=["invitation", "reset"])
def test_a_link_sent_twice_at_once_is_used_once(app: Flask, backend: str, kind: TokenKind) -> None:
    results = _link_race(app, kind)
    assert _outcomes(results) == ["link_used", "used"], results
    winner = next(name for name, r in results.items() if r == "used")
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "ny@skole.dk"))
    assert user is not None and user.check_password(PASSWORDS[winner])  # the winner's password
    assert db.session.scalar(select(AccountToken).where(AccountToken.kind == kind)).used_at


def test_a_totp_code_sent_twice_at_once_lets_one_in(app: Flask, backend: str) -> None:
    secret = pyotp.random_base32()
    user = make_teacher(SchoolFactory())
    assert twofactor.enable(user, secret, pyotp.TOTP(secret).now()) is not None
    user.totp_last_step = (user.totp_last_step or 0) - 5  # the last code used is an old one
    user_id = user.id
    db.session.commit()
    code = pyotp.TOTP(secret).now()
    barrier = threading.Barrier(2)

    def side() -> str:
        me = db.session.get_one(User, user_id)
        assert me.totp_last_step is not None  # both read the last step before either writes
        barrier.wait(timeout=10)
        accepted = twofactor.verify_code(me, code)
        db.session.commit()
        return "in" if accepted else "refused"

    results = run_in_threads(app, {"A": side, "B": side})
    assert sorted(map(str, results.values())) == ["in", "refused"], results


def test_a_recovery_code_sent_twice_at_once_lets_one_in(app: Flask, backend: str) -> None:
    secret = pyotp.random_base32()
    user = make_teacher(SchoolFactory())
    codes = twofactor.enable(user, secret, pyotp.TOTP(secret).now())
    assert codes is not None
    user_id = user.id
    db.session.commit()
    barrier = threading.Barrier(2)

    def side() -> str:
        me = db.session.get_one(User, user_id)
        barrier.wait(timeout=10)
        accepted = twofactor.use_recovery_code(me, codes[0])
        db.session.commit()
        return "in" if accepted else "refused"

    results = run_in_threads(app, {"A": side, "B": side})
    assert sorted(map(str, results.values())) == ["in", "refused"], results
    db.session.expire_all()
    used = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "recovery_code_used"))
    assert len(list(used)) == 1
