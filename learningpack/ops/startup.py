"""What production checks when it starts: it refuses to run on settings that would fail open.

* The rate limiter's shared storage (Redis) must answer: without it every worker would count
  logins in its own memory, and the limits would not hold. Production refuses to start.
* Without a mail server, password-reset links cannot reach their owner: production does not
  issue them (see ``reset_links_allowed``), and says so to the operator here.
"""

from __future__ import annotations

from flask import Flask, current_app

from learningpack.config import ConfigError
from learningpack.output.mail import mail_configured


def reset_links_allowed() -> bool:
    """Whether a reset link may be made: with mail configured, or outside production (where
    the link is written to the log for the developer)."""
    return not current_app.config["PRODUCTION"] or mail_configured()


def check_production(app: Flask) -> None:
    """Refuse to start production with unreachable limiter storage; warn about missing mail."""
    if not app.config["PRODUCTION"]:
        return
    from learningpack.extensions import limiter

    with app.app_context():
        if limiter.enabled and not _storage_answers(limiter):
            raise ConfigError(
                "The rate-limit storage (RATELIMIT_STORAGE_URI) does not answer. Production "
                "does not start without it: login throttling must hold across workers."
            )
        if not mail_configured():
            app.logger.warning(
                "MAIL_SERVER is not set: password-reset links are not issued in production. "
                "A user who forgot the password needs a new invitation from a leader or PUF."
            )


def _storage_answers(limiter: object) -> bool:
    try:
        return bool(limiter.storage.check())  # type: ignore[attr-defined]
    except Exception:
        return False
