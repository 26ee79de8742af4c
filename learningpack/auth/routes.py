"""Login, logout and the language switch."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from learningpack.auth import bp
from learningpack.auth.forms import LanguageForm, LoginForm
from learningpack.auth.limits import account_failures, account_key, attempt_failed, login_rate
from learningpack.auth.provider import (
    SESSION_ID_TOKEN_KEY,
    SESSION_PROVIDER_KEY,
    end_session_url,
    providers,
)
from learningpack.domain import sign_on
from learningpack.extensions import db, limiter
from learningpack.models import User, normalise_email
from learningpack.models.audit import record
from learningpack.ops import metrics
from learningpack.web.access import public, start_page_for
from learningpack.web.session_guard import (
    LOGIN_AT_KEY,
    PENDING_AT_KEY,
    PENDING_NEXT_KEY,
    PENDING_USER_KEY,
)

# Checked against when the e-mail is unknown, so a miss takes as long as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$dummysaltdummys$" + "0" * 128


def _account_key() -> str:
    return account_key(request.form.get("email", ""))


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate, methods=["POST"])
@account_failures(_account_key, attempt_failed)
@public
def login() -> str | Response:
    """Show the login form and log the user in."""
    if current_user.is_authenticated:
        return redirect(url_for(start_page_for(current_user)))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        email = normalise_email(form.email.data or "")
        user = db.session.scalar(select(User).where(User.email == email))
        password = form.password.data or ""
        if user is None or not user.password_hash:
            # An unknown address or an invitation not yet accepted: the same hashing work as a
            # real check, so the answer's timing does not tell which accounts exist.
            check_password_hash(_DUMMY_HASH, password)
            ok = False
        else:
            ok = user.check_password(password) and user.may_log_in
        password_off = (
            ok
            and user is not None
            and not sign_on.password_login_allowed(
                user, current_app.config["OIDC_DISABLE_PASSWORD_FOR_LINKED"]
            )
        )
        if ok and user is not None and not password_off:
            target = safe_next(form.next.data)
            if user.has_totp:
                return start_second_step(user, target)
            return complete_login(user, target)
        metrics.LOGIN_FAILURES.labels("password").inc()
        record(
            "login_failed",
            actor=user,
            school_id=user.school_id if user else None,
            email=email,
            reason=_failure_reason(user, password_off),
        )
        db.session.commit()
        if password_off:
            form.password.errors = [
                _("Din konto logger ind med kommunens login. Brug knappen ovenfor.")
            ]
        else:
            form.password.errors = [_("Forkert e-mail eller adgangskode. Prøv igen.")]
    return render_template("auth/login.html", form=form, providers=providers())


def _failure_reason(user: User | None, password_off: bool) -> str:
    if password_off:
        return "password_off"
    if user is not None and not user.may_log_in:
        return "inactive"
    return "credentials"


def complete_login(
    user: User, target: str | None, verb: str = "login", notice: str = "", **detail: object
) -> Response:
    """Log the user in on a fresh session, audit it as ``verb``, and send them on (with a
    ``notice`` to show on arrival)."""
    lang = session.get("lang")
    session.clear()  # a fresh session at login
    if lang:
        session["lang"] = lang
    login_user(user)
    session.permanent = True
    session[LOGIN_AT_KEY] = datetime.now(UTC).timestamp()
    user.last_login_at = datetime.now(UTC)
    record(verb, actor=user, obj=user, school_id=user.school_id, **detail)
    db.session.commit()
    if notice:
        flash(notice, "success")
    return redirect(target or url_for(start_page_for(user)))


def start_second_step(user: User, target: str | None) -> Response:
    """The password was right and the account has TOTP: ask for the code (not logged in yet)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[PENDING_USER_KEY] = f"{user.id}:{user.session_version}"
    session[PENDING_AT_KEY] = datetime.now(UTC).timestamp()
    session[PENDING_NEXT_KEY] = target or ""
    return redirect(url_for("auth.login_code"))


@bp.post("/logout")
@public
def logout() -> Response:
    """Log out and end this user's sessions everywhere (and at the provider, where it offers)."""
    provider = session.get(SESSION_PROVIDER_KEY) if current_user.is_authenticated else None
    id_token = session.get(SESSION_ID_TOKEN_KEY)
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        if user is not None:
            user.end_sessions()
            record("logout", actor=user, obj=user, school_id=user.school_id)
            db.session.commit()
        logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Du er logget ud."), "info")
    if provider:
        back = url_for("auth.login", _external=True)
        url = end_session_url(str(provider), id_token or None, back)
        if url:
            return redirect(url)
    return redirect(url_for("auth.login"))


@bp.post("/sprog/<code>")
@public
def set_language(code: str) -> Response:
    """Switch the interface language (and remember it for the logged-in user)."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session["lang"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    back = safe_next(request.form.get("back")) or url_for("main.index")
    return redirect(back)
