"""The audit log's page model: each event in words, with people, schools, modules and objects
shown by name and linked.

The names of everything the page's events point to are looked up in ONE query (a UNION over
the kinds present on the page), whatever the number of rows: the page's query count stays
constant. What no longer exists shows as deleted; an anonymised person as anonymised.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Integer, String, case, cast, literal, null, select, union_all

from learningpack.content import get_library
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Area,
    AuditEvent,
    Cycle,
    ReportDraft,
    Resource,
    Role,
    Run,
    School,
    SharingEvent,
    Team,
    User,
)
from learningpack.output.audit_labels import (
    EXPORT_WHAT,
    REASON_LABELS,
    ROLE_FIELDS,
    USER_LIST_FIELDS,
    detail_label,
    object_label,
    verb_label,
)
from learningpack.output.labels import label


@dataclass(frozen=True)
class Named:
    """One thing shown on the page: its words, and where it links to (if anywhere)."""

    text: str
    endpoint: str = ""
    args: tuple[tuple[str, Any], ...] = ()
    gone: bool = False  # deleted, or an anonymised person
    note: str = ""  # e.g. a person's e-mail under the name

    @property
    def url_args(self) -> dict[str, Any]:
        return dict(self.args)


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    verb: str
    actor: Named | None
    school: Named | None
    subject: Named | None
    details: list[tuple[str, list[Named]]] = field(default_factory=list)


@dataclass(frozen=True)
class _Found:
    name: str
    school_id: int | None
    extra: str
    gone: bool


def _as_row(kind: str, ident: Any, name: Any, school: Any, extra: Any, gone: Any) -> Any:
    return (
        literal(kind, String).label("kind"),
        cast(ident, Integer).label("id"),
        cast(name, String).label("name"),
        cast(school, Integer).label("school_id"),
        cast(extra, String).label("extra"),
        cast(gone, Integer).label("gone"),
    )


def _lookup(kind: str, ids: list[int]) -> Any:
    """The select giving (kind, id, name, school, extra, gone) for these ids of one kind."""
    if kind == "User":
        gone = case((User.anonymised_at.is_not(None), 1), else_=0)
        row = _as_row(kind, User.id, User.name, User.school_id, User.role, gone)
        return select(*row).where(User.id.in_(ids))
    if kind == "Cycle":
        row = _as_row(kind, Cycle.id, Cycle.module_slug, Run.school_id, null(), 0)
        return select(*row).join(Run, Run.id == Cycle.run_id).where(Cycle.id.in_(ids))
    if kind == "Action":
        row = _as_row(kind, Action.id, Action.title, Run.school_id, Cycle.module_slug, 0)
        return (
            select(*row)
            .join(Cycle, Cycle.id == Action.cycle_id)
            .join(Run, Run.id == Cycle.run_id)
            .where(Action.id.in_(ids))
        )
    model, name, school = _SIMPLE[kind]
    row = _as_row(kind, model.id, name, school, null(), 0)
    return select(*row).where(model.id.in_(ids))


_SIMPLE: dict[str, tuple[Any, Any, Any]] = {
    "School": (School, School.name, School.id),
    "Team": (Team, Team.name, Team.school_id),
    "Run": (Run, Run.year_label, Run.school_id),
    "Resource": (Resource, Resource.title, null()),
    "SharingEvent": (SharingEvent, SharingEvent.title, null()),
    "Area": (Area, Area.name, null()),
    "ReportDraft": (ReportDraft, null(), null()),
}
LOOKED_UP = frozenset({"User", "Cycle", "Action", *_SIMPLE})


def _wanted(events: Sequence[AuditEvent]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.object_type in LOOKED_UP and event.object_id is not None:
            wanted[event.object_type].add(event.object_id)
        detail = event.detail if isinstance(event.detail, dict) else {}
        for key in USER_LIST_FIELDS & detail.keys():
            values = detail[key] if isinstance(detail[key], list) else []
            wanted["User"].update(v for v in values if isinstance(v, int))
    return wanted


def _names(wanted: dict[str, set[int]]) -> dict[tuple[str, int], _Found]:
    """Everything the page points to, by (kind, id), in one query."""
    selects = [_lookup(kind, sorted(ids)) for kind, ids in sorted(wanted.items()) if ids]
    if not selects:
        return {}
    statement: Any = selects[0] if len(selects) == 1 else union_all(*selects)
    return {
        (r.kind, r.id): _Found(r.name or "", r.school_id, r.extra or "", bool(r.gone))
        for r in db.session.execute(statement)
    }


def package_title(slug: str) -> str:
    package = get_library().packages.get(slug)
    return package.title if package is not None else slug


def module_title(slug: str) -> str:
    for package in get_library().packages.values():
        for module in package.modules:
            if module.slug == slug:
                return module.title
    return slug


def person(user: User | None, found: _Found | None = None, ident: int | None = None) -> Named:
    """A person by name (linked to their school's accounts), anonymised or deleted as such."""
    if user is not None:
        name, school_id, role = user.name, user.school_id, str(user.role)
        gone, email = user.anonymised_at is not None, user.email
    elif found is not None:
        name, school_id, role = found.name, found.school_id, found.extra
        gone, email = found.gone, ""
    else:
        return Named(_("Slettet bruger (nr. %(id)s)", id=ident), gone=True)
    if gone:
        return Named(_("%(name)s (anonymiseret)", name=name), gone=True)
    if school_id is None or role == Role.PUF:
        return Named(name, note=email)
    args = (("school_id", school_id), ("_anchor", f"person-{user.id if user else ident}"))
    return Named(name, "admin.school", args, note=email)


def _school(school: School | None, school_id: int | None) -> Named | None:
    if school is not None:
        return Named(school.name, "puf.school", (("school_id", school.id),))
    if school_id is not None:
        return Named(_("Slettet skole (nr. %(id)s)", id=school_id), gone=True)
    return None


def _module(slug: str, school_id: int | None) -> Named:
    title = module_title(slug)
    if school_id is None or title == slug:
        return Named(title)
    return Named(title, "puf.module", (("school_id", school_id), ("slug", slug)))


def _subject(event: AuditEvent, names: dict[tuple[str, int], _Found]) -> Named | None:
    kind, ident = event.object_type, event.object_id
    if not kind:
        return None
    what = object_label(kind)
    if ident is None:
        return Named(what)
    if (kind == "User" and ident == event.actor_id) or (
        kind == "School" and ident == event.school_id
    ):
        return None  # the same as the person or the school column
    if kind not in LOOKED_UP:
        return Named(f"{what} {ident}")
    found = names.get((kind, ident))
    if found is None:
        return Named(_("%(what)s %(id)s (slettet)", what=what, id=ident), gone=True)
    return _linked(kind, ident, found, what)


def _linked(kind: str, ident: int, found: _Found, what: str) -> Named:
    school = (("school_id", found.school_id),)
    if kind == "User":
        return person(None, found, ident)
    if kind == "Cycle":
        return _module(found.name, found.school_id)
    if kind == "Action":
        args = (*school, ("slug", found.extra))
        return Named(f"{what} »{found.name}«", "puf.module", args)
    if kind in ("School", "Team", "Run"):
        return Named(f"{what} »{found.name}«", "puf.school", school)
    endpoints = {
        "Resource": ("bank.resource", "resource_id"),
        "SharingEvent": ("puf.event", "event_id"),
        "Area": ("admin.area", "area_id"),
        "ReportDraft": ("puf.report", "draft_id"),
    }
    endpoint, arg = endpoints[kind]
    text = f"{what} »{found.name}«" if found.name else f"{what} {ident}"
    return Named(text, endpoint, ((arg, ident),))


def _value(
    key: str, value: Any, event: AuditEvent, names: dict[tuple[str, int], _Found]
) -> list[Named]:
    if key == "module" and isinstance(value, str):
        return [_module(value, event.school_id)]
    if key == "package" and isinstance(value, str):
        return [Named(package_title(value))]
    if key in USER_LIST_FIELDS and isinstance(value, list):
        return [person(None, names.get(("User", v)), v) for v in value if isinstance(v, int)]
    if key in ROLE_FIELDS and isinstance(value, str):
        return [Named(label("role", value))]
    if key == "reason" and str(value) in REASON_LABELS:
        return [Named(str(REASON_LABELS[str(value)]))]
    if key == "what" and str(value) in EXPORT_WHAT:
        return [Named(str(EXPORT_WHAT[str(value)]))]
    if key == "format" and isinstance(value, str):
        return [Named(value.upper())]
    return [Named(_plain(value))]


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return str(_("ja") if value else _("nej"))
    if value is None or value == "":
        return "–"
    if isinstance(value, dict):
        return ", ".join(f"{detail_label(str(k))}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return str(value)


Names = dict[tuple[str, int], _Found]


def _details(
    event: AuditEvent, names: Names, subject: Named | None
) -> list[tuple[str, list[Named]]]:
    detail = event.detail if isinstance(event.detail, dict) else {}
    shown = [(detail_label(str(k)), _value(str(k), v, event, names)) for k, v in detail.items()]
    if subject is not None:  # e.g. a resource's title, already in the subject's name
        shown = [
            (key, values)
            for key, values in shown
            if not (len(values) == 1 and values[0].text and values[0].text in subject.text)
        ]
    return shown  # in the order recorded: »tidligere« before »nyt«


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    """The page's events in words (actor and school are loaded with the events; everything
    else they point to in one more query)."""
    events = list(events)
    names = _names(_wanted(events))
    rows = []
    for event in events:
        subject = _subject(event, names)
        rows.append(
            AuditRow(
                at=event.at,
                verb=verb_label(event.verb),
                actor=person(event.actor) if event.actor is not None else None,
                school=_school(event.school, event.school_id),
                subject=subject,
                details=_details(event, names, subject),
            )
        )
    return rows
