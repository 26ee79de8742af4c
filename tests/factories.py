"""Test data factories (factory_boy), bound to the app's session."""

from __future__ import annotations

from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory
from flask.testing import FlaskClient

from learningpack.extensions import db
from learningpack.models import Role, School, Team, User

PASSWORD = "correct horse battery staple"
# The app hashes with Werkzeug's scrypt, slow on purpose (about 0.1 s a check here); every login
# of a factory user would pay that. Factory users share one cheap hash of PASSWORD instead. The
# app's own hashing is still what passwords set through it get (invitations, resets, /konto).
_HASH_CACHE: dict[str, str] = {}


def password_hash() -> str:
    if "h" not in _HASH_CACHE:
        from werkzeug.security import generate_password_hash

        _HASH_CACHE["h"] = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    return _HASH_CACHE["h"]


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class SchoolFactory(BaseFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Testskole {n} Ærø")
    district = "Nord"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"bruger{n}@skole.dk")
    name = factory.Sequence(lambda n: f"Bruger {n}")
    role = Role.TEACHER
    school = factory.SubFactory(SchoolFactory)
    password_hash = factory.LazyFunction(password_hash)
    active = True


class TeamFactory(BaseFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    school = factory.SubFactory(SchoolFactory)


def make_puf(**kwargs: Any) -> User:
    return UserFactory(role=Role.PUF, school=None, **kwargs)


def make_leader(school: School, **kwargs: Any) -> User:
    return UserFactory(role=Role.LEADER, school=school, **kwargs)


def make_teacher(school: School, **kwargs: Any) -> User:
    return UserFactory(role=Role.TEACHER, school=school, **kwargs)


def login(client: FlaskClient, user: User, password: str = PASSWORD) -> Any:
    db.session.commit()
    return client.post("/login", data={"email": user.email, "password": password})
