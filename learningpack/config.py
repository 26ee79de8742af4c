"""Settings read from the environment, with safe defaults for development."""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# Run from a checkout (``make run``, an editable install) or from an installed wheel.
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "templates").is_dir()
# The data folders: at the top of a checkout, inside the installed package (pyproject.toml's
# package-dir maps the one onto the other).
_PACKAGED = {"templates": "templates", "migrations": "migrations", "content": "content/data"}
# Local state (the development SQLite database): next to a checkout; for an installed app where
# Flask puts an installed package's instance folder, unless DATABASE_URL says otherwise.
INSTANCE_DIR = (
    PROJECT_ROOT / "instance" if IN_CHECKOUT else Path(sys.prefix) / "var" / "learningpack-instance"
)


def data_dir(name: str) -> Path:
    """The folder ``templates``, ``migrations`` or ``content``, wherever this copy keeps it."""
    return PROJECT_ROOT / name if IN_CHECKOUT else PACKAGE_DIR / _PACKAGED[name]


class ConfigError(RuntimeError):
    """The configuration cannot be used (e.g. production without a real secret key)."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgres://`` / ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables."""
    env = dict(os.environ if environ is None else environ)
    production = env.get("LEARNINGPACK_ENV", "development").lower() == "production"

    secret_key = env.get("SECRET_KEY", "")
    if production and (len(secret_key) < 32 or secret_key.startswith("dev")):
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(LEARNINGPACK_ENV=production)."
        )
    if not secret_key:
        # Development only: a fresh key per process. Sessions end when the server restarts.
        secret_key = secrets.token_hex(32)

    default_db = f"sqlite:///{INSTANCE_DIR / 'learningpack.sqlite'}"
    database_url = normalise_database_url(env.get("DATABASE_URL", default_db))

    config: dict[str, Any] = {
        "PRODUCTION": production,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Shared storage (Redis) makes the limits hold across gunicorn workers; memory:// is
        # per process and only for development. Production refuses to start when the storage
        # does not answer (ops/startup.py), and fails closed (503) if it goes away later:
        # no silent per-worker memory, no swallowed errors.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "learningpack"),
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": not production,
        "RATELIMIT_SWALLOW_ERRORS": not production,
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Behind a reverse proxy (nginx, a load balancer): how many proxies to trust for the
        # client's address and scheme. 0 (the default) trusts none: every request would otherwise
        # share the proxy's address, and one address's login limit would throttle everyone.
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0") or 0),
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
        "LANGUAGES": ("da", "en"),
        "CONTENT_DIR": env.get("CONTENT_DIR", str(data_dir("content"))),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        # Sessions: idle timeout through the permanent lifetime, absolute lifetime checked
        # against the login time stored in the session.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=2),
        "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=12),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "TESTING": False,
        # E-mail for invitations and password resets; without MAIL_SERVER, links are shown to
        # the inviter or written to the log for the operator.
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS"), default=True),
        "MAIL_FROM": env.get("MAIL_FROM", "laeringspakken@localhost"),
        # Reset mails go out after the answer, so it takes as long for every address.
        "MAIL_IN_BACKGROUND": True,
        "INVITE_VALID_FOR": timedelta(days=7),
        "RESET_VALID_FOR": timedelta(hours=1),
        # Client addresses in the audit log are removed after this long.
        "AUDIT_ADDRESS_RETENTION": timedelta(
            days=int(env.get("AUDIT_ADDRESS_RETENTION_DAYS", "30"))
        ),
        # Two-factor sign-in for PUF: always in production; in development and the demo it is
        # on only when REQUIRE_PUF_TOTP is set, so `make run` lets a newcomer in as PUF.
        "REQUIRE_PUF_TOTP": production or _bool(env.get("REQUIRE_PUF_TOTP"), default=False),
        # The key the TOTP secrets are encrypted with (default: derived from SECRET_KEY).
        "TOTP_ENCRYPTION_KEY": env.get("TOTP_ENCRYPTION_KEY", ""),
    }
    if production and config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        raise ConfigError(
            "RATELIMIT_STORAGE_URI must name shared storage (e.g. redis://127.0.0.1:6379/0) in "
            "production, so that login throttling holds across workers."
        )
    trusted = env.get("TRUSTED_HOSTS")
    if trusted:
        config["TRUSTED_HOSTS"] = [h.strip() for h in trusted.split(",") if h.strip()]
    elif production:
        raise ConfigError("TRUSTED_HOSTS must list the host names the app answers in production.")
    return config
