"""Settings read from the environment, with safe defaults for development."""

from __future__ import annotations

import os
import re
import secrets
import sys
from dataclasses import dataclass
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


def engine_options(database_url: str, env: dict[str, str]) -> dict[str, Any]:
    """The connection pool: a connection that sat idle is tested before use (ops/pool.py, in
    place of pool_pre_ping's test at every checkout), so the app recovers by itself when the
    database comes back; SQL parameters (users' text) are kept out of error messages and logs;
    on PostgreSQL a connection attempt gives up after DB_CONNECT_TIMEOUT seconds, so a page
    answers 503 quickly while the database is away."""
    options: dict[str, Any] = {"pool_pre_ping": False, "hide_parameters": True}
    if database_url.startswith("postgresql"):
        timeout = int(env.get("DB_CONNECT_TIMEOUT", "5") or 5)
        options["connect_args"] = {"connect_timeout": timeout}
        options["pool_timeout"] = timeout
    return options


def storage_options(uri: str) -> dict[str, Any]:
    """The limit storage: its errors as one kind (limits' StorageError), and for Redis, bounded
    waits so that a request never hangs on an unreachable Redis."""
    options: dict[str, Any] = {"wrap_exceptions": True}
    if uri.startswith(("redis://", "rediss://")):
        options.update(socket_connect_timeout=1, socket_timeout=1)
    return options


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
    ratelimit_uri = env.get("RATELIMIT_STORAGE_URI", "memory://")

    config: dict[str, Any] = {
        "PRODUCTION": production,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url, env),
        # A pooled connection idle for longer than this is tested before use (ops/pool.py).
        "DB_PING_AFTER_IDLE": float(env.get("DB_PING_AFTER_IDLE", "10") or 10),
        # Shared storage (Redis) makes the limits hold across gunicorn workers; memory:// is
        # per process and only for development. If Redis is unreachable, a limited request
        # (a login, a reset, a password change) is refused with a 503 (web/errors.py): failing
        # closed, rather than each worker counting on its own or letting every attempt through.
        "RATELIMIT_STORAGE_URI": ratelimit_uri,
        "RATELIMIT_STORAGE_OPTIONS": storage_options(ratelimit_uri),
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "learningpack"),
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": False,
        "RATELIMIT_SWALLOW_ERRORS": False,
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Per API key (api/routes.py); `make bench` raises it to measure the API's own speed.
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "600 per minute"),
        # Behind a reverse proxy (nginx, a load balancer): how many proxies to trust for the
        # client's address and scheme. 0 (the default) trusts none: every request would otherwise
        # share the proxy's address, and one address's login limit would throttle everyone.
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0") or 0),
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
        "LANGUAGES": ("da", "en"),
        "CONTENT_DIR": env.get("CONTENT_DIR", str(data_dir("content"))),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Rendered page parts kept per worker while nothing they show has changed
        # (web/fragment_cache.py): at most this many characters; 0 keeps none.
        "FRAGMENT_CACHE_BYTES": int(env.get("FRAGMENT_CACHE_BYTES", str(32 * 1024 * 1024))),
        # The accessibility statement's contact (an e-mail address the municipality answers).
        "ACCESSIBILITY_CONTACT": env.get("ACCESSIBILITY_CONTACT", ""),
        # The knowledge bank's uploaded files: outside the web root (never under static/).
        "BANK_UPLOAD_DIR": env.get("BANK_UPLOAD_DIR", str(INSTANCE_DIR / "bank-files")),
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
        # Where links in reminder e-mails (`notify send`, run outside a request) point.
        "APP_URL": env.get("APP_URL", "http://127.0.0.1:5000"),
        # Reset mails go out after the answer, so it takes as long for every address.
        "MAIL_IN_BACKGROUND": True,
        "INVITE_VALID_FOR": timedelta(days=7),
        "RESET_VALID_FOR": timedelta(hours=1),
        # Client addresses in the audit log are removed after this long.
        "AUDIT_ADDRESS_RETENTION": timedelta(
            days=int(env.get("AUDIT_ADDRESS_RETENTION_DAYS", "30"))
        ),
        # Deleted records (meetings, actions, log entries…) are purged after this long.
        "DELETED_RECORD_RETENTION": timedelta(
            days=int(env.get("DELETED_RECORD_RETENTION_DAYS", "30"))
        ),
        # Two-factor sign-in for PUF: always in production; in development and the demo it is
        # on only when REQUIRE_PUF_TOTP is set, so `make run` lets a newcomer in as PUF.
        "REQUIRE_PUF_TOTP": production or _bool(env.get("REQUIRE_PUF_TOTP"), default=False),
        # The key the TOTP secrets are encrypted with (default: derived from SECRET_KEY).
        "TOTP_ENCRYPTION_KEY": env.get("TOTP_ENCRYPTION_KEY", ""),
        # Operations (deploy/README): one JSON object per log line (default in production),
        # Prometheus metrics at /metrics for a bearer token (empty: /metrics answers 404).
        "LOG_JSON": _bool(env.get("LOG_JSON"), default=production),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").upper(),
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        # Single sign-on (OpenID Connect): none configured means the login page is as before.
        "OIDC_PROVIDERS": oidc_providers(env, production),
        # Per deployment: no password sign-in for users who have an OIDC link (per school: a
        # leader's setting).
        "OIDC_DISABLE_PASSWORD_FOR_LINKED": _bool(env.get("OIDC_DISABLE_PASSWORD_FOR_LINKED")),
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


