"""Personal data in the audit log (issue 16, items 2 and 11): anonymising scrubs every row about
the person, throttled logins keep a keyed hash (aggregated), client addresses expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.domain.accounts import anonymise
from learningpack.domain.audit_privacy import audit_hash, expire_addresses
from learningpack.extensions import db
from learningpack.models import AuditEvent, utcnow
from learningpack.models.audit import record
from learningpack.reads.audit_search import AuditQuery, search_audit_log
from tests.factories import SchoolFactory, make_leader, make_teacher

pytestmark = pytest.mark.both_backends


def rows(verb: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.verb == verb)))


def found(person: str) -> list[AuditEvent]:
    return list(search_audit_log(AuditQuery(person=person)).items)


def test_anonymising_scrubs_the_email_from_every_audit_row_about_the_person(
    app: Flask, client: FlaskClient, backend: str
) -> None:
    school = SchoolFactory()
    leader = make_leader(school)
    teacher = make_teacher(school, name="Karen Kendt", email="karen@skole.dk")
    db.session.commit()
    client.post("/login", data={"email": "Karen@Skole.dk", "password": "forkert-kode"})
    # A row naming her address without her as actor (e.g. typed before her account existed).
    record("login_failed", actor=None, email="karen@skole.dk", reason="credentials")
    record("login_throttled", actor=None, email_hash=audit_hash("karen@skole.dk"), count=1)
    db.session.commit()
    assert len(found("karen@skole.dk")) >= 2  # PUF finds them by the address

    anonymise(teacher, leader)
    db.session.commit()

    assert found("karen@skole.dk") == []
    assert found("Karen Kendt") == []
    every_detail = " ".join(str(e.detail) for e in db.session.scalars(select(AuditEvent)))
    assert "karen" not in every_detail.lower()
    assert audit_hash("karen@skole.dk") not in every_detail
    assert {e.detail.get("reason") for e in rows("login_failed")} == {"credentials"}


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_throttled_logins_keep_a_keyed_hash_and_are_aggregated(
    app: Flask, client: FlaskClient, backend: str
) -> None:
    chosen = "x" * 200 + "@angriber.dk"
    for _ in range(15):
        client.post("/login", data={"email": chosen, "password": "forkert"})
    (event,) = rows("login_throttled")
    assert event.actor_id is None
    assert chosen not in str(event.detail) and "angriber" not in str(event.detail)
    assert event.detail["email_hash"] == audit_hash(chosen)
    assert event.detail["count"] == 10  # 5 allowed, then 10 refused: one row, counted
    assert event.id in [e.id for e in found(chosen)]  # PUF still finds it by the address


def test_client_addresses_expire_after_the_retention_period(app: Flask, backend: str) -> None:
    old = record("login_throttled", actor=None, email_hash="h", address="10.1.2.3", count=1)
    new = record("login_throttled", actor=None, email_hash="h", address="10.9.9.9", count=1)
    old.at = utcnow() - app.config["AUDIT_ADDRESS_RETENTION"] - timedelta(hours=1)
    db.session.commit()
    assert expire_addresses() == 1
    db.session.commit()
    db.session.expire_all()
    assert old.detail == {"email_hash": "h", "count": 1}
    assert new.detail["address"] == "10.9.9.9"


def test_the_daily_command_expires_old_addresses(app: Flask, backend: str) -> None:
    old = record("login_throttled", actor=None, email_hash="h", address="10.1.2.3", count=1)
    old.at = utcnow() - timedelta(days=400)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit-expire"])
    assert result.exit_code == 0 and "1 audit rows" in result.output
    db.session.expire_all()
    assert "address" not in old.detail
