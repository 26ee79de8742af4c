"""The learning-package content: loaded from ``content/`` into immutable objects.

``model`` holds what the content is, ``loader`` reads and checks a content folder (every problem
as ``file:line: message``), ``source`` one file's YAML and value checks, ``markdown`` a module's
sections. This module gives the app its Library and the helpers views use.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from learningpack.content.loader import check_content, load_library
from learningpack.content.markdown import SECTIONS, render_markdown
from learningpack.content.model import (
    AgendaStep,
    CommonApproach,
    ContentError,
    Finding,
    Library,
    Module,
    Package,
    Problem,
    Section,
)

__all__ = [
    "SECTIONS",
    "AgendaStep",
    "CommonApproach",
    "ContentError",
    "Finding",
    "Library",
    "Module",
    "Package",
    "Problem",
    "Section",
    "check_content",
    "default_package",
    "get_library",
    "init_app",
    "load_library",
    "module_of",
    "package_of",
    "render_markdown",
    "split_action_suggestion",
]

EXTENSION_KEY = "learningpack.content"


def init_app(app: Flask) -> None:
    """In production, load and validate the content at start-up: bad content stops the start.

    Elsewhere it loads on first use, so ``flask content check`` can still report on bad content.
    """
    if not app.config.get("PRODUCTION"):
        return
    try:
        app.extensions[EXTENSION_KEY] = load_library(app.config["CONTENT_DIR"])
    except ContentError as err:
        app.logger.error("%s", err)
        raise


def get_library() -> Library:
    """Return the current app's Library, loading it on first use and caching it per process."""
    library = current_app.extensions.get(EXTENSION_KEY)
    if library is None:
        library = load_library(current_app.config["CONTENT_DIR"])
        current_app.extensions[EXTENSION_KEY] = library
    return library


_EXPECT = "Hvad vi forventer at se:"
_NOTICE = "Sådan opdager vi det:"


def split_action_suggestion(text: str) -> dict[str, str]:
    """Split an action suggestion (``Titel – hvad. Hvad vi forventer at se: … Sådan opdager vi
    det: …``) into the fields of an action, so a leader can start from it."""
    head, _, rest = text.partition(" – ")
    if not rest:
        head, rest = "", text
    what, _, after = rest.partition(_EXPECT)
    expectation, _, notice = after.partition(_NOTICE)
    return {
        "title": (head or what).strip().rstrip(".")[:200],
        "what": what.strip(),
        "expectation": expectation.strip(),
        "how_notice": notice.strip(),
    }


def default_package() -> Package:
    """The package schools run (today the only one)."""
    return next(iter(get_library().packages.values()))


def package_of(cycle: Any) -> Package:
    """The package a cycle's run belongs to."""
    return get_library().package(cycle.run.package_slug)


def module_of(cycle: Any) -> Module:
    """The content module a cycle runs."""
    return package_of(cycle).module(cycle.module_slug)