# --- single sign-on (OpenID Connect) ----------------------------------------------------------

_PROVIDER_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")
# The single-provider form (OIDC_ISSUER, OIDC_CLIENT_ID, …) is the provider of this name.
DEFAULT_PROVIDER = "default"


@dataclass(frozen=True)
class OidcProvider:
    """One OpenID provider the app trusts for sign-in, as the environment configures it."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    label: str = ""
    scope: str = "openid email profile"
    # The claim holding the e-mail used to find the invited account the first time.
    email_claim: str = "email"
    # E-mail domains whose addresses count as verified without ``email_verified`` (the
    # organisation owns the domain and the directory, as with Entra ID).
    email_domains: tuple[str, ...] = ()
    # A sign-in used MFA when ``amr`` holds one of these, or ``acr`` is one of those.
    mfa_amr: tuple[str, ...] = ("mfa",)
    mfa_acr: tuple[str, ...] = ()
    # The roles that may sign in through this provider (empty: every role).
    roles: tuple[str, ...] = ()

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def _words(value: str | None) -> tuple[str, ...]:
    return tuple(w.strip().lower() for w in (value or "").replace(" ", ",").split(",") if w.strip())


def _provider(env: dict[str, str], name: str, prefix: str, production: bool) -> OidcProvider:
    def get(key: str, default: str = "") -> str:
        return env.get(f"{prefix}{key}", default).strip()

    for key in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET"):
        if not get(key):
            raise ConfigError(f"{prefix}{key} must be set for the OpenID provider {name!r}.")
    issuer = get("ISSUER")
    if production and not issuer.startswith("https://"):
        raise ConfigError(f"{prefix}ISSUER must be an https:// URL in production.")
    roles = _words(get("ROLES"))
    unknown = set(roles) - {"puf", "leader", "teacher"}
    if unknown:
        raise ConfigError(f"{prefix}ROLES names unknown roles: {', '.join(sorted(unknown))}.")
    return OidcProvider(
        name=name,
        issuer=issuer,
        client_id=get("CLIENT_ID"),
        client_secret=get("CLIENT_SECRET"),
        label=get("LABEL"),
        scope=get("SCOPE", "openid email profile"),
        email_claim=get("EMAIL_CLAIM", "email"),
        email_domains=tuple(d.lstrip("@") for d in _words(get("EMAIL_DOMAINS"))),
        mfa_amr=_words(get("MFA_AMR", "mfa")),
        mfa_acr=tuple(w.strip() for w in get("MFA_ACR").split(",") if w.strip()),
        roles=roles,
    )


def oidc_providers(env: dict[str, str], production: bool = False) -> list[OidcProvider]:
    """The providers from ``OIDC_PROVIDERS=staff,puf`` (``OIDC_STAFF_ISSUER`` …), or the single
    provider of ``OIDC_ISSUER`` …; none when neither is set."""
    names = _words(env.get("OIDC_PROVIDERS"))
    if not names:
        if not env.get("OIDC_ISSUER", "").strip():
            return []
        return [_provider(env, DEFAULT_PROVIDER, "OIDC_", production)]
    providers = []
    for name in names:
        if not _PROVIDER_NAME.fullmatch(name) or names.count(name) > 1:
            raise ConfigError(f"OIDC_PROVIDERS: {name!r} is not a usable provider name.")
        prefix = f"OIDC_{name.upper().replace('-', '_')}_"
        providers.append(_provider(env, name, prefix, production))
    return providers
