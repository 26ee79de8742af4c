"""Security headers on every response (DESIGN.md §10): pages, redirects, errors, static files."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user
from werkzeug.wrappers import Response

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def _logged_in() -> bool:
    """Whether the request had a logged-in user, without failing while an error is handled."""
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # e.g. the database is what failed: treat as logged in (no caching)
        return True


def content_security_policy() -> str:
    """The CSP; forms may also lead to the configured sign-on providers (RP-initiated logout)."""
    extra = current_app.config.get("CSP_FORM_ACTION_EXTRA") or ()
    if not extra:
        return CSP
    return CSP.replace("form-action 'self'", "form-action 'self' " + " ".join(extra))


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    if current_app.config.get("PRODUCTION"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    # A logged-in user's pages hold a school's data: never kept by the browser or a proxy.
    # Static files (CSS, icons) are the same for everyone and may be cached.
    if request.endpoint != "static" and _logged_in():
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers.add("Vary", "Cookie")
    return response


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    app.after_request(set_security_headers)
