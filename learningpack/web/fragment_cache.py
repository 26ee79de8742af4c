"""Rendered pages kept per process while nothing they show has changed (issue 13).

A teacher opens "my actions", a leader a module's page, many times between two changes to
their school: up to 130 KB of HTML from four to eight queries were rendered afresh every time.
A page is kept under a key of everything it depends on, read from the database *before* the
page is rendered, so that a page is never older than the key it is stored under:

- ``school_version``: the school's ``progress_version``, bumped in the same transaction as
  every rewrite of its summary rows, that is by every write to its runs, cycles and records
  (domain/school_progress.refresh), and its ``people_version``, bumped in the same flush as any
  change to its staff or teams (models/page_versions.py). Both come with the user's school;
  PUF's drill-down of a school reads them (reads/history.standing).
- ``all_schools_key``: for PUF's pages across all schools, the newest ``School.changed_at``,
  stamped with every bump of any school's versions, and the minute.
- the caller adds who is asking and in which language; ``kept_whole_page`` adds what the
  header shows (the unread count, the path) and puts the request's CSRF token in the forms.

The parts are kept in memory, least recently used out first, within ``FRAGMENT_CACHE_BYTES``
per process (0: nothing is kept). Every gunicorn worker has its own; they agree because the
key comes from the database.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import func, select

from learningpack.content import default_package
from learningpack.domain.dates import local_today
from learningpack.extensions import db
from learningpack.models import School
from learningpack.models.types import utcnow
from learningpack.web.bell import unread_notices
from learningpack.web.forms import new_form_token

EXTENSION = "learningpack.fragment_cache"


@dataclass
class FragmentCache:
    """Rendered parts by key, at most ``limit`` characters in all."""

    limit: int
    size: int = 0
    hits: int = 0
    misses: int = 0
    parts: OrderedDict[Hashable, Markup] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: Hashable) -> Markup | None:
        with self.lock:
            found = self.parts.get(key)
            if found is None:
                self.misses += 1
                return None
            self.parts.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, part: Markup) -> None:
        if len(part) > self.limit:
            return
        with self.lock:
            old = self.parts.pop(key, None)
            if old is not None:
                self.size -= len(old)
            self.parts[key] = part
            self.size += len(part)
            while self.size > self.limit:
                _key, dropped = self.parts.popitem(last=False)
                self.size -= len(dropped)


def fragment_cache() -> FragmentCache:
    cache: FragmentCache | None = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = FragmentCache(int(current_app.config.get("FRAGMENT_CACHE_BYTES", 0)))
        current_app.extensions[EXTENSION] = cache
    return cache


def school_version(school: School) -> tuple[int, int]:
    """What changes when anything about the school changes: its people's version and its
    progress version. Read from the logged-in user's school, loaded with the user at the start
    of the request (web/session_guard.py): no query of its own, and never newer than a body
    rendered after it."""
    return (school.people_version, school.progress_version)


def page_key(page: str, *parts: Hashable) -> tuple[Hashable, ...]:
    """The key of a page of the logged-in user: the page, who asks (and the name the header
    shows), in which language, the package read (a new one after the content is read again)
    and the schools' date (a kept page is not carried over midnight), then ``parts`` (the
    versions of what it shows)."""
    return (
        page, current_user.id, current_user.name, str(get_locale()), id(default_package()),
        local_today(), *parts,
    )  # fmt: skip


def all_schools_key(page: str, *parts: Hashable) -> tuple[Hashable, ...]:
    """The key of a page across all schools (PUF's overview and digest): ``page_key`` with
    ``all_schools_stamp()``, then ``parts``."""
    return page_key(page, *all_schools_stamp(), *parts)


def all_schools_stamp() -> tuple[datetime | None, datetime]:
    """What a read across all schools depends on: the newest ``School.changed_at`` (stamped
    with every bump of any school's versions, and on a new school: an index look-up, or
    loaded with a PUF user, web/session_guard.py) and the minute ("stalled" and "days since"
    move with time; a write that commits after a later one, whose stamp is newer, is seen
    within a minute: the part is made again, and the totals it reads see the late stamp,
    reads/totals_cache)."""
    newest = getattr(current_user, "schools_changed_at", None)
    if newest is None:  # not loaded (the API has no session user), or no school has a stamp
        newest = db.session.scalar(select(func.max(School.changed_at)))
    return newest, utcnow().replace(second=0, microsecond=0)


def staff_page_key(page: str, *parts: Hashable) -> tuple[Hashable, ...]:
    """The key of a page of the logged-in staff member's school (``page_key`` with the
    school's versions), then ``parts``."""
    return page_key(page, school_version(current_user.school), *parts)


def cached_part(key: Hashable, render: Callable[[], str]) -> Markup:
    """The part kept under ``key``, or ``render()`` kept under it. Read the key's versions
    before calling this (the part must not be older than the key)."""
    cache = fragment_cache()
    if cache.limit <= 0:
        return Markup(render())
    found = cache.get(key)
    if found is None:
        found = Markup(render())
        cache.put(key, found)
    return found


# Per process and unguessable: no text a user writes can stand in for them.
_CSRF_SLOT = f"csrf-{secrets.token_hex(16)}"
_ONCE_SLOT = f"once-{secrets.token_hex(16)}"
# A creating form's one-time token (web/forms.once_field): attributes are written sorted, so
# the name comes before the value.
_ONCE_VALUE = re.compile(r'(<input\b[^>]*\bname="once"[^>]*\bvalue=")[^"]*(")')


def _kept_form(page: str, token: str) -> str:
    """The page as kept: the request's CSRF token and each one-time token a slot."""
    page = page.replace(token, _CSRF_SLOT)
    return _ONCE_VALUE.sub(lambda m: f"{m.group(1)}{_ONCE_SLOT}{m.group(2)}", page)


def _served_form(page: str, token: str) -> str:
    """The kept page as served: this request's CSRF token, and a one-time token of its own
    in each creating form (two devices served one kept page each save their own entry;
    the same token twice would be taken for the same form sent again)."""
    first, *rest = page.replace(_CSRF_SLOT, token).split(_ONCE_SLOT)
    return first + "".join(new_form_token() + part for part in rest)


class _Refused(Exception):
    """A page not to be kept: the request's input was refused (``kept_unless_refused``)."""

    def __init__(self, page: str, status: int) -> None:
        self.page, self.status = page, status


def kept_unless_refused(key: Hashable, render: Callable[[], tuple[str, int]]) -> tuple[str, int]:
    """``kept_whole_page`` for a page that may refuse its query string (400 with the form's
    errors): only a 200 is kept, so a kept page is always a 200; a refusal is served as
    rendered."""

    def accepted() -> str:
        page, status = render()
        if status != 200:
            raise _Refused(page, status)
        return page

    try:
        return kept_whole_page(key, accepted), 200
    except _Refused as refused:
        return refused.page, refused.status


def kept_whole_page(
    key: Hashable, render: Callable[[], str], live: Sequence[tuple[str, Callable[[], str]]] = ()
) -> str:
    """A whole page kept under ``key`` (read its versions first) and what the header shows
    besides the user: the unread count and the path (the language form returns to it).

    Per request: each form's CSRF token (one per request, and each session has its own) and
    each creating form's one-time token (one per page served) are put in place of markers,
    and each ``live`` part's marker is replaced by what its function renders now. A request
    with flash messages is rendered afresh: they are shown once, on the page that consumes
    them."""
    if session.get("_flashes"):
        page = render()
    else:
        token = generate_csrf()
        shown = (key, request.full_path, unread_notices())
        page = _served_form(str(cached_part(shown, lambda: _kept_form(render(), token))), token)
    for marker, fill in live:
        page = page.replace(marker, fill())
    return page
