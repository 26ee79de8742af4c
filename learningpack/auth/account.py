"""The own account page and the two-factor login step (links by e-mail: auth/links.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from learningpack.auth import bp
from learningpack.auth.account_forms import (
    ChangePasswordForm,
    CodeForm,
    PreferencesForm,
    TotpDisableForm,
    TotpSetupForm,
)
from learningpack.auth.limits import (
    account_failures,
    account_key,
    attempt_failed,
    counted_failures,
    login_rate,
)
from learningpack.auth.mail_settings import mail_section
from learningpack.auth.provider import (
    PENDING_VIA_KEY,
    SESSION_ID_TOKEN_KEY,
    SESSION_MFA_KEY,
    SESSION_PROVIDER_KEY,
    providers,
)
from learningpack.auth.routes import complete_login
from learningpack.domain import accounts, secretbox, twofactor
from learningpack.extensions import db, limiter
from learningpack.models import Role, User
from learningpack.models.audit import record
from learningpack.ops import metrics
from learningpack.reads.account import AccountReads, account_reads
from learningpack.web.access import public, role_required
from learningpack.web.fragment_cache import kept_whole_page, page_key
from learningpack.web.session_guard import PENDING_AT_KEY, PENDING_NEXT_KEY, PENDING_USER_KEY

SETUP_SECRET_KEY = "totp_setup_secret"
RECOVERY_SHOWN_KEY = "recovery_codes"
# The code step must follow the password step within this many seconds.
PENDING_SECONDS = 300
# Pages a PUF user without two-factor may still reach (the setup itself, logging out).
_ALLOWED_BEFORE_SETUP = {
    "auth.totp_setup",
    "auth.recovery_codes",
    "auth.logout",
    "auth.set_language",
    "main.accessibility",
    "main.health",
    "static",
}


def totp_required(user: User) -> bool:
    return user.role == Role.PUF and bool(current_app.config["REQUIRE_PUF_TOTP"])


@bp.before_app_request
def force_puf_totp_setup() -> Response | None:
    """A PUF user without two-factor sets it up before reaching any other page."""
    if (
        current_user.is_authenticated
        and not current_user.has_totp
        and totp_required(current_user)
        and not session.get(SESSION_MFA_KEY)
        and request.endpoint not in _ALLOWED_BEFORE_SETUP
    ):
        flash(_("Din konto skal have totrinsbekræftelse. Sæt den op nu."), "info")
        return redirect(url_for("auth.totp_setup"))
    return None


# --- the own account page -------------------------------------------------------------------


def _account_page(
    status: int = 200, seen: AccountReads | None = None, **forms: Any
) -> tuple[str, int]:
    user = current_user
    linked, choices = seen or account_reads(user)
    password_form = forms.get("password_form") or ChangePasswordForm(formdata=None)
    preferences_form = forms.get("preferences_form") or PreferencesForm(
        formdata=None, locale=user.locale
    )
    return render_template(
        "auth/account.html",
        password_form=password_form,
        preferences_form=preferences_form,
        disable_form=forms.get("disable_form") or TotpDisableForm(formdata=None),
        totp_locked=totp_required(user),
        linked=linked,
        has_password=bool(user.password_hash),
        providers=providers(),
        mail=mail_section(user, choices),
    ), status


@bp.get("/konto")
@role_required(Role.LEADER, Role.TEACHER, Role.PUF)
def account() -> tuple[str, int]:
    """The user's own account: password, language, two-factor, e-mails, sign-on.

    Kept (web/fragment_cache) under everything it shows: the user's row (loaded with the
    session) and what the page reads anyway, its sign-on links and e-mail choices."""
    user = current_user
    seen = account_reads(user)
    key = page_key(
        "account", user.email, user.role, bool(user.password_hash), user.has_totp,
        totp_required(user), tuple(seen.linked), tuple(seen.choices.items()),
    )  # fmt: skip
    return kept_whole_page(key, lambda: _account_page(seen=seen)[0]), 200


def _own_account_key() -> str:
    return f"own-password:{getattr(current_user, 'id', 'anonymous')}"


# Guessing the current password from a borrowed session is throttled like a login.
_password_guard = counted_failures("5 per 15 minutes", _own_account_key, attempt_failed)


@bp.post("/konto/adgangskode")
@_password_guard
@role_required(Role.LEADER, Role.TEACHER, Role.PUF)
def change_password() -> Response | tuple[str, int]:
    """Change one's own password; other sessions end, this one stays logged in."""
    user = db.session.get(User, current_user.id)
    assert user is not None
    form = ChangePasswordForm()
    form.user_email = user.email  # type: ignore[attr-defined]
    form.user_name = user.name  # type: ignore[attr-defined]
    if form.validate_on_submit():
        if not user.check_password(form.current_password.data or ""):
            form.current_password.errors = [_("Den nuværende adgangskode er forkert.")]
        else:
            accounts.change_password(user, form.password.data or "")
            db.session.commit()
            login_user(user)  # this session carries the new version; the others do not
            flash(_("Din adgangskode er skiftet. Du er logget ud alle andre steder."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(400, password_form=form)


@bp.post("/konto/sprog")
@role_required(Role.LEADER, Role.TEACHER, Role.PUF)
def preferences() -> Response | tuple[str, int]:
    """Save the preferred language."""
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _account_page(400, preferences_form=form)
    current_user.locale = form.locale.data
    session["lang"] = form.locale.data
    db.session.commit()
    with force_locale(form.locale.data):
        flash(_("Dit sprogvalg er gemt."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/konto/totrin", methods=["GET", "POST"])
@role_required(Role.LEADER, Role.TEACHER, Role.PUF)
def totp_setup() -> Response | tuple[str, int]:
    """Turn on two-factor: show the secret as text and QR, confirm with a code."""
    user = db.session.get(User, current_user.id)
    assert user is not None
    if user.has_totp:
        return redirect(url_for("auth.account"))
    # Kept encrypted in the (signed, not encrypted) session cookie until confirmed.
    stored = session.get(SETUP_SECRET_KEY)
    secret = secretbox.decrypt(stored) if stored else None
    if not secret:
        secret = twofactor.new_secret()
        session[SETUP_SECRET_KEY] = secretbox.encrypt(secret)
    form = TotpSetupForm()
    if form.validate_on_submit():
        codes = twofactor.enable(user, secret, form.code.data or "")
        if codes is not None:
            db.session.commit()
            login_user(user)  # this session carries the new version; every other one ends
            session.pop(SETUP_SECRET_KEY, None)
            # Shown once, on the next page; encrypted, as the cookie is signed, not encrypted.
            session[RECOVERY_SHOWN_KEY] = secretbox.encrypt(" ".join(codes))
            return redirect(url_for("auth.recovery_codes"))
        form.code.errors = [_("Koden passer ikke. Tjek uret på telefonen, og prøv igen.")]
    uri = twofactor.provisioning_uri(secret, user.email)
    return render_template(
        "auth/totp_setup.html",
        form=form,
        secret=secret,
        qr=twofactor.qr_svg(uri),
        required=totp_required(user),
    ), (400 if form.errors else 200)


@bp.get("/konto/totrin/gendannelseskoder")
@role_required(Role.LEADER, Role.TEACHER, Role.PUF)
def recovery_codes() -> Response | str:
    """The ten recovery codes, shown once right after setup."""
    stored = session.pop(RECOVERY_SHOWN_KEY, None)
    plain = secretbox.decrypt(stored) if isinstance(stored, str) else None
    if not plain:
        return redirect(url_for("auth.account"))
    codes = plain.split()
    return render_template("auth/recovery_codes.html", codes=codes)


@bp.post("/konto/totrin/slaa-fra")
@_password_guard
@role_required(Role.LEADER, Role.TEACHER, Role.PUF)
def totp_disable() -> Response | tuple[str, int]:
    """Turn off two-factor (not for PUF where it is required); needs the password."""
    user = db.session.get(User, current_user.id)
    assert user is not None
    if totp_required(user):
        abort(403)
    form = TotpDisableForm()
    if not form.validate_on_submit():
        return _account_page(400, disable_form=form)
    if not user.check_password(form.current_password.data or ""):
        form.current_password.errors = [_("Den nuværende adgangskode er forkert.")]
        return _account_page(400, disable_form=form)
    if user.has_totp:
        twofactor.disable(user)
        db.session.commit()
    flash(_("Totrinsbekræftelse er slået fra."), "success")
    return redirect(url_for("auth.account"))


# --- the two-factor login step ---------------------------------------------------------------


def _pending_user() -> User | None:
    marker = str(session.get(PENDING_USER_KEY, ""))
    started = session.get(PENDING_AT_KEY)
    user_id, _sep, version = marker.partition(":")
    if not user_id.isdigit() or not version.isdigit() or started is None:
        return None
    if datetime.now(UTC).timestamp() - float(started) > PENDING_SECONDS:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.may_log_in or user.session_version != int(version):
        return None
    return user


def _complete_code_step(user: User, target: str | None) -> Response:
    """Signed in after the code; a first step through a provider is audited (and kept for
    logout) as such."""
    via = session.get(PENDING_VIA_KEY)
    if not via:
        return complete_login(user, target)
    hint = session.get(SESSION_ID_TOKEN_KEY)
    response = complete_login(user, target, verb="oidc_login", provider=via, mfa=False)
    session[SESSION_PROVIDER_KEY] = via
    if hint:
        session[SESSION_ID_TOKEN_KEY] = hint
    return response


def _pending_key() -> str:
    user = _pending_user()
    # The same per-account bucket as the password step.
    return account_key(user.email if user else "none")


@bp.route("/login/kode", methods=["GET", "POST"])
@limiter.limit(login_rate, methods=["POST"])
@account_failures(_pending_key, attempt_failed)
@public
def login_code() -> Response | tuple[str, int]:
    """The second login step: a TOTP code or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING_USER_KEY, None)
        flash(_("Log ind med e-mail og adgangskode først."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        code = form.code.data or ""
        if twofactor.verify_code(user, code) or twofactor.use_recovery_code(user, code):
            target = session.get(PENDING_NEXT_KEY) or None
            return _complete_code_step(user, target)
        metrics.LOGIN_FAILURES.labels("code").inc()
        record("login_failed", actor=user, school_id=user.school_id, reason="code")
        db.session.commit()
        form.code.errors = [_("Koden er forkert eller allerede brugt. Prøv igen.")]
    return render_template("auth/login_code.html", form=form), (400 if form.errors else 200)
