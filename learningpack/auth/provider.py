"""The OpenID providers of this app, as Authlib clients (one registry per app).

Authlib does the protocol: discovery, the authorization request with ``state``, ``nonce`` and
PKCE (S256), the code exchange, and the ID token's signature (the provider's JWKS), issuer,
audience, expiry and nonce. Nothing here checks a token by hand.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.flask_client import OAuth
from flask import Flask, abort, current_app
from flask.blueprints import BlueprintSetupState

from learningpack.auth import bp
from learningpack.config import OidcProvider

EXTENSION = "learningpack.oidc"
# Seconds to wait for the provider (discovery, keys, the token endpoint).
PROVIDER_TIMEOUT = 10
# The session keys of a sign-in through a provider: which one (for RP-initiated logout), the
# ID token as ``id_token_hint`` when it is small enough for the cookie, and whether the provider
# vouched for a second factor.
SESSION_PROVIDER_KEY = "oidc_provider"
SESSION_ID_TOKEN_KEY = "oidc_id_token"
SESSION_MFA_KEY = "oidc_mfa"
SESSION_NEXT_KEY = "oidc_next"
# Between the provider and the app's own code step: which provider the first step was.
PENDING_VIA_KEY = "pending_via"
ID_TOKEN_HINT_MAX = 1800


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def init_app(app: Flask) -> None:
    """Register each configured provider with Authlib."""
    providers: list[OidcProvider] = list(app.config.get("OIDC_PROVIDERS") or [])
    oauth = OAuth(app)
    clients: dict[str, tuple[OidcProvider, Any]] = {}
    for provider in providers:
        client = oauth.register(
            name=provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={
                "scope": provider.scope,
                "code_challenge_method": "S256",
                "default_timeout": PROVIDER_TIMEOUT,
            },
        )
        clients[provider.name] = (provider, client)
    app.extensions[EXTENSION] = clients
    # Logging out sends the browser on to the provider from a form: the CSP must allow it.
    app.config["CSP_FORM_ACTION_EXTRA"] = sorted({_origin(p.issuer) for p in providers})


@bp.record_once
def _register(state: BlueprintSetupState) -> None:
    init_app(state.app)  # type: ignore[arg-type]  # always a Flask app here


def providers() -> list[OidcProvider]:
    """The configured providers, in the order of the settings."""
    return [provider for provider, _client in current_app.extensions[EXTENSION].values()]


def provider_or_404(name: str) -> tuple[OidcProvider, Any]:
    found = current_app.extensions[EXTENSION].get(name)
    if found is None:
        abort(404)
    return found  # type: ignore[no-any-return]


def end_session_url(name: str, id_token: str | None, return_to: str) -> str | None:
    """The provider's RP-initiated logout URL, if it offers one (None otherwise, or if the
    provider cannot be reached: the app's own session is ended either way)."""
    found = current_app.extensions[EXTENSION].get(name)
    if found is None:
        return None
    provider, client = found
    try:
        metadata = client.load_server_metadata()
        if not metadata.get("end_session_endpoint"):
            return None
        result = client.create_logout_url(
            post_logout_redirect_uri=return_to,
            id_token_hint=id_token,
            client_id=provider.client_id,
        )
    except (requests.RequestException, ValueError):  # down or nonsense: log out here only
        current_app.logger.warning("OIDC provider %s: no logout URL", name, exc_info=True)
        return None
    return str(result["url"])
