"""The knowledge bank's pages: search, one resource, a school's proposals, PUF's curation list,
a module's resources, and the text a proposal starts from.

Search understands Danish on both databases (``domain/search_text``): PostgreSQL matches
``to_tsvector('danish', …)`` (the GIN index's own expression) against ``to_tsquery('danish',
…)``; SQLite matches the FTS5 table of Snowball stems.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Integer, Select, column, func, select, text
from sqlalchemy.orm import joinedload, selectinload

from learningpack.content import Package
from learningpack.domain.search_text import fts5_match, query_words, tsquery
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    Resource,
    ResourceCategory,
    ResourceFinding,
    ResourceModule,
    ResourceStatus,
    Role,
    User,
)
from learningpack.models.bank import SEARCH_TABLE, SEARCH_VECTOR_SQL
from learningpack.output.labels import OUTCOME
from learningpack.reads.pagination import Page, paginate_query

PAGE_SIZE = 20
MODULE_PAGE_SHOWS = 5


class BankSort(enum.StrEnum):
    NEWEST = "newest"
    MOST_USED = "most_used"


@dataclass(frozen=True)
class BankQuery:
    text: str = ""
    category: ResourceCategory | None = None
    module: str = ""
    finding: str = ""
    sort: BankSort = BankSort.NEWEST
    page: int = 1


def _with_details(statement: Select[Any]) -> Select[Any]:
    return statement.options(
        joinedload(Resource.source_school),
        selectinload(Resource.modules),
        selectinload(Resource.findings),
    )


def matches(search: str) -> ColumnElement[bool] | None:
    """The condition for resources whose text matches every word of the search (None: no words)."""
    words = query_words(search)
    if not words:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        return text(f"{SEARCH_VECTOR_SQL} @@ to_tsquery('danish'::regconfig, :tsq)").bindparams(
            tsq=tsquery(words)
        )  # type: ignore[return-value]
    ids = text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :fts").bindparams(
        fts=fts5_match(words)
    )
    return Resource.id.in_(ids.columns(column("rowid", Integer)))


def _filters(query: BankQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    found = matches(query.text)
    if found is not None:
        conditions.append(found)
    if query.category is not None:
        conditions.append(Resource.category == query.category)
    if query.module:
        conditions.append(
            Resource.id.in_(
                select(ResourceModule.resource_id).where(ResourceModule.module_slug == query.module)
            )
        )
    if query.finding:
        conditions.append(
            Resource.id.in_(
                select(ResourceFinding.resource_id).where(
                    ResourceFinding.finding_key == query.finding
                )
            )
        )
    return conditions


def search_published(query: BankQuery) -> Page[Resource]:
    """One page of published resources matching the search and filters (four queries)."""
    order = (
        (Resource.use_count.desc(), Resource.published_at.desc())
        if query.sort == BankSort.MOST_USED
        else (Resource.published_at.desc(),)
    )
    statement = (
        select(Resource)
        .where(Resource.status == ResourceStatus.PUBLISHED, *_filters(query))
        .order_by(*order, Resource.id.desc())
    )
    return paginate_query(_with_details(statement), query.page, PAGE_SIZE)


def visible_resource(resource_id: int, viewer: User) -> Resource | None:
    """A resource the viewer may open: published ones for everyone, PUF every one, and a
    school's own proposals (in any state) for its staff. Others: None (the page answers 404)."""
    statement = _with_details(select(Resource).where(Resource.id == resource_id))
    resource: Resource | None = db.session.scalar(statement)
    if resource is None:
        return None
    if resource.status == ResourceStatus.PUBLISHED or viewer.role == Role.PUF:
        return resource
    own = viewer.school_id is not None and resource.source_school_id == viewer.school_id
    return resource if own else None


def module_resources(slug: str) -> tuple[Resource, ...]:
    """The newest published resources of a module, for its page (one query)."""
    in_module = select(ResourceModule.resource_id).where(ResourceModule.module_slug == slug)
    return tuple(
        db.session.scalars(
            select(Resource)
            .where(Resource.status == ResourceStatus.PUBLISHED, Resource.id.in_(in_module))
            .order_by(Resource.published_at.desc(), Resource.id.desc())
            .options(joinedload(Resource.source_school))
            .limit(MODULE_PAGE_SHOWS)
        )
    )


def school_proposals(school_id: int, page: int) -> Page[Resource]:
    """Everything a school has proposed, newest first, in whatever state (with PUF's reasons)."""
    statement = (
        select(Resource)
        .where(Resource.source_school_id == school_id)
        .order_by(Resource.created_at.desc(), Resource.id.desc())
    )
    return paginate_query(_with_details(statement), page, PAGE_SIZE)


