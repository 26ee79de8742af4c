"""Readiness: may this process be sent traffic? (``/readyz``; ``/healthz`` only says it lives.)

Cheap enough to poll every few seconds: one pooled connection and one small query (the
migration revision, which also proves the database answers), one Redis PING with a bounded
wait, and the content this process loaded at start-up. The answer names checks and states,
never a person or a school.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from learningpack.config import data_dir
from learningpack.extensions import db, limiter

log = logging.getLogger("learningpack.health")

OK = "ok"


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(state == OK for state in self.checks.values())

    def as_json(self) -> dict[str, object]:
        return {"status": "ready" if self.ready else "not ready", "checks": self.checks}


@lru_cache(maxsize=4)
def migration_heads(directory: str) -> frozenset[str]:
    """The head revision(s) of the shipped migrations (read once per process)."""
    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_checks() -> dict[str, str]:
    """Whether the database answers, and whether its schema is at the migrations' head."""
    try:
        connection = db.engine.connect()
    except SQLAlchemyError:
        return {"database": "unreachable", "migrations": "unknown"}
    with connection:
        try:
            found = set(
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
        except SQLAlchemyError:
            return {"database": OK, "migrations": "not migrated"}
    heads = migration_heads(str(data_dir("migrations")))
    return {"database": OK, "migrations": OK if found == set(heads) else "not at head"}


def limits_check() -> str:
    """Whether the shared rate-limit storage (Redis) answers; memory:// is this process's own."""
    if str(current_app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory"):
        return OK
    try:
        return OK if limiter.storage.check() else "unreachable"
    except Exception:  # a storage that fails its own check instead of answering False
        return "unreachable"


def content_check() -> str:
    """The learning package is loaded (at start-up in production, on first use elsewhere)."""
    from learningpack.content import ContentError, get_library

    try:
        get_library()  # a library without a valid package is a ContentError
    except ContentError:
        return "invalid"
    return OK


_LAST_STATE = "learningpack.ready"


def readiness() -> Readiness:
    """Every check; a change between ready and not ready is logged (once, not every poll)."""
    result = Readiness({**database_checks(), "limits": limits_check(), "content": content_check()})
    if current_app.extensions.get(_LAST_STATE) is not result.ready:
        if result.ready:
            log.info("ready", extra={"fields": {"checks": result.checks}})
        else:
            failing = sorted(name for name, state in result.checks.items() if state != OK)
            log.warning(
                "not ready: %s", ", ".join(failing), extra={"fields": {"checks": result.checks}}
            )
    current_app.extensions[_LAST_STATE] = result.ready
    return result
