"""Inputs that must never reach the database as they are: ids out of range, control characters.

* Every ``<int:…>`` in a route is bounded to what the database's integer ids hold (PostgreSQL
  ``integer``: up to 2^31 - 1). A larger id, or one with more digits than any id has, is a 404
  like any other unknown id, never an overflow (500) or a database error (503).
* An API query-string parameter with a control character (NUL above all, which PostgreSQL
  refuses in a text) is a 400. Pages' filter and other forms refuse them field by field, with a
  message (``web/forms.Form``).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from learningpack.api.errors import is_api_request

MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>``, at most :data:`MAX_ID` (and at most 10 digits, so no huge number is parsed)."""

    regex = r"\d{1,10}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _has_controls(text: str) -> bool:
    """Any control character (a query parameter has no use even for a line break or tab)."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


def refuse_control_characters_in_the_query() -> None:
    """API requests: 400 before any view. Pages validate their query strings with their own
    filter forms, which refuse control characters field by field with a message."""
    if not is_api_request():
        return
    for key, value in request.args.items(multi=True):
        if _has_controls(key) or _has_controls(value):
            abort(400)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: the bounded ``int`` converter and the query guard."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_control_characters_in_the_query)
