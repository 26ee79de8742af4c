"""Errors on the API's paths, as JSON: {"status", "error", "message"}.

The HTML error pages (web/errors.py) ask here whether a request is an API request and for its
JSON answer; this module never asks them back.
"""

from __future__ import annotations

from typing import Any

from flask import Request, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from learningpack.web.error_messages import MESSAGES

API_PREFIX = "/api/"
ERROR_NAMES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_requests",
    500: "server_error",
}


def is_api_request(req: Request | None = None) -> bool:
    """Whether the request is for the JSON API (its errors are JSON too)."""
    return (req or request).path.startswith(API_PREFIX)


def error_response(status: int, message: str | None = None, headers: Any = None) -> Response:
    """A JSON error: {"status", "error", "message"}."""
    if message is None:
        title = MESSAGES.get(status, MESSAGES[500])[0]
        message = str(title)
    response = jsonify(
        {"status": status, "error": ERROR_NAMES.get(status, "error"), "message": message}
    )
    response.status_code = status
    if headers:
        for name, value in headers:
            if name.lower() != "content-type":
                response.headers[name] = value
    return response


def http_error_response(error: HTTPException) -> Response:
    """An HTTP error (404, 405, 429, …) on an API path, as JSON with its headers (Allow …)."""
    code = error.code or 500
    return error_response(code, headers=error.get_headers() if code != 500 else None)