def curation_list(status: ResourceStatus | None, search: str, page: int) -> Page[Resource]:
    """PUF's list: resources in a state (or all), oldest proposal first so none waits long."""
    conditions: list[ColumnElement[bool]] = []
    if status is not None:
        conditions.append(Resource.status == status)
    found = matches(search)
    if found is not None:
        conditions.append(found)
    statement = (
        select(Resource).where(*conditions).order_by(Resource.updated_at.desc(), Resource.id.desc())
    )
    return paginate_query(_with_details(statement), page, PAGE_SIZE)


def status_counts() -> dict[str, int]:
    """How many resources are in each state (PUF's tabs)."""
    rows = db.session.execute(select(Resource.status, func.count()).group_by(Resource.status))
    return {str(status): int(n) for status, n in rows}


# ---------------------------------------------------------------------------------------------
# What a proposal starts from: the school's own practice, editable before it is sent


@dataclass(frozen=True)
class Prefill:
    title: str
    body: str
    module: str
    findings: tuple[str, ...]


def _section(heading: str, *texts: str) -> str:
    lines = [t.strip() for t in texts if t and t.strip()]
    return f"{heading}\n" + ("\n".join(lines) if lines else "–")


def from_action(action: Action, finding_keys: tuple[str, ...]) -> Prefill:
    """A proposal from an action and its follow-up: what we did, what we saw, what we kept."""
    saw = [e.observation for e in action.log_entries if e.observation]
    follow_up = action.follow_up
    kept = f"{OUTCOME[follow_up.outcome]}: {follow_up.learning}" if follow_up is not None else ""
    body = "\n\n".join(
        (
            _section(_("Det gjorde vi:"), action.what),
            _section(_("Det så vi:"), *saw),
            _section(_("Det fastholder vi:"), kept),
        )
    )
    return Prefill(action.title, body, action.cycle.module_slug, finding_keys)


def from_summary(cycle: Cycle, title: str, finding_keys: tuple[str, ...]) -> Prefill:
    """A proposal from a module's summary: the actions we tried, what we learned and kept."""
    did = [f"– {a.title}" for a in cycle.actions]
    body = "\n\n".join(
        (
            _section(_("Det gjorde vi:"), *did),
            _section(_("Det så vi:"), cycle.summary_learned),
            _section(_("Det fastholder vi:"), cycle.summary_keep),
        )
    )
    return Prefill(title, body, cycle.module_slug, finding_keys)


# ---------------------------------------------------------------------------------------------
# One resource's page


@dataclass(frozen=True)
class ResourceView:
    """A resource as the viewer sees it, with what the page offers them."""

    resource: Resource
    modules: tuple[tuple[str, str], ...]
    """(slug, title) of its modules."""
    findings: tuple[tuple[str, str], ...]
    is_published: bool
    counts_use: bool
    """Opening it counts as a use (a published resource, opened by a school, not by PUF)."""
    shows_state: bool
    """The viewer sees the curation state (PUF, or the school that proposed it)."""
    may_curate: bool
    may_publish: bool
    may_reject: bool
    may_unpublish: bool


def names(package: Package) -> tuple[dict[str, str], dict[str, str]]:
    """Module titles by slug and finding titles by key, for lists of resources."""
    return (
        {m.slug: m.title for m in package.modules},
        {f.key: f.title for f in package.findings},
    )


def resource_view(resource: Resource, viewer: User, package: Package) -> ResourceView:
    modules, findings = names(package)
    status = resource.status
    puf = viewer.role == Role.PUF
    return ResourceView(
        resource=resource,
        modules=tuple((s, modules.get(s, s)) for s in resource.module_slugs),
        findings=tuple((k, findings.get(k, k)) for k in resource.finding_keys),
        is_published=status == ResourceStatus.PUBLISHED,
        counts_use=status == ResourceStatus.PUBLISHED and not puf,
        shows_state=puf or resource.source_school_id == viewer.school_id,
        may_curate=puf,
        may_publish=puf and status != ResourceStatus.PUBLISHED,
        may_reject=puf and status == ResourceStatus.PROPOSED,
        may_unpublish=puf and status == ResourceStatus.PUBLISHED,
    )


@dataclass(frozen=True)
class BankOffers:
    """The bank's links a viewer gets: propose (leaders), the school's proposals (staff),
    curation (PUF)."""

    propose: bool
    proposals: bool
    curate: bool


def bank_offers(viewer: User) -> BankOffers:
    return BankOffers(
        propose=viewer.role == Role.LEADER,
        proposals=viewer.role in (Role.LEADER, Role.TEACHER),
        curate=viewer.role == Role.PUF,
    )
