"""The browser tests' live server closes each response body before it writes a byte: a browser
that drops the connection must not leave a file open (the ResourceWarning then fails whichever
test the garbage collector runs in)."""

from __future__ import annotations

from typing import Any

from werkzeug.wsgi import ClosingIterator

from tests.browser.support import WholeFiles


def _app_with(body_parts: list[bytes], closed: list[str]) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("304 NOT MODIFIED", [])
        return ClosingIterator(iter(body_parts), lambda: closed.append("closed"))

    return app


def test_a_body_is_read_and_closed_before_the_server_writes_it() -> None:
    closed: list[str] = []
    statuses: list[str] = []

    body = WholeFiles(_app_with([b"a", b"b"], closed))({}, lambda s, h: statuses.append(s))

    assert body == [b"ab"]
    assert closed == ["closed"]
    assert statuses == ["304 NOT MODIFIED"]


def test_an_empty_body_is_closed_too() -> None:
    closed: list[str] = []

    assert WholeFiles(_app_with([], closed))({}, lambda s, h: None) == [b""]
    assert closed == ["closed"]
