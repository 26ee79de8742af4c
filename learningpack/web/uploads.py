"""Requests that may carry a file: a larger size limit, set before anything reads the body.

``MAX_CONTENT_LENGTH`` (2 MB) holds for every other request. A view that takes a file declares
its own limit with :func:`accepts_upload`; the limit is set before CSRF protection parses the
form, so that a file within it reaches the view (which then says so in words when the file
itself is too big), and a body over it is answered 413 before it is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request

F = TypeVar("F", bound=Callable[..., Any])
UPLOAD_LIMIT_ATTR = "upload_limit"


def accepts_upload(limit: int) -> Callable[[F], F]:
    """Let the view's requests be up to ``limit`` bytes (the form around the file included)."""

    def decorator(view: F) -> F:
        setattr(view, UPLOAD_LIMIT_ATTR, limit)
        return view

    return decorator


def _raise_limit_for_uploads() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, UPLOAD_LIMIT_ATTR, None)
    if limit is not None:
        request.max_content_length = limit


def init_app(app: Flask) -> None:
    # First of all before-request hooks: CSRF protection reads the form in its own.
    app.before_request_funcs.setdefault(None, []).insert(0, _raise_limit_for_uploads)
