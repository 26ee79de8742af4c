"""The knowledge bank's search entries on SQLite, kept in step on every write.

PostgreSQL needs nothing here: its GIN index over ``to_tsvector('danish', …)`` follows the row
by itself. On SQLite the FTS5 table ``resource_fts`` holds each resource's Danish stems
(``search_text.stems``), which only Python can compute, so the domain writes them whenever it
writes the resource.
"""

from __future__ import annotations

from sqlalchemy import select, text

from learningpack.domain.search_text import stems
from learningpack.extensions import db
from learningpack.models import Resource
from learningpack.models.bank import SEARCH_TABLE


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def document(resource: Resource) -> str:
    """The text a resource is found by (as the PostgreSQL index's expression)."""
    return " ".join((resource.title, resource.body, resource.source_name, resource.file_name))


def reindex(resource: Resource) -> None:
    """Bring the resource's search entry up to date (SQLite; nothing to do on PostgreSQL)."""
    if not _is_sqlite():
        return
    db.session.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid = :id"), {"id": resource.id})
    db.session.execute(
        text(f"INSERT INTO {SEARCH_TABLE} (rowid, terms) VALUES (:id, :terms)"),
        {"id": resource.id, "terms": " ".join(stems(document(resource)))},
    )


def reindex_all() -> int:
    """Rebuild every search entry (after a restore, or for rows older than the index)."""
    if not _is_sqlite():
        return 0
    db.session.execute(text(f"DELETE FROM {SEARCH_TABLE}"))
    count = 0
    for resource in db.session.scalars(select(Resource)):
        reindex(resource)
        count += 1
    return count
