"""Signing in through the municipality's OpenID provider (authorization code flow, Authlib)."""

from __future__ import annotations

from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from flask import redirect, render_template, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from learningpack.auth import bp
from learningpack.auth.limits import login_rate
from learningpack.auth.provider import (
    ID_TOKEN_HINT_MAX,
    PENDING_VIA_KEY,
    SESSION_ID_TOKEN_KEY,
    SESSION_MFA_KEY,
    SESSION_NEXT_KEY,
    SESSION_PROVIDER_KEY,
    provider_or_404,
)
from learningpack.auth.routes import complete_login, safe_next, start_second_step
from learningpack.config import OidcProvider
from learningpack.domain import sign_on
from learningpack.extensions import db, limiter
from learningpack.models import User
from learningpack.models.audit import record
from learningpack.output.labels import SIGN_ON_REFUSAL
from learningpack.web.access import public, start_page_for
from learningpack.web.read_only import writes_on_get

# A refused sign-in's page answers with this status.
_STATUS = {"unknown": 403, "inactive": 403, "anonymised": 403, "role": 403}


def _refused(
    provider: OidcProvider, reason: str, *, user: User | None = None, **detail: Any
) -> tuple[str, int]:
    """Audit the refusal and show the Danish page saying what to do."""
    db.session.rollback()
    record(
        "oidc_refused",
        actor=user,
        school_id=user.school_id if user is not None else None,
        provider=provider.name,
        reason=reason,
        **detail,
    )
    db.session.commit()
    text = SIGN_ON_REFUSAL.get(reason, SIGN_ON_REFUSAL["provider_error"])
    return render_template(
        "auth/oidc_refused.html",
        reason=reason,
        provider=provider,
        refusal_text=text,
        email=detail.get("email", ""),
    ), _STATUS.get(reason, 400)


@bp.get("/login/oidc/<provider>")
@writes_on_get  # a provider that cannot be reached is audited
@limiter.limit(login_rate)
@public
def oidc_start(provider: str) -> Response | tuple[str, int]:
    """Send the browser to the provider, with state, nonce and a PKCE challenge."""
    if current_user.is_authenticated:
        return redirect(url_for(start_page_for(current_user)))
    settings, client = provider_or_404(provider)
    session[SESSION_NEXT_KEY] = safe_next(request.args.get("next")) or ""
    callback = url_for("auth.oidc_callback", provider=settings.name, _external=True)
    try:
        return client.authorize_redirect(callback)  # type: ignore[no-any-return]
    except (requests.RequestException, ValueError, RuntimeError) as error:
        return _refused(settings, "provider_unavailable", error=type(error).__name__)


def _checked_token(settings: OidcProvider, client: Any) -> dict[str, Any] | tuple[str, int]:
    """The token response with the ID token checked by Authlib, or the refusal page."""
    try:
        token: dict[str, Any] = client.authorize_access_token()
    except MismatchingStateError:
        return _refused(settings, "state")
    except OAuthError as error:
        reason = "cancelled" if error.error == "access_denied" else "provider_error"
        return _refused(settings, reason, error=str(error.error or "")[:100])
    except JoseError as error:
        return _refused(settings, "token_invalid", error=str(getattr(error, "error", ""))[:100])
    except (requests.RequestException, ValueError, RuntimeError) as error:
        return _refused(settings, "provider_unavailable", error=type(error).__name__)
    if not token.get("userinfo"):
        return _refused(settings, "token_invalid", error="no id_token")
    return token


def _account_for(settings: OidcProvider, identity: sign_on.Identity) -> User | tuple[str, int]:
    """The signed-in account (linked and committed), or the refusal page."""
    for attempt in (1, 2):
        try:
            user = sign_on.sign_on(settings, identity)
            db.session.commit()
            return user
        except sign_on.SignOnRefused as refused:
            reason = refused.refusals[0]
            known = reason.params.get("user_id")
            # Who knocked, for the log: the account, or an unknown person's address.
            detail: dict[str, Any] = {"email": identity.email} if reason.code == "unknown" else {}
            actor = db.session.get(User, known) if known else None
            return _refused(settings, reason.code, user=actor, **detail)
        except IntegrityError:
            # The same person's first sign-in twice at once: the other request made the link.
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@bp.get("/login/oidc/<provider>/svar")
@writes_on_get  # the sign-in: links the identity, audits, logs in
@limiter.limit(login_rate)
@public
def oidc_callback(provider: str) -> Response | tuple[str, int]:
    """The provider sends the browser back: check everything, then sign in or refuse."""
    if current_user.is_authenticated:
        return redirect(url_for(start_page_for(current_user)))
    settings, client = provider_or_404(provider)
    token = _checked_token(settings, client)
    if isinstance(token, tuple):
        return token
    identity = sign_on.identity_from_claims(settings, token["userinfo"])
    found = _account_for(settings, identity)
    if isinstance(found, tuple):
        return found
    user = found
    target = safe_next(session.get(SESSION_NEXT_KEY)) or None
    mfa = sign_on.mfa_satisfied(settings, identity)
    id_token = str(token.get("id_token") or "")
    if not mfa and user.has_totp:
        # The provider did not vouch for a second factor: the app's own code step follows.
        response = start_second_step(user, target)
        session[PENDING_VIA_KEY] = settings.name
    else:
        response = complete_login(user, target, verb="oidc_login", provider=settings.name, mfa=mfa)
        session[SESSION_MFA_KEY] = mfa
    session[SESSION_PROVIDER_KEY] = settings.name
    if len(id_token) <= ID_TOKEN_HINT_MAX:
        session[SESSION_ID_TOKEN_KEY] = id_token
    return response
