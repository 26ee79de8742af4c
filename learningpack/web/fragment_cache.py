"""Rendered page parts kept per process while nothing they show has changed (issue 13).

A teacher opens "my actions" many times between two changes to their school: its cards (up to
130 KB of HTML from four queries) were rendered afresh every time. A part is kept under a key of
everything it depends on, read from the database *before* the part is rendered, so that a part
is never newer than a key it is stored under is old:

- ``school_version``: the school's ``progress_version``, bumped in the same transaction as
  every rewrite of its summary rows, that is by every write to its runs, cycles and records
  (domain/school_progress.refresh), and its ``people_version``, bumped in the same flush as any
  change to its staff or teams (models/page_versions.py). Both come with the user's school.
- the caller adds who is asking and in which language.

The parts are kept in memory, least recently used out first, within ``FRAGMENT_CACHE_BYTES``
per process (0: nothing is kept). Every gunicorn worker has its own; they agree because the
key comes from the database.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup

from learningpack.models import School

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
