"""Small observations the tests make: a page's text, row counts, the SQL a request runs."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, func, select

from learningpack.domain.refusals import Refused
from learningpack.extensions import db
from learningpack.models import Action, Cycle, LogEntry, Run, School, Team, User

# DESIGN.md §8: every page at most this many SQL queries.
BUDGET = 8


def page_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


def main_of(page: str) -> str:
    """A page's <main> (the header's forms carry a token of their own on every request)."""
    return page[page.index("<main") : page.index("</main>")]


def kept_page(client: Any, url: str) -> str:
    """The page, opened twice: the second time its body must come from the fragment cache."""
    from learningpack.web.fragment_cache import fragment_cache

    first = page_of(client.get(url))
    hits = fragment_cache().hits
    again = page_of(client.get(url))
    assert fragment_cache().hits == hits + 1
    # The same page, but each creating form's one-time token is one per page served.
    assert _without_once(main_of(again)) == _without_once(main_of(first))
    return first


def _without_once(page: str) -> str:
    return re.sub(r'(name="once"[^>]*value=")[^"]*"', r'\1"', page)


def kept_and_rendered_queries(client: Any, url: str) -> tuple[list[str], list[str], str]:
    """The queries of a kept page, then of the same page with nothing kept, and that page."""
    kept_page(client, url)
    with count_queries() as kept:
        client.get(url)
    current_app.config["FRAGMENT_CACHE_BYTES"] = 0
    current_app.extensions.pop("learningpack.fragment_cache", None)
    with count_queries() as rendered:
        page = page_of(client.get(url))
    return kept, rendered, page


def logged_in_with_csrf(app: Any, email: str, password: str) -> Any:
    """A client of its own (a second device), logged in through the login form's CSRF token."""
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page_of(client.get("/login")))
    assert token is not None
    data = {"email": email, "password": password, "csrf_token": token.group(1)}
    assert client.post("/login", data=data).status_code in (302, 303)
    return client


def count(model: Any, *where: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def counts() -> dict[str, int]:
    """Rows per table of the main models."""
    return {
        model.__name__: count(model) for model in (School, User, Team, Run, Cycle, Action, LogEntry)
    }


def forget_totals() -> None:
    """Drop the totals the app keeps (``reads/totals_cache``): the next read computes them."""
    current_app.extensions.pop("totals_cache", None)


@contextmanager
def count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def sample_file(kind: str) -> bytes:
    """The smallest bytes the knowledge bank takes for a kind of file (or an HTML page)."""
    import io
    import zipfile

    if kind in ("docx", "pptx", "zip"):
        part = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml", "zip": "a.txt"}[kind]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr(part, "<x/>")
        return buffer.getvalue()
    return {
        "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
        "jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 32,
        "html": b"<!doctype html><html><script>alert(1)</script></html>",
    }[kind]


def run_in_threads(app: Flask, targets: dict[str, Callable[[], str]]) -> dict[str, object]:
    """Run each target in its own thread with its own app context (so its own session and
    connection). A refusal (``Refused``) is the target's result; any other exception fails the
    test."""
    results: dict[str, object] = {}
    errors: list[tuple[str, BaseException]] = []

    def wrap(name: str, target: Callable[[], str]) -> Callable[[], None]:
        def body() -> None:
            try:
                with app.app_context():
                    try:
                        results[name] = target()
                    except Refused as refused:
                        db.session.rollback()
                        results[name] = refused
            except BaseException as error:
                errors.append((name, error))

        return body

    threads = [
        threading.Thread(target=wrap(name, target), name=f"race-{name}", daemon=True)
        for name, target in targets.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not [t.name for t in threads if t.is_alive()], "a thread did not finish"
    if errors:
        name, error = errors[0]
        raise AssertionError(f"thread {name} failed: {error!r}") from error
    return results


ONCE = re.compile(
    r'name="once" type="hidden" value="([^"]+)"|type="hidden" name="once" value="([^"]+)"'
)


def once_token(page: str) -> str:
    """The one-time token of the (first) form on the page, as the browser would post it again."""
    found = ONCE.search(page)
    assert found, "the form carries a one-time token"
    return found.group(1) or found.group(2)
