"""Column types and helpers shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


# Danish alphabet: … x y z æ ø å. Map the letters after z to code points after "z".
_DANISH = str.maketrans(
    {"æ": "z{", "ä": "z{", "ø": "z|", "ö": "z|", "å": "z}", "é": "e", "ü": "y", "á": "a"}
)


def danish_key(value: str) -> str:
    """A sort key that orders strings as a Danish reader expects (Å last, after Æ and Ø).

    Compared byte by byte (SQLite's default, ``COLLATE "C"`` on PostgreSQL) the stored key
    sorts in the database as Python sorts it.
    """
    return value.casefold().replace("aa", "å").translate(_DANISH)


def contains_pattern(text: str) -> str:
    """A LIKE pattern that finds the text anywhere, its ``%`` and ``_`` taken literally (use it
    with ``escape="\\\\"``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# A stored sort key: compared as bytes on PostgreSQL too (its default collation would not).
SortKey = String(400).with_variant(String(400, collation="C"), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column_type(choices: type[enum.StrEnum]) -> String:
    return String(max(len(c.value) for c in choices) + 4)


def enum_check(column: str, choices: type[enum.StrEnum], name: str) -> CheckConstraint:
    values = ", ".join(f"'{c.value}'" for c in choices)
    return CheckConstraint(f"{column} IN ({values})", name=name)
