"""The login rate limits, defined once for both login steps.

Per client address: ``LOGIN_RATE_LIMIT`` on every login-like POST. Per account: failed passwords
(the first step) and failed two-factor codes (the second) count together in one bucket.

Every key built from what a visitor typed is bounded and hashed (:func:`input_key`), so the
shared storage holds 32 hex characters per key whatever was posted. Failures are counted
atomically: an attempt is reserved (one atomic increment) *before* the password or code is
checked, and given back only when it succeeded, so requests sent in parallel cannot get an
extra try between a check and a deduction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, make_response, request
from limits import parse
from werkzeug.wrappers import Response

from learningpack.extensions import limiter
from learningpack.models import normalise_email

ACCOUNT_FAILURE_LIMIT = "5 per 15 minutes"
ACCOUNT_SCOPE = "login-account"
# The longest e-mail address there is; anything longer shares one bucket.
MAX_INPUT = 254


def login_rate() -> str:
    """The per-address limit on login-like POSTs (a setting)."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def attempt_failed(response: Response) -> bool:
    """Whether a login-like POST used up some of its budget: not when it succeeded (a
    redirect), nor when it was refused untried because the limit storage was away (503)."""
    return response.status_code not in (302, 503)


def input_key(scope: str, value: str) -> str:
    """A rate-limit key from user input: normalised, bounded and hashed (never the input)."""
    normalised = normalise_email(value)
    if len(normalised) > MAX_INPUT:
        normalised = "\x00too-long"
    digest = hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{scope}:{digest}"


def account_key(email: str) -> str:
    """The account's failure bucket (a hash of the normalised e-mail)."""
    return input_key(ACCOUNT_SCOPE, email)


def counted_failures(
    limit: str, key_func: Callable[[], str], failed: Callable[[Response], bool]
) -> Callable[[Any], Any]:
    """At most ``limit`` failed POSTs per key: reserve an attempt atomically, run the view, give
    the attempt back when it succeeded. When the limiter's storage fails, refuse (503) unless
    the app is configured to swallow limiter errors (development)."""
    item = parse(limit)

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if request.method != "POST" or not limiter.enabled:
                return view(*args, **kwargs)
            prefix = str(current_app.config.get("RATELIMIT_KEY_PREFIX", ""))
            identifiers = (prefix, "failures", key_func())
            try:
                allowed = limiter.limiter.hit(item, *identifiers)
            except Exception:
                current_app.logger.exception("rate-limit storage failed")
                if current_app.config.get("RATELIMIT_SWALLOW_ERRORS"):
                    return view(*args, **kwargs)
                abort(503)
            if not allowed:
                abort(429)
            response = make_response(view(*args, **kwargs))
            if not failed(response):
                limiter.limiter.hit(item, *identifiers, cost=-1)
            return response

        return wrapped

    return decorator


def account_failures(
    key_func: Callable[[], str], deduct_when: Callable[[Response], bool]
) -> Callable[[Any], Any]:
    """The per-account failure limit for one login step; ``key_func`` gives ``account_key``."""
    return counted_failures(ACCOUNT_FAILURE_LIMIT, key_func, deduct_when)
