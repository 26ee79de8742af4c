"""The login rate limits, defined once for both login steps.

Per client address: ``LOGIN_RATE_LIMIT`` on every login-like POST. Per account: failed passwords
(the first step) and failed two-factor codes (the second) count together in one bucket.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from werkzeug.wrappers import Response

from learningpack.extensions import limiter
from learningpack.models import normalise_email

ACCOUNT_FAILURE_LIMIT = "5 per 15 minutes"
ACCOUNT_SCOPE = "login-account"


def login_rate() -> str:
    """The per-address limit on login-like POSTs (a setting)."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def attempt_failed(response: Response) -> bool:
    """Whether a login-like POST used up some of its budget: not when it succeeded (a
    redirect), nor when it was refused untried because the limit storage was away (503)."""
    return response.status_code not in (302, 503)


def account_key(email: str) -> str:
    """The account's failure bucket; bounded, so a huge e-mail field cannot make a huge key."""
    return f"{ACCOUNT_SCOPE}:{normalise_email(email)[:254]}"


def account_failures(
    key_func: Callable[[], str], deduct_when: Callable[[Response], bool]
) -> Callable[[Any], Any]:
    """The per-account failure limit for one login step; ``key_func`` gives ``account_key``."""
    return limiter.shared_limit(
        ACCOUNT_FAILURE_LIMIT,
        ACCOUNT_SCOPE,
        key_func=key_func,
        methods=["POST"],
        deduct_when=deduct_when,
    )
